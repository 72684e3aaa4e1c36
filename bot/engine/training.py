"""Learn the confidence model from the knowledge itself (``python -m bot train``).

Training data, regenerated from any knowledge base:

* every phrasing held out (5 folds) and asked against the rest — the right entry is known;
* out-of-scope and small-talk messages written for the purpose
  (``knowledge/training/negatives.yaml``, held out the same way) — no entry is right;
* labelled sets given on the command line (the project's regression sets in ``eval/``).

A logistic regression (scikit-learn) turns each candidate's signals into P(right). The decision
levels are then chosen on out-of-fold probabilities, a wrong answer costing
:data:`WRONG_COST` times a missed one, never on the set used to fit. Everything is seeded: the
same knowledge gives the same model.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.engine.confidence import (
    FEATURES,
    FORMAT,
    MODEL_FILE,
    Calibrator,
    candidate_features,
    fingerprint,
)
from bot.engine.reading import (
    NEAR_MISSES_FILE,
    Matchers,
    build_matchers,
    entry_phrasings,
    load_negatives,
    read,
    training_negatives,
)
from bot.engine.smalltalk import SmallTalk
from bot.knowledge import Knowledge

FOLDS = 5
SEED = 92
REPEATS = 3  # fold splits pooled to choose the levels
# A wrong answer is worth this many unanswered questions: a product choice. Real people's
# questions are where wrong answers happen (the regression sets real-questions-152 and -c-123:
# 7.9 % and 5.7 % wrong at 4, 9.9 % and 6.5 % at 3, for the 5 %), so 4, although at 3
# spec-style and persona reach their floors (0.930 / 0.881 against 0.910 / 0.876, no wrong
# answer either way). Measured 2026-12-02. Break-even: answer from P = cost / (cost + 1).
WRONG_COST = 4.0
REGULARISATION = 0.3  # chosen by cross-validated gain on 2026-12-02 (0.1: 1207, 0.3: 1236, 1: 1219)
SMOOTHING = 0.05  # half-width of the window the answer level's gain is averaged over
TOLERANCE = 0.01  # gains this close to the best are equal, given the noise of the folds


class TrainingError(ValueError):
    """The knowledge gives too little to learn from (said in French)."""


@dataclass(frozen=True, slots=True)
class Row:
    group: int  # one message
    fold: int
    expected: str | None  # None: out of scope
    entry_id: str
    features: list[float]

    @property
    def right(self) -> bool:
        return self.entry_id == self.expected


def labelled_items(paths: Iterable[Path]) -> list[tuple[str, str | None]]:
    """(message, expected id or None) from evaluation-format files; places/small talk skipped."""
    out: list[tuple[str, str | None]] = []
    for path in paths:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            expect = item.get("expect")
            if isinstance(expect, str) and expect != "smalltalk":
                out.append((str(item["q"]), None if expect == "none" else expect))
    return out


def _rows(m: Matchers, messages: Sequence[tuple[str, str | None]], fold: int,
          first_group: int, smalltalk: SmallTalk) -> list[Row]:
    rows: list[Row] = []
    for offset, (text, expected) in enumerate(messages):
        if smalltalk.detect(text):
            continue
        ev = read(m, text).evidence
        for entry_id, features, _ in candidate_features(ev, m.index, m.second):
            rows.append(Row(first_group + offset, fold, expected, entry_id, features))
    return rows


def training_rows(knowledge: Knowledge, extra: Sequence[tuple[str, str | None]] = (),
                  seed: int = SEED) -> list[Row]:
    """Held-out phrasings and negatives (by fold), then the extra labelled messages."""
    rng = random.Random(seed)
    phrasings = entry_phrasings(knowledge)
    negatives = load_negatives(knowledge)
    smalltalk = SmallTalk(knowledge.smalltalk)
    ph_folds = {(e, i): rng.randrange(FOLDS) for e, texts in phrasings.items()
                for i in range(len(texts))}
    neg_folds = [rng.randrange(FOLDS) for _ in negatives]
    near_misses = load_negatives(knowledge, NEAR_MISSES_FILE)
    near_folds = [rng.randrange(FOLDS) for _ in near_misses]
    rows: list[Row] = []
    group = 0
    for fold in range(FOLDS):
        # the canonical question (index 0) and the keywords (last) always stay in
        kept = {
            e: [t for i, t in enumerate(texts)
                if i in (0, len(texts) - 1) or ph_folds[e, i] != fold]
            for e, texts in phrasings.items()
        }
        held = [(t, e) for e, texts in phrasings.items() for i, t in enumerate(texts)
                if i not in (0, len(texts) - 1) and ph_folds[e, i] == fold]
        held += [(t, None) for t, f in zip(negatives, neg_folds, strict=True) if f == fold]
        held += [(t, None) for t, f in zip(near_misses, near_folds, strict=True) if f == fold]
        train_negatives = [t for t, f in zip(negatives, neg_folds, strict=True) if f != fold]
        m = build_matchers(knowledge, kept, train_negatives)
        rows += _rows(m, held, fold, group, smalltalk)
        group += len(held)
    full = build_matchers(knowledge)
    extra_rows = _rows(full, list(extra), -1, group, smalltalk)
    for r in extra_rows:  # spread the extra messages over the folds too, for the CV below
        rows.append(Row(r.group, r.group % FOLDS, r.expected, r.entry_id, r.features))
    return rows


def _fit(rows: Sequence[Row]) -> Calibrator:
    """Logistic regression on standardised features (so that the regularisation weighs every
    signal alike, whatever its scale: a length in log-characters, a share in 0–1), folded back
    onto the raw features."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression  # only when training
    from sklearn.preprocessing import StandardScaler

    x = np.asarray([r.features for r in rows], dtype=np.float64)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit((x - scaler.mean_) / scale, [int(r.right) for r in rows])
    weights = model.coef_[0] / scale
    # levels are chosen afterwards (:func:`choose_levels`); the runtime's own formula applies it
    return Calibrator(tuple(float(w) for w in weights),
                      float(model.intercept_[0] - weights @ scaler.mean_),
                      answer_at=1.0, clarify_at=1.0)


