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
        columns: dict[str, int] = {}
        labels: list[str] = []
        doc_of, col_of, count_of = [], [], []  # one row per (text, feature)
        for label, examples in texts.items():
            for text in examples:
                bag = Counter(ngram_features(words(text)))
                if not bag:
                    continue
                doc = len(labels)
                labels.append(label)
                for feature, count in bag.items():
                    doc_of.append(doc)
                    col_of.append(columns.setdefault(feature, len(columns)))
                    count_of.append(count)
        docs = np.asarray(doc_of, dtype=np.int64)
        cols = np.asarray(col_of, dtype=np.int64)
        df = np.bincount(cols, minlength=len(columns))
        # scikit-learn's smooth idf and sublinear tf, so the figures match a TfidfVectorizer
        idf = np.log((len(labels) + 1) / (df + 1)) + 1.0
        weights = (1.0 + np.log(np.asarray(count_of, dtype=np.float64))) * idf[cols]
        norms = np.sqrt(np.bincount(docs, weights * weights, minlength=len(labels)))
        weights /= norms[docs]
        self._columns = columns
        self._idf = idf
        # each class's centroid: the sum of its texts' vectors, l2-normalised
        names = sorted(set(labels))
        label_ids = np.asarray([names.index(x) for x in labels] if labels else [], dtype=np.int64)
        keys = label_ids[docs] * max(len(columns), 1) + cols
        unique, inverse = np.unique(keys, return_inverse=True)
        sums = np.bincount(inverse, weights, minlength=len(unique))
        owner, column = np.divmod(unique, max(len(columns), 1))
        self._centroids: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        bounds = np.searchsorted(owner, np.arange(len(names) + 1))
        for i, name in enumerate(names):
            c, v = column[bounds[i]:bounds[i + 1]], sums[bounds[i]:bounds[i + 1]]
            self._centroids[name] = (c, v / (float(np.linalg.norm(v)) or 1.0))

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(self._centroids)

    def _vector(self, bag: Counter[str]) -> dict[int, float]:
        raw = {
            col: (1.0 + math.log(c)) * float(self._idf[col])
            for f, c in bag.items()
            if (col := self._columns.get(f)) is not None
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
