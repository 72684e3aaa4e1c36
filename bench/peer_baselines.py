"""The engine against the peers of the engine issue, on the same knowledge and the same sets.

Peers, trained on the knowledge's own phrasings (every phrasing and the keywords of each entry,
as the engine sees them), each answering its best entry when its confidence clears a threshold
and abstaining otherwise:

* ``tfidf-lr`` — a TF-IDF (words and word pairs + character 3–5-grams within words, sublinear)
  logistic-regression intent classifier, the best peer of the issue;
* ``nearest`` — the entry of the nearest phrasing by cosine over character 3–5-grams.

Each peer's threshold is **tuned on the evaluation set itself** (the best decision accuracy it
can reach there), an advantage the engine does not get: its levels come from cross-validation
on its training data. Scored on FAQ-id and out-of-scope items as ``shared/eval/score.py`` scores
decision accuracy (places and small talk are the engine's own business and left out).

usage: python bench/peer_baselines.py [SET.yaml ...]   (default: the held-out sets of eval/)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

from bot.engine.holder import KnowledgeHolder
from bot.engine.reading import entry_phrasings
from bot.engine.reply import ReplyKind
from bot.engine.training import labelled_items
from bot.knowledge import default_knowledge_path

HELD_OUT = ("blind-2026-c-256.yaml", "blind-2026-d-264.yaml", "real-questions-d-143.yaml",
            "real-questions-e-40.yaml", "real-questions-f-99.yaml", "real-questions-g-64.yaml")


def decision(predicted: list[str | None], expected: list[str | None]) -> tuple[float, float]:
    """Decision accuracy and wrong-answer rate (None: abstained)."""
    right = sum(p == e if e is not None else p is None for p, e in zip(predicted, expected,
                                                                       strict=True))
    wrong = sum(p is not None and p != e for p, e in zip(predicted, expected, strict=True))
    return right / len(expected), wrong / len(expected)


def best_threshold(labels: list[str], confidence: np.ndarray,
                   expected: list[str | None]) -> tuple[float, float, float]:
    """The threshold that gives the peer its best decision accuracy on this very set."""
    best = (-1.0, 0.0, 0.0)
    for t in np.unique(np.concatenate([confidence, [np.inf]])):
        acc, wrong = decision([lab if c >= t else None for lab, c in
                               zip(labels, confidence, strict=True)], expected)
        if acc > best[0]:
            best = (acc, wrong, float(t))
    return best


def peers(texts: list[str], classes: list[str]) -> dict:
    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                            strip_accents="unicode")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                            strip_accents="unicode")
    lr = make_pipeline(make_union(words, chars), LogisticRegression(C=10, max_iter=5000))
    lr.fit(texts, classes)
    nearest = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                              strip_accents="unicode").fit(texts)
    matrix = nearest.transform(texts)

    def tfidf_lr(messages: list[str]) -> tuple[list[str], np.ndarray]:
        proba = lr.predict_proba(messages)
        return list(lr.classes_[proba.argmax(axis=1)]), proba.max(axis=1)

    def nearest_phrasing(messages: list[str]) -> tuple[list[str], np.ndarray]:
        sims = (nearest.transform(messages) @ matrix.T).toarray()
        return [classes[i] for i in sims.argmax(axis=1)], sims.max(axis=1)

    return {"tfidf-lr": tfidf_lr, "nearest": nearest_phrasing}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="The engine against its peers, per set.")
    parser.add_argument("sets", nargs="*", type=Path,
                        help="evaluation sets (default: the held-out ones)")
    root = Path(__file__).resolve().parents[1]
    sets = parser.parse_args(argv).sets or [root / "eval" / name for name in HELD_OUT]
    engine = KnowledgeHolder(default_knowledge_path()).engine
    phrasings = entry_phrasings(engine.knowledge)
    texts = [t for texts in phrasings.values() for t in texts]
    classes = [e for e, texts in phrasings.items() for _ in texts]
    models = peers(texts, classes)
    print(f"{'set':<28}{'bot':<10}{'decision':>9}{'wrong':>8}  threshold")
    for path in sets:
        items = labelled_items([path])  # FAQ ids and out of scope, as decision accuracy counts
        messages, expected = [q for q, _ in items], [e for _, e in items]
        replies = [engine.reply(q) for q in messages]
        ours = decision([r.entry_id if r.kind is ReplyKind.ANSWER else None for r in replies],
                        expected)
        print(f"{path.name:<28}{'engine':<10}{ours[0]:>9.3f}{ours[1]:>8.3f}  (its own levels)")
        best_peer = 0.0
        for name, model in models.items():
            labels, confidence = model(messages)
            acc, wrong, t = best_threshold(labels, confidence, expected)
            best_peer = max(best_peer, acc)
            print(f"{'':<28}{name:<10}{acc:>9.3f}{wrong:>8.3f}  {t:.3f} (tuned on this set)")
        print(f"{'':<28}engine / best peer: {ours[0] / best_peer:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
