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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

OUT_OF_SCOPE = "__hors_sujet__"
_NGRAM_SIZES = (3, 4, 5)
_EAGER_TEXTS = 8  # texts from which a class's centroid is built at start-up, not on demand


# A text's features: its word pairs, then each word and its character 3–5-grams (padded with
# spaces). Knowledge texts are counted by :func:`_counts`, a message by ``CentroidModel.query``.


def _pairs(words: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in itertools.pairwise(words)]


_grams_cache: dict[str, tuple[str, ...]] = {}


def _word_grams(word: str) -> tuple[str, ...]:
    """A word and its character n-grams: the per-word part of a text's features."""
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
    """Texts × n-gram counts, the features above built from two pieces: the texts' words and
    word pairs become numbers as arrays (one dictionary look-up per word, a pair is two word
    numbers), and their n-grams come in through one sparse product (texts × items) ·
    (items × n-grams). Only each distinct word and pair is touched in Python: at 10 000
    entries a loop over every word of every text was a tenth of a cold start."""
    flat = list(itertools.chain.from_iterable(texts))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    words = list(dict.fromkeys(flat))
    number = dict(zip(words, range(len(words)), strict=True))
    ids = np.fromiter(map(number.__getitem__, flat), dtype=np.int64, count=len(flat))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    same_text = text_of[1:] == text_of[:-1]  # a pair: two neighbours in one text
    base = max(len(words), 1)  # a pair's code: first word's number × base + second's
    codes = ids[:-1][same_text] * base + ids[1:][same_text]
    pairs, pair_item = np.unique(codes, return_inverse=True)
    firsts, seconds = np.divmod(pairs, base)
    features = [_word_features(w) for w in words] + [
        (_feature_id(f"{words[a]} {words[b]}"),)
        for a, b in zip(firsts.tolist(), seconds.tolist(), strict=True)
    ]
    to_features = _incidence([i for found in features for i in found], list(map(len, features)),
                             max(len(_feature_names), 1))
    rows = np.concatenate([text_of, text_of[1:][same_text]])
    items = np.concatenate([ids, len(words) + pair_item.reshape(-1)])
    by_text = sparse.csr_matrix((np.ones(len(rows)), (rows, items)),
                                shape=(len(texts), len(features)))
    counts = by_text @ to_features
    counts.sum_duplicates()
    return counts


# Each class's n-gram counts, by the class's normalised texts: after a reload only the classes
# whose texts changed are counted again (bounded: started afresh rather than grown).
_block_cache: dict[tuple[tuple[str, ...], ...], _Block] = {}
_BLOCK_CACHE_LIMIT = 100_000  # blocks; beyond, the cache starts afresh


@dataclass(frozen=True, slots=True)
class _Block:
    """One class's texts × n-gram counts (rows of a CSR matrix, empty texts left out)."""

    indptr: np.ndarray
    cols: np.ndarray  # global n-gram ids
    counts: np.ndarray

    @property
    def size(self) -> int:
        return len(self.indptr) - 1

    def renumbered(self, ids: np.ndarray) -> _Block:
        """The same counts under another numbering of n-grams (``ids[old number]``)."""
        return _Block(self.indptr, ids[self.cols], self.counts)


def _blocks(keys: Mapping[str, tuple[tuple[str, ...], ...]]) -> dict[str, _Block]:
    """Every class's block, counting only the texts of classes not seen with these texts."""
    found = {name: _block_cache.get(key) for name, key in keys.items()}
    missing = [name for name, block in found.items() if block is None]
    if missing:
        counts = _counts([words for name in missing for words in keys[name]])
        bounds = np.cumsum([0, *(len(keys[name]) for name in missing)])
        if len(_block_cache) + len(missing) > _BLOCK_CACHE_LIMIT:
            _block_cache.clear()
        for name, start, end in zip(missing, bounds[:-1], bounds[1:], strict=True):
            indptr = counts.indptr[start:end + 1]
            indptr = indptr[np.concatenate(([True], indptr[1:] != indptr[:-1]))]  # no empty text
            lo, hi = indptr[0], indptr[-1]
            block = _Block(indptr - lo, counts.indices[lo:hi].astype(np.int64),
                           counts.data[lo:hi])
            found[name] = _block_cache[keys[name]] = block
    return {name: block for name, block in found.items() if block is not None and block.size}


def count_ahead(keys: Mapping[str, tuple[tuple[str, ...], ...]]) -> None:
    """Count the blocks of ``keys`` now, for a :class:`CentroidModel` built later to find."""
    _blocks(keys)


