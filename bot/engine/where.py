"""Decisions about where: stations, communes outside the 92, two communes in one message, and
follow-ups on the places just listed (« l'adresse ? », « et le deuxième ? », « c'est combien ? »).

Mixed into :class:`bot.engine.decision.Engine`, like :class:`bot.engine.compose.Composer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.engine.compose import Composer, at, in_a_row, of
from bot.engine.confidence import Calibrator
from bot.engine.conversation import Conversation
from bot.engine.geo import STATIONS_SOURCE, Geography, Spot
from bot.engine.intents import EMPLOYERS, MORE_DETAILS, price_intent
from bot.engine.matching import SCAFFOLDING, FaqIndex
from bot.engine.places import Directory, Found, none_of_kind
from bot.engine.reading import Reading
from bot.engine.reply import Reply, ReplyKind, SourceRef, Suggestion
from bot.engine.search_cues import HOME_VERBS, SEARCH_TERM, WHY_WORDS, names_a_workspace
from bot.engine.text import Normaliser, fold, tokenize
from bot.engine.turn import DEFINITION_PREFIX, Thresholds, Turn
from bot.engine.unknown_place import unknown_place_name, word_after_a_kind
from bot.engine.visit_details import visit_detail
from bot.engine.visits import about_any_place
from bot.knowledge import STAFF_CONTACT_ID, Commune, Place

OUTSIDE_ENTRY = "hors-hauts-de-seine"
_ORDINALS = {
    "premier": 0, "premiere": 0, "1er": 0, "1ere": 0, "deuxieme": 1, "second": 1, "seconde": 1,
    "2e": 1, "2eme": 1, "troisieme": 2, "3e": 2, "3eme": 2, "quatrieme": 3, "4e": 3,
    "cinquieme": 4, "5e": 4, "sixieme": 5, "6e": 5, "septieme": 6, "7e": 6, "huitieme": 7,
    "8e": 7, "neuvieme": 8, "9e": 8, "dixieme": 9, "10e": 9, "dernier": -1, "derniere": -1,
}
_RANK_WORDS = ("premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième",
               "septième", "huitième", "neuvième", "dixième")
# where a place is, in the folded words of a message
_WHERE_WORDS = (r"adresse|ou (?:est|se trouve|exactement|ca|sont)|c est ou|elle est ou|il est ou|"
                r"situe|est ou|sont ou")
_DETAILS = re.compile(  # about a listed place: more details, or where and how to get there
    MORE_DETAILS.pattern
    + rf"|\b(?:{_WHERE_WORDS}|"
    r"details?|precisions?|plus d infos?|site|horaires?|contact|comment y aller|acces)\b"
    r"|^ou$"  # « c'est où ? » (« c » is dropped), « où ? »
)
_WHAT_IS_IT = re.compile(r"^(?:et )?(?:kesako|est quoi|c est quoi|koi|quoi)"
                         r"(?: (?:ce|cet|cette|ca)(?: \w+){1,3})?$")
_PLURAL = frozenset({"ils", "elles", "sont"})  # « ils sont où ? »: all of a list
# « et à côté ? », « autour ? », « plus loin ? » after a list: the places around it
_AROUND = re.compile(r"^(?:et )?(?:(?:a|juste a) cote|autour|aux alentours|dans les environs|"
                     r"plus loin|ailleurs|pas loin|a proximite|dans le coin|les communes voisines)$")
_WHERE_IS = re.compile(rf"\b(?:{_WHERE_WORDS}|se trouve ou)\b")  # where, not its story
_NEAR_ME = re.compile(
    r"\b(?:pres|autour|a cote|proche|a proximite|pas loin) de (?:moi|chez moi)\b|\bdans mon quartier\b"
)


_HOME = HOME_VERBS | {"habitent", "residons", "chez", "logement", "maison", "appartement",
                     "quartier"}  # what comes before the commune where the user lives


_EMPLOYER = frozenset({"employeur", "employeurs", "entreprise", "patron", "rembourse", "rembourser",
                       "charge"})


def home_first(found: Sequence[Found], words: Sequence[str]) -> list[Commune]:
    """The communes found, where the user lives first (« je travaille à La Défense… mon
    domicile à Antony » asks near Antony), else in the message's order."""
    def at_home(f: Found) -> bool:
        return not _HOME.isdisjoint(words[max(0, f.start - 4):f.start])
    ordered = sorted(found, key=lambda f: not at_home(f))  # stable: the message's order
    return list(dict.fromkeys(f.value for f in ordered))  # type: ignore[misc]


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


