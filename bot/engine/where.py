"""Decisions about where: stations, communes outside the 92, two communes in one message, and
follow-ups on the places just listed (« l'adresse ? », « et le deuxième ? », « c'est combien ? »).

Mixed into :class:`bot.engine.decision.Engine`, like :class:`bot.engine.compose.Composer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from bot.engine.compose import Composer, at, of
from bot.engine.confidence import Calibrator
from bot.engine.geo import STATIONS_SOURCE, Geography, Spot
from bot.engine.intents import (
    MORE_DETAILS,
    asks_something,
    gives_a_price,
    price_intent,
    visit_detail,
)
from bot.engine.matching import SCAFFOLDING, FaqIndex
from bot.engine.places import Directory
from bot.engine.reading import LOCATION_TERM, Reading
from bot.engine.reply import Reply, ReplyKind, SourceRef, Suggestion, with_places
from bot.engine.text import Normaliser, fold
from bot.engine.turn import Thresholds, Turn
from bot.engine.unknown_place import unknown_place_name, word_after_a_kind
from bot.engine.visits import about_any_place
from bot.knowledge import STAFF_CONTACT_ID, Commune, Place

OUTSIDE_ENTRY = "hors-hauts-de-seine"
PRICE_ENTRY = "tarifs"
_ORDINALS = {
    "premier": 0, "premiere": 0, "1er": 0, "1ere": 0, "deuxieme": 1, "second": 1, "seconde": 1,
    "2e": 1, "2eme": 1, "troisieme": 2, "3e": 2, "3eme": 2, "quatrieme": 3, "4e": 3,
    "cinquieme": 4, "5e": 4, "dernier": -1, "derniere": -1,
}
_DETAILS = re.compile(  # about a listed place: more details, or where and how to get there
    MORE_DETAILS.pattern
    + r"|\b(?:adresse|ou (?:est|se trouve|exactement|ca)|c est ou|elle est ou|il est ou|"
    r"details?|precisions?|plus d infos?|site|horaires?|contact|comment y aller|acces|situe)\b"
)
SEARCH_TERM = "chercher"  # canonical word of synonyms.yaml for chercher / trouver / dénicher…
_WHY_WORDS = frozenset({"pourquoi", "raison", "raisons", "qui", "quand", "interet", "role"})
_EXISTENCE_WORDS = "existe existent y a ya il y a avoir trouve endroit lieu espace coin"
_NEAR_WORDS = "vers pres proche proches cote autour alentours environs"  # « vers la Défense »
_FINDING_ENTRY = "trouver-tiers-lieu"
_PREMISES_ENTRY = "trouver-locaux"  # premises for a project: no workspace is looked for
_SEARCH_VERBS = frozenset({"cherche", "trouver", "louer", "adresse", "proche", "pres", "cote"})
# asking for something somewhere without a workspace word (« y a un truc ? », « vous
# conseillez quoi à Rueil ? »)
_WANTING = frozenset({"ya", "truc", "trucs", "existe", "existent", "conseillez", "conseilles",
                      "recommandez", "recommandes", "idee", "idees", "proposez", "connaissez"})  # « how do I find one »: with a commune, the directory
# Asking for somewhere to work, with or without a kind of place (« un coin pour bosser à
# Asnières », « un espace pour travailler à La Garenne-Colombes », « un poste à la journée »).
_WORK_WORDS = frozenset({
    "travailler", "bosser", "taffer", "bureau", "bureaux", "poste", "postes", "espace",
    "espaces", "endroit", "coin", "local", "locaux", "lieu",
    "lieux", "teletravailler", "teletravail", "louer", "coworking", "coworkings", "fablab",
    "cherche", "trouver", "adresse", "proche", "pres", "cote",
})


@dataclass(slots=True)
class Conversation:
    """What a follow-up needs to know about the previous turn (« et à Nanterre ? »)."""

    last_kind: ReplyKind | None = None
    last_entry_id: str | None = None
    last_commune: str | None = None
    last_type: str | None = None
    last_places: tuple[str, ...] = field(default=())
    places_in_view: bool = False  # the last reply showed places
    # the place of the list last shown on its own (« et le deuxième ? »): « c'est combien ? »
    # is then about it, not about the first of the list
    last_place: str | None = None

    def remember(self, reply: Reply) -> None:
        self.last_kind = reply.kind
        shown = tuple(p.id for p in reply.places)
        if reply.kind is ReplyKind.ANSWER:
            self.last_entry_id = reply.entry_id
        if reply.kind is ReplyKind.PLACES:
            self.last_type = reply.place_type
        # a follow-up on the list (« l'adresse ? », « c'est combien ? ») keeps the list
        if shown and not set(shown) <= set(self.last_places):
            self.last_places = shown
            self.last_place = None
        if len(shown) == 1:
            self.last_place = shown[0]
        self.places_in_view = bool(shown)
        if reply.commune:
            self.last_commune = reply.commune


_NEAR_ME = re.compile(
    r"\b(?:pres|autour|a cote|proche|a proximite|pas loin) de (?:moi|chez moi)\b|\bdans mon quartier\b"
)


def near_me(words: Sequence[str]) -> bool:
    """« un coworking près de chez moi » — where « moi » is, only a shared position says."""
    return bool(_NEAR_ME.search(" ".join(words)))


_MODES = {"METRO": "métro", "TRAM": "tram", "TRAIN": "train", "RER": "RER"}


def lines_text(lines: str) -> str:
    """« METRO 12 | TRAIN N » (the IDFM file) → « métro 12, train N »."""
    out = []
    for line in lines.split("|"):
        mode, _, name = line.strip().partition(" ")
        out.append(f"{_MODES.get(mode.upper(), mode)} {name}".strip())
    return ", ".join(o for o in out if o)


def _rank(words: Sequence[str]) -> int | None:
    """« le 2 », « n°3 », « numéro 2 », « 2 » alone: a rank in the list just shown."""
    for before, word in zip(("", *words), words, strict=False):
        if word.isdigit() and 1 <= int(word) <= 9 and (
                len(words) == 1 or before in ("le", "la", "n", "no", "numero")):
            return int(word) - 1
    return None


def names_a_workspace(r: Reading) -> bool:
    """« un coworking », « un poste », « un endroit pour bosser »: a place to work is meant."""
    return r.place_cue or not _WORK_WORDS.isdisjoint(r.words)


def wants_somewhere(r: Reading, search_level: float) -> bool:
    """The message looks for somewhere to work or make, not for an explanation."""
    return names_a_workspace(r) or r.search_score >= search_level


class WhereDecisions(Composer):
    """Stations, outside communes, several communes and follow-ups on listed places."""

    directory: Directory
    geo: Geography
    thresholds: Thresholds
    calibrator: Calibrator
    normaliser: Normaliser
    index: FaqIndex
    _place_entries: set[str]
    _search_words: frozenset[str] | None  # what a bare search says, filled when first needed
    _detail_of: Callable[..., Reply | None]  # from VisitDecisions
    _kind_terms: frozenset[str] | None  # the terms of the kinds of place, filled when needed

    def _near_station(self, station: Spot, r: Reading, message: str) -> Reply:
        found = self.directory.nearest(station.lat, station.lon, place_type=r.place_type)
        what = f"{station.name} ({lines_text(station.lines)})" if station.lines else station.name
        cards = tuple(self._card(p, d) for p, d in found)
        first = found[0][0] if found else None
        # the file gives no commune: the station's name is trusted only when it is exactly a
        # commune's or an area's (« Clamart », « La Défense »), else the commune whose centre
        # is near, else the nearest place's
        around = self.geo.around(station.lat, station.lon)
        outside = isinstance(around, Spot)
        if r.location and fold(r.location.name) == fold(station.name):
            commune: str | None = r.location.name
        elif around is not None:
            commune = None if outside else around.name
        else:
            commune = (first.area or first.commune) if first else None
        where = (f" La station est hors des Hauts-de-Seine ({around.name}) : voici les lieux "
                 "connus du 92 les plus proches." if outside else "")
        return Reply(
            kind=ReplyKind.PLACES,
            text=(f"Voici les lieux connus les plus proches de la station {what}, avec la "
                  f"distance à vol d'oiseau.{where} Vérifiez qu'un lieu est toujours ouvert "
                  "avant de vous déplacer."),
            question=message,
            places=cards,
            commune=commune,
            place_type=r.place_type,
            sources=(SourceRef(STATIONS_SOURCE,
                               "https://data.iledefrance-mobilites.fr/explore/dataset/"
                               "emplacement-des-gares-idf/"),),
            contacts=self._contacts(STAFF_CONTACT_ID),
        )

    def _outside(self, spot: Spot, r: Reading, message: str) -> Reply:
        """Honest: outside the département; the nearest places of the 92 when it borders it."""
        intro = (f"Je ne connais que les tiers-lieux des Hauts-de-Seine, pas ceux {spot.of}."
                 if spot.kind == "departement" else
                 f"{spot.name} n'est pas dans les Hauts-de-Seine ({spot.departement}).")
        found = (self.directory.nearest(spot.lat, spot.lon, limit=4, place_type=r.place_type)
                 if spot.borders else [])
        lead = "Voici les lieux connus du 92 les plus proches (à vol d'oiseau) :" if found else ""
        cards = tuple(self._card(p, d) for p, d in found)
        return self._not_here(intro, cards, r, message, spot.name, lead)

    def _unknown_place(self, turn: Turn, message: str) -> Reply | None:
        """« un coworking à Rouen »: a search in a place that is no commune of the 92 (a typo
        of one, such as « Nanter », gets that commune's places)."""
        r = turn.reading
        follow_up = len(r.words) <= 4 and r.words[:1] == ["et"]  # « et à Nanter ? »
        if r.named or turn.sure or not (names_a_workspace(r) or follow_up) or (
                not _WHY_WORDS.isdisjoint(r.words)):
            return None  # « pourquoi un tiers-lieu à Saint-Mars-du-Désert ? » is no search
        name = unknown_place_name(turn.focus or r.text, self.index.vocabulary)
        if name is None:  # « coworking nanter », typed in lower case: a commune's typo only
            name = word_after_a_kind(turn.focus or r.text)
            if name is None or self.directory.location_finder.closest_name(name) is None:
                return None
        close = self.directory.location_finder.closest_name(name)
        if close is not None:
            found = self.places(close, r.place_type, message)
            reply = replace(found, text=f"Je pense que vous parlez {of(close.name)}.\n{found.text}")
        else:
            intro = f"Je ne trouve pas « {name} » parmi les communes des Hauts-de-Seine."
            reply = self._not_here(intro, (), r, message, None)
        return self._with_candidates(reply, turn.candidates)

    def _not_here(self, intro: str, cards: tuple, r: Reading, message: str,
                  commune: str | None, lead: str = "") -> Reply:
        """Outside the 92: the intro, the entry on other départements (which says the assistant
        knows the 92 only), then ``lead`` and the nearest places of the 92."""
        entry = self.knowledge.faq.get(OUTSIDE_ENTRY)
        if entry is None:
            text = " ".join(p for p in (intro, "Je ne connais que les tiers-lieux des "
                                        "Hauts-de-Seine.", lead) if p)
            return Reply(kind=ReplyKind.PLACES, text=text, question=message, places=cards,
                         commune=commune, place_type=r.place_type,
                         contacts=self._contacts(STAFF_CONTACT_ID))
        answer = self.answer(entry.id, message, 100.0)
        text = "\n\n".join(p for p in (intro, answer.text, lead) if p)
        return replace(answer, text=text, places=cards)

    def _several_communes(self, communes: Sequence[Commune], r: Reading,
                          message: str) -> Reply:
        """« j'habite à Colombes et je travaille à La Défense »: around both."""
        cards, seen = [], set()
        for commune in communes:
            result = self.directory.search(commune, r.place_type, nearby=0)
            for place in result.local[:4]:
                if place.id not in seen:
                    seen.add(place.id)
                    cards.append(self._card(place))
        names = " et ".join(c.name for c in communes)
        text = (f"Voici les lieux que je connais autour {of(names)} :" if cards else
                f"Je ne connais aucun lieu {at(names)} dans mes sources.")
        return Reply(
            kind=ReplyKind.PLACES,
            text=text + "\nVérifiez qu'un lieu est toujours ouvert avant de vous déplacer.",
            question=message,
            places=tuple(cards),
            commune=communes[0].name,
            place_type=r.place_type,
            contacts=self._contacts(STAFF_CONTACT_ID),
        )

    def _follow_up_on_places(self, r: Reading, message: str,
                             conversation: Conversation) -> Reply | None:
        """« l'adresse ? », « elle est où ? », « et le deuxième ? », « c'est combien ? »: about
        the place named by its rank, else the one last shown alone, else the first."""
        known = self.knowledge.places
        places = [known[i] for i in conversation.last_places if i in known]
        if not places or len(r.words) > 8 or r.location is not None or r.named:
            return None
        text = " ".join(r.words)
        ordinal = next((_ORDINALS[w] for w in r.words if w in _ORDINALS), None)
        if ordinal is None:
            ordinal = _rank(r.words)
        ids = [p.id for p in places]
        if ordinal is not None and -len(places) <= ordinal < len(places):
            chosen = places[ordinal]
        elif ordinal is None and conversation.last_place in ids:
            chosen = places[ids.index(conversation.last_place)]
        else:
            chosen = places[0]
        if price_intent(r.words):
            return self._price_of(chosen, message)
        detail = visit_detail(r.words)  # « il ouvre le dimanche ? », « y a un parking ? »
        if detail is not None:
            if about_any_place(r):
                return None
            others = len(places) > 1
            return (self._detail_of(chosen, detail, message, others=others)
                    or self._place_details(chosen, message, others=others))
        if ordinal is None and not _DETAILS.search(text):
            return None
        return self._place_details(chosen, message, others=len(places) > 1)

    def _place_details(self, place: Place, message: str, others: bool = False) -> Reply:
        missing = [label for label, value in (("adresse", place.address),
                                              ("site web", place.website)) if not value]
        text = f"Voici ce que je sais {of(place.name)}"
        text += f" ({place.commune or place.area}) :" if place.commune or place.area else " :"
        if missing:
            text += f"\nMes sources ne donnent pas {' ni '.join('son ' + m for m in missing)}."
        if others:
            text += "\nPour un autre lieu de la liste, écrivez « le deuxième », « le troisième »…"
        entry = self.knowledge.faq.get(place.faq or "")
        return Reply(
            kind=ReplyKind.PLACES,
            text=text,
            question=message,
            places=(self._card(place),),
            commune=place.commune or place.area,
            sources=tuple(SourceRef(s.title, s.url) for s in place.sources),
            facts_date=place.facts_date,
            suggestions=(Suggestion(entry.id, entry.question),) if entry else (),
        )

    def _price_of(self, place: Place | None, message: str) -> Reply:
        """The price question: the general entry, saying what the sources give for a place."""
        own = self.knowledge.faq.get(place.faq or "") if place else None
        if own is not None and gives_a_price(own.answer):  # its entry gives a dated price
            return self.answer(own.id, message, 100.0)
        entry = self.knowledge.faq.get(PRICE_ENTRY)
        if entry is None:
            return self._fallback(message)  # type: ignore[attr-defined]
        reply = self.answer(entry.id, message, 100.0)
        if place is None:
            return reply
        intro = (f"Mes sources ne donnent pas de tarif pour {place.name} : renseignez-vous "
                 "directement auprès du lieu"
                 + (f" ({place.website})." if place.website else ".")
                 + " Voici ce qu'elles disent des prix en général :")
        return replace(reply, text=f"{intro}\n{reply.text}", places=(self._card(place),))

    def _place_in_view(self, r: Reading, conversation: Conversation) -> Place | None:
        """The place a price question is about: named now, or the one just discussed."""
        if r.named:
            return r.named[0]
        entry = self.knowledge.faq.get(conversation.last_entry_id or "")
        if entry and entry.place in self.knowledge.places:
            return self.knowledge.places[entry.place]
        if conversation.places_in_view and conversation.last_places:
            return self.knowledge.places.get(conversation.last_place or conversation.last_places[0])
        return None

    def _ask_for_position(self, message: str, place_type: str | None) -> Reply:
        return Reply(
            kind=ReplyKind.CLARIFY,
            text="Pour trouver les lieux les plus proches de vous, partagez votre position "
            "(trombone 📎 puis « Position » dans Telegram) ou écrivez votre commune, par "
            "exemple « coworking à Nanterre » ou « près du métro Pont de Sèvres ».",
            question=message,
            place_type=place_type,
        )

    def _about_named_place(self, turn: Turn, message: str) -> Reply | None:
        """« casaco c koi », « kwerk boulogne »: the place's entry, or its card."""
        r, best = turn.reading, turn.best
        if not r.named:
            return None
        entry_id = r.named[0].faq
        if entry_id in self.knowledge.faq:
            other = best is not None and best.entry_id != entry_id
            other_is_sure = other and turn.sure and best.score >= self.thresholds.sure
            # « le dispositif qui a soutenu Casaco en 2014 ? » names a place but asks about
            # another entry: when that one is likelier, the FAQ decision has the last word
            other_is_likelier = other and best.probability >= self.calibrator.clarify_at and (
                best.probability > self._probability_of(turn, entry_id))
            if not (other_is_sure or other_is_likelier):
                return self.answer(entry_id, message, turn.confidence_in(entry_id),
                                   turn.candidates)
            return None
        if not turn.sure:
            return self._named_places(r.named, message, turn.candidates)
        return None

    @staticmethod
    def _probability_of(turn: Turn, entry_id: str) -> float:
        return next((j.probability for j in turn.judged if j.entry_id == entry_id), 0.0)

    def _question_beside_search(self, turn: Turn) -> str | None:
        """The FAQ entry a place search also asks about: a likely answer that is not about
        finding or about one place, a question (:func:`asks_something`: « fab lab a antony pr
        decouper du bois au laser » names a purpose and asks nothing), and two words or more
        besides the commune, the kind of place and the question words (« un télécentre à
        Garches ? » is a search and nothing else)."""
        r, best = turn.reading, turn.best
        if not turn.sure or best is None or SEARCH_TERM in r.terms or (
                best.entry_id == _FINDING_ENTRY or best.entry_id in self._place_entries):
            return None
        if not asks_something(r.text):
            return None
        rest = set(r.terms) - self._search_vocabulary() - SCAFFOLDING
        return best.entry_id if len(rest) >= 2 else None

    def _search_vocabulary(self) -> frozenset[str]:
        """What a bare search says: kinds of place, communes, « y a », « près de »."""
        if self._search_words is None:
            texts = [t for phrases in self.knowledge.place_types.values() for t in phrases]
            texts += [n for c in self.knowledge.communes for n in (c.name, *c.aliases)]
            texts += [_EXISTENCE_WORDS, _NEAR_WORDS]
            # each name alone: synonyms rewrite whole names (« la defense » → one word)
            self._search_words = frozenset(
                term for text in texts
                for term in self.normaliser.terms(self.normaliser.words(text))
            ) | {LOCATION_TERM, "tierslieu"}
        return self._search_words

    def _nothing_better_there(self, turn: Turn) -> bool:
        """« j'habite Colombes y a un truc pas loin ? », « Bois-Colombes », a long message that
        ends on « je cherche un endroit pas trop loin… »: a commune of the 92, something wanted
        there, and no FAQ entry even likely. Its places help more than « je ne sais pas »."""
        r, best = turn.reading, turn.best
        if turn.sure or (best is not None and best.probability >= self.calibrator.clarify_at):
            return False
        if not _WHY_WORDS.isdisjoint(r.words):
            return False
        bare = set(r.terms) <= self._search_vocabulary() | SCAFFOLDING  # the commune alone
        # a workspace named, a search verb alone is none (« je cherche un appartement à… »)
        workspace = r.place_cue or bool(_WORK_WORDS.intersection(r.words) - _SEARCH_VERBS)
        return bare or workspace or not _WANTING.isdisjoint(r.words)

    def _something_else_there(self, turn: Turn) -> bool:
        """« quel temps fait-il à Nanterre ? », « je cherche un appartement à Clamart »: a
        commune, and a word no search uses, with no kind of place or workspace named (a search
        verb alone is none). « je cherche un local pour mon tiers-lieu » is about premises for a
        project, which the FAQ answers when it is sure."""
        r, best = turn.reading, turn.best
        if turn.sure and best is not None and best.entry_id == _PREMISES_ENTRY:
            return True
        if r.place_cue or r.place_type is not None or r.search_score >= self.thresholds.sure or (
                not _WORK_WORDS.intersection(r.words) <= _SEARCH_VERBS):
            return False  # « où poser mon ordi pour la journée à Suresnes ? » is a search
        if self._kind_terms is None:
            n = self.normaliser
            self._kind_terms = frozenset(t for phrases in self.knowledge.place_types.values()
                                         for p in phrases for t in n.terms(n.words(p)))
        if self._kind_terms.intersection(r.terms):  # « un atelier avec des machines »
            return False
        return bool(set(r.terms) - self._search_vocabulary() - SCAFFOLDING - {SEARCH_TERM})

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
            searches = r.place_cue and not turn.sure and (
                r.search_score >= t.clarify or SEARCH_TERM in r.terms or len(r.terms) <= 4)
            if last and (follows or searches):
                reply = self.places(last, r.place_type, message)
                return self._with_candidates(reply, turn.candidates)
            return None
        if self._nothing_better_there(turn):
            return self._with_candidates(self.places(r.location, r.place_type, message),
                                         turn.candidates)
        if self._something_else_there(turn):
            return None
        asks_why = not _WHY_WORDS.isdisjoint(r.words)  # « pourquoi La Défense… » is no search
        wants_place = (names_a_workspace(r) or r.search_score >= t.answer) and (
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
            found = self.places(r.location, r.place_type, message)
            also = self._question_beside_search(turn)
            if also is not None and found.places:
                # « J'habite Rueil, faut-il être entrepreneur pour aller dans un coworking ? »:
                # the question answered, the places of the commune beside it
                answer = self.answer(also, message, turn.candidates[0].score, turn.candidates)
                return with_places(answer, found)
            return self._with_candidates(found, turn.candidates)
        if wants_place and turn.sure and not r.named:
            # « je travaille chez moi à Clamart mais je me sens seule, existe-t-il des lieux où
            # travailler avec d'autres ? »: the sure answer, and the places where the user is
            also = self._question_beside_search(turn)
            if also is not None and self._about_the_commune(also, r):
                also = None  # « le Tour de France du télétravail à La Défense », an event there
            found = self.places(r.location, r.place_type, message) if also else None
            if also is not None and found is not None and found.places:
                answer = self.answer(also, message, turn.candidates[0].score, turn.candidates)
                return with_places(answer, found)
        if conversation.last_kind is ReplyKind.PLACES and len(r.terms) <= 3 and not turn.sure:
            # « et à Nanterre ? », « et pour un fablab ? »: short, and not an FAQ question
            reply = self.places(r.location, r.place_type or conversation.last_type, message)
            return self._with_candidates(reply, turn.candidates)
        return None