def counted_elsewhere(keys: Mapping[str, tuple[tuple[str, ...], ...]]) -> tuple:
    """The blocks of ``keys`` counted in this process, packed to travel to another one (with
    the names of their n-grams, whose numbers are this process's): a cold start counts the
    n-grams of each FAQ file in the worker that read it (:mod:`bot.engine.prefetch`)."""
    blocks = _blocks(keys)
    return [keys[name] for name in blocks], _pack(blocks), _feature_names[:]


def take_counted(counted: tuple) -> None:
    """Blocks from :func:`counted_elsewhere`, numbered as this process numbers n-grams and put
    where :class:`CentroidModel` looks first: by their texts, as if counted here."""
    keys, packed, names = counted
    ids = _numbers_here(names)
    if len(_block_cache) + len(keys) > _BLOCK_CACHE_LIMIT:
        _block_cache.clear()
    for key, block in zip(keys, _unpack(packed).values(), strict=True):
        _block_cache[key] = block.renumbered(ids)


def _numbers_here(names: Sequence[str]) -> np.ndarray:
    """This process's numbers for n-grams named by another process (new ones numbered)."""
    return np.fromiter(map(_feature_id, names), dtype=np.int64, count=len(names))


def _pack(blocks: Mapping[str, _Block]) -> tuple:
    """Every block in four arrays, the counts as 16-bit integers when that is exact: one array
    per block took 83 MB and a third of a warm start to unpickle at 10 000 entries."""
    parts = list(blocks.values())
    if not parts:
        return list(blocks), np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), \
            np.zeros(0, np.uint16)
    counts = np.concatenate([b.counts for b in parts])
    small = counts.astype(np.uint16)
    return (list(blocks), np.asarray([b.size for b in parts], dtype=np.int64),
            np.concatenate([b.indptr for b in parts]).astype(np.int32),
            np.concatenate([b.cols for b in parts]).astype(np.int32),
            small if np.array_equal(small, counts) else counts)