def _in(spot: Spot) -> str:
    """« (Yvelines) » after Versailles; nothing after « Paris 15e », whose département is Paris."""
    return "" if spot.name.startswith(spot.departement) else f" ({spot.departement})"


def _rank(words: Sequence[str]) -> int | None:
    """« le 2 », « n°3 », « numéro 2 », « 2 » alone: a rank in the list just shown."""
    for before, word in zip(("", *words), words, strict=False):
        if word.isdigit() and 1 <= int(word) <= 9 and (
                len(words) == 1 or before in ("le", "la", "n", "no", "numero")):
            return int(word) - 1
    return None


class WhereDecisions(Composer):
    """Stations, outside communes, several communes and follow-ups on listed places."""

    directory: Directory
    geo: Geography
    thresholds: Thresholds
    calibrator: Calibrator
    normaliser: Normaliser
    index: FaqIndex
    _place_entries: set[str]
    _detail_of: Callable[..., Reply | None]  # from VisitDecisions
    _price_of: Callable[[Place | None, str], Reply]  # from VisitDecisions

    def _near_station(self, station: Spot, r: Reading, message: str) -> Reply:
        if r.location is not None and r.location.is_area and (
                fold(r.location.name) == fold(station.name)):
            # « près de la gare de La Défense »: the area's places, those with an address
            # first (its 2014 business centres, known by name only, sat at its very centre)
            return self.places(r.location, r.place_type, message)
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
            listing=True,
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
                 f"{spot.name} n'est pas dans les Hauts-de-Seine{_in(spot)}.")
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
                not WHY_WORDS.isdisjoint(r.words)):
            return None  # « pourquoi un tiers-lieu à Saint-Mars-du-Désert ? » is no search
        name = unknown_place_name(turn.focus or r.text, self.index.vocabulary)
        lower_case = name is None  # « coworking nanter »: only ever a commune's typo
        if lower_case:
            name = word_after_a_kind(turn.focus or r.text)
        # « Neuilly-sur-Marne », « Fontenay-sous-Bois »: no typo of a commune of the 92, but
        # another commune, made of words the knowledge knows
        another = name is not None and self.geo.names_another_place(tokenize(name), name)
        lower_case = lower_case and not another
        close = self.directory.location_finder.closest_name(name) if name and not another \
            else None
        if name is None or (close is None and lower_case):
            return None
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
        results = [self.directory.search(commune, r.place_type, nearby=2) for commune in communes]
        cards, seen = [], set()
        for result in results:
            typed = [p for p in result.local if p.type == r.place_type]
            # the kind asked, where there is some; the nearest, where the commune has none
            # (« mon domicile à Antony… » and La Défense), unless no commune has any
            shown = [(p, None) for p in (typed or result.local)[:4]] or (
                list(result.nearby) if any(other.local for other in results) else [])
            for place, km in shown:
                if place.id not in seen:
                    seen.add(place.id)
                    cards.append(self._card(place, km))
        names = [c.name for c in communes]
        if cards:
            text = f"Voici les lieux que je connais autour {of(in_a_row(names))} :"
        else:  # « ni à Garches ni à Vaucresson »: then the nearest known, nearest first
            nearest: dict[str, tuple[float, Place]] = {}
            for commune in communes:
                for place, km in self.directory.search(commune, r.place_type).nearby:
                    if km < nearest.get(place.id, (float("inf"), place))[0]:
                        nearest[place.id] = (km, place)
            ranked = sorted(nearest.values(), key=lambda kp: kp[0])[:4]
            cards = [self._card(place, km) for km, place in ranked]
            text = (f"Je ne connais {none_of_kind(r.place_type)} " + " ".join(
                f"ni {at(n)}" for n in names)
                    + " dans mes sources.")
            if cards:
                text += " Voici les lieux connus les plus proches :"
        return Reply(
            kind=ReplyKind.PLACES,
            listing=True,
            text=text + "\nVérifiez qu'un lieu est toujours ouvert avant de vous déplacer.",
            question=message,
            places=tuple(cards),
            commune=communes[0].name,
            place_type=r.place_type,
            contacts=self._contacts(STAFF_CONTACT_ID),
            suggestions=self._commuter_questions(r),
        )

    def _after_where_one_lives(self, text: str) -> str | None:
        """« j'habite à Nanterre, y a des subventions pour mon asso ? »: the question after the
        clause that says where the user lives, when that question looks for no place (« j'habite
        à Nanterre, y a un coworking ? » is a search there)."""
        parts = re.split(r"[,.;:!?]|\s-\s", text, maxsplit=1)
        if len(parts) < 2 or len(parts[1].strip()) < 8:
            return None
        head, rest = parts[0], parts[1].strip()
        folded = fold(head)
        if not any(w in folded for w in _HOME):  # the cheap test first: it runs on every message
            return None
        words = self.normaliser.words(head)
        if _HOME.isdisjoint(words) or not self.directory.location_finder.find(words, fuzzy=False):
            return None
        asked = self._read(rest)
        if asked.location is not None or asked.place_cue or asked.named or (
                near_me(asked.words) or SEARCH_TERM in asked.terms):
            return None
        return rest

    def _commuter_questions(self, r: Reading) -> tuple[Suggestion, ...]:
        """Home and work in one message: whether the employer pays comes first when asked."""
        ids = ("trouver-tiers-lieu", "tarifs")
        if not _EMPLOYER.isdisjoint(r.words):
            ids = ("teletravail-cadre", *ids)
        faq = self.knowledge.faq
        return tuple(Suggestion(i, faq[i].question) for i in ids if i in faq)

    def _follow_up_on_places(self, r: Reading, message: str,
                             conversation: Conversation) -> Reply | None:
        """« l'adresse ? », « elle est où ? », « et le deuxième ? », « c'est combien ? »: about
        the place named by its rank, else the one last shown alone, else the first."""
        known = self.knowledge.places
        places = [known[i] for i in conversation.last_places if i in known]
        if not places or len(r.words) > 8 or r.location is not None or r.named or r.elsewhere:
            return None  # « non, Colombes dans le Calvados » is no place of the list
        if _AROUND.match(" ".join(r.words)):
            return self._around_the_list(places, message, conversation)
        if len(places) > 1 and not _PLURAL.isdisjoint(r.words) and _WHERE_IS.search(
                " ".join(r.words)):
            # « ils sont où ? » after a list: where each of them is, not the first alone
            return Reply(kind=ReplyKind.PLACES, question=message, listing=True,
                         text="Voici où se trouvent ces lieux, d'après mes sources :",
                         places=tuple(self._card(p) for p in places))
        text = " ".join(r.words)
        ordinal = next((_ORDINALS[w] for w in r.words if w in _ORDINALS), None)
        if ordinal is None:
            ordinal = _rank(r.words)
        ids = [p.id for p in places]
        if ordinal is not None and ordinal >= len(places):  # « le 5e » of a list of two
            return self._beyond_the_list(places, message)
        if ordinal is not None and -len(places) <= ordinal < len(places):
            chosen = places[ordinal]
        elif ordinal is None and conversation.last_place in ids:
            chosen = places[ids.index(conversation.last_place)]
        else:
            # « un fab lab à Boulogne » listed two coworkings of Boulogne before the nearest
            # fab labs: « c'est combien ? » is about the first fab lab
            asked = [p for p in places if p.type == conversation.last_type]
            chosen = asked[0] if asked else places[0]
        if price_intent(r.words):  # « mon employeur doit payer ? » is the frame of telework
            return None if EMPLOYERS.intersection(r.words) else self._price_of(chosen, message)
        detail = visit_detail(r.words)  # « il ouvre le dimanche ? », « y a un parking ? »
        if detail is not None:
            if about_any_place(r):
                return None
            others = len(places) > 1
            return (self._detail_of(chosen, detail, message, others=others)
                    or self._place_details(chosen, message, others=others))
        # « c'est quoi ? », « c'est quoi ce radio-club ? » right after one place's card: it
        what_is_it = _WHAT_IS_IT.match(text) is not None and conversation.last_place in ids
        if ordinal is None and not _DETAILS.search(text) and not what_is_it:
            return None
        return self._place_details(chosen, message, others=len(places) > 1)

    def _around_the_list(self, shown: list[Place], message: str,
                         conversation: Conversation) -> Reply | None:
        """« et à côté ? » after a commune's list: the nearest places not shown yet."""
        here = self.directory.communes.get(conversation.last_commune or "")
        if here is None:
            return None
        seen = {p.id for p in shown}
        found = [(p, d) for p, d in self.directory.nearest(
            here.lat, here.lon, limit=len(seen) + 5, place_type=conversation.last_type)
            if p.id not in seen][:5]
        if not found:
            return None
        return Reply(kind=ReplyKind.PLACES, listing=True, question=message,
                     commune=here.name, place_type=conversation.last_type,
                     text=f"Autour {of(here.name)}, voici les autres lieux connus les plus "
                     "proches (à vol d'oiseau). Vérifiez qu'un lieu est toujours ouvert avant "
                     "de vous déplacer.",
                     places=tuple(self._card(p, d) for p, d in found))

    def _beyond_the_list(self, places: list[Place], message: str) -> Reply:
        """No place of that rank: say so and show the list again, to choose from it."""
        count = len(places)
        if count == 1:
            text = "La liste ne compte qu'un lieu : le voici de nouveau."
        else:
            last = _RANK_WORDS[count - 1] if count <= len(_RANK_WORDS) else "dernier"
            between = " ou " if count == 2 else "… "
            text = (f"La liste ne compte que {count} lieux : les voici de nouveau. Écrivez "
                    f"« le premier »{between}« le {last} » pour en choisir un.")
        return Reply(kind=ReplyKind.PLACES, text=text, question=message,
                     places=tuple(self._card(p) for p in places))

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

    def _about_named_place(self, turn: Turn, message: str) -> Reply | None:
        """« casaco c koi », « kwerk boulogne »: the place's entry, or its card."""
        r, best = turn.reading, turn.best
        if not r.named:
            return None
        entry_id = r.named[0].faq
        if entry_id in self.knowledge.faq and len(r.words) <= 8 and _WHERE_IS.search(
                " ".join(r.words)):
            return self._place_details(r.named[0], message)  # « adresse de Casaco »: its card
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
        # « la tréso c'est un fablab ? » asks what that place is, not what a fab lab is
        defines = best is not None and best.entry_id.startswith(DEFINITION_PREFIX)
        if not turn.sure or defines or self._only_names(r):
            return self._named_places(r.named, message, turn.candidates)
        return None

    def _only_names(self, r: Reading) -> bool:
        """« les fabriqueurs », « Fab Lab des Blagis c'est quoi ? »: nothing but a place's name
        (and its commune), however sure an entry sharing a word of the name is."""
        rest = self.directory.without_place_names(r.words)
        found = self.directory.location_finder.find(rest, fuzzy=False)
        inside = {i for f in found for i in range(f.start, f.end)}
        rest = [w for i, w in enumerate(rest) if i not in inside]
        return all(t in SCAFFOLDING for t in self.normaliser.terms(rest))

    @staticmethod
    def _probability_of(turn: Turn, entry_id: str) -> float:
        return next((j.probability for j in turn.judged if j.entry_id == entry_id), 0.0)
