"""The conversation engine: normalise → match → decide → compose a :class:`Reply`.

The composition (answers, cards, directory results) lives in :mod:`bot.engine.compose`.

It knows nothing of Telegram: the Telegram handlers, the terminal chat and the CLI all call
:meth:`Engine.reply` and render what comes back. A wrong answer is worse than an honest
« je ne sais pas », so the thresholds below lean towards clarifying or falling back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.config import ContactConfig
from bot.engine.carry_over import TopicCarryOver
from bot.engine.chatter import ChatterDecisions
from bot.engine.compose import NOT_SURE
from bot.engine.compound import CompoundDecisions
from bot.engine.confidence import MODEL_FILE, Calibrator, Judgement, fingerprint, judge
from bot.engine.conversation import Conversation
from bot.engine.geo import Geography
from bot.engine.intents import (
    claims_an_error,
    creation_intent,
    engine_text,
    looks_english,
    opened_follow_up,
    price_intent,
    rejects_the_reply,
    split_questions,
    wants_a_place_listed,
)
from bot.engine.matching import SCAFFOLDING
from bot.engine.projects import (
    ProjectDecisions,
    asks_amounts,
    grant_detail_asked,
    starting_costs,
)
from bot.engine.reading import (
    Reading,
    build_matchers,
    entry_phrasings,
    read,
    training_negatives,
)
from bot.engine.reply import (
    Candidate,
    Reply,
    ReplyKind,
    Suggestion,
)
from bot.engine.search import SearchDecisions
from bot.engine.search_cues import SEARCH_TERM, names_a_workspace, wants_somewhere
from bot.engine.smalltalk import SmallTalk
from bot.engine.text import tokenize
from bot.engine.topics import TopicChecks
from bot.engine.turn import Thresholds, Turn
from bot.engine.visit_details import asks_another_service, visit_detail
from bot.engine.visits import VisitDecisions
from bot.engine.where import WhereDecisions, home_first, near_me
from bot.knowledge import STAFF_CONTACT_ID, Commune, Knowledge, default_knowledge_path

# A longer message that names a commune outside the 92 but looks for nothing (« La Cantine
# Toulouse a fêté ses deux ans : quel constat tirez-vous… ») is a question, not a search.
_SEARCH_LENGTH = 8
_OUTSIDE_LENGTH = 5  # terms of a message about a commune outside the 92 that looks for nothing
# what such a message says of the assistant's reach (« vous couvrez aussi ? », « ça marche
# quand même, votre service ? »)
_COVERAGE = "couvrir couvrez couvre marche fonctionne service zone secteur concerne valable " \
    "quand même hauts-de-seine département"
# Two or three questions in one message are taken one by one; more are a list of headings
# (« Quelle taille ? Quel emplacement ? Quel quartier ? … »), read as one message.
_MAX_QUESTIONS = 3
_EXAMPLES = (
    "definition-tiers-lieu",
    "trouver-tiers-lieu",
    "creer-tiers-lieu",
)


def load_calibrator(knowledge: Knowledge) -> Calibrator:
    """The knowledge's own trained model, else the one shipped with the package."""
    for root in (knowledge.path, default_knowledge_path()):
        if root is not None and (root / MODEL_FILE).is_file():
            return Calibrator.load(root / MODEL_FILE)
    raise FileNotFoundError(f"{MODEL_FILE} introuvable : lancez « python -m bot train »")


