"""One message read and judged: what every decision module looks at.

Kept apart from :mod:`bot.engine.decision` so that the decision mixins
(:mod:`bot.engine.where`, :mod:`bot.engine.compound`) can name it without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.confidence import Judgement
from bot.engine.reading import Reading
from bot.engine.reply import Candidate

DEFINITION_PREFIX = "definition-"  # the entries saying what a kind of place is


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Levels on the index's raw scores (0–100) for the place decisions only: whether a message
    looks like a search in the directory. Whether an FAQ entry answers it is a probability
    learned from data (:mod:`bot.engine.confidence`)."""

    answer: float = 50.0  # a place search this strong needs no place word
    sure: float = 70.0  # an FAQ entry this strong beats a named place
    clarify: float = 38.0  # a place search weaker than this is no search
    places_margin: float = 4.0  # a place search wins unless an FAQ entry is this far ahead


@dataclass(frozen=True, slots=True)
class Turn:
    """A message read, and its FAQ candidates judged."""

    reading: Reading
    judged: list[Judgement]
    candidates: tuple[Candidate, ...]  # the best three, their confidence in percent
    best: Judgement | None
    sure: bool  # the best candidate is likely enough to be answered
    focus: str | None = None  # the sentence that asks, in a long message

    def confidence_in(self, entry_id: str) -> float:
        return next((c.score for c in self.candidates if c.id == entry_id), 0.0)
