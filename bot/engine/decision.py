"""The conversation engine: normalise → match → decide → compose a :class:`Reply`.

The composition (answers, cards, directory results) lives in :mod:`bot.engine.compose`.

It knows nothing of Telegram: the Telegram handlers, the terminal chat and the CLI all call
:meth:`Engine.reply` and render what comes back. A wrong answer is worse than an honest
« je ne sais pas », so the thresholds below lean towards clarifying or falling back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import ContactConfig
from bot.engine.compose import Composer
from bot.engine.matching import SCAFFOLDING, FaqIndex, Match
from bot.engine.places import Directory
from bot.engine.reply import (
    Candidate,
    Reply,
    ReplyKind,
    Suggestion,
)
from bot.engine.smalltalk import SmallTalk
from bot.engine.text import Normaliser, tokenize
from bot.knowledge import STAFF_CONTACT_ID, Commune, Knowledge, Place

PLACES_PSEUDO_ENTRY = "__places__"
LOCATION_TERM = "loc92"  # has a digit: survives stemming unchanged on both sides
MAX_MESSAGE_CHARS = 2000

# Generic ways of asking for somewhere to work in a given town. They live in the same index as
# the FAQ, so that « quels services proposer dans un tiers-lieu à Clamart ? » (an FAQ question
# that happens to name a town) and « un tiers-lieu à Clamart ? » (a search) compete fairly.
_PLACE_SEARCH_PHRASINGS = (
    "coworking localite",
    "chercher un coworking a localite",
    "je cherche un espace de travail a localite",
    "y a-t-il un tiers-lieu a localite",
    "existe-t-il un tiers-lieu a localite ca existe",
    "ou travailler a localite hors de chez moi",
    "un fablab a localite",
    "bureau partagé localite",
    "quels coworkings me conseillez-vous a localite",
    "adresse d'un lieu pour travailler a localite",
    "tiers-lieu dans la ville de localite",
    "un endroit ou travailler vers localite",
    "un centre d'affaires a localite",
    "un telecentre a localite",
    "une pepiniere d'entreprises a localite",
    "un lieu pour teletravailler a localite",
    "louer un bureau a localite",
)
_MORE_DETAILS = re.compile(
    r"\b(?:plus de (?:details?|precisions?|infos?|informations?)|en savoir plus|"
    r"dites m en plus|en dire plus|developpe[zr]?|detaille[zr]?|precise[zr]?|la suite)\b"
)
_SEARCH_TERM = "chercher"  # canonical word of synonyms.yaml for chercher / trouver / dénicher…
_WHY_WORDS = frozenset({"pourquoi", "raison", "raisons", "qui", "quand", "interet", "role"})
_EXAMPLES = (
    "definition-tiers-lieu",
    "trouver-tiers-lieu",
    "creer-tiers-lieu",
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Confidence levels (0–100), measured on the dev set: see ``python -m bot eval``."""

    answer: float = 50.0  # at least this to answer…
    margin: float = 4.0  # …and this far ahead of the runner-up…
    sure: float = 70.0  # …unless this high
    clarify: float = 38.0  # below: fall back honestly
    clear_lead: float = 10.0  # a lower score still answers when this far ahead…
    clear_lead_floor: float = 46.0  # …and at least this high
    places_margin: float = 4.0  # a place search wins unless an FAQ entry is this far ahead


@dataclass(frozen=True, slots=True)
class _Reading:
    """One message, normalised and looked at every way the decision needs."""

    words: list[str]
    terms: list[str]
    location: Commune | None
    place_type: str | None
    place_cue: bool  # names a kind of place, even the generic « tiers-lieu »
    faq_matches: list[Match]
    search_score: float  # how much it looks like a place search
    candidates: tuple[Candidate, ...]
    named: list[Place]  # places it names

    @property
    def top(self) -> Match | None:
        return self.faq_matches[0] if self.faq_matches else None