class Engine(TopicCarryOver, ChatterDecisions, CompoundDecisions, ProjectDecisions,
             VisitDecisions, SearchDecisions, WhereDecisions, TopicChecks):
    """Answers one message at a time from an immutable :class:`Knowledge`."""

    def __init__(
        self,
        knowledge: Knowledge,
        staff_contact: ContactConfig | None = None,
        thresholds: Thresholds | None = None,
        calibrator: Calibrator | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.staff_contact = staff_contact or ContactConfig()
        self.thresholds = thresholds or Thresholds()
        self.calibrator = calibrator or load_calibrator(knowledge)
        self.matchers = build_matchers(knowledge)
        self.normaliser = self.matchers.normaliser
        self.index = self.matchers.index
        self.directory = self.matchers.directory
        self.smalltalk = SmallTalk(knowledge.smalltalk)
        self.geo = Geography(knowledge, self.directory)
        self._place_entries = {p.faq for p in knowledge.places.values() if p.faq}
        self._topic_terms: dict[str, frozenset[str]] = {}  # by entry, filled when first needed
        self._search_words: frozenset[str] | None = None
        self._kind_terms: frozenset[str] | None = None

    # ------------------------------------------------------------------ public API

    def fingerprint(self) -> str:
        """Of what the confidence model depends on; ``bot check`` compares it with the model's."""
        return fingerprint(entry_phrasings(self.knowledge), training_negatives(self.knowledge))

    def reply(self, message: str, conversation: Conversation | None = None) -> Reply:
        """The reply to one user message; never raises on any text."""
        conversation = conversation if conversation is not None else Conversation()
        reply = self._decide(message or "", conversation)
        reply = self._with_the_topic(message or "", reply, conversation)
        reply = self._not_again(message or "", reply, conversation)  # « quand ? » after it
        conversation.remember(reply)
        conversation.unsure_between = tuple(s.id for s in reply.suggestions) if (
            reply.kind is ReplyKind.CLARIFY and reply.text == NOT_SURE) else ()
        if not reply.commune:  # « j'habite Rueil », then « près de chez moi » or « y a des… ? »
            words = self.normaliser.words(engine_text(message or ""))
            said = home_first(self.directory.location_finder.find(words, fuzzy=False), words)
            conversation.last_commune = said[0].name if said else conversation.last_commune
        conversation.topic = self.topic_of(reply, message or "", conversation.topic)
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
            "Voici les lieux connus les plus proches de la position partagée (à vol d'oiseau, "
            "depuis l'adresse du lieu quand elle est connue, sinon le centre de sa commune) :"
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
        text = engine_text(message.strip())
        if not text:
            return Reply(
                kind=ReplyKind.FALLBACK,
                text="Je n'ai reçu aucun texte. Posez-moi une question sur les tiers-lieux, "
                "par exemple : « Qu'est-ce qu'un tiers-lieu ? »",
                question=message,
                suggestions=self.examples(),
            )
        text = opened_follow_up(text)  # « merci, et pour financer ? » before the thanks
        intent = self.smalltalk.detect(text)
        if intent:
            thanks = self._thanks_in(message, conversation) if intent == "thanks" else None
            return thanks or self._smalltalk(intent, message)
        if text.startswith("/"):  # an unknown command: read what follows it
            command, _, text = text.partition(" ")
            text = text.strip()
            if not text:  # a command a channel did not handle itself (``ask``, say)
                return self._command(command.lower(), message)
        words = self.directory.without_place_names(tokenize(text))
        if looks_english(words):
            return self._in_english(text, message, conversation)
        if rejects_the_reply(text):  # « non pas ça », « autre chose ? »
            rejected = self._rejected(message, conversation)
            if rejected is not None:
                return rejected
        another = self._for_another_kind(text, conversation)  # « et pour un fab lab ? »
        if another is not None:
            return another
        asked = self._after_where_one_lives(text)  # « j'habite à Nanterre, y a des subventions… »
        if asked is not None:
            reply = self._one(asked, message, conversation)
            if reply.kind is not ReplyKind.FALLBACK:
                return reply
        parts = split_questions(text)
        several = 2 <= len(parts) <= _MAX_QUESTIONS
        if several:
            reply = self._several_questions(parts, message, conversation)
            if reply is not None:
                return reply
        reply = self._one(text, message, conversation)
        if several and reply.kind is ReplyKind.FALLBACK:
            return self._parts_offered(parts, message, reply) or reply
        return reply

    def _command(self, command: str, message: str) -> Reply:
        """« /lieux », « /themes », « /aide », « /signaler » where the channel has no such
        command: what Telegram's would say, as text."""
        if command == "/lieux":
            return self._ask_for_commune(message, None)
        if command == "/themes":
            return Reply(kind=ReplyKind.SMALLTALK, question=message, smalltalk_intent="themes",
                         text="Voici les thèmes que je connais : " + " · ".join(
                             label for _, label in self.knowledge.themes.items()) + ".",
                         themes=tuple(self.knowledge.themes.items()),
                         suggestions=self.examples())
        if command == "/signaler":
            return Reply(kind=ReplyKind.SMALLTALK, question=message, smalltalk_intent="report",
                         text="Écrivez votre signalement après la commande, par exemple : "
                         "« /signaler l'adresse de Casaco a changé ».")
        if command in ("/aide", "/help", "/start") and "help" in self.smalltalk.intents:
            return self._smalltalk("help", message)
        return self._fallback(message)

    def _one(self, text: str, message: str, conversation: Conversation) -> Reply:
        """One question: follow-ups, small talk, intent, where, then the FAQ."""
        reading = self._read(text)
        if reading.named and (conversation.last_commune or conversation.last_places):
            reading = replace(reading, named=self.directory.branches_in_view(
                reading.named, reading.words, conversation.last_places, conversation.last_commune))
        if not reading.words and "help" in self.smalltalk.intents:
            return self._smalltalk("help", message)  # « ? », « ... »: how to ask, not « no answer »
        if all(term in SCAFFOLDING for term in reading.terms) and not reading.named:  # « quoi ? »
            outside = self.geo.outside(reading.words)  # or « et dans le 94 ? »
            if outside is not None:
                return self._outside(outside, reading, message)
            follow = self._follow_up(reading, message, conversation)  # « c'est où ? »
            return follow or self._some_there(reading, message, conversation) or (
                self._fallback(message))  # « il y en a déjà ? »
        if claims_an_error(text) or wants_a_place_listed(reading.words):
            # « l'adresse de Casaco est fausse », even after its card; « comment faire ajouter
            # mon coworking à votre liste ? »
            return self._report_invited(self._turn(reading), message)
        follow = self._follow_up(reading, message, conversation)
        if follow is not None:
            return follow
        if not reading.named and all(term in SCAFFOLDING or term.isdigit()
                                     for term in reading.terms):
            return self._fallback(message)  # « 2 », « le n°2 »: a number is no question
        turn = self._money_for_a_kind(self._focus(self._turn(reading), text))
        chatter = self._smalltalk_beside(turn, text)
        if chatter:
            return self._smalltalk(chatter, message)
        if creation_intent(reading.words) and reading.location is not None:
            return self._project(turn, message)
        # what a bare follow-up is about: the answer just given, or, right after a « Vouliez-vous
        # dire… », its first choice (« combien ? » then asks that, not the price of a desk)
        topics = [*conversation.unsure_between[:1], conversation.topic_entry]
        topic = topics[0]

        def of_the_topic(find: Callable[[str | None, Turn, str], Reply | None]) -> Reply | None:
            return next((found for t in dict.fromkeys(topics)
                         if t and (found := find(t, turn, message)) is not None), None)

        if reading.location is None and asks_amounts(reading.words):  # « et le budget ? »
            # « et le budget de l'État ? »: the funder named, not the topic
            funder = self._funder_entry(reading)
            amounts = self._amounts_of(funder, turn, message) if funder else of_the_topic(
                self._amounts_of)
            if amounts is not None:  # the amounts of the answer just given, before any hub
                return amounts
        hub = self._grant_of_the_place(turn, message, conversation) or self._grants_hub(
            turn, message) or self._now_not_then(turn, message) or (
            self._contact_for_a_project(turn, topic, message))
        # « quelles aides ? », « un appel à projets en ce moment ? », « qui contacter ? »
        if hub is None and not turn.sure:
            hub = self._how_to_reach(turn, message)  # « numéro de téléphone du département »
        if hub is not None:
            return hub
        if not turn.sure and ((creation_intent(reading.words) and price_intent(reading.words))
                              or starting_costs(reading.words)):
            return self._cost_of_a_project(turn, message)  # « et le budget pour démarrer ? »
        detail = of_the_topic(self._grant_detail) if grant_detail_asked(reading.words) else None
        if detail is not None:  # « jusqu'à quand ? », « c'est cumulable ? » after a grant
            return detail
        if (reading.location is None or reading.named) and price_intent(reading.words):
            employer = self._employer_pays(turn, message)  # « mon patron peut me payer… ? »
            if employer is not None:
                return employer
            place = self._place_in_view(reading, conversation)
            amounts = of_the_topic(self._amounts_of) if place is None else None
            if amounts is not None:
                return amounts
            if (place is not None and (not turn.sure or self._about_a_place(turn))) or (
                    not turn.sure and self._about_prices(turn)):
                return self._price_of(place, message)
        detail = visit_detail(reading.words)  # « horaires de Casaco », « ouvert le dimanche ? »
        if detail is not None:
            visit = self._visit(detail, turn, message, conversation)
            if visit is not None:
                return visit
        reply = (
            self._somewhere(turn, message, conversation)
            or self._about_named_place(turn, message)
            or self._place_search(turn, message, conversation)
            or self._faq_decision(turn, message)
        )
        if price_intent(reading.words):  # « courbevoie coworking prix »
            reply = self._noting_prices(reply)
        return self._noting(detail, reply) if detail is not None else reply

    def _somewhere(self, turn: Turn, message: str, conversation: Conversation) -> Reply | None:
        """Stations, communes outside the 92, and two communes of the 92 in one message."""
        r = turn.reading
        if not r.named and near_me(r.words) and not turn.sure:
            # « …J'habite à Colombes. Qu'est-ce qui existe près de chez moi ? »: home, said now
            said = home_first(self.directory.location_finder.find(r.words, fuzzy=False), r.words)
            where = said[0].name if said else conversation.last_commune
            if where:  # or « j'habite Rueil » said before
                return self._with_candidates(self.places(where, r.place_type, message),
                                             turn.candidates)
            if r.location is None:  # « il y en a près de chez moi ? » after a fab lab's answer
                kind = r.place_type or self._kind_of_last_answer(conversation)
                return self._ask_for_position(message, kind)
        if not wants_somewhere(r, self.thresholds.clarify):
            # « je suis à Lyon, vous couvrez aussi ? »: a short message about a commune outside
            # the 92 and nothing the FAQ is sure of
            outside = (self.geo.outside(r.words) if r.location is None and not turn.sure
                       and len(r.terms) <= _OUTSIDE_LENGTH else None)
            if outside is not None and len(self._said_besides_a_search(r) - self._terms_of(
                    [outside.name, _COVERAGE])) > 1:
                outside = None  # « les Jeux olympiques de Paris », « une nuit d'hôtel à Marseille »
            if outside is not None:
                return self._grants_outside(outside, turn, message) or self._with_candidates(
                    self._outside(outside, r, message), turn.candidates)
            return self._unknown_place(turn, message) if r.location is None else None  # « et à Nanter ? »
        # where the question is asked, not where the context says the user lives or works
        words = self.normaliser.words(turn.focus) if turn.focus else r.words
        communes = home_first(self.directory.location_finder.find(words), words)
        if len(communes) < 2 and turn.focus and not turn.sure and (
                r.place_type is not None or SEARCH_TERM in r.terms):
            # « …je travaille à La Défense… mon domicile à Antony… Pourriez-vous m'indiquer
            # les lieux existants ? »: the question names no commune, the context two
            communes = home_first(self.directory.location_finder.find(r.words), r.words)
        if len(communes) >= 2 and not r.named:
            return self._with_candidates(self._several_communes(communes, r, message),
                                         turn.candidates)
        if turn.sure and r.place_type is None and SEARCH_TERM not in r.terms:
            return None  # « …mes clients sont à Paris. Qu'est-ce qu'un tiers-lieu ? »
        timetable = asks_another_service(words) and not names_a_workspace(r)  # « horaires du RER »
        located = None if timetable else self.geo.locate(words)
        if located is not None and located.spot is not None:
            if located.spot.kind == "station":
                return self._with_candidates(self._near_station(located.spot, r, message),
                                             turn.candidates)
            grants = self._grants_outside(located.spot, turn, message)  # « …à Montreuil,
            if grants is not None:  # la Région peut nous aider ? »
                return grants
            if r.location is None and (len(r.terms) <= _SEARCH_LENGTH or SEARCH_TERM in r.terms):
                return self._with_candidates(self._outside(located.spot, r, message),
                                             turn.candidates)
        elif r.location is None:
            return self._unknown_place(turn, message)  # « un coworking à Rouen »
        return None

    def _read(self, text: str) -> Reading:
        return read(self.matchers, text, lambda words: self.geo.names_another_place(words, text))

    def judge(self, r: Reading) -> list[Judgement]:
        """The FAQ candidates of a message, each with the probability that it is right."""
        return judge(r.evidence, self.index, self.matchers.second, self.calibrator)

    def _turn(self, r: Reading) -> Turn:
        judged = self.judge(r)
        faq = self.knowledge.faq
        candidates = tuple(
            Candidate(j.entry_id, faq[j.entry_id].question, round(100 * j.probability, 1))
            for j in judged[:3]
        )
        best = judged[0] if judged else None
        exact = best is not None and best.entry_id == self._exact_phrasing(r)
        sure = best is not None and (exact or (best.probability >= self.calibrator.answer_at
                                               and self._on_topic(r, best.entry_id)
                                               and not self._one_loose_word(r, best.entry_id)))
        return Turn(r, judged, candidates, best, sure)

    def _faq_decision(self, turn: Turn, message: str) -> Reply:
        best, cal = turn.best, self.calibrator
        if best is not None and turn.sure:  # likely enough, or a phrasing word for word
            return self.answer(best.entry_id, message, turn.candidates[0].score, turn.candidates)
        if best is not None and not turn.sure and self._one_loose_word(turn.reading,
                                                                       best.entry_id):
            # « je t'aime »: not even a suggestion of the entry that happens to use « aime »
            return self._fallback(message, replace(turn, judged=[]))
        if best is None or best.probability < cal.clarify_at:
            return self._fallback(message, turn)
        close = [j for j in turn.judged[:3]
                 if j.probability >= max(cal.clarify_at / 2, best.probability / 3)]
        if len(close) < 2:  # one likely entry, not likely enough: a real choice, of three when
            # the third is not hopeless (« les tiers lieux » still offers the definition)
            close = turn.judged[:2] + [j for j in turn.judged[2:3]
                                       if j.probability >= cal.clarify_at / 10]
        return self._not_sure(message, (j.entry_id for j in close), turn.candidates)

    # ------------------------------------------------------------------ composition

    def _fallback(self, message: str, turn: Turn | None = None) -> Reply:
        judged = turn.judged if turn else []
        faq = self.knowledge.faq
        text = (
            "Je n'ai pas de réponse sûre à cette question. Je connais la politique des "
            "tiers-lieux des Hauts-de-Seine (coworkings, fab labs, télécentres), les lieux cités "
            "dans mes sources et les démarches pour monter un projet. Reformulez votre question, "
            "parcourez les thèmes (/themes) ou adressez-vous au contact ci-dessous."
        )
        suggestions = tuple(
            Suggestion(j.entry_id, faq[j.entry_id].question)
            for j in judged[:2]
            if j.probability >= self.calibrator.clarify_at / 2
        ) or self.examples()
        return Reply(
            kind=ReplyKind.FALLBACK,
            text=text,
            question=message,
            score=turn.candidates[0].score if turn and turn.candidates else 0.0,
            candidates=turn.candidates if turn else (),
            suggestions=suggestions,
            contacts=self._contacts(STAFF_CONTACT_ID),
            themes=self._closest_themes([j.entry_id for j in judged]),
        )