def _best_per_group(rows: Sequence[Row], probs: Sequence[float]) -> list[tuple[float, bool, bool, bool]]:
    """Per message: (best probability, best is right, out of scope, right entry in top 3)."""
    by_group: dict[int, list[tuple[float, Row]]] = {}
    for r, p in zip(rows, probs, strict=True):
        by_group.setdefault(r.group, []).append((p, r))
    out = []
    for cands in by_group.values():
        cands.sort(key=lambda pr: -pr[0])
        p, best = cands[0]
        out.append((p, best.right, best.expected is None,
                    any(r.right for _, r in cands[:3])))
    return out


def choose_levels(groups: Sequence[tuple[float, bool, bool, bool]]) -> tuple[float, float]:
    """The answer and clarify levels that do best on out-of-fold probabilities."""
    grid = [i / 100 for i in range(5, 100)]

    def gain(answer_at: float) -> float:
        return sum((1.0 if ok else -WRONG_COST) for p, ok, _, _ in groups if p >= answer_at)

    # The gain curve is flat near its top, so its raw maximum jumps by 0.1 when a handful of
    # messages change: the level is chosen on the curve averaged over ±SMOOTHING.
    gains = [gain(t) for t in grid]
    k = round(SMOOTHING * 100)
    smooth = [sum(gains[max(0, i - k):i + k + 1]) / len(gains[max(0, i - k):i + k + 1])
              for i in range(len(grid))]
    # Every level whose averaged gain is within TOLERANCE of the best does as well on this
    # data; the middle of that plateau moves little when a phrasing changes (its edge or its
    # highest point can jump from one end to the other).
    best = max(smooth)
    plateau = [t for t, g in zip(grid, smooth, strict=True) if g >= best - TOLERANCE * abs(best)]
    answer_at = plateau[len(plateau) // 2]

    def usefulness(clarify_at: float) -> float:
        # a clarification helps when the right entry is among its buttons, and wastes the
        # user's time otherwise (out of scope, or the right entry absent)
        return sum((1.0 if top3 and not oos else -1.0)
                   for p, ok, oos, top3 in groups if clarify_at <= p < answer_at)

    clarify_at = max((t for t in grid if t < answer_at), key=lambda t: (usefulness(t), t),
                     default=answer_at)
    return answer_at, clarify_at


def reliability(groups: Sequence[tuple[float, bool, bool, bool]],
                edges: Sequence[float] = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01)) -> list[dict]:
    """Stated confidence against observed accuracy, per band."""
    table = []
    for lo, hi in itertools.pairwise(edges):
        band = [(p, ok) for p, ok, _, _ in groups if lo <= p < hi]
        if band:
            table.append({
                "band": f"{lo:.1f}–{min(hi, 1.0):.1f}",
                "messages": len(band),
                "stated": round(sum(p for p, _ in band) / len(band), 3),
                "observed": round(sum(ok for _, ok in band) / len(band), 3),
            })
    return table


