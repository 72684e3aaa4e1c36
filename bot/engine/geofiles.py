"""Reading ``knowledge/geo/``: the stations of Île-de-France Mobilités and the places outside
the 92 that people name. Every problem is a precise French :class:`Problem` (file, line or
entry, field), raised together as a :class:`KnowledgeError`: a bad file never surfaces as a
traceback, and a running bot keeps its last good knowledge.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge import KnowledgeError, Problem

STATIONS_FILE = Path("geo") / "gares-idfm.csv"
OUTSIDE_FILE = Path("geo") / "hors-92.yaml"


@dataclass(frozen=True, slots=True)
class Spot:
    """A position people name that is not a commune of the 92."""

    name: str
    lat: float
    lon: float
    kind: str  # "station", "outside" or "departement"
    departement: str = ""
    borders: bool = False  # outside, but touching the Hauts-de-Seine
    lines: str = ""
    of: str = ""  # a département's « de l'Essonne »


def _number(value: object, low: float, high: float) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _position(lat: object, lon: object) -> tuple[float | None, float | None]:
    """A latitude and a longitude, each ``None`` when it is no number in its range."""
    return _number(lat, -90, 90), _number(lon, -180, 180)


def read_geography(root: Path) -> tuple[list[Spot], list[tuple[Spot, tuple[str, ...]]]]:
    """Both files, every problem of both reported at once."""
    problems: list[Problem] = []
    stations: list[Spot] = []
    outside: list[tuple[Spot, tuple[str, ...]]] = []
    try:
        stations = read_stations(root)
    except KnowledgeError as exc:
        problems += exc.problems
    try:
        outside = read_outside(root)
    except KnowledgeError as exc:
        problems += exc.problems
    if problems:
        raise KnowledgeError(problems)
    return stations, outside


def read_stations(root: Path) -> list[Spot]:
    path, rel = root / STATIONS_FILE, str(STATIONS_FILE)
    if not path.is_file():
        return []
    problems: list[Problem] = []
    spots = []
    try:
        with path.open(encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                name = (row.get("nom") or "").strip()
                lat, lon = _position(row.get("lat"), row.get("lon"))
                if not name:
                    problems.append(Problem(rel, "nom de la station manquant", field="nom",
                                            line=line))
                elif lat is None or lon is None:
                    problems.append(Problem(rel, "latitude et longitude attendues (des nombres)",
                                            entry=name, field="lat" if lat is None else "lon",
                                            line=line))
                else:
                    spots.append(Spot(name, lat, lon, "station", lines=row.get("lignes") or ""))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise KnowledgeError([Problem(rel, f"fichier illisible ({type(exc).__name__})")]) from exc
    if problems:
        raise KnowledgeError(problems)
    return spots


def read_outside(root: Path) -> list[tuple[Spot, tuple[str, ...]]]:
    """The outside communes, the other départements and Paris's arrondissements, each with the
    other ways people write it."""
    path, rel = root / OUTSIDE_FILE, str(OUTSIDE_FILE)
    if not path.is_file():
        return []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise KnowledgeError([Problem(rel, "fichier YAML illisible",
                                      line=mark.line + 1 if mark else None)]) from exc
    if not isinstance(data, dict):
        raise KnowledgeError([Problem(rel, "une liste « outside » et une liste « departements » "
                                           "attendues")])
    problems: list[Problem] = []
    out: list[tuple[Spot, tuple[str, ...]]] = []
    for entry in _items(data, "outside", rel, problems):
        name, aliases = _name_and_aliases(entry, rel, problems)
        lat, lon = _position(entry.get("lat"), entry.get("lon"))
        departement = entry.get("departement")
        if name is None or aliases is None:
            continue
        if lat is None or lon is None:
            problems.append(Problem(rel, "latitude et longitude attendues (des nombres)",
                                    entry=name, field="lat" if lat is None else "lon"))
        elif not isinstance(departement, str) or not departement.strip():
            problems.append(Problem(rel, "département attendu (un texte)", entry=name,
                                    field="departement"))
        else:
            out.append((Spot(name, lat, lon, "outside", departement.strip(),
                             entry.get("borders") is True), aliases))
    for entry in _items(data, "departements", rel, problems):
        name, aliases = _name_and_aliases(entry, rel, problems)
        of = entry.get("of")
        if name is None or aliases is None:
            continue
        if not isinstance(of, str) or not of.strip():
            problems.append(Problem(rel, "« de … » attendu, par exemple « de l'Essonne »",
                                    entry=name, field="of"))
            continue
        # no centre: no places are listed for a whole département
        out.append((Spot(name, math.nan, math.nan, "departement", name, of=of.strip()), aliases))
    out += _arrondissements(data, rel, problems)
    if problems:
        raise KnowledgeError(problems)
    return out


def _items(data: dict, key: str, rel: str, problems: list[Problem]) -> Iterable[dict]:
    items = data.get(key) or []
    if not isinstance(items, list):
        problems.append(Problem(rel, "une liste attendue", field=key))
        return []
    for i, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield item
        else:
            problems.append(Problem(rel, f"élément n°{i} : une fiche {{name: …}} attendue",
                                    field=key))


def _name_and_aliases(entry: dict, rel: str,
                      problems: list[Problem]) -> tuple[str | None, tuple[str, ...] | None]:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(rel, "nom attendu (un texte)", field="name"))
        return None, None
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str | int) for a in aliases):
        problems.append(Problem(rel, "une liste de textes attendue", entry=name, field="aliases"))
        return name.strip(), None
    return name.strip(), tuple(str(a) for a in aliases)


def _arrondissements(data: dict, rel: str,
                     problems: list[Problem]) -> list[tuple[Spot, tuple[str, ...]]]:
    arrondissements = data.get("paris_arrondissements") or {}
    borders = data.get("paris_borders") or []
    if not isinstance(arrondissements, dict) or not isinstance(borders, list):
        problems.append(Problem(rel, "numéro → [latitude, longitude] attendu",
                                field="paris_arrondissements"))
        return []
    out = []
    for number, position in arrondissements.items():
        n = number if isinstance(number, int) and 1 <= number <= 20 else None
        lat = lon = None
        if isinstance(position, list) and len(position) == 2:
            lat, lon = _position(*position)
        if n is None or lat is None or lon is None:
            problems.append(Problem(rel, "numéro de 1 à 20 → [latitude, longitude] attendu",
                                    entry=str(number), field="paris_arrondissements"))
            continue
        label = "1er" if n == 1 else f"{n}e"
        spot = Spot(f"Paris {label}", lat, lon, "outside", "Paris", n in borders)
        aliases = (f"paris {n}", f"paris {label}", f"paris {n}eme", f"paris {n}ieme",
                   f"{label} arrondissement", f"{n}eme arrondissement", f"750{n:02d}")
        out.append((spot, aliases))
    return out