def _unpack(packed: tuple) -> dict[str, _Block]:
    """:func:`_pack` undone: views into the arrays, back in their working types."""
    names, sizes, indptr, cols, counts = packed
    indptr, cols, counts = indptr.astype(np.int64), cols.astype(np.int64), counts.astype(np.float64)
    blocks: dict[str, _Block] = {}
    row = nnz = 0
    for name, size in zip(names, sizes.tolist(), strict=True):
        block_indptr = indptr[row:row + size + 1]
        end = nnz + int(block_indptr[-1])
        blocks[name] = _Block(block_indptr, cols[nnz:end], counts[nnz:end])
        row, nnz = row + size + 1, end
    return blocks


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)``, the same arrays in under half the time
    (its checks and general cases cost more than the sort on a few hundred n-grams, and a
    question at 10 000 entries builds a few centroids on first sight)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.empty(len(ordered), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    where = np.empty(len(ordered), dtype=np.int64)
    where[order] = np.cumsum(starts) - 1
    return ordered[starts], where


def _unique_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_counts=True)``, as above."""
    ordered = np.sort(values)
    firsts = np.flatnonzero(np.concatenate((np.ones(min(len(ordered), 1), dtype=bool),
                                            ordered[1:] != ordered[:-1])))
    return ordered[firsts], np.diff(np.append(firsts, len(ordered)))


class CentroidModel:
    """Cosine similarity between a message and the l2-normalised centroid of each class.

    Built in two halves: the document frequencies of the whole knowledge at start-up (one
    ``bincount``), and each class's centroid when a message first needs it (a few texts of
    array work), so that start-up and reloads do not pay for 10 000 centroids nobody asked for
    yet. Numbers are the same as building them all at once.
    """

    def __init__(self, texts: Mapping[str, Iterable[str]],
                 words: Callable[[str], Sequence[str]],
                 known_words: Callable[[str], Sequence[str]] | None = None) -> None:
        """``texts``: class → its examples; ``words``: the engine's normalisation of a message;
        ``known_words``: the same for the examples, memoised (a rebuild after a reload then
        re-reads only what changed)."""
        self._words = words
        known_words = known_words or words
        self._keys = {label: tuple(tuple(known_words(text)) for text in examples)
                      for label, examples in texts.items()}
        self._blocks = _blocks(self._keys)
        blocks = self._blocks.values()
        width = max(len(_feature_names), 1)
        cols = np.concatenate([b.cols for b in blocks]) if blocks else np.zeros(0, np.int64)
        df = np.bincount(cols, minlength=width)
        # scikit-learn's smooth idf and sublinear tf, so the figures match a TfidfVectorizer
        self._idf = np.log((sum(b.size for b in blocks) + 1) / (df + 1)) + 1.0
        self._present = df > 0  # this knowledge's n-grams only
        self._centroids: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._build_the_large()

    def _build_the_large(self) -> None:
        """The centroids of classes of many texts, built now: they cost the most to build
        (a sort of all their n-grams) and questions need them the most (the curated entries
        of dozens of phrasings, beside thousands of small ones)."""
        for label, block in self._blocks.items():
            if block.size >= _EAGER_TEXTS:
                self._centroid(label)

    def __getstate__(self) -> dict:
        """Picklable on its own: n-gram ids are this process's, so their names travel too."""
        state = {k: v for k, v in self.__dict__.items() if k != "_centroids"}
        state["_names"] = _feature_names[:len(self._idf)]
        state["_blocks"] = _pack(self._blocks)
        return state

    def __setstate__(self, state: dict) -> None:
        names = state.pop("_names")
        state["_blocks"] = _unpack(state["_blocks"])
        self.__dict__.update(state)
        self._centroids = {}
        if not _feature_names:  # a fresh process: take the numbering as it was
            _feature_ids.update((name, i) for i, name in enumerate(names))
            _feature_names.extend(names)
        ids = _numbers_here(names)
        if not np.array_equal(ids, np.arange(len(names))):  # another process's numbering
            width = max(len(_feature_names), 1)
            idf, present = np.ones(width), np.zeros(width, dtype=bool)
            idf[ids], present[ids] = self._idf, self._present
            self._idf, self._present = idf, present
            self._blocks = {name: b.renumbered(ids)
                            for name, b in self._blocks.items()}
        for name, block in self._blocks.items():
            _block_cache.setdefault(self._keys[name], block)
        self._build_the_large()

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(self._blocks)

    def _centroid(self, label: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The class's centroid as sorted n-gram ids and values: the sum of its texts'
        l2-normalised tf-idf vectors, l2-normalised."""
        found = self._centroids.get(label)
        if found is None:
            block = self._blocks.get(label)
            if block is None:
                return None
            weights = (1.0 + np.log(block.counts)) * self._idf[block.cols]
            docs = np.repeat(np.arange(block.size), np.diff(block.indptr))
            norms = np.sqrt(np.bincount(docs, weights * weights, minlength=block.size))
            weights /= np.where(norms > 0, norms, 1.0)[docs]
            cols, where = _unique_inverse(block.cols)
            sums = np.bincount(where, weights, minlength=len(cols))
            found = self._centroids[label] = (cols, sums / (float(np.linalg.norm(sums)) or 1.0))
        return found

    def query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The message as sorted n-gram ids and tf-idf values (l2-normalised).

        Array work on n-gram numbers: a message has a few hundred n-grams, and a Python loop
        over their texts was a tenth of the time of a question. A word the knowledge uses has
        its numbers remembered; any other is looked up, never numbered (a message must not
        grow the table)."""
        words = self._words(text)
        width = len(self._idf)
        look_up = _feature_ids.get
        ids = [look_up(pair, width) for pair in _pairs(words)]
        for word in words:
            known = _word_cache.get(word)
            ids.extend(known if known is not None else
                       [look_up(gram, width) for gram in _word_grams(word)])
        cols = np.asarray(ids, dtype=np.int64)
        cols = cols[cols < width]
        cols, counts = _unique_counts(cols[self._present[cols]])
        values = (1.0 + np.log(counts)) * self._idf[cols]
        norm = math.sqrt(float(values @ values)) or 1.0
        return cols, values / norm

    def similarities(self, query: tuple[np.ndarray, np.ndarray],
                     labels: Iterable[str]) -> dict[str, float]:
        """Cosine of the message with each of ``labels`` (0 for an unknown label)."""
        q_cols, q_values = query
        out: dict[str, float] = {}
        for label in labels:
            centroid = self._centroid(label) if len(q_cols) else None
            if centroid is None:
                out[label] = 0.0
                continue
            cols, values = centroid
            pos = np.searchsorted(cols, q_cols)
            pos[pos >= len(cols)] = 0
            hit = cols[pos] == q_cols
            out[label] = float(values[pos[hit]] @ q_values[hit])
        return out
