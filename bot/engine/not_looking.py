"""A commune in a message that looks for no place: « je cherche des financements pour un
tiers-lieu à Bois-Colombes », « un mémoire sur le coworking à La Défense : des chiffres ? ».
The commune only lowered the confidence of the question's entry; the question is judged
without it.

Mixed into :class:`bot.engine.search.SearchDecisions` (its own module: the search was over
450 lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.engine.confidence import Calibrator
from bot.engine.intents import split_questions
from bot.engine.places import Directory
from bot.engine.reading import Reading
from bot.engine.reply import Reply
from bot.engine.turn import Turn
from bot.knowledge import Knowledge

# A commune in a question that is about something else than a place to go: grants, what a
# commune can do, a building to convert, what La Défense has to do with tiers-lieux
NOT_LOOKING = re.compile(
    r"\b(?:financ\w*|subvention\w*|quelles? aides?|peut faire|peuvent faire|a voir avec|"
    r"transformer|reconvertir|partenaires?|"
    # « comment le Département peut nous aider pour un tiers-lieu ? », from an elected member
    r"(?:peut|peuvent|pourrait|pourraient) (?:nous|vous) (?:aider|accompagner|soutenir)|"
    r"nous (?:aider|accompagner|soutenir))\b")
# « je fais un mémoire sur le coworking à La Défense, il y a des chiffres ? »: figures, even of
# a kind of place, are no search
FIGURES_ASKED = re.compile(r"\b(?:chiffres?|statistiques?|stats|memoire|these)\b")


class NotLooking:
    """The question, without the commune it names."""

    knowledge: Knowledge
    directory: Directory
    calibrator: Calibrator
    # the Engine's and SearchDecisions' (annotated, not defined: a stub here would hide them)
    _read: Callable[[str], Reading]
    _turn: Callable[[Reading], Turn]
    _faq_decision: Callable[[Turn, str], Reply]
    _fallback: Callable[..., Reply]
    _about_places: Callable[[str], bool]
    _not_sure: Callable[..., Reply]  # Composer's

    def _without_the_commune(self, r: Reading, also: frozenset[str] = frozenset()) -> Turn:
        """The message judged again with its commune (and the words ``also``) left out."""
        spans = self.directory.location_finder.find(r.words)
        rest = [w for i, w in enumerate(r.words)
                if not any(f.start <= i < f.end for f in spans) and w not in also]
        return self._turn(self._read(" ".join(rest)))

    def _not_looking(self, turn: Turn, message: str) -> Reply | None:
        """« Je cherche des financements pour un tiers-lieu à Bois-Colombes »: no place is
        looked for: the FAQ decides on the question without its commune (which only lowered
        its confidence), unless that points to the commune's places after all."""
        best = turn.best  # « Qu'est-ce que La Défense a à voir avec les tiers-lieux ? »
        if best is not None and best.probability >= self.calibrator.clarify_at:
            return self._faq_decision(turn, message)
        elsewhere = self._without_the_commune(
            self._read(turn.focus) if turn.focus else turn.reading)
        best = elsewhere.best
        if best is None or self._about_places(best.entry_id):
            return None
        if elsewhere.sure:
            return self._faq_decision(elsewhere, message)
        # unsure either way: what each reading finds likely, as a choice (« un mémoire sur le
        # coworking à La Défense, des chiffres ? »: La Défense's entry and the figures), else
        # the fallback with the likely entries as buttons
        level = self.calibrator.clarify_at / 3
        likely = list(dict.fromkeys(j.entry_id for j in (*turn.judged[:1], *elsewhere.judged[:2])
                                    if j.probability >= level))
        if len(likely) < 2 or len(split_questions(message)) > 1:
            return self._fallback(message, elsewhere)  # several questions: each is offered
        return self._not_sure(message, likely, elsewhere.candidates)
