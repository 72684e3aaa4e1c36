"""Rank FAQ entries against a message.

No single rapidfuzz score can be trusted on its own (``WRatio`` gives ~86 to any shared word),
so the confidence blends three signals computed on the normalised stems of both sides:

* **coverage** — how much of the *message* the best phrasing explains, and how much of that
  phrasing the message uses, each weighted by IDF so that « tiers-lieu », present everywhere,
  counts little and « SCIC » counts a lot; words the knowledge has never seen weigh as much as
  the rarest word, which is what keeps out-of-scope questions out;
* **entry coverage** — the same against the union of all the entry's phrasings, so that a
  message mixing two phrasings of one entry is still recognised;
* **fuzzy similarity** — ``token_sort_ratio`` between the stem strings, for word order and
  near-misses.

Typos are fixed before scoring, word by word, against the knowledge's own vocabulary. Only
phrasings sharing at least one stem with the message are scored (an inverted index), so the
cost grows with the overlap, not with the size of the knowledge.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from bot.engine.text import STOP_WORDS, Normaliser

_GLUED_ELISIONS = ("qu", "l", "d", "j", "m", "n", "s", "t", "c")
# At most this many phrasings are scored per message (once one selective stem's phrasings are
# in, rarer stems first). The shipped knowledge has ~1 100 phrasings: the cap never applies
# (at 10 000 extra entries the dev set's decisions are the same as without a cap).
MAX_CANDIDATES = 1500
_NONE = np.zeros(0, dtype=np.int64)
SCAFFOLDING = frozenset({"definition", "quoi", "comment", "quel", "quell", "quels"})


@dataclass(frozen=True, slots=True)
class Weights:
    """How the three signals blend; measured on the dev set (see README)."""

    coverage: float = 0.55
    entry_coverage: float = 0.25
    fuzzy: float = 0.20
    query_side: float = 0.6  # within coverage: message side vs phrasing side
    topic: float = 1.6  # weight of a synonyms.yaml canonical word
    scaffolding: float = 0.6  # weight of « definition » and the like
    unknown: float = 1.0  # weight of a word the knowledge never uses, relative to the rarest
    query_cap: float = 0.0  # >0: a message longer than this × the phrasing is not penalised more


@dataclass(frozen=True, slots=True)
class Match:
    entry_id: str
    score: float  # 0–100
    phrasing: str


class Vocabulary:
    """Known surface words, for correcting typos one word at a time."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w for w in words if w)
        by_shape: dict[tuple[int, str], list[str]] = defaultdict(list)
        for w in sorted(self.words):  # sorted: ties resolve the same way in every process
            if w.isalpha():
                by_shape[len(w), w[0]].append(w)
        self._by_shape = dict(by_shape)
        self.correct = lru_cache(maxsize=20_000)(self._correct)

    def __getstate__(self) -> dict:
        """Picklable (for the start-up cache): the lru_cache wrapper is rebuilt, not stored."""
        state = self.__dict__.copy()
        del state["correct"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.correct = lru_cache(maxsize=20_000)(self._correct)

    def _correct(self, word: str) -> str:
        """The known word closest to ``word``, or ``word`` itself when none is close enough."""
        if word in self.words or len(word) < 4 or not word.isalpha():
            return word
        for prefix in _GLUED_ELISIONS:  # « lorigine », « daffaire », « sinteresse »
            rest = word[len(prefix):]
            if word.startswith(prefix) and len(rest) >= 4 and rest in self.words:
                return rest
        best = self._closest(word, 84 if len(word) <= 6 else 80)
        if best is None:
            for prefix in _GLUED_ELISIONS:
                rest = word[len(prefix):]
                if word.startswith(prefix) and len(rest) >= 5:
                    best = self._closest(rest, 86)
                    if best:
                        break
        return best or word

    def _closest(self, word: str, cutoff: float) -> str | None:
        """The most similar known word of about the same length and the same first letter.

        Typos rarely touch the first letter; without that condition « cantine » became
        « antoine », a name the knowledge happens to contain.
        """
        pool = [
            w for n in range(len(word) - 2, len(word) + 3) for w in self._by_shape.get((n, word[0]), ())
        ]
        best = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=cutoff)
        return best[0] if best else None

    def correct_all(self, words: Sequence[str]) -> list[str]:
        return [self.correct(w) for w in words]


class _Postings:
    """Stem → the sorted numbers of the phrasings (or entries) that have it, as views into one
    array: tens of thousands of small arrays took a fifth of a warm start to unpickle."""

    def __init__(self, lists: Mapping[str, Sequence[int]]) -> None:
        self._span: dict[str, tuple[int, int]] = {}
        flat: list[int] = []
        for stem, numbers in lists.items():
            self._span[stem] = (len(flat), len(flat) + len(numbers))
            flat.extend(numbers)
        self._flat = np.asarray(flat, dtype=np.int64)

    def get(self, stem: str, default: np.ndarray | None = None) -> np.ndarray | None:
        span = self._span.get(stem)
        return default if span is None else self._flat[span[0]:span[1]]

    def __getitem__(self, stem: str) -> np.ndarray:
        start, end = self._span[stem]
        return self._flat[start:end]


