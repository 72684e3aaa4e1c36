"""A second opinion on which entry a message asks about: TF-IDF centroids over word and
character n-grams.

The blended index (:mod:`bot.engine.matching`) ranks well, but its raw score says little about
long or reworded messages. This model reads the same message through other eyes — n-grams of
the folded words, so that typos and word forms still share features — and compares it with the
centroid of each entry's phrasings. When both opinions agree they are almost always right; that
agreement, and the distance to the « out of scope » centroid built from messages written for the
purpose (``knowledge/training/negatives.yaml``), are what the confidence model learns from.

It needs no training: the centroids are rebuilt from the knowledge at start-up, so they never go
stale after a staff edit. Only the candidates the index proposes are scored, so the cost per
message does not grow with the size of the knowledge.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

OUT_OF_SCOPE = "__hors_sujet__"
_NGRAM_SIZES = (3, 4, 5)


def ngram_features(words: Sequence[str]) -> list[str]:
    """Words, word pairs, and the character 3–5-grams of each word padded with spaces."""
    feats = list(words)
    feats += [f"{a} {b}" for a, b in itertools.pairwise(words)]
    for w in words:
        feats += _char_ngrams(w)
    return feats


_char_cache: dict[str, tuple[str, ...]] = {}


def _char_ngrams(word: str) -> tuple[str, ...]:
    grams = _char_cache.get(word)
    if grams is None:
        padded = f" {word} "
        grams = tuple(
            "#" + padded[i : i + n]
            for n in _NGRAM_SIZES
            for i in range(max(1, len(padded) - n + 1))
        )
        if len(_char_cache) < 200_000:
            _char_cache[word] = grams
    return grams


class CentroidModel:
    """Cosine similarity between a message and the l2-normalised centroid of each class."""

    def __init__(self, texts: Mapping[str, Iterable[str]],
                 words: Callable[[str], list[str]]) -> None:
        """``texts``: class → its example messages; ``words``: the engine's normalisation."""
        self._words = words
        bags: list[tuple[str, Counter[str]]] = []
        df: Counter[str] = Counter()
        for label, examples in texts.items():
            for text in examples:
                bag = Counter(ngram_features(words(text)))
                if bag:
                    bags.append((label, bag))
                    df.update(bag.keys())
        n = len(bags) + 1
        # scikit-learn's smooth idf, so that the figures match a TfidfVectorizer
        self._idf = {f: math.log(n / (d + 1)) + 1.0 for f, d in df.items()}
        self._columns = {f: i for i, f in enumerate(sorted(df))}
        sums: dict[str, dict[int, float]] = {}
        for label, bag in bags:
            vec = self._vector(bag)
            acc = sums.setdefault(label, {})
            for col, value in vec.items():
                acc[col] = acc.get(col, 0.0) + value
        self._centroids: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for label, acc in sums.items():
            cols = np.fromiter(sorted(acc), dtype=np.int64, count=len(acc))
            values = np.array([acc[c] for c in cols.tolist()], dtype=np.float64)
            norm = float(np.linalg.norm(values)) or 1.0
            self._centroids[label] = (cols, values / norm)

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(self._centroids)

    def _vector(self, bag: Counter[str]) -> dict[int, float]:
        raw = {
            self._columns[f]: (1.0 + math.log(c)) * self._idf[f]
            for f, c in bag.items()
            if f in self._columns
        }
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {col: v / norm for col, v in raw.items()}

    def query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The message as sorted column indices and tf-idf values (l2-normalised)."""
        vec = self._vector(Counter(ngram_features(self._words(text))))
        cols = np.fromiter(sorted(vec), dtype=np.int64, count=len(vec))
        return cols, np.array([vec[c] for c in cols.tolist()], dtype=np.float64)

    def similarities(self, query: tuple[np.ndarray, np.ndarray],
                     labels: Iterable[str]) -> dict[str, float]:
        """Cosine of the message with each of ``labels`` (0 for an unknown label)."""
        q_cols, q_values = query
        out: dict[str, float] = {}
        for label in labels:
            centroid = self._centroids.get(label)
            if centroid is None or not len(q_cols):
                out[label] = 0.0
                continue
            cols, values = centroid
            pos = np.searchsorted(cols, q_cols)
            pos[pos >= len(cols)] = 0
            hit = cols[pos] == q_cols
            out[label] = float(values[pos[hit]] @ q_values[hit])
        return out
