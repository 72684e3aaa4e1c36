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

from rapidfuzz import fuzz, process

from bot.text import Normaliser

_GLUED_ELISIONS = ("qu", "l", "d", "j", "m", "n", "s", "t", "c")
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


@dataclass(frozen=True, slots=True)
class Match:
    entry_id: str
    score: float  # 0–100
    phrasing: str
    coverage: float = 0.0  # share of the message's weight that the entry's phrasings explain


class Vocabulary:
    """Known surface words, for correcting typos one word at a time."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w for w in words if w)
        by_length: dict[int, list[str]] = defaultdict(list)
        for w in self.words:
            if w.isalpha():
                by_length[len(w)].append(w)
        self._by_length = dict(by_length)
        self.correct = lru_cache(maxsize=20_000)(self._correct)

    def _correct(self, word: str) -> str:
        """The known word closest to ``word``, or ``word`` itself when none is close enough."""
        if word in self.words or len(word) < 4 or not word.isalpha():
            return word
        for prefix in _GLUED_ELISIONS:  # « lorigine », « daffaire », « sinteresse »
            rest = word[len(prefix):]
            if word.startswith(prefix) and len(rest) >= 4 and rest in self.words:
                return rest
        cutoff = 84 if len(word) <= 6 else 80
        pool = [w for n in range(len(word) - 2, len(word) + 3) for w in self._by_length.get(n, ())]
        best = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            for prefix in _GLUED_ELISIONS:
                if word.startswith(prefix) and len(word) - len(prefix) >= 5:
                    rest = word[len(prefix):]
                    best = process.extractOne(rest, pool, scorer=fuzz.ratio, score_cutoff=86)
                    if best:
                        break
        return best[0] if best else word

    def correct_all(self, words: Sequence[str]) -> list[str]:
        return [self.correct(w) for w in words]


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
        self._phrasings: list[tuple[str, str, tuple[str, ...]]] = []  # (entry, text, stems)
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._entry_terms: dict[str, frozenset[str]] = {}
        vocabulary: set[str] = set(extra_vocabulary)
        entry_df: dict[str, int] = defaultdict(int)
        for entry_id, texts in phrasings.items():
            union: set[str] = set()
            for text in texts:
                words = normaliser.words(text)
                vocabulary.update(words)
                stems = tuple(dict.fromkeys(normaliser.terms(words)))
                if not stems:
                    continue
                index = len(self._phrasings)
                self._phrasings.append((entry_id, text, stems))
                for s in stems:
                    self._postings[s].append(index)
                union.update(stems)
            self._entry_terms[entry_id] = frozenset(union)
            for s in union:
                entry_df[s] += 1
        vocabulary.update(normaliser.canonical_words)
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
        self._unknown_idf = math.log((n + 1) / 0.5)
        self._phrasing_weight = [sum(self.idf(s) for s in stems) for _, _, stems in self._phrasings]

    def __len__(self) -> int:
        return len(self._phrasings)

    def idf(self, stem: str) -> float:
        return self._idf.get(stem, self._unknown_idf)

    def knows(self, stem: str) -> bool:
        return stem in self._idf

    def terms(self, text: str) -> list[str]:
        """The message's stems, after typo correction against the knowledge's vocabulary."""
        words = self.vocabulary.correct_all(self.normaliser.words(text))
        return list(dict.fromkeys(self.normaliser.terms(words)))

    def search(self, terms: Sequence[str], limit: int = 5) -> list[Match]:
        """Best entries for already-normalised ``terms``, best first, one match per entry."""
        query = list(dict.fromkeys(terms))
        if not query:
            return []
        weights = {s: self.idf(s) for s in query}
        total = sum(weights.values())
        candidates: set[int] = set()
        for s in query:
            candidates.update(self._postings.get(s, ()))
        if not candidates:
            return []
        query_set = frozenset(query)
        query_text = " ".join(sorted(query))
        w = self.weights
        best: dict[str, tuple[float, str]] = {}
        coverage_of: dict[str, float] = {}
        for i in candidates:
            entry_id, text, stems = self._phrasings[i]
            matched = sum(weights[s] for s in stems if s in query_set)
            on_query = matched / total
            on_phrasing = matched / self._phrasing_weight[i] if self._phrasing_weight[i] else 0.0
            coverage = (on_query ** w.query_side) * (on_phrasing ** (1 - w.query_side))
            if entry_id not in coverage_of:
                union = self._entry_terms[entry_id]
                coverage_of[entry_id] = sum(weights[s] for s in query if s in union) / total
            fuzzy = fuzz.token_sort_ratio(query_text, " ".join(stems)) / 100
            score = 100 * (
                w.coverage * coverage + w.entry_coverage * coverage_of[entry_id] + w.fuzzy * fuzzy
            )
            if score > best.get(entry_id, (-1.0, ""))[0]:
                best[entry_id] = (score, text)
        ranked = sorted(best.items(), key=lambda kv: kv[1][0], reverse=True)[:limit]
        return [
            Match(entry_id, round(score, 1), text, round(coverage_of[entry_id], 3))
            for entry_id, (score, text) in ranked
        ]