class FaqIndex:
    """Every phrasing of every entry, normalised once, with an inverted index of stems."""

    def __init__(
        self,
        phrasings: Mapping[str, Sequence[str]],
        normaliser: Normaliser,
        extra_vocabulary: Iterable[str] = (),
        weights: Weights | None = None,
    ) -> None:
        self.normaliser = normaliser
        self.weights = weights or Weights()
        self.max_candidates = MAX_CANDIDATES
        self._phrasings: list[tuple[str, str, tuple[str, ...]]] = []  # (entry, text, stems)
        postings: dict[str, list[int]] = defaultdict(list)
        self._entry_terms: dict[str, frozenset[str]] = {}
        vocabulary: set[str] = set(extra_vocabulary)
        entry_df: dict[str, int] = defaultdict(int)
        for entry_id, texts in phrasings.items():
            union: set[str] = set()
            for text in texts:
                words, stems = normaliser.phrasing(text)  # memoised: cheap on a reload
                vocabulary.update(words)
                if not stems:
                    continue
                index = len(self._phrasings)
                self._phrasings.append((entry_id, text, stems))
                for s in stems:
                    postings[s].append(index)
                union.update(stems)
            self._entry_terms[entry_id] = frozenset(union)
            for s in union:
                entry_df[s] += 1
        vocabulary.update(normaliser.canonical_words)
        vocabulary.update(STOP_WORDS)  # never typos: « mais » is not « mis », « très » not « tirés »
        self.vocabulary = Vocabulary(vocabulary)
        n = max(len(self._entry_terms), 1)
        self._idf = {s: math.log((n + 1) / (df + 0.5)) for s, df in entry_df.items()}
        # Words that synonyms.yaml names (coworking, télécentre, SCIC…) are the topics people
        # ask about: missing one matters more than missing an ordinary word. The question
        # scaffolding (« qu'est-ce que », « veut dire ») matters less.
        for s in self._idf:
            if s in SCAFFOLDING:
                self._idf[s] *= self.weights.scaffolding
            elif s in normaliser.canonical_words:
                self._idf[s] *= self.weights.topic
        self._unknown_idf = math.log((n + 1) / 0.5) * self.weights.unknown
        idf, unknown = self._idf.get, self._unknown_idf  # self.idf, without a call per stem
        self._phrasing_weight = [
            sum([idf(s, unknown) for s in stems]) or 1.0 for _, _, stems in self._phrasings
        ]
        # Stems sorted once here: ``ratio`` on sorted texts is ``token_sort_ratio``, and
        # rapidfuzz then scores all candidates of a message in one C++ call.
        self._phrasing_text = [" ".join(sorted(stems)) for _, _, stems in self._phrasings]
        self._stems_of = {text: stems for _, text, stems in self._phrasings}
        # The same, as arrays for :meth:`search`.
        self._entry_names = list(self._entry_terms)
        number = {e: n for n, e in enumerate(self._entry_names)}
        self._entry_of = np.fromiter((number[e] for e, _, _ in self._phrasings), dtype=np.int64,
                                     count=len(self._phrasings))
        self._postings_np = _Postings(postings)
        by_entry: dict[str, list[int]] = defaultdict(list)
        for e in self._entry_names:
            for s in self._entry_terms[e]:
                by_entry[s].append(number[e])
        self._entry_postings = _Postings(by_entry)
        self._phrasing_weight_np = np.asarray(self._phrasing_weight, dtype=np.float64)
        self._text_length = np.fromiter(map(len, self._phrasing_text), dtype=np.int64,
                                        count=len(self._phrasing_text))


    def __len__(self) -> int:
        return len(self._phrasings)

    def idf(self, stem: str) -> float:
        return self._idf.get(stem, self._unknown_idf)

    def stems_of(self, phrasing: str) -> tuple[str, ...]:
        """The stems of an indexed phrasing (as a :class:`Match` names it)."""
        stems = self._stems_of.get(phrasing)
        return stems if stems is not None else tuple(dict.fromkeys(self.normaliser(phrasing)))

    def entry_terms(self, entry_id: str) -> frozenset[str]:
        """Every stem of every phrasing of one entry."""
        return self._entry_terms.get(entry_id, frozenset())

    def knows(self, stem: str) -> bool:
        return stem in self._idf

    def terms(self, text: str) -> list[str]:
        """The message's stems, after typo correction against the knowledge's vocabulary."""
        words = self.vocabulary.correct_all(self.normaliser.words(text))
        return list(dict.fromkeys(self.normaliser.terms(words)))

    def search(self, terms: Sequence[str], limit: int = 5) -> list[Match]:
        """Best entries for already-normalised ``terms``, best first, one match per entry.

        Three economies keep a question cheap on a large knowledge base, without changing the
        result:

        * candidates come from the postings of the message's *selective* stems; a stem found
          in a large share of all phrasings still counts in the score, but does not pull
          thousands of phrasings in on its own;
        * the lexical part of every candidate's score is array work (one addition per posting
          of each message stem), not a Python loop per phrasing;
        * the fuzzy ratio (the dear part) is computed only for phrasings whose upper bound can
          still reach the top ``limit``: ``token_sort_ratio`` cannot exceed
          ``2·min(len)/(len₁+len₂)`` and the lexical part alone is a floor for the winners.
        """
        query = list(dict.fromkeys(terms))
        if not query:
            return []
        weights = [self.idf(s) for s in query]
        total = sum(weights)
        candidates = self._candidates(query)
        if not len(candidates):
            return []
        w = self.weights
        matched = np.zeros(len(self._phrasings))
        shared = np.zeros(len(self._entry_names))
        for s, weight in zip(query, weights, strict=True):
            postings = self._postings_np.get(s)
            if postings is not None:
                matched[postings] += weight
                shared[self._entry_postings[s]] += weight
        entries = self._entry_of[candidates]
        m = matched[candidates]
        size = self._phrasing_weight_np[candidates]
        span = np.minimum(total, size * w.query_cap) if w.query_cap else total
        coverage = np.minimum(1.0, m / span) ** w.query_side * (m / size) ** (1 - w.query_side)
        lexical = w.coverage * coverage + w.entry_coverage * shared[entries] / total
        query_text = " ".join(sorted(query))
        length = len(query_text)
        others = self._text_length[candidates]
        fuzzy_cap = 2.0 * np.minimum(length, others) / np.maximum(length + others, 1)
        # The ``limit``-th best entry's lexical part is a floor for the final top scores.
        # Candidates are in phrasing order, and an entry's phrasings are contiguous: each
        # entry's best is one ``reduceat`` over its run.
        runs = np.flatnonzero(np.concatenate(([True], entries[1:] != entries[:-1])))
        touched = np.maximum.reduceat(lexical, runs)
        if len(touched) > limit:
            bar = np.partition(touched, len(touched) - limit)[len(touched) - limit]
            keep = np.flatnonzero(lexical + w.fuzzy * fuzzy_cap + 1e-9 >= bar)
            candidates, entries, lexical = candidates[keep], entries[keep], lexical[keep]
        texts = self._phrasing_text
        fuzzy = process.cdist([query_text], [texts[i] for i in candidates.tolist()],
                              scorer=fuzz.ratio, dtype=np.float64)[0]
        scores = 100 * (lexical + w.fuzzy * fuzzy / 100)
        out: list[Match] = []
        seen: set[int] = set()
        for k in np.lexsort((candidates, -scores)).tolist():  # best first, then index order
            entry = int(entries[k])
            if entry in seen:
                continue
            seen.add(entry)
            i = int(candidates[k])
            out.append(Match(self._entry_names[entry], round(float(scores[k]), 1),
                             self._phrasings[i][1]))
            if len(out) == limit:
                break
        return out

    def _candidates(self, query: Sequence[str]) -> np.ndarray:
        """Phrasings sharing a selective stem with the message (see :meth:`search`), sorted."""
        cap = max(2000, len(self._phrasings) // 20)
        postings = sorted((self._postings_np.get(s, _NONE) for s in query), key=len)
        selective = [p for p in postings if len(p) and len(p) <= cap]
        present = [p for p in postings if len(p)]
        if not selective and len(present) >= 2 and len(present[0]) > self.max_candidates:
            # Only common stems (a large knowledge base): the phrasings having the two
            # rarest of them, when there are any, rather than all of the rarest one's.
            both = np.intersect1d(present[0], present[1], assume_unique=True)
            if len(both):
                return both
        chosen = selective or present[:1]
        # a mask of every phrasing, set and scanned once: four times cheaper than sorted
        # merges of the postings (``np.union1d``), measured at 10 000 entries
        seen = np.zeros(len(self._phrasings), dtype=bool)
        count = 0
        for p in chosen:  # rarest stems first: they bring the phrasings that can win
            new = len(p) - int(np.count_nonzero(seen[p]))
            if count and count + new > self.max_candidates:
                break  # a cap before scoring; never reached at the shipped size
            seen[p] = True
            count += new
        return np.flatnonzero(seen)
