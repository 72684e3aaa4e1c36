"""Messages that are more than one plain French question: two questions in one message, a
long message whose question comes after its context, or a message in English.

Mixed into :class:`bot.engine.decision.Engine`; they call back the engine's one-question
decision (``_one``) on each part, or its judgement (``_turn``) on the question.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.conversation import Conversation
from bot.engine.intents import after_the_colon, question_sentence, without_english_grammar
from bot.engine.reading import Reading
from bot.engine.reply import Reply, ReplyKind, Suggestion, with_places
from bot.engine.text import Normaliser
from bot.engine.turn import Turn
from bot.knowledge import Commune, Knowledge


class CompoundDecisions:
    """Two or three questions at once; context, then the question; English."""

    knowledge: Knowledge
    normaliser: Normaliser

    def _one(self, text: str, message: str, conversation: Conversation) -> Reply:
        raise NotImplementedError

    def _fallback(self, message: str) -> Reply:
        raise NotImplementedError

    def _read(self, text: str) -> Reading:
        raise NotImplementedError

    def _turn(self, reading: Reading) -> Turn:
        raise NotImplementedError

    def find_type(self, text: str) -> str | None:
        raise NotImplementedError

    def find_commune(self, text: str) -> Commune | None:
        raise NotImplementedError

    def places(self, where: str | Commune, place_type: str | None = None,
               question: str = "") -> Reply:
        raise NotImplementedError

    def _focus(self, turn: Turn, text: str) -> Turn:
        """A long message is judged on its question, not drowned by its context."""
        question = question_sentence(text)
        if not turn.sure:  # « …des habitants nous demandent : qu'est-ce qu'un tiers-lieu ? »
            asked = after_the_colon(question or text)
            focused = self._turn(self._read(asked)) if asked else None
            if focused is not None and focused.sure:
                return Turn(turn.reading, focused.judged, focused.candidates, focused.best,
                            focused.sure, asked)
        if question is None:
            return turn
        focused = self._turn(self._read(question))
        if focused.sure or (not turn.sure and focused.best and (
                turn.best is None or focused.best.probability > turn.best.probability)):
            return Turn(turn.reading, focused.judged, focused.candidates, focused.best,
                        focused.sure, question)
        return replace(turn, focus=question)

    def _in_english(self, text: str, message: str, conversation: Conversation) -> Reply:
        """One sentence saying the assistant answers in French, then the best answer."""
        notice = "I answer in French only. Je réponds en français."
        # the content words as the knowledge says them (« third place » → « tiers lieu »), so
        # that the character n-grams of the second opinion meet the phrasings too
        phrasings = (self.normaliser.phrasing_words(t) for entry_id in self.knowledge.faq
                     for t in self.knowledge.phrasings(entry_id))
        words = self.normaliser.words(without_english_grammar(text))
        reply = self._one(" ".join(self.normaliser.in_usual_words(words, phrasings)), message,
                          conversation)
        if reply.kind in (ReplyKind.ANSWER, ReplyKind.PLACES, ReplyKind.CLARIFY):
            # a clarification keeps its buttons: one tap on a French question answers it
            return replace(reply, text=f"{notice}\n\n{reply.text}")
        return replace(self._fallback(message), text=(
            f"{notice} Posez votre question en français, par exemple : « Qu'est-ce qu'un "
            "tiers-lieu ? » ou « un coworking à Nanterre »."))

    def _several_questions(self, parts: list[str], message: str,
                           conversation: Conversation) -> Reply | None:
        """« c quoi un fablab et y en a un à Nanterre ? »: the first question answered, a
        search for places answered too, the other questions offered as buttons (a message of
        two or three questions; beyond, a list of headings is read as one message)."""
        first = self._one(parts[0], message, Conversation())
        if first.kind is not ReplyKind.ANSWER:
            return None
        place_type = self.find_type(parts[0])
        found: Reply | None = None  # the places a later question asks for
        offers: list[str] = []
        for text in parts[1:]:
            other = self._one(text, message, Conversation(last_type=place_type))
            if other.kind is ReplyKind.PLACES and place_type and not other.place_type:
                commune = self.find_commune(text)
                if commune is not None:
                    other = self.places(commune, place_type, message)
            if other.kind not in (ReplyKind.ANSWER, ReplyKind.PLACES):
                # « … et comment le financer ? »: it may need the first question's subject
                again = self._one(f"{text} {parts[0]}", message, Conversation())
                if again.kind in (ReplyKind.ANSWER, ReplyKind.PLACES) and (
                        again.entry_id != first.entry_id):  # not the first answer again
                    other = again
            if other.kind is ReplyKind.PLACES and other.places:
                found = found or other
                continue
            offer = (other.entry_id if other.kind is ReplyKind.ANSWER else
                     other.suggestions[0].id if other.kind is ReplyKind.CLARIFY else None)
            if offer in self.knowledge.faq and offer != first.entry_id and offer not in offers:
                offers.append(offer or "")
        if found is not None:
            first = with_places(first, found)
        if not offers:
            return first
        faq = self.knowledge.faq
        offered = tuple(Suggestion(faq[i].id, faq[i].question) for i in offers)
        rest = tuple(s for s in first.suggestions if s.id not in offers)
        # the other question is not silently dropped: the reply says where it is answered
        pointer = (f"Pour votre autre question, voyez « {offered[0].question} » ci-dessous."
                   if len(offered) == 1 else
                   "Pour vos autres questions, voyez les premières suggestions ci-dessous.")
        return replace(first, text=f"{first.text}\n\n{pointer}",
                       suggestions=offered + rest[:max(0, 4 - len(offered))])

    def _parts_offered(self, parts: list[str], message: str, whole: Reply) -> Reply | None:
        """« …transformer un local en lieu partagé. Quelles sont les étapes et qui peut nous
        financer ? »: no part is sure enough to answer and the whole message falls back, yet
        two parts alone point to two entries (the steps, today's grants). Those are offered."""
        offers: list[str] = []
        for text in parts:
            part = self._one(text, message, Conversation())
            found = (part.entry_id if part.kind is ReplyKind.ANSWER else
                     part.suggestions[0].id if part.kind is ReplyKind.CLARIFY
                     and part.suggestions else None)
            if found in self.knowledge.faq and found not in offers:
                offers.append(found or "")
        if len(offers) < 2:  # one part alone is weaker than the honest fallback and its contact
            return None
        faq = self.knowledge.faq
        return Reply(
            kind=ReplyKind.CLARIFY,
            text="Votre message pose plusieurs questions. Voici les réponses qui me semblent "
            "s'en approcher :",
            question=message,
            score=whole.score,
            candidates=whole.candidates,
            suggestions=tuple(Suggestion(i, faq[i].question) for i in offers),
        )
