"""Messages that are more than one plain French question: two questions in one message, or
a message in English.

Mixed into :class:`bot.engine.decision.Engine`; both call back the engine's one-question
decision (``_one``) on each part.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.intents import without_english_grammar
from bot.engine.reply import Reply, ReplyKind, Suggestion
from bot.engine.where import Conversation
from bot.knowledge import Commune, Knowledge


class CompoundDecisions:
    """Two questions at once; English."""

    knowledge: Knowledge

    def _one(self, text: str, message: str, conversation: Conversation) -> Reply:
        raise NotImplementedError

    def _fallback(self, message: str) -> Reply:
        raise NotImplementedError

    def find_type(self, text: str) -> str | None:
        raise NotImplementedError

    def find_commune(self, text: str) -> Commune | None:
        raise NotImplementedError

    def places(self, where: str | Commune, place_type: str | None = None,
               question: str = "") -> Reply:
        raise NotImplementedError

    def _in_english(self, text: str, message: str, conversation: Conversation) -> Reply:
        """One sentence saying the assistant answers in French, then the best answer."""
        notice = "I answer in French only. Je réponds en français."
        reply = self._one(without_english_grammar(text), message, conversation)
        if reply.kind in (ReplyKind.ANSWER, ReplyKind.PLACES):
            return replace(reply, text=f"{notice}\n\n{reply.text}")
        return replace(self._fallback(message), text=(
            f"{notice} Posez votre question en français, par exemple : « Qu'est-ce qu'un "
            "tiers-lieu ? » ou « un coworking à Nanterre »."))

    def _two_questions(self, parts: list[str], message: str,
                       conversation: Conversation) -> Reply | None:
        """« c quoi un fablab et y en a un à Nanterre ? »: both answered, or the first
        answered and the second offered as a button."""
        first = self._one(parts[0], message, Conversation())
        place_type = self.find_type(parts[0])
        second_text = parts[1]
        second = self._one(second_text, message, Conversation(last_type=place_type))
        if second.kind is ReplyKind.PLACES and place_type and not second.place_type:
            commune = self.find_commune(second_text)
            if commune is not None:
                second = self.places(commune, place_type, message)
        if first.kind is not ReplyKind.ANSWER:
            return None
        if second.kind not in (ReplyKind.ANSWER, ReplyKind.PLACES):
            # « … et comment le financer ? »: the second may need the first's subject
            second = self._one(f"{second_text} {parts[0]}", message, Conversation())
        if second.kind is ReplyKind.PLACES and second.places:
            return replace(first, text=f"{first.text}\n\n{second.text}", places=second.places,
                           commune=second.commune)
        offer = (second.entry_id if second.kind is ReplyKind.ANSWER else
                 second.suggestions[0].id if second.kind is ReplyKind.CLARIFY else None)
        if offer in self.knowledge.faq and offer != first.entry_id:
            entry = self.knowledge.faq[offer or ""]
            offered = (Suggestion(entry.id, entry.question),)
            return replace(first, suggestions=offered + tuple(
                s for s in first.suggestions if s.id != entry.id)[:3])
        return first
