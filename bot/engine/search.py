"""Decisions about searching the directory: when a message looks for somewhere to work in a
commune (« un coworking à Nanterre », « j'habite Colombes, y a un truc pas loin ? »), when a
commune in a message is no search (« quel temps fait-il à Nanterre ? »), and the question
answered beside a search.

Mixed into :class:`bot.engine.decision.Engine`, like :class:`bot.engine.where.WhereDecisions`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.engine.compose import Composer
from bot.engine.confidence import Calibrator
from bot.engine.conversation import Conversation
from bot.engine.intents import asks_something
from bot.engine.matching import SCAFFOLDING
from bot.engine.not_looking import FIGURES_ASKED, NOT_LOOKING, NotLooking
from bot.engine.places import Directory, kinds_words
from bot.engine.reading import LOCATION_TERM, Reading
from bot.engine.reply import Reply, ReplyKind, Suggestion, with_places
from bot.engine.search_cues import (
    HOME_VERBS,
    SEARCH_TERM,
    SEARCH_VERBS,
    WANTING,
    WHY_WORDS,
    asked_where_after_context,
    introduces_oneself,
    names_a_workspace,
    something_else_said,
    where_asked,
)
from bot.engine.senses import in_another_sense, workspace_words
from bot.engine.text import Normaliser
from bot.engine.turn import DEFINITION_PREFIX, Thresholds, Turn
from bot.engine.visit_details import asks_another_service
from bot.knowledge import STAFF_CONTACT_ID

_EXISTENCE_WORDS = "existe existent y a ya il y a avoir trouve endroit lieu espace coin"
_NEAR_WORDS = ("vers pres proche proches cote autour alentours environs "  # « vers la Défense »
               "gare station metro rer")  # « gare de Rueil », when no station has that name
_FINDING_ENTRY = "trouver-tiers-lieu"  # « how do I find one »: with a commune, the directory
_PREMISES_ENTRY = "trouver-locaux"  # premises for a project: no workspace is looked for
# « tiers-lieu » names the subject of a policy question as often as somewhere to go
_GENERIC_PLACE_WORDS = frozenset({"lieu", "lieux", "espace", "espaces"})
# « et à », « et sur », « et du côté de »: what « et à la Défense ? » says beside its place
_AND_THERE = frozenset({"et", "a", "au", "aux", "sur", "dans", "vers", "pres", "de", "du", "des",
                        "cote", "la", "le", "les", "l", "alors", "sinon", "pour"})
# « y a-t-il un Stop & Work à… », « existe-t-il un Regus à… »: some place, by its name
_A_NAME_THERE = re.compile(r"(?i:\b(?:y a[- ]t[- ]il|il y a|existe[- ]t[- ]il|connaissez[- ]vous|"
                           r"vous connaissez)\s+(?:un|une|des)\s+)[A-Z]")  # a capital: a name
_SOME_OF_THEM = re.compile(r"\b(?:y en a|ya en a|y a en|ya en|en existe|en trouver|en trouve)\b")


_THE_DEPARTEMENT = frozenset({"92", "departement", "seine", "departemental"})
_ALL_AT_ONCE = 12  # places of one kind listed for the whole département, at most


class SearchDecisions(NotLooking, Composer):
    """The directory's search, and when a commune is no search."""

    thresholds: Thresholds
    calibrator: Calibrator
    directory: Directory
    normaliser: Normaliser
    _place_entries: set[str]
    _search_words: frozenset[str] | None  # what a bare search says, filled when first needed
    _kind_terms: frozenset[str] | None  # the terms of the kinds of place, filled when needed
    places: Callable[..., Reply]  # the Engine's
    _read: Callable[[str], Reading]  # the Engine's
    _turn: Callable[[Reading], Turn]  # the Engine's
    _faq_decision: Callable[[Turn, str], Reply]  # the Engine's
    _fallback: Callable[..., Reply]  # the Engine's
    _on_topic: Callable[[Reading, str], bool]  # TopicChecks'

    def _question_beside_search(self, turn: Turn) -> str | None:
        """The FAQ entry a place search also asks about: a likely answer that is not about
        finding or about one place, a question (:func:`asks_something`: « fab lab a antony pr
        decouper du bois au laser » names a purpose and asks nothing), and two words or more
        besides the commune, the kind of place and the question words (« un télécentre à
        Garches ? » is a search and nothing else)."""
        r, best = turn.reading, turn.best
        if not turn.sure or best is None or SEARCH_TERM in r.terms or (
                self._about_places(best.entry_id)):
            return None
        if not asks_something(r.text):
            return None
        rest = set(r.terms) - self._search_vocabulary() - SCAFFOLDING
        return best.entry_id if len(rest) >= 2 else None

    def _search_vocabulary(self) -> frozenset[str]:
        """What a bare search says: kinds of place, communes, « y a », « près de »."""
        if self._search_words is None:
            texts = [n for c in self.knowledge.communes for n in (c.name, *c.aliases)]
            texts += [_EXISTENCE_WORDS, _NEAR_WORDS, *sorted(HOME_VERBS)]
            self._search_words = self._kind_vocabulary() | self._terms_of(texts) | {
                LOCATION_TERM, "tierslieu"}
        return self._search_words

    def _kind_vocabulary(self) -> frozenset[str]:
        """The terms of the kinds of place (« un atelier avec des machines » → fablab)."""
        if self._kind_terms is None:
            self._kind_terms = self._terms_of(
                t for phrases in self.knowledge.place_types.values() for t in phrases)
        return self._kind_terms

    def _terms_of(self, texts: Iterable[str]) -> frozenset[str]:
        # each name alone: synonyms rewrite whole names (« la defense » → one word)
        n = self.normaliser
        return frozenset(term for text in texts for term in n.terms(n.words(text)))

    def _said_besides_a_search(self, r: Reading) -> set[str]:
        """What a message says besides a search: « les Jeux olympiques de Paris » says two
        things that are no place, « je suis de Lyon, vous couvrez aussi ? » one at most."""
        return set(r.terms) - self._search_vocabulary() - SCAFFOLDING - {SEARCH_TERM}

    def _nothing_better_there(self, turn: Turn) -> bool:
        """« j'habite Colombes y a un truc pas loin ? », « Bois-Colombes », a long message that
        ends on « je cherche un endroit pas trop loin… »: a commune of the 92, something wanted
        there, and no FAQ entry even likely. Its places help more than « je ne sais pas »."""
        r, best = turn.reading, turn.best
        if not turn.sure and turn.focus and asked_where_after_context(r, self._read(turn.focus)):
            return True
        # a place's entry that shares only the commune (« chatenay malabry tiers lieu » and
        # Sceaux Smart) is no better answer
        if turn.sure or (best is not None and best.probability >= self.calibrator.clarify_at
                         and self._on_topic(r, best.entry_id)):
            return False
        if not WHY_WORDS.isdisjoint(r.words) or something_else_said(r) or (
                asks_another_service(r.words) and not names_a_workspace(r)):  # RER timetables
            return False
        bare = set(r.terms) <= self._search_vocabulary() | SCAFFOLDING  # the commune alone
        # a workspace named, a search verb alone is none (« je cherche un appartement à… »)
        workspace = r.place_cue or bool(workspace_words(r.words) - SEARCH_VERBS)
        return bare or workspace or not WANTING.isdisjoint(r.words) or introduces_oneself(r)

    def _all_of_a_kind(self, turn: Turn, message: str,
                       conversation: Conversation) -> Reply | None:
        """« combien de fab labs dans le département ? », « imprimante 3D en accès libre dans
        le 92 », « il y en a dans le 92 ? » after what a fab lab is: a kind of place asked of
        the whole département, when the directory has few of them; for a kind of which it
        has many, the commune is asked."""
        r = turn.reading
        some = self._asks_where_some_are(r, conversation)
        kind = r.place_type or (self._kind_of_last_answer(conversation) if some else None)
        if (turn.sure and not self._defines_unasked(turn)) or kind is None or (
                _THE_DEPARTEMENT.isdisjoint(r.words)):
            return None  # sure of a definition is no answer to « les fab labs du 92 »
        found = self.directory.of_type(kind)
        if not found:
            return self._none_of_a_kind(turn, message, kind)  # « ya til un telecentre dans le 92 »
        if len(found) > _ALL_AT_ONCE:
            return None
        years = sorted({p.facts_date[:4] for p in found if p.facts_date})
        span = f" (sources de {years[0]} à {years[-1]})" if len(years) > 1 else ""
        kinds = kinds_words(kind)
        return Reply(
            kind=ReplyKind.PLACES,
            listing=True,
            text=f"Mes sources citent {len(found)} {kinds} dans les Hauts-de-Seine{span}, "
            "sans recensement complet ni à jour : vérifiez qu'un lieu est toujours ouvert avant "
            "de vous déplacer.",
            question=message,
            candidates=turn.candidates,
            places=tuple(self._card(p) for p in found),
            place_type=kind,
            contacts=self._contacts(STAFF_CONTACT_ID),
        )

    def _none_of_a_kind(self, turn: Turn, message: str, kind: str) -> Reply | None:
        """A kind asked of the whole département that the directory has none of: said, then
        what that kind of place is (its definition's entry) — or, when that definition was
        just given (« il y en a dans le 92 ? » names no kind), where else to work."""
        none = f"Mes sources ne citent pas de {kinds_words(kind)} en activité dans les Hauts-de-Seine."
        if turn.reading.place_type is None:
            asked = self._ask_for_commune(message, "coworking")
            return replace(asked, candidates=turn.candidates, text=(
                f"{none} Pour un autre lieu où travailler : {asked.text[:1].lower()}"
                f"{asked.text[1:]}"))
        entry = next((e for e in self.knowledge.faq.values() if e.id.startswith(
            DEFINITION_PREFIX) and self.directory.find_type(self.normaliser.words(e.question))
            == kind), None)
        if entry is None:
            return None
        reply = self.answer(entry.id, message, turn.confidence_in(entry.id), turn.candidates)
        return replace(reply, text=f"{none}\n\n{reply.text}")

    @staticmethod
    def _defines_unasked(turn: Turn) -> bool:
        """The best entry defines a kind of place, and no definition is asked (« je cherche
        ce qu'est un fablab » asks one)."""
        return (turn.best is not None and turn.best.entry_id.startswith(DEFINITION_PREFIX)
                and "definition" not in turn.reading.terms)

    def _looks_without_a_commune(self, turn: Turn) -> bool:
        """« je cherche un bureau », « je cherche un fablab »: somewhere to work is looked for,
        in no commune, and no answer is sure. Where is the question to ask back."""
        r = turn.reading
        # sure of a definition is no answer to « je cherche un télécentre » either
        if (turn.sure and not self._defines_unasked(turn)) or r.named or (
                SEARCH_TERM not in r.terms or not names_a_workspace(r)):
            return False
        content = set(r.terms) - SCAFFOLDING - {SEARCH_TERM}
        return len(content) <= 2 and WHY_WORDS.isdisjoint(r.words)

    def _asks_where_some_are(self, r: Reading, conversation: Conversation) -> bool:
        """« et il y en a dans le 92 ? », « où en trouver ? » right after what a kind of place
        is (« c'est quoi un télécentre ? »)."""
        return (len(r.words) <= 8 and bool(_SOME_OF_THEM.search(" ".join(r.words)))
                and self._kind_of_last_answer(conversation) is not None)

    def _kind_of_last_answer(self, conversation: Conversation) -> str | None:
        """The kind of place the last answer's title names (« Qu'est-ce qu'un fab lab ? »)."""
        entry = self.knowledge.faq.get(conversation.last_entry_id or "")
        if entry is None or conversation.last_kind is not ReplyKind.ANSWER:
            return None
        return self.directory.find_type(self.normaliser.words(entry.question))

    def _something_else_there(self, turn: Turn) -> bool:
        """« quel temps fait-il à Nanterre ? », « je cherche un appartement à Clamart »: a
        commune, and a word no search uses, with no kind of place or workspace named (a search
        verb alone is none). « je cherche un local pour mon tiers-lieu » is about premises for a
        project, which the FAQ answers when it is sure."""
        r, best = turn.reading, turn.best
        if turn.sure and best is not None and best.entry_id == _PREMISES_ENTRY:
            return True
        if something_else_said(r):
            return True
        if r.place_cue or r.place_type is not None or r.search_score >= self.thresholds.sure or (
                not workspace_words(r.words) <= SEARCH_VERBS):
            return False  # « où poser mon ordi pour la journée à Suresnes ? » is a search
        if self._kind_vocabulary().intersection(r.terms):  # « un atelier avec des machines »
            return False
        return bool(self._said_besides_a_search(r))

    def _question_about_there(self, turn: Turn) -> Turn | None:
        """« je suis élue à Antony, que fait le département pour les tiers lieux ? », « combien
        de tiers-lieux dans le 92 ? » from a journalist of Boulogne: the commune says who asks,
        not where to look. Asked without it, the question has a sure answer, the entry that
        came first with it too, which is neither a place nor how to find one, and nothing in it
        looks for somewhere (no search verb, no « y a », no workspace but « tiers-lieu »): that
        answer, not the commune's places."""
        r = turn.reading
        if turn.sure or r.location is None or r.named or SEARCH_TERM in r.terms or (
                r.place_type is not None):
            return None  # sure with the commune: « pourquoi La Défense s'intéresse… »
        if not WANTING.isdisjoint(r.words):  # « y a », « existe »; « trouver » is SEARCH_TERM
            return None
        if workspace_words(r.words) - _GENERIC_PLACE_WORDS:
            return None
        # the commune must only have cost the answer its confidence: the same entry first,
        # at least likely with it (« …passe Navigo si je travaille à La Défense » was unlikely)
        before = turn.best
        if before is None or before.probability < self.calibrator.clarify_at:
            return None
        elsewhere = self._without_the_commune(r)
        best = elsewhere.best
        if not elsewhere.sure or best is None or best.entry_id != before.entry_id or (
                self._about_places(best.entry_id)):
            return None
        asked = set(elsewhere.reading.terms) - self._search_vocabulary() - SCAFFOLDING
        return elsewhere if len(asked) >= 2 else None

    def _about_places(self, entry_id: str) -> bool:
        """A place's entry, or how to find places: with a commune, its places answer better."""
        return entry_id == _FINDING_ENTRY or entry_id in self._place_entries

    def _a_place_not_named(self, turn: Turn) -> bool:
        """A search (a kind of place, a commune) whose best entry is a place's own, that
        place not named."""
        r, best = turn.reading, turn.best
        entry = self.knowledge.faq.get(best.entry_id) if best is not None else None
        return (entry is not None and entry.place is not None and not r.named
                and r.place_type is not None and len(r.terms) <= 4
                and "definition" not in r.terms)  # « c'est quoi le fab lab de Gennevilliers ? »

    def _some_there(self, r: Reading, message: str, conversation: Conversation) -> Reply | None:
        """« je veux ouvrir un coworking à La Défense », then « il y en a déjà ? »: the places of
        the commune last named, of the kind last discussed."""
        if not conversation.last_commune or len(r.words) > 6 or not _SOME_OF_THEM.search(
                " ".join(r.words)):
            return None
        return self.places(conversation.last_commune,
                           r.place_type or conversation.last_type or conversation.asked_type,
                           message)

    def _only_another_place(self, r: Reading) -> bool:
        """« et à la Défense ? », « et sur Boulogne ? »: nothing but « et », a preposition and a
        commune or area."""
        if r.words[:1] != ["et"]:
            return False
        spans = self.directory.location_finder.find(r.words, fuzzy=False)
        rest = [w for i, w in enumerate(r.words)
                if not any(f.start <= i < f.end for f in spans)]
        return bool(spans) and set(rest) <= _AND_THERE

    def _what_it_is_from_there(self, turn: Turn, message: str,
                               kind: str | None) -> Reply | None:
        """« j'habite à Vanves, c'est quoi un tiers lieu ? »: where the user lives, and a
        definition asked. The definition, judged without the commune (which sank it from 98 %
        to 8 %), with the commune's places beside it."""
        r = turn.reading
        if turn.sure or "definition" not in r.terms or HOME_VERBS.isdisjoint(r.words):
            return None
        elsewhere = self._without_the_commune(r, also=HOME_VERBS)
        best = elsewhere.best
        if not elsewhere.sure or best is None or self._about_places(best.entry_id):
            return None
        answer = self.answer(best.entry_id, message, elsewhere.candidates[0].score,
                             elsewhere.candidates)
        found = self.places(r.location, kind, message)
        return with_places(answer, found) if found.places else answer

    def _about_the_commune(self, entry_id: str, r: Reading) -> bool:
        """The entry's title or keywords name the commune: it is what the entry is about."""
        if r.location is None:
            return False
        entry = self.knowledge.faq[entry_id]
        n = self.normaliser
        about = set(n.terms(n.words(" ".join((entry.question, *entry.keywords)))))
        phrasings = [set(n.terms(n.words(p))) for p in self.knowledge.phrasings(entry_id)]
        where = set(n.terms(n.words(r.location.name)))
        # the title, or most of its phrasings (« …à La Défense ? » again and again)
        return where <= about or sum(where <= p for p in phrasings) * 2 > len(phrasings)

    def _place_search(self, turn: Turn, message: str,
                      conversation: Conversation) -> Reply | None:
        """The directory, when the message looks for somewhere to work in a commune or area,
        or follows up on the previous search (« et à Nanterre ? », « et pour un fablab ? »)."""
        t, r = self.thresholds, turn.reading
        best_faq = r.top.score if r.top else 0.0
        if r.location is None:
            last = conversation.last_commune
            # « et pour un fablab ? »: nothing but the type (« c'est quoi un fablab ? » asks
            # what it is)
            follows = (r.place_type and conversation.last_kind is ReplyKind.PLACES
                       and len(r.terms) <= 2 and SCAFFOLDING.isdisjoint(r.terms))
            # « y a des coworkings là-bas ? » after « je veux ouvrir un tiers-lieu à Colombes »
            # (« et c'est quoi une imprimante 3D ? » asks what it is, not for the list again)
            searches = r.place_cue and not turn.sure and "definition" not in r.terms and (
                r.search_score >= t.clarify or SEARCH_TERM in r.terms or len(r.terms) <= 4)
            if last and (follows or searches):
                reply = self.places(last, r.place_type, message)
                return self._with_candidates(reply, turn.candidates)
            if conversation.asked_where and r.place_type and len(r.terms) <= 2 and (
                    SCAFFOLDING.isdisjoint(r.terms)):
                # « je cherche », « dans quelle commune ? », « un coworking »: the kind of the
                # search, not what a coworking is; the commune is still to come
                asked = self._ask_for_commune(message, r.place_type)
                return replace(asked, text=f"C'est noté. {asked.text}", candidates=turn.candidates)
            everywhere = self._all_of_a_kind(turn, message, conversation)  # « les fab labs du 92 »
            if everywhere is not None:
                return everywhere
            if self._looks_without_a_commune(turn) or self._asks_where_some_are(r, conversation):
                kind = r.place_type or self._kind_of_last_answer(conversation)
                asked = self._ask_for_commune(message, kind)
                entry = self.knowledge.faq.get(_FINDING_ENTRY)
                return replace(asked, candidates=turn.candidates, suggestions=(
                    Suggestion(entry.id, entry.question),) if entry else ())
            return None
        # « Nanterre » after « dans quelle commune ? »; « et à Colombes ? » after a list of fab labs
        follows_list = conversation.last_kind is ReplyKind.PLACES and len(r.terms) <= 3
        kind = r.place_type or conversation.asked_type or (
            conversation.last_type if follows_list else None) or (
            # « c'est quoi un fablab ? » then « y en a à Nanterre ? »: of that kind
            self._kind_of_last_answer(conversation) if len(r.words) <= 8
            and _SOME_OF_THEM.search(" ".join(r.words)) else None)
        if follows_list and self._only_another_place(r):
            # « et à la Défense ? » after Nanterre's list: its places, not La Défense's history
            return self._with_candidates(self.places(r.location, kind, message), turn.candidates)
        said = " ".join(r.words)
        if (r.place_type is None and NOT_LOOKING.search(said)) or FIGURES_ASKED.search(said):
            return self._not_looking(turn, message)  # « des financements… à Bois-Colombes »
        if not turn.sure and not r.named and _A_NAME_THERE.search(message) and len(r.terms) <= 4:
            # « Y a-t-il un Stop & Work à Bourg-la-Reine ? »: a name the directory does not
            # know, in a commune it does: what is known there
            return self._with_candidates(self.places(r.location, kind, message),
                                         turn.candidates)
        lives_there = self._what_it_is_from_there(turn, message, kind)
        if lives_there is not None:
            return lives_there
        if self._a_place_not_named(turn):
            # « chatenay malabry coworking »: Sceaux Smart's entry (one of its phrasings names
            # Châtenay) is no answer to a search that does not name it; the search lists it
            return self._with_candidates(self.places(r.location, kind, message), turn.candidates)
        if self._nothing_better_there(turn):
            return self._with_candidates(self.places(r.location, kind, message),
                                         turn.candidates)
        if self._something_else_there(turn):
            return None
        about_there = self._question_about_there(turn)
        if about_there is not None and about_there.best is not None:
            return self.answer(about_there.best.entry_id, message,
                               about_there.candidates[0].score, about_there.candidates)
        asks_why = not WHY_WORDS.isdisjoint(r.words)  # « pourquoi La Défense… » is no search
        # « où se trouve mon bureau de vote à Nanterre ? » reads like a search: the words
        # alone do not make it one when they say something else
        looks_like_one = r.search_score >= t.answer and not in_another_sense(r.words)
        wants_place = (names_a_workspace(r) or looks_like_one) and (
            not asks_why or r.search_score >= best_faq + t.places_margin
        )
        finding = r.top is not None and r.top.entry_id == _FINDING_ENTRY
        if wants_place and (
            (r.search_score >= t.clarify and (r.search_score + t.places_margin >= best_faq
                                              or finding))
            # an explicit kind of place (« imprimante 3d à Issy ») and no confident answer
            or (r.place_type is not None and not turn.sure)
            # « je cherche un fab lab à Gennevilliers pour… »: a search, whatever follows
            or (r.place_cue and SEARCH_TERM in r.terms)
        ):
            found = self.places(r.location, kind, message)
            also = self._question_beside_search(turn)
            if also is not None and found.places:
                # « J'habite Rueil, faut-il être entrepreneur pour aller dans un coworking ? »:
                # the question answered, the places of the commune beside it
                answer = self.answer(also, message, turn.candidates[0].score, turn.candidates)
                return with_places(answer, found)
            return self._with_candidates(found, turn.candidates)
        if wants_place and turn.sure and not r.named and turn.best is not None and (
                self._about_the_commune(turn.best.entry_id, r)) and where_asked(r):
            # « où travailler au calme à la Défense ? », « je travaille à la Défense… y a un
            # coworking ? »: its places, not what the entry on the area says of it
            return self._with_candidates(self.places(r.location, kind, message), turn.candidates)
        if wants_place and turn.sure and not r.named:
            # « je travaille chez moi à Clamart mais je me sens seule, existe-t-il des lieux où
            # travailler avec d'autres ? »: the sure answer, and the places where the user is
            also = self._question_beside_search(turn)
            if also is not None and self._about_the_commune(also, r):
                also = None  # « le Tour de France du télétravail à La Défense », an event there
            found = self.places(r.location, kind, message) if also else None
            if also is not None and found is not None and found.places:
                answer = self.answer(also, message, turn.candidates[0].score, turn.candidates)
                return with_places(answer, found)
        if follows_list and not turn.sure:
            # « et à Nanterre ? », « et pour un fablab ? »: short, and not an FAQ question
            reply = self.places(r.location, kind, message)
            return self._with_candidates(reply, turn.candidates)
        return None
