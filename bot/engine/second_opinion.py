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
from scipy import sparse

OUT_OF_SCOPE = "__hors_sujet__"
_NGRAM_SIZES = (3, 4, 5)


def ngram_features(words: Sequence[str]) -> list[str]:
    """Word pairs, then each word and its character 3–5-grams (padded with spaces)."""
    feats = _pairs(words)
    for w in words:
        feats += _word_grams(w)
    return feats


def _pairs(words: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in itertools.pairwise(words)]


_grams_cache: dict[str, tuple[str, ...]] = {}


def _word_grams(word: str) -> tuple[str, ...]:
    """A word and its character n-grams: the per-word part of :func:`ngram_features`."""
    grams = _grams_cache.get(word)
    if grams is None:
        padded = f" {word} "
        grams = (word, *(
            "#" + padded[i : i + n]
            for n in _NGRAM_SIZES
            for i in range(max(1, len(padded) - n + 1))
        ))
        if len(_grams_cache) < 200_000:
            _grams_cache[word] = grams
    return grams


# Every n-gram of the knowledge texts seen in this process gets a number once, and each word's
# n-grams are remembered (a vocabulary is small), so a rebuild after a reload is array work.
_feature_ids: dict[str, int] = {}
_feature_names: list[str] = []
_word_cache: dict[str, tuple[int, ...]] = {}


def _feature_id(feature: str) -> int:
    number = _feature_ids.get(feature)
    if number is None:
        number = _feature_ids[feature] = len(_feature_names)
        _feature_names.append(feature)
    return number


def _word_features(word: str) -> tuple[int, ...]:
    """The ids of a word and of its character n-grams."""
    ids = _word_cache.get(word)
    if ids is None:
        ids = tuple(map(_feature_id, _word_grams(word)))
        if len(_word_cache) < 200_000:
            _word_cache[word] = ids
    return ids


def _incidence(cols: list[int], sizes: list[int], width: int) -> sparse.csr_matrix:
    """Rows of 0/1 entries, row ``r`` holding the next ``sizes[r]`` of ``cols``; repeated
    columns in a row add up when the matrix is used."""
    indptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    return sparse.csr_matrix((np.ones(len(cols)), np.asarray(cols, dtype=np.int64), indptr),
                             shape=(len(sizes), width))


def _counts(texts: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Texts × n-gram counts, the features of :func:`ngram_features` built from the same two
    pieces. In Python, each text only becomes numbers for its words and word pairs (one
    dictionary look-up each; a pair holds a space, a word never does); their n-grams come in
    through one sparse product (texts × items) · (items × n-grams), so the per-n-gram work
    is done in C."""
    items: dict[str, int] = {}
    number = items.setdefault
    cols: list[int] = []
    sizes: list[int] = []
    for words in texts:
        pairs = _pairs(words)
        cols.extend([number(w, len(items)) for w in words])
        cols.extend([number(p, len(items)) for p in pairs])
        sizes.append(len(words) + len(pairs))
    features = [(_feature_id(item),) if " " in item else _word_features(item) for item in items]
    to_features = _incidence([i for ids in features for i in ids], list(map(len, features)),
                             max(len(_feature_names), 1))
    counts = _incidence(cols, sizes, len(items)) @ to_features
    counts.sum_duplicates()
    return counts


class CentroidModel:
    """Cosine similarity between a message and the l2-normalised centroid of each class."""

    def __init__(self, texts: Mapping[str, Iterable[str]],
                 words: Callable[[str], Sequence[str]],
                 known_words: Callable[[str], Sequence[str]] | None = None) -> None:
        """``texts``: class → its examples; ``words``: the engine's normalisation of a message;
        ``known_words``: the same for the examples, memoised (a rebuild after a reload then
        re-reads only what changed)."""
        self._words = words
        known_words = known_words or words
        names = list(texts)
        keys = [(number, known_words(text))
                for number, label in enumerate(names) for text in texts[label]]
        counts = _counts([k for _, k in keys])
        sizes = np.diff(counts.indptr)
        kept = np.flatnonzero(sizes)  # a text with no n-gram is no example
        counts = counts[kept]
        sizes = sizes[kept]
        width = counts.shape[1]
        docs = np.repeat(np.arange(len(kept), dtype=np.int64), sizes)
        cols = counts.indices.astype(np.int64)
        df = np.bincount(cols, minlength=width)
        # scikit-learn's smooth idf and sublinear tf, so the figures match a TfidfVectorizer
        idf = np.log((len(kept) + 1) / (df + 1)) + 1.0
        weights = (1.0 + np.log(counts.data)) * idf[cols]
        norms = np.sqrt(np.bincount(docs, weights * weights, minlength=len(kept)))
        weights /= np.where(norms > 0, norms, 1.0)[docs]
        present = np.flatnonzero(df)  # this knowledge's n-grams only, numbered afresh
        renumber = np.full(width, -1, dtype=np.int64)
        renumber[present] = np.arange(len(present))
        self._columns = {_feature_names[i]: n for n, i in enumerate(present.tolist())}
        self._idf = idf[present]
        # each class's centroid: the sum of its texts' vectors, l2-normalised
        labels = np.asarray([number for number, _ in keys], dtype=np.int64)[kept][docs]
        sums = sparse.csr_matrix((weights, (labels, renumber[cols])),
                                 shape=(len(names), max(len(present), 1)))
        sums.sum_duplicates()  # duplicates added, in C
        sums.sort_indices()  # searched with searchsorted below
        rows = np.repeat(np.arange(len(names)), np.diff(sums.indptr))
        lengths = np.sqrt(np.bincount(rows, sums.data * sums.data, minlength=len(names)))
        self._indptr = sums.indptr.astype(np.int64)
        self._indices = sums.indices.astype(np.int64)
        self._data = sums.data / np.where(lengths > 0, lengths, 1.0)[rows]
        self._rows = {name: i for i, name in enumerate(names)
                      if self._indptr[i + 1] > self._indptr[i]}

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(self._rows)

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
            row = self._rows.get(label)
            if row is None or not len(q_cols):
                out[label] = 0.0
                continue
            start, end = self._indptr[row], self._indptr[row + 1]
            cols, values = self._indices[start:end], self._data[start:end]
            pos = np.searchsorted(cols, q_cols)
            pos[pos >= len(cols)] = 0
            hit = cols[pos] == q_cols
            out[label] = float(values[pos[hit]] @ q_values[hit])
        return out
