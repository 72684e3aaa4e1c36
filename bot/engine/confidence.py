"""How sure the engine is that an entry answers a message: a probability, learned from data.

Raw similarity scores are not confidences: on a long natural message the blended score drops
although the first candidate is still right, and on a short message one shared word can score
high. So each candidate (the index's best few, and the second opinion's) is described by the
signals the engine already computes — its score and lead, how much of the message its entry
explains, unknown words, length, question words, place cues, the second opinion's similarity and
whether both agree — and a logistic model turns them into P(this entry is the right answer).

The model and its decision levels are learned by ``python -m bot train``
(:mod:`bot.engine.training`) and kept, small and versioned, in
``knowledge/training/confidence.json``; this module only applies them (no learning library at
run time).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.engine.intents import QUESTION_WORDS
from bot.engine.matching import FaqIndex, Match
from bot.engine.second_opinion import OUT_OF_SCOPE, CentroidModel

MODEL_FILE = Path("training") / "confidence.json"
FORMAT = 1
FEATURES = (
    "score", "lead", "top_of_index", "entry_share", "phrasing_share",
    "matched_terms", "single_term", "best_matched_idf", "best_missed_idf", "unknown_share",
    "terms", "chars", "question_word", "question_mark", "location", "place_cue", "place_search",
    "similarity", "similarity_lead", "top_of_second", "out_of_scope", "over_out_of_scope",
    "both_agree",
)


@dataclass(frozen=True, slots=True)
class Judgement:
    """One candidate entry and the probability that it is the right answer."""

    entry_id: str
    probability: float  # 0–1
    score: float  # the index's blended score, 0–100 (0 when only the second opinion saw it)


@dataclass(frozen=True, slots=True)
class Calibrator:
    """A logistic model over :data:`FEATURES`, with the decision levels chosen for it."""

    coefficients: tuple[float, ...]
    intercept: float
    answer_at: float  # answer when the best candidate is at least this likely…
    clarify_at: float  # …offer « Vouliez-vous dire… » from here, else say so honestly
    fingerprint: str = ""  # of the phrasings it was trained on (``bot check`` compares)

    def probability(self, features: Sequence[float]) -> float:
        z = self.intercept + sum(c * f for c, f in zip(self.coefficients, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: Path) -> Calibrator:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{path}: modèle d'un autre format, relancez « python -m bot train »")
        return cls(
            coefficients=tuple(float(c) for c in data["coefficients"]),
            intercept=float(data["intercept"]),
            answer_at=float(data["answer_at"]),
            clarify_at=float(data["clarify_at"]),
            fingerprint=str(data.get("fingerprint", "")),
        )


def fingerprint(phrasings: dict[str, Sequence[str]], negatives: Sequence[str]) -> str:
    """What the model depends on: the phrasings of every entry and the negatives."""
    h = hashlib.sha256()
    for entry_id in sorted(phrasings):
        h.update(entry_id.encode())
        for text in phrasings[entry_id]:
            h.update(b"\x1f" + text.encode())
    for text in negatives:
        h.update(b"\x1e" + text.encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decision knows about one message, for :func:`candidate_features`."""

    text: str
    words: Sequence[str]
    terms: Sequence[str]  # stems, location term excluded
    matches: Sequence[Match]  # the index's, best first (FAQ entries only)
    location: bool
    place_cue: bool
    search_score: float


def candidate_features(ev: Evidence, index: FaqIndex, second: CentroidModel,
                       limit: int = 4) -> list[tuple[str, list[float], float]]:
    """(entry, features, index score) for the index's best candidates."""
    matches = list(ev.matches[:limit])
    if not matches:
        return []
    labels = [m.entry_id for m in matches]
    sims = second.similarities(second.query(ev.text), [*labels, OUT_OF_SCOPE])
    out_of_scope = sims.pop(OUT_OF_SCOPE)
    best_sim = max(sims, key=sims.__getitem__)
    terms = list(dict.fromkeys(ev.terms))
    weights = {t: index.idf(t) for t in terms}
    total = sum(weights.values()) or 1.0
    unknown = sum(1 for t in terms if not index.knows(t))
    words = set(ev.words)
    shared = [
        math.log1p(len(terms)),
        math.log1p(len(ev.text)),
        float(bool(QUESTION_WORDS & words)),
        float("?" in ev.text),
        float(ev.location),
        float(ev.place_cue),
        ev.search_score / 100,
    ]
    rows = []
    for rank, m in enumerate(matches):
        union = index.entry_terms(m.entry_id)
        phrasing = index.stems_of(m.phrasing)
        matched = [t for t in terms if t in union]
        on_phrasing = sum(weights[t] for t in terms if t in phrasing)
        phrasing_weight = sum(index.idf(t) for t in phrasing) or 1.0
        others = [x.score for x in matches if x.entry_id != m.entry_id]
        other_sims = [s for e, s in sims.items() if e != m.entry_id]
        sim = sims[m.entry_id]
        features = [
            m.score / 100,
            (m.score - max(others, default=0.0)) / 100,
            float(rank == 0),
            sum(weights[t] for t in matched) / total,
            on_phrasing / phrasing_weight,
            math.log1p(len(matched)),
            float(len(matched) <= 1),
            max((weights[t] for t in matched), default=0.0) / 10,
            max((weights[t] for t in terms if t not in union), default=0.0) / 10,
            unknown / max(len(terms), 1),
            *shared,
            sim,
            sim - max(other_sims, default=0.0),
            float(m.entry_id == best_sim),
            out_of_scope,
            sim - out_of_scope,
            float(rank == 0 and m.entry_id == best_sim),
        ]
        rows.append((m.entry_id, features, m.score))
    return rows


def judge(ev: Evidence, index: FaqIndex, second: CentroidModel,
          calibrator: Calibrator) -> list[Judgement]:
    """Every candidate with its probability, most likely first."""
    judged = [
        Judgement(entry_id, calibrator.probability(features), score)
        for entry_id, features, score in candidate_features(ev, index, second)
    ]
    return sorted(judged, key=lambda j: (-j.probability, -j.score))
