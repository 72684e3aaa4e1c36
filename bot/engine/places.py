"""Where people want to go: communes, areas, named places and the directory search.

Communes are recognised the way people type them — without accents or hyphens, in their
short forms (« boulogne », « rueil »), with typos — and areas such as La Défense, which spread
over several communes, are first-class: a search there lists the area's places first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.engine.text import STOP_WORDS, tokenize
from bot.knowledge import CLOSED_STATUSES, PLACE_STATUSES, PLACE_TYPES, Commune, Knowledge, Place

_MAX_SPAN = 4
_WORKSHOPS = frozenset({"fablab"})
_FEMININE = frozenset({"pepiniere"})  # « une pépinière d'entreprises »
OTHER_TYPES_SHOWN = 2  # of a commune's places, when none is of the type asked
_PLURALS = {"tiers-lieu": "tiers-lieux", "fablab": "fab labs", "coworking": "espaces de coworking",
            "centre-affaires": "centres d'affaires", "pepiniere": "pépinières d'entreprises",
            "telecentre": "télécentres"}


@dataclass(frozen=True, slots=True)
class Found:
    """Something recognised in the message, and the words it covered."""

    value: object
    start: int
    end: int


def name_keys(text: str, split: Callable[[str], Sequence[str]] | None = None) -> set[str]:
    """The keys a name is found by: its words as :func:`tokenize` gives them, and as ``split``
    (the engine's words, SMS forms spelled out) does."""
    return {key for key in (" ".join(tokenize(text)), " ".join(split(text)) if split else "")
            if key}


class PhraseFinder:
    """Finds known multi-word names in a list of folded words, exactly or with typos."""

    def __init__(
        self, names: Iterable[tuple[str, object]], known_words: frozenset[str] = frozenset(),
        split: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        """``split``: how the messages searched were split, when not plain :func:`tokenize`
        (the engine's words spell out SMS forms: « The Sun Project » reads « the sun projet »);
        names are keyed both ways."""
        self._exact: dict[str, object] = {}
        for text, value in names:
            for key in name_keys(text, split):
                if len(key) >= 4 or " " in key:
                    self._exact.setdefault(key, value)
        # candidates for typos by number of words and first letter (typos rarely touch it)
        self._by_size: dict[tuple[int, str], list[str]] = {}
        for key in self._exact:
            self._by_size.setdefault((len(key.split()), key[0]), []).append(key)
        self._known_words = known_words
        self._by_sound: dict[str, str] | None = None  # built when first needed
        self._name_words = frozenset(w for key in self._exact for w in key.split())

    def find(self, words: Sequence[str], fuzzy: bool = True) -> list[Found]:
        """Non-overlapping matches, longest first; typos only on words the FAQ doesn't know."""
        # A name's span holds only words of some name — or, for a typo, words the FAQ
        # doesn't know: every other word cuts the message, and most words are such.
        usable = [w in self._name_words or (fuzzy and w not in self._known_words) for w in words]
        run = [0] * (len(words) + 1)
        for i in range(len(words) - 1, -1, -1):
            run[i] = run[i + 1] + 1 if usable[i] else 0
        found: list[Found] = []
        taken: set[int] = set()
        for size in range(min(_MAX_SPAN, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if run[start] < size:
                    continue
                span = range(start, start + size)
                if taken.intersection(span):
                    continue
                key = " ".join(words[start : start + size])
                value = self._exact.get(key)
                if value is None and fuzzy:
                    value = self._fuzzy(words[start : start + size])
                if value is not None:
                    found.append(Found(value, start, start + size))
                    taken.update(span)
        return sorted(found, key=lambda f: f.start)

    def closest_name(self, name: str, cutoff: float = 80) -> object | None:
        """The known name nearest to a name nobody knows (« Nanter » → Nanterre), looser than
        :meth:`find`: only asked about a name already found to be no known word. A name
        written as it sounds (« puto », « issy les moulino ») is that name."""
        key = " ".join(tokenize(name))
        if not key:
            return None
        pool = self._by_size.get((len(key.split()), key[0]), ())
        best = process.extractOne(key, pool, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best:
            return self._exact[best[0]]
        if self._by_sound is None:
            self._by_sound = {}
            for known in self._exact:
                self._by_sound.setdefault(sounds(known), known)
        heard = self._by_sound.get(sounds(key))
        return self._exact[heard] if heard is not None else None

    def _fuzzy(self, words: Sequence[str]) -> object | None:
        """A typo'd name: each word equals the name's, or is a word the FAQ doesn't know.

        Without the second condition « fablab gennevilliers » would be read as the place
        « FacLab Gennevilliers »: « fablab » is a real word, not a typo.
        """
        if words[0] in STOP_WORDS or words[-1] in STOP_WORDS:
            return None
        key = " ".join(words)
        if len(key) < 5 or all(w in self._known_words for w in words):
            return None
        best = None
        for candidate in self._by_size.get((len(words), key[0]), ()):
            if abs(len(candidate) - len(key)) > 3:  # a ratio of 87 allows no more
                continue
            parts = candidate.split()
            if all(w == p or w not in self._known_words for w, p in zip(words, parts, strict=True)):
                score = fuzz.ratio(key, candidate)
                if score >= 87 and (best is None or score > best[1]):
                    best = (candidate, score)
        return self._exact[best[0]] if best else None


_SOUNDS = (  # French spellings of one sound, longest first; then silent endings and doubles
    (re.compile(r"eaux|eau|aux|au"), "o"), (re.compile(r"ph"), "f"),
    (re.compile(r"qu|c(?=[aou])|ck"), "k"), (re.compile(r"g(?=[ei])"), "j"),
    (re.compile(r"y"), "i"), (re.compile(r"(?:es|e|s|x|t|d)\b"), ""), (re.compile(r"(.)\1+"), r"\1"),
)


def sounds(key: str) -> str:
    """How a folded name sounds, roughly: « puteaux » and « puto » both give « puto »."""
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key


def distance_km(a: Commune, b: Commune) -> float:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


@dataclass(frozen=True, slots=True)
class DirectoryResult:
    where: Commune
    place_type: str | None
    local: tuple[Place, ...]  # in the commune or area (of the type asked, when there are some)
    other_types_here: bool  # the commune has places, but none of the type asked
    nearby: tuple[tuple[Place, float], ...]  # nearest places elsewhere, with distance in km
    left_out: int = 0  # places of other types here not shown, so that the type asked comes soon
    type_nowhere: bool = False  # no place of the type asked anywhere (no télécentre is listed)


class Directory:
    """The places of ``places.yaml``, searchable by commune or area and type."""

    def __init__(self, knowledge: Knowledge, known_words: frozenset[str] = frozenset(),
                 split: Callable[[str], Sequence[str]] | None = None) -> None:
        self.knowledge = knowledge
        self.known_words = known_words  # the FAQ's words: no place name is made of them
        self.communes = {c.name: c for c in knowledge.communes}
        self.places = tuple(knowledge.places.values())
        self.location_finder = PhraseFinder(
            [(c.name, c) for c in knowledge.communes]
            + [(alias, c) for c in knowledge.communes for alias in c.aliases],
            known_words,
        )
        self.place_finder = PhraseFinder(
            [(p.name, p) for p in self.places] + [(a, p) for p in self.places for a in p.aliases],
            known_words, split,
        )
        self._by_name: dict[str, list[Place]] = {}
        for place in self.places:
            for text in (place.name, *place.aliases):
                for key in name_keys(text, split):
                    if place not in self._by_name.setdefault(key, []):
                        self._by_name[key].append(place)
        # a closed place is nowhere to go (its name still gets its card)
        self.open_places = tuple(p for p in self.places if p.status != "ferme")
        self.type_finder = PhraseFinder(
            [(phrase, t) for t, phrases in knowledge.place_types.items() for phrase in phrases]
            + [(label, t) for t, label in PLACE_TYPES.items()],
        )

    # -- recognition -----------------------------------------------------------------------

    def find_location(self, words: Sequence[str]) -> Commune | None:
        found = self.location_finder.find(words)
        if not found:
            return None
        # The longest span is the most specific (« la garenne colombes » over « colombes »).
        best = max(found, key=lambda f: (f.end - f.start, -f.start))
        return best.value  # type: ignore[return-value]

    def find_places(self, words: Sequence[str], where: Commune | None = None) -> list[Place]:
        """Places named in the message (all branches of a chain), those in ``where`` first."""
        found = self.place_finder.find(words)
        if not found:
            return []
        named: set[Place] = set()
        for f in found:  # a name several places share (« Morning Coworking ») names them all
            named.update(self._by_name.get(" ".join(words[f.start:f.end]), (f.value,)))
        matches = [p for p in self.places if p in named]
        if where is not None:
            here = [p for p in matches if self.is_in(p, where) or p.commune in where.communes]
            matches = here or matches
        return matches

    def branches_in_view(self, named: list[Place], words: Sequence[str], listed: Sequence[str],
                         commune: str | None) -> list[Place]:
        """« Morning Coworking » after Puteaux's list: the branch there; « et kwerk » after La
        Défense's list: the Kwerk listed (Kwerk Tour First), not the one « Kwerk » names —
        unless the message says which (« Kwerk Boulogne »)."""
        if len(named) > 1 and commune:
            here = [p for p in named if commune in (p.commune, p.area)]
            named = here or named
        brand, *rest = tokenize(named[0].name) if len(named) == 1 else [""]
        if brand not in ("", "le", "la", "les", "l") and named[0].id not in listed and not (
                set(rest) & set(words)):
            shown = [p for p in self.places if p.id in listed and tokenize(p.name)[:1] == [brand]]
            named = shown[:1] or named
        return named

    def without_place_names(self, words: Sequence[str]) -> list[str]:
        """The words outside the places' names (« The Sun Project courbevoie » is no English)."""
        found = self.place_finder.find(words, fuzzy=False)
        inside = {i for f in found for i in range(f.start, f.end)}
        return [w for i, w in enumerate(words) if i not in inside]

    def find_type(self, words: Sequence[str]) -> str | None:
        """The specific type asked for; the generic « tiers-lieu » means no filter."""
        types = [f.value for f in self.type_finder.find(words, fuzzy=False)]
        specific = [t for t in types if t != "tiers-lieu"]
        return str(specific[0]) if specific else None

    def mentions_type(self, words: Sequence[str]) -> bool:
        return bool(self.type_finder.find(words, fuzzy=False))

    # -- search ----------------------------------------------------------------------------

    def location_of(self, place: Place) -> Commune | None:
        """Where a place is, for distances: its own coordinates, else its commune's centre."""
        if place.lat is not None and place.lon is not None:
            return Commune(name=place.name, lat=place.lat, lon=place.lon)
        return self.communes.get(place.commune or "") or self.communes.get(place.area or "")

    def is_in(self, place: Place, where: Commune) -> bool:
        if where.is_area:
            return place.area == where.name
        return place.commune == where.name

    def search(
        self, where: Commune, place_type: str | None, nearby: int = 3, around_limit: int = 4
    ) -> DirectoryResult:
        """Places in ``where`` first (of the type asked first), then the areas or communes it
        overlaps (La Défense for Courbevoie, and the reverse), then the nearest elsewhere."""
        usable = self.open_places
        inside = [p for p in usable if self.is_in(p, where)]
        if where.is_area:
            around = [p for p in usable if p.commune in where.communes and p not in inside]
        else:
            areas = {a.name for a in self.communes.values() if a.is_area and where.name in a.communes}
            around = [p for p in usable if p.commune is None and p.area in areas]

        def typed_first(places: list[Place]) -> list[Place]:
            # no kind asked: somewhere to work before a workshop (a radio club's fab lab
            # came first for « je veux télétravailler près de chez moi » at Rueil)
            return sorted(places, key=lambda p: p.type != place_type if place_type is not None
                          else p.type in _WORKSHOPS)

        # The overlapping area's places are a bonus, not the answer: a few are enough.
        local = typed_first(inside) + typed_first(around)[: max(0, around_limit - len(inside))]
        local.sort(key=_shown_last)  # closed or renamed, then known by name only: last
        has_type = place_type is None or any(p.type == place_type for p in local)
        others = [p for p in usable if p not in local]
        left_out = 0
        nowhere = bool(place_type) and not any(p.type == place_type for p in usable)
        if not has_type and not nowhere and len(local) > OTHER_TYPES_SHOWN:  # « fablab Boulogne »
            left_out = len(local) - OTHER_TYPES_SHOWN        # would hide the nearest fab labs
            local = local[:OTHER_TYPES_SHOWN]
        if place_type:
            others = [p for p in others if p.type == place_type] or others
        ranked = sorted(
            ((p, distance_km(where, loc)) for p in others if (loc := self.location_of(p))),
            key=lambda pd: (_shown_last(pd[0]), pd[1], pd[0].name),
        )
        return DirectoryResult(
            where=where,
            place_type=place_type,
            local=tuple(local),
            other_types_here=bool(local) and not has_type,
            left_out=left_out,
            type_nowhere=nowhere,
            nearby=tuple((p, round(d, 1)) for p, d in ranked[:nearby] if d != math.inf),
        )

    def of_type(self, place_type: str) -> list[Place]:
        """Every place of a kind still open or planned, by commune (« les fab labs du 92 »)."""
        found = [p for p in self.open_places if p.type == place_type]
        return sorted(found, key=lambda p: (p.commune or p.area or "", p.name))

    def nearest(self, lat: float, lon: float, limit: int = 5,
                place_type: str | None = None) -> list[tuple[Place, float]]:
        """Places nearest to a position — shared, a station's, a neighbouring commune's — by
        a place's own coordinates when the sources give them, else its commune's centre; of
        the type asked when there are some; closed or renamed places last."""
        here = Commune(name="", lat=lat, lon=lon)
        ranked = sorted(
            ((p, distance_km(here, loc)) for p in self.places if (loc := self.location_of(p))),
            # a place known by its commune only may be anywhere in it: after the places at a
            # known spot that are about as near
            key=lambda pd: (_shown_last(pd[0]),
                            # no kind asked: somewhere to work before a workshop, as in search
                            place_type is None and pd[0].type in _WORKSHOPS,
                            pd[1] + (_UNPLACED_MARGIN if pd[0].lat is None and pd[0].commune
                                     else 0.0),  # an area (La Défense) is no wider than that
                            pd[0].name),
        )
        typed = [pd for pd in ranked if place_type is None or pd[0].type == place_type]
        return [(p, round(d, 1)) for p, d in (typed or ranked)[:limit] if d != math.inf]


_UNPLACED_MARGIN = 1.0  # km: about the radius of a commune of the 92


def _shown_last(place: Place) -> int:
    """Closed or renamed places come last (2), before them the ones known by a name only — no
    address, status unknown, the business centres the Cahier n°12 named in 2014 (1)."""
    if place.status in CLOSED_STATUSES:
        return 2
    return 1 if place.status == "inconnu" and not place.address else 0


def type_label(place_type: str) -> str:
    return PLACE_TYPES.get(place_type, place_type)


def kind_words(place_type: str | None, default: str = "lieu") -> str:
    """The kind of place inside a sentence: « fab lab », « espace de coworking », else ``default``."""
    return type_label(place_type).lower() if place_type else default


def none_of_kind(place_type: str | None, default: str = "lieu") -> str:
    """« aucun fab lab », « aucune pépinière d'entreprises »."""
    return ("aucune " if place_type in _FEMININE else "aucun ") + kind_words(place_type, default)


def kinds_words(place_type: str | None) -> str:
    """The plural: « les fab labs les plus proches »."""
    return _PLURALS.get(place_type or "", "lieux")


def status_label(place: Place) -> str:
    year = place.facts_date[:4] if place.facts_date else ""
    label = PLACE_STATUSES.get(place.status, place.status)
    return f"{label} (d'après une source de {year})" if year and place.status != "inconnu" else label