def cross_validate(rows: Sequence[Row]) -> list[float]:
    """Out-of-fold probabilities, each row predicted by a model that never saw its fold."""
    probs = [0.0] * len(rows)
    for fold in range(FOLDS):
        train = [r for r in rows if r.fold != fold]
        test = [i for i, r in enumerate(rows) if r.fold == fold]
        if not test:
            continue
        if len({r.right for r in train}) < 2:  # a tiny knowledge: the base rate is all we know
            rate = sum(r.right for r in train) / max(len(train), 1)
            for i in test:
                probs[i] = rate
            continue
        model = _fit(train)
        for i, p in zip(test, [model.probability(rows[i].features) for i in test],
                        strict=True):
            probs[i] = float(p)
    return probs


def train(knowledge: Knowledge, extra: Sequence[tuple[str, str | None]] = ()) -> dict:
    """The confidence model as the JSON-ready dictionary written to :data:`MODEL_FILE`."""
    rows = training_rows(knowledge, extra)
    if len({r.right for r in rows}) < 2:
        raise TrainingError(
            "Pas assez d'exemples pour apprendre : il faut des formulations qui se ressemblent "
            "d'une entrée à l'autre et des messages hors sujet (knowledge/training/negatives.yaml)."
        )
    # The levels come from the out-of-fold probabilities of REPEATS different fold splits
    # pooled: with one split, moving a phrasing from one entry to another moved the answer
    # level by 0.05 (the gain curve is flat near its top, and one split's noise decided).
    groups = _best_per_group(rows, cross_validate(rows))
    for repeat in range(1, REPEATS):
        again = training_rows(knowledge, extra, seed=SEED + repeat)
        groups += _best_per_group(again, cross_validate(again))
    answer_at, clarify_at = choose_levels(groups)
    answered = [(ok, oos) for p, ok, oos, _ in groups if p >= answer_at]
    model = _fit(rows)
    return {
        "format": FORMAT,
        "features": list(FEATURES),
        "coefficients": [round(c, 6) for c in model.coefficients],
        "intercept": round(model.intercept, 6),
        "answer_at": answer_at,
        "clarify_at": clarify_at,
        "fingerprint": fingerprint(entry_phrasings(knowledge), training_negatives(knowledge)),
        "trained_on": {
            "messages": len(groups) // REPEATS,
            "out_of_scope": sum(oos for _, _, oos, _ in groups) // REPEATS,
            "candidates": len(rows),
        },
        "cross_validation": {  # pooled over the REPEATS fold splits
            "splits": REPEATS,
            "answered": len(answered),
            "right": sum(ok for ok, _ in answered),
            "wrong": sum(not ok for ok, _ in answered),
            "messages": len(groups),
        },
        "reliability": reliability(groups),
    }


def write_model(model: dict, knowledge_path: Path) -> Path:
    path = knowledge_path / MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
