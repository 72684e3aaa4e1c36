"""Where people are when they give no commune of the 92: a station, or a place outside.

« près du métro Pont de Sèvres », « à côté de la gare de Clamart »: the station's position (from
Île-de-France Mobilités' open data, ``knowledge/geo/gares-idfm.csv``) ranks the places by real
distance — the file has no commune, and a station's commune is never guessed from its name
(« Pont de Sèvres » is in Boulogne-Billancourt): it is the commune, or the Paris arrondissement,
whose centre is nearest (:meth:`Geography.around`). « un coworking à Versailles », « paris 15 »,
« l'Essonne »: outside the département (``knowledge/geo/hors-92.yaml``), said plainly, with the
nearest places of the 92 when it borders it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.elsewhere_names import names_elsewhere
from bot.engine.geofiles import OUTSIDE_FILE, STATIONS_FILE, Spot, read_geography
from bot.engine.places import Directory, Found, PhraseFinder, distance_km
from bot.engine.text import STOP_WORDS, fold, tokenize
from bot.knowledge import Commune, Knowledge

__all__ = ["OUTSIDE_FILE", "STATIONS_FILE", "STATIONS_SOURCE", "Geography", "Located", "Spot"]

STATIONS_SOURCE = "Île-de-France Mobilités, emplacement des gares et stations (données ouvertes)"
_STATION_WORDS = frozenset({
    "gare", "gares", "station", "stations", "metro", "rer", "tram", "tramway", "arret",
    "transilien", "ligne",
})


@dataclass(frozen=True, slots=True)
class Located:
    """What a message says about where: a commune or area of the 92, or a spot."""

    commune: Commune | None = None
    spot: Spot | None = None


# « la mairie de Montrouge », « le parc de Sceaux », « le stade de Colombes »: a building or a
# park of the commune named, which a station happens to be named after
_BUILDINGS = frozenset({"mairie", "parc", "stade", "hopital", "musee", "eglise"})

# « -sur- », « -sous- », « -aux- », « -lès- »: a commune's name goes on
_NAME_GOES_ON = frozenset({"sur", "sous", "aux", "lez", "les"})
# « Fontenay-le-Fleury », « Issy-l'Évêque »: words joined by hyphens, one name (on folded text)
_HYPHENATED = re.compile(r"[a-z]+(?:-[a-z]+(?:'[a-z]+)?)+")


class Geography:
    """Stations and outside communes, found in a message (their nearest places come from
    :meth:`bot.engine.places.Directory.nearest`)."""

    def __init__(self, knowledge: Knowledge, directory: Directory) -> None:
        root = knowledge.path
        self.directory = directory
        self.stations, outside = read_geography(root) if root else ([], [])
        self._outside_spots = [s for s, _ in outside]
        self._station_finder = PhraseFinder([(s.name, s) for s in self.stations])
        self._outside_finder = PhraseFinder(
            [(s.name, s) for s, _ in outside] + [(a, s) for s, aliases in outside for a in aliases]
        )

    def locate(self, words: Sequence[str]) -> Located | None:
        """The most specific place the message names (the longest name wins: « La
        Celle-Saint-Cloud » is not Saint-Cloud, « Pont de Sèvres » is a station, not Sèvres)."""
        found = [(f, "commune") for f in self.directory.location_finder.find(words)]
        found += [(f, "outside") for f in self._outside_finder.find(words, fuzzy=False)
                  if not _is_grand_paris(words, f.start)]
        for f in self._station_finder.find(words, fuzzy=False):
            keyword = bool(_STATION_WORDS.intersection(words[max(0, f.start - 3) : f.start]))
            # « métro Pont de Sèvres »; « Pont de Sèvres » alone is longer than « Sèvres »; but
            # « La Défense » alone is the area, and « Clamart » alone the commune
            longer = f.end - f.start >= 2 and not any(
                c.start <= f.start and f.end <= c.end for c, kind in found if kind == "commune")
            building = self._names_a_building(f) and any(k == "commune" for _, k in found)
            if keyword or (longer and not building):
                found.append((f, "station" if keyword else "station-name"))
        if not found:
            return None
        rank = {"station": 3, "station-name": 2, "outside": 1, "commune": 0}
        best, kind = max(found, key=lambda fk: (
            fk[1] == "station", fk[0].end - fk[0].start, rank[fk[1]], -fk[0].start))
        if kind == "commune":
            return Located(commune=best.value)  # type: ignore[arg-type]
        return Located(spot=best.value)  # type: ignore[arg-type]

    @staticmethod
    def _names_a_building(found: Found) -> bool:
        """« Mairie de Montrouge », « Le Stade »: a station named after a building; said
        without « métro » or « gare » beside a commune, it is the building."""
        name = [w for w in tokenize(found.value.name) if w != "le"]  # type: ignore[attr-defined]
        return bool(name) and name[0] in _BUILDINGS

    def outside(self, words: Sequence[str]) -> Spot | None:
        """The commune, arrondissement or département outside the 92 that :meth:`locate` finds
        (not a station, not a commune of the 92)."""
        located = self.locate(words)
        spot = located.spot if located is not None else None
        return spot if spot is not None and spot.kind != "station" else None

    def names_a_longer_place_outside(self, words: Sequence[str]) -> bool:
        """« Boulogne-sur-Mer », « Clichy-sous-Bois »: a place outside the 92 whose name holds
        the name of a commune of the 92 (the longer name wins, as in :meth:`locate`)."""
        communes = self.directory.location_finder.find(words)
        if not communes:
            return False
        outside = [f for f in self._outside_finder.find(words, fuzzy=False)
                   if not _is_grand_paris(words, f.start)]
        if any(o.start <= c.start and c.end <= o.end and o.end - o.start > c.end - c.start
               for o in outside for c in communes):
            return True
        if any(names_elsewhere(list(words), c.end) for c in communes):
            return True  # « Clamart en Vendée », « Colombes dans le Calvados »
        stations = self._station_finder.find(words, fuzzy=False)
        return any(self._continued_otherwise(words, c) for c in communes
                   if not any(s.start <= c.start < s.end for s in stations))

    def names_another_place(self, words: Sequence[str], text: str) -> bool:
        """A place outside the 92 whose name begins like a commune of the 92: no commune of the
        92 is read in the message (« Boulogne-sur-Mer », « Fontenay-le-Fleury »)."""
        return self.names_a_longer_place_outside(words) or self.hyphenates_another_name(text)

    def hyphenates_another_name(self, text: str) -> bool:
        """« Fontenay-le-Fleury », « Colombey-les-Deux-Églises », « Sceaux-du-Gâtinais »: a
        commune of the 92 (or a typo of one) begins a hyphenated name that goes on beyond it:
        another commune. Hyphens say what words cannot (« Colombes le samedi » is Colombes)."""
        if "-" not in text:
            return False
        finder = self.directory.location_finder
        for chain in _HYPHENATED.findall(fold(text)):
            words = tokenize(chain)
            first = finder.find(words)[:1]
            if not first or first[0].start or first[0].end == len(words):
                continue
            rest = words[first[0].end:]
            station = self._station_finder.find(words, fuzzy=False)[:1]
            if finder.find(rest[:1], fuzzy=False) or (
                    station and (station[0].start, station[0].end) == (0, len(words))):
                continue  # « Issy-Boulogne », « Nanterre-Préfecture »
            return True
        return False

    def _continued_otherwise(self, words: Sequence[str], found: Found) -> bool:
        """« Neuilly-sur-Marne », « Fontenay-sous-Bois », « Châtillon-sur-Seine », « Neuilly-
        Plaisance »: a commune of the 92 begun (its name or the start of it), then continued as
        its name does not go on — another commune, which the list of places outside may not
        know. A word of the knowledge after it (« Neuilly pas cher ») is no continuation."""
        said = list(words[found.start:found.end])
        official = tokenize(found.value.name)  # type: ignore[attr-defined]
        if official[:1] in (["le"], ["la"], ["les"]) and said[:1] != official[:1]:
            official = official[1:]  # « au Plessis-Trévise »: the article went into « au »
        if official[:len(said)] != said:
            return False  # a typo or a short form that is no start of the name
        rest, after = official[len(said):], list(words[found.end:found.end + 2])
        if len(after) == 2 and after[0] in _NAME_GOES_ON:
            return after != rest[:2]
        return bool(rest) and bool(after) and after[0] not in rest and (
            after[0] not in self.directory.known_words and after[0] not in STOP_WORDS
            and not self.directory.location_finder.find(after[:1], fuzzy=False))

    def around(self, lat: float, lon: float, within_km: float = 2.0) -> Commune | Spot | None:
        """The commune of the 92, or the commune or arrondissement outside it, whose centre is
        nearest to a position, when one is close. The stations file gives no commune:
        « Nanterre-Préfecture » is nearer to the places of La Défense than to Nanterre's, and
        Saint-Lazare is in Paris, whatever places of the 92 are nearest."""
        here = Commune(name="", lat=lat, lon=lon)
        ranked = sorted(
            [(distance_km(here, c), 0, c.name, c) for c in self.directory.communes.values()
             if not c.is_area]
            + [(distance_km(here, Commune(name=s.name, lat=s.lat, lon=s.lon)), 1, s.name, s)
               for s in self._outside_spots if s.kind == "outside"],
            key=lambda t: t[:3])
        return ranked[0][3] if ranked and ranked[0][0] <= within_km else None


# « à l'ouest de Paris », « la banlieue de Paris », « aux portes de Paris »: around the city
_AROUND = frozenset({"ouest", "nord", "sud", "est", "banlieue", "portes", "environs",
                     "alentours", "peripherie", "couronne"})


def _is_grand_paris(words: Sequence[str], start: int) -> bool:
    """« Grand Paris », « Paris La Défense », « Paris-Saclay », « l'ouest de Paris »: not the
    city."""
    before = words[start - 1] if start else ""
    after = " ".join(words[start + 1 : start + 3])
    around = before in ("de", "du") and start >= 2 and words[start - 2] in _AROUND
    return before in ("grand", "region") or around or after.startswith(("la defense", "saclay"))