@dataclass(slots=True)
class Conversation:
    """What a follow-up needs to know about the previous turn (« et à Nanterre ? »)."""

    last_kind: ReplyKind | None = None
    last_entry_id: str | None = None
    last_commune: str | None = None
    last_type: str | None = None

    def remember(self, reply: Reply) -> None:
        self.last_kind = reply.kind
        if reply.kind is ReplyKind.ANSWER:
            self.last_entry_id = reply.entry_id
        if reply.kind is ReplyKind.PLACES:
            self.last_commune, self.last_type = reply.commune, reply.place_type


class Engine(Composer):
    """Answers one message at a time from an immutable :class:`Knowledge`."""

    def __init__(
        self,
        knowledge: Knowledge,
        staff_contact: ContactConfig | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.staff_contact = staff_contact or ContactConfig()
        self.thresholds = thresholds or Thresholds()
        self.normaliser = Normaliser(knowledge.sms, knowledge.terms)
        phrasings: dict[str, list[str]] = {
            entry_id: [*knowledge.phrasings(entry_id), " ".join(entry.keywords)]
            for entry_id, entry in knowledge.faq.items()
        }
        phrasings[PLACES_PSEUDO_ENTRY] = [
            p.replace("localite", LOCATION_TERM) for p in _PLACE_SEARCH_PHRASINGS
        ]
        place_words = [
            w
            for c in knowledge.communes
            for text in (c.name, *c.aliases)
            for w in tokenize(text)
        ]
        # Real words the FAQ phrasings may not use, so that typo correction leaves them alone
        # (« étymologie » must not become « typologie » before synonyms.yaml can map it).
        vocabulary_words = [
            w
            for texts in (*knowledge.terms.values(), *knowledge.place_types.values(),
                          tuple(knowledge.terms), tuple(knowledge.sms.values()))
            for text in texts
            for w in tokenize(text)
        ]
        self.index = FaqIndex(
            phrasings, self.normaliser, extra_vocabulary=[*place_words, *vocabulary_words]
        )
        faq_words = frozenset(self.index.vocabulary.words) - frozenset(place_words)
        self.directory = Directory(knowledge, known_words=faq_words)
        self.smalltalk = SmallTalk(knowledge.smalltalk)

    # ------------------------------------------------------------------ public API

    def reply(self, message: str, conversation: Conversation | None = None) -> Reply:
        """The reply to one user message; never raises on any text."""
        conversation = conversation if conversation is not None else Conversation()
        reply = self._decide(message or "", conversation)
        conversation.remember(reply)
        return reply

    def places(self, where: str | Commune, place_type: str | None = None,
               question: str = "") -> Reply:
        """The directory for a commune or area (typos and short forms accepted)."""
        commune = where if isinstance(where, Commune) else self.find_commune(where)
        if commune is None:
            return self._ask_for_commune(question, place_type)
        result = self.directory.search(commune, place_type)
        return self._places_reply(result, question)

    def find_commune(self, text: str) -> Commune | None:
        return self.directory.find_location(self.normaliser.words(text))

    def find_type(self, text: str) -> str | None:
        return self.directory.find_type(tokenize(text))

    def nearest_places(self, lat: float, lon: float) -> Reply:
        found = self.directory.nearest(lat, lon)
        text = (
            "Voici les lieux connus les plus proches de la position partagée "
            "(distances approximatives, calculées depuis le centre des communes) :"
            if found
            else "Je ne connais aucun lieu avec une position dans mon annuaire."
        )
        return Reply(
            kind=ReplyKind.PLACES,
            text=text,
            places=tuple(self._card(p, d) for p, d in found),
        )

    def theme_questions(self, theme: str) -> tuple[Suggestion, ...]:
        return tuple(
            Suggestion(e.id, e.question) for e in self.knowledge.faq.values() if e.theme == theme
        )

    def examples(self) -> tuple[Suggestion, ...]:
        faq = self.knowledge.faq
        return tuple(Suggestion(i, faq[i].question) for i in _EXAMPLES if i in faq)

    # ------------------------------------------------------------------ decision

    def _decide(self, message: str, conversation: Conversation) -> Reply:
        text = message.strip()[:MAX_MESSAGE_CHARS]
        if not text:
            return Reply(
                kind=ReplyKind.FALLBACK,
                text="Je n'ai reçu aucun texte. Posez-moi une question sur les tiers-lieux, "
                "par exemple : « Qu'est-ce qu'un tiers-lieu ? »",
                question=message,
                suggestions=self.examples(),
            )
        intent = self.smalltalk.detect(text)
        if intent:
            return self._smalltalk(intent, message)
        if text.startswith("/"):  # an unknown command: read what follows it
            text = text.split(maxsplit=1)[1] if " " in text else ""
            if not text:
                return self._fallback(message, [])
        reading = self._read(text)
        if all(term in SCAFFOLDING for term in reading.terms):  # « quoi ? », « comment ? »
            return self._fallback(message, [])
        if _is_more_details(reading.words) and conversation.last_entry_id in self.knowledge.faq:
            return self._more_details(conversation.last_entry_id, message)
        return (
            self._about_named_place(reading, message)
            or self._place_search(reading, message, conversation)
            or self._faq_decision(message, reading.faq_matches, reading.candidates)
        )

    def _read(self, text: str) -> _Reading:
        """Normalise once, then look at the message every way the decision needs."""
        words = self.normaliser.words(text)
        location = self.directory.find_location(words)
        place_type = self.directory.find_type(words)
        terms = self.normaliser.terms(self.index.vocabulary.correct_all(words))
        if location:
            terms.append(LOCATION_TERM)
        matches = self.index.search(terms, limit=6)
        faq_matches = [m for m in matches if m.entry_id != PLACES_PSEUDO_ENTRY]
        search = next((m.score for m in matches if m.entry_id == PLACES_PSEUDO_ENTRY), 0.0)
        return _Reading(
            words=words,
            terms=terms,
            location=location,
            place_type=place_type,
            place_cue=place_type is not None or self.directory.mentions_type(words),
            faq_matches=faq_matches,
            search_score=search,
            candidates=self._candidates(faq_matches),
            named=self.directory.find_places(words, location),
        )

    def _about_named_place(self, r: _Reading, message: str) -> Reply | None:
        """« casaco c koi », « kwerk boulogne »: the place's entry, or its card."""
        if not r.named:
            return None
        t, top = self.thresholds, r.top
        entry_id = r.named[0].faq
        if entry_id in self.knowledge.faq:
            if top is None or top.entry_id == entry_id or top.score < t.sure:
                return self.answer(entry_id, message, top.score if top else 0.0, r.candidates)
            return None
        if top is None or top.score < t.answer:
            return self._named_places(r.named, message, r.candidates)
        return None

    def _place_search(self, r: _Reading, message: str,
                      conversation: Conversation) -> Reply | None:
        """The directory, when the message looks for somewhere to work in a commune or area,
        or follows up on the previous search (« et à Nanterre ? », « et pour un fablab ? »)."""
        t = self.thresholds
        best_faq = r.top.score if r.top else 0.0
        if r.location is None:
            if (
                r.place_type
                and conversation.last_kind is ReplyKind.PLACES
                and conversation.last_commune
                and len(r.terms) <= 2  # nothing but the type
            ):
                reply = self.places(conversation.last_commune, r.place_type, message)
                return self._with_candidates(reply, r.candidates)
            return None
        asks_why = not _WHY_WORDS.isdisjoint(r.words)  # « pourquoi La Défense… » is no search
        wants_place = (r.place_cue or r.search_score >= t.answer) and (
            not asks_why or r.search_score >= best_faq + t.places_margin
        )
        if wants_place and (
            (r.search_score >= t.clarify and r.search_score + t.places_margin >= best_faq)
            # an explicit kind of place (« imprimante 3d à Issy ») and no confident answer
            or (r.place_type is not None and best_faq < t.answer)
            # « je cherche un fab lab à Gennevilliers pour… »: a search, whatever follows
            or (r.place_cue and _SEARCH_TERM in r.terms)
        ):
            return self._with_candidates(self.places(r.location, r.place_type, message),
                                         r.candidates)
        if conversation.last_kind is ReplyKind.PLACES and _is_follow_up(r.terms, best_faq, t):
            reply = self.places(r.location, r.place_type or conversation.last_type, message)
            return self._with_candidates(reply, r.candidates)
        return None

    def _faq_decision(self, message: str, matches: list[Match],
                      candidates: tuple[Candidate, ...]) -> Reply:
        t = self.thresholds
        if not matches or matches[0].score < t.clarify:
            return self._fallback(message, matches)
        top = matches[0]
        runner_up = matches[1].score if len(matches) > 1 else 0.0
        lead = top.score - runner_up
        if (
            top.score >= t.sure
            or (top.score >= t.answer and lead >= t.margin)
            or (top.score >= t.clear_lead_floor and lead >= t.clear_lead)
        ):
            return self.answer(top.entry_id, message, top.score, candidates)
        close = [m for m in matches[:3] if m.score >= max(t.clarify, top.score - 12)]
        if len(close) < 2:
            close = matches[:2]
        faq = self.knowledge.faq
        return Reply(
            kind=ReplyKind.CLARIFY,
            text="Je ne suis pas certain d'avoir bien compris. Vouliez-vous dire :",
            question=message,
            score=top.score,
            candidates=candidates,
            suggestions=tuple(Suggestion(m.entry_id, faq[m.entry_id].question) for m in close),
        )

    # ------------------------------------------------------------------ composition

    def _smalltalk(self, intent: str, message: str) -> Reply:
        text = self.smalltalk.reply_for(intent, message) or (
            "Je suis là pour répondre à vos questions sur les tiers-lieux des Hauts-de-Seine. "
            "Essayez par exemple : « Qu'est-ce qu'un tiers-lieu ? »"
        )
        return Reply(
            kind=ReplyKind.SMALLTALK,
            text=text,
            question=message,
            smalltalk_intent=intent,
            suggestions=self.examples(),
        )

    def _fallback(self, message: str, matches: list[Match]) -> Reply:
        themes = self._closest_themes(matches)
        contact = self._contacts(STAFF_CONTACT_ID)
        text = (
            "Je n'ai pas de réponse sûre à cette question. Je connais la politique des "
            "tiers-lieux des Hauts-de-Seine (coworkings, fab labs, télécentres), les lieux cités "
            "dans mes sources et les démarches pour monter un projet. Reformulez votre question, "
            "parcourez les thèmes (/themes) ou adressez-vous au contact ci-dessous."
        )
        faq = self.knowledge.faq
        suggestions = tuple(
            Suggestion(m.entry_id, faq[m.entry_id].question)
            for m in matches[:2]
            if m.score >= self.thresholds.clarify - 10 and m.entry_id in faq
        ) or self.examples()
        return Reply(
            kind=ReplyKind.FALLBACK,
            text=text,
            question=message,
            score=matches[0].score if matches else 0.0,
            candidates=self._candidates(matches),
            suggestions=suggestions,
            contacts=contact,
            themes=themes,
        )


def _is_more_details(words: list[str]) -> bool:
    return len(words) <= 6 and bool(_MORE_DETAILS.search(" ".join(words)))


def _is_follow_up(terms: list[str], best_faq: float, t: Thresholds) -> bool:
    """« et à Nanterre ? », « et pour un fablab ? »: short, and not an FAQ question."""
    return len(terms) <= 3 and best_faq < t.answer
