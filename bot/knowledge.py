"""Load and validate the curated knowledge (``knowledge/``) into typed, immutable entries.

Staff edit these YAML files by hand, so every problem is reported precisely — file, line,
entry id and field — and *all* problems are reported at once rather than the first only.
A :class:`KnowledgeError` leaves whatever knowledge was loaded before untouched: the caller
decides to keep serving it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PLACE_TYPES: dict[str, str] = {
    "coworking": "Espace de coworking",
    "fablab": "Fab lab",
    "telecentre": "Télécentre",
    "centre-affaires": "Centre d'affaires",
    "pepiniere": "Pépinière d'entreprises",
    "tiers-lieu": "Tiers-lieu",
}
PLACE_STATUSES: dict[str, str] = {
    "ouvert": "ouvert",
    "projet": "en projet",
    "ferme": "fermé",
    "inconnu": "statut inconnu",
}
AUDIENCES = frozenset({"tous", "usagers", "porteurs"})
STAFF_CONTACT_ID = "equipe"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FACTS_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


def default_knowledge_path() -> Path:
    """The knowledge shipped with the bot: inside the wheel, or the repository's folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_knowledge", here.parent / "knowledge"):
        if (candidate / "faq").is_dir():
            return candidate
    return here.parent / "knowledge"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the knowledge, located as precisely as possible."""

    file: str
    message: str
    entry: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = ", ".join(
            p for p in (self.entry and f"entrée « {self.entry} »", self.field and f"champ « {self.field} »") if p
        )
        return f"{where}: {what + ' : ' if what else ''}{self.message}"


class KnowledgeError(Exception):
    """The knowledge cannot be used; :attr:`problems` says everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    theme: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[Source, ...]
    facts_date: str
    checked_on: str
    file: str
    line: int | None = None
    audience: tuple[str, ...] = ("tous",)
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    contact: str | None = None
    place: str | None = None

    @property
    def question(self) -> str:
        """The canonical question (the first phrasing): used for buttons."""
        return self.questions[0]


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    commune: str | None
    type: str
    status: str
    sources: tuple[Source, ...]
    facts_date: str
    checked_on: str
    area: str | None = None
    aliases: tuple[str, ...] = ()
    operator: str | None = None
    description: str | None = None
    services: tuple[str, ...] = ()
    address: str | None = None
    website: str | None = None
    faq: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Commune:
    name: str
    aliases: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    communes: tuple[str, ...] = ()  # for an area: the communes it spreads over
    is_area: bool = False


@dataclass(frozen=True, slots=True)
class SmallTalkIntent:
    id: str
    patterns: tuple[str, ...]
    replies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LearnedPhrasing:
    entry_id: str
    question: str
    added_on: str = ""
    added_by: str = ""


@dataclass(frozen=True)
class Knowledge:
    """Everything the assistant knows, validated and immutable."""

    faq: dict[str, FaqEntry]
    themes: dict[str, str]
    places: dict[str, Place] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    communes: tuple[Commune, ...] = ()
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sms: dict[str, str] = field(default_factory=dict)
    place_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    smalltalk: dict[str, SmallTalkIntent] = field(default_factory=dict)
    learned: tuple[LearnedPhrasing, ...] = ()
    path: Path | None = None

    def phrasings(self, entry_id: str) -> tuple[str, ...]:
        """Hand-written and staff-accepted phrasings of one entry."""
        learned = tuple(p.question for p in self.learned if p.entry_id == entry_id)
        return self.faq[entry_id].questions + learned

    def commune(self, name: str) -> Commune | None:
        return next((c for c in self.communes if c.name == name), None)


# --------------------------------------------------------------------------- YAML with lines


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping (for precise error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


class _LineDict(dict):
    line: int | None = None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    rel = _rel(path, root)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError:
        problems.append(Problem(rel, "fichier manquant"))
    except UnicodeDecodeError:
        problems.append(Problem(rel, "le fichier doit être enregistré en UTF-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problems.append(
            Problem(rel, f"YAML invalide : {exc.problem}", line=mark.line + 1 if mark else None)
        )
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, f"YAML invalide : {exc}"))
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- field checks


class _Entry:
    """Typed access to one YAML mapping that records problems instead of raising."""

    def __init__(self, data: dict, file: str, problems: list[Problem], label: str | None) -> None:
        self.data, self.file, self.problems = data, file, problems
        self.label = label
        self.line = getattr(data, "line", None)

    def problem(self, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, message, self.label, field_name, self.line))

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(name, "champ obligatoire manquant ou vide")
            return None
        if not isinstance(value, str | int | float):
            self.problem(name, "texte attendu")
            return None
        return " ".join(str(value).split()) if name != "answer" else str(value).strip()

    def url(self, name: str) -> str | None:
        """An optional web address: it must be absolute, or users get a dead link."""
        value = self.text(name, required=False)
        if value and not value.startswith(("http://", "https://")):
            self.problem(name, "l'adresse du site doit commencer par http:// ou https://")
            return None
        return value

    def texts(self, name: str, required: bool = False, minimum: int = 0) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "champ obligatoire manquant")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(v, str | int | float) and str(v).strip() for v in value
        ):
            self.problem(name, "liste de textes non vides attendue")
            return ()
        if len(value) < minimum:
            self.problem(name, f"au moins {minimum} élément(s) attendu(s)")
        return tuple(" ".join(str(v).split()) for v in value)

    def date_text(self, name: str, full: bool = False) -> str:
        value = self.data.get(name)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str) or not _FACTS_DATE.match(value.strip()):
            self.problem(
                name,
                "date attendue au format AAAA-MM-JJ"
                if full
                else "date attendue au format AAAA, AAAA-MM ou AAAA-MM-JJ (entre guillemets)",
            )
            return ""
        if full and len(value.strip()) != 10:
            self.problem(name, "date complète attendue (AAAA-MM-JJ)")
        return value.strip()

    def sources(self) -> tuple[Source, ...]:
        value = self.data.get("sources")
        if not value:
            self.problem("sources", "au moins une source est obligatoire")
            return ()
        if not isinstance(value, list):
            self.problem("sources", "liste attendue")
            return ()
        out = []
        for i, item in enumerate(value, 1):
            if isinstance(item, str):
                out.append(Source(title=item, url=item if item.startswith("http") else None))
            elif isinstance(item, dict) and isinstance(item.get("title"), str):
                url = item.get("url")
                if url is not None and not (isinstance(url, str) and url.startswith("http")):
                    self.problem("sources", f"source n°{i} : l'url doit commencer par http")
                    url = None
                out.append(Source(title=" ".join(item["title"].split()), url=url))
            else:
                self.problem("sources", f"source n°{i} : il faut au moins un titre (title)")
        return tuple(out)

    def unknown_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(str(key), "champ inconnu (faute de frappe ?)")


def _list_of_mappings(data: Any, file: str, problems: list[Problem]) -> Iterator[dict]:
    if data is None:
        return
    if not isinstance(data, list):
        problems.append(Problem(file, "le fichier doit contenir une liste d'entrées (« - id: … »)"))
        return
    for i, item in enumerate(data, 1):
        if isinstance(item, dict):
            yield item
        else:
            problems.append(Problem(file, f"l'élément n°{i} n'est pas une entrée (id, …)"))


_FAQ_KEYS = {
    "id", "theme", "audience", "questions", "keywords", "answer", "sources", "facts_date",
    "checked_on", "related", "contact", "place",
}
_PLACE_KEYS = {
    "id", "name", "aliases", "commune", "area", "type", "status", "operator", "description",
    "services", "address", "website", "faq", "sources", "facts_date", "checked_on",
}
_CONTACT_KEYS = {"id", "name", "description", "website", "email", "phone", "address", "sources"}


def _checked_id(entry: _Entry, seen: dict[str, str], kind: str) -> str | None:
    raw = entry.data.get("id")
    if not isinstance(raw, str) or not _ID.match(raw):
        entry.problem("id", "identifiant attendu : minuscules, chiffres et tirets (ex. mon-entree)")
        return None
    entry.label = raw
    if raw in seen:
        entry.problem("id", f"identifiant déjà utilisé par une autre {kind} ({seen[raw]})")
        return None
    seen[raw] = f"{entry.file}:{entry.line}"
    return raw


def _load_faq(root: Path, problems: list[Problem]) -> dict[str, FaqEntry]:
    faq: dict[str, FaqEntry] = {}
    seen: dict[str, str] = {}
    files = sorted((root / "faq").glob("*.yaml")) + sorted((root / "faq").glob("*.yml"))
    if not files:
        problems.append(Problem(_rel(root / "faq", root), "aucun fichier de FAQ (faq/*.yaml)"))
    for path in files:
        rel = _rel(path, root)
        for data in _list_of_mappings(_read_yaml(path, root, problems), rel, problems):
            e = _Entry(data, rel, problems, None)
            entry_id = _checked_id(e, seen, "entrée")
            e.unknown_keys(_FAQ_KEYS)
            audience = e.texts("audience") or ("tous",)
            for a in audience:
                if a not in AUDIENCES:
                    e.problem("audience", f"« {a} » inconnu (tous, usagers ou porteurs)")
            entry = FaqEntry(
                id=entry_id or "",
                theme=e.text("theme") or "",
                questions=e.texts("questions", required=True, minimum=1),
                answer=e.text("answer") or "",
                sources=e.sources(),
                facts_date=e.date_text("facts_date"),
                checked_on=e.date_text("checked_on", full=True),
                file=rel,
                line=e.line,
                audience=audience,
                keywords=e.texts("keywords"),
                related=e.texts("related"),
                contact=e.text("contact", required=False),
                place=e.text("place", required=False),
            )
            if entry_id:
                faq[entry_id] = entry
    return faq


def _records(root: Path, name: str, kind: str, keys: set[str],
             problems: list[Problem]) -> Iterator[tuple[_Entry, str | None]]:
    """Each entry of an optional list file, with its id checked (unique, well formed) and its
    unknown fields reported."""
    path = root / name
    if not path.exists():
        return
    rel = _rel(path, root)
    seen: dict[str, str] = {}
    for data in _list_of_mappings(_read_yaml(path, root, problems), rel, problems):
        e = _Entry(data, rel, problems, None)
        record_id = _checked_id(e, seen, kind)
        e.unknown_keys(keys)
        yield e, record_id


def _load_places(root: Path, communes: dict[str, Commune], problems: list[Problem]) -> dict:
    places: dict[str, Place] = {}
    for e, place_id in _records(root, "places.yaml", "fiche", _PLACE_KEYS, problems):
        commune = e.text("commune", required=False)
        area = e.text("area", required=False)
        if commune is None and area is None:
            e.problem("commune", "il faut une commune (ou, à défaut, un secteur « area »)")
        for name, value, is_area in (("commune", commune, False), ("area", area, True)):
            known = communes.get(value or "")
            if value and (known is None or known.is_area != is_area):
                e.problem(name, f"« {value} » n'est pas {'un secteur' if is_area else 'une commune'} de communes.yaml")
        place_type = e.text("type") or ""
        if place_type and place_type not in PLACE_TYPES:
            e.problem("type", f"« {place_type} » inconnu ({', '.join(PLACE_TYPES)})")
        status = e.text("status") or ""
        if status and status not in PLACE_STATUSES:
            e.problem("status", f"« {status} » inconnu ({', '.join(PLACE_STATUSES)})")
        website = e.url("website")
        place = Place(
            id=place_id or "",
            name=e.text("name") or "",
            commune=commune,
            area=area,
            type=place_type,
            status=status,
            sources=e.sources(),
            facts_date=e.date_text("facts_date"),
            checked_on=e.date_text("checked_on", full=True),
            aliases=e.texts("aliases"),
            operator=e.text("operator", required=False),
            description=e.text("description", required=False),
            services=e.texts("services"),
            address=e.text("address", required=False),
            website=website,
            faq=e.text("faq", required=False),
            line=e.line,
        )
        if place_id:
            places[place_id] = place
    return places


def _load_contacts(root: Path, problems: list[Problem]) -> dict[str, Contact]:
    contacts: dict[str, Contact] = {}
    for e, contact_id in _records(root, "contacts.yaml", "fiche contact", _CONTACT_KEYS,
                                  problems):
        if contact_id == STAFF_CONTACT_ID:
            e.problem("id", "« equipe » est réservé au contact de l'équipe défini dans la configuration")
            continue
        contact = Contact(
            id=contact_id or "",
            name=e.text("name") or "",
            description=e.text("description", required=False),
            website=e.url("website"),
            email=e.text("email", required=False),
            phone=e.text("phone", required=False),
            address=e.text("address", required=False),
            sources=e.sources(),
        )
        if contact_id:
            contacts[contact_id] = contact
    return contacts


def _load_communes(root: Path, problems: list[Problem]) -> tuple[Commune, ...]:
    path = root / "communes.yaml"
    rel = _rel(path, root)
    data = _read_yaml(path, root, problems) if path.exists() else None
    if data is None:
        return ()
    if not isinstance(data, dict):
        problems.append(Problem(rel, "attendu : « communes: » et « areas: »"))
        return ()
    out: list[Commune] = []
    for section, is_area in (("communes", False), ("areas", True)):
        for item in _list_of_mappings(data.get(section) or [], rel, problems):
            e = _Entry(item, rel, problems, str(item.get("name", "?")))
            name = e.text("name")
            lat, lon = item.get("lat"), item.get("lon")
            if (lat is None) != (lon is None) or any(
                v is not None and not isinstance(v, int | float) for v in (lat, lon)
            ):
                e.problem("lat", "lat et lon : deux nombres, ou aucun")
                lat = lon = None
            if name:
                out.append(
                    Commune(
                        name=name,
                        aliases=e.texts("aliases"),
                        lat=lat,
                        lon=lon,
                        communes=e.texts("communes") if is_area else (),
                        is_area=is_area,
                    )
                )
    return tuple(out)


def _load_mapping(root: Path, name: str, problems: list[Problem]) -> dict:
    path = root / name
    if not path.exists():
        return {}
    data = _read_yaml(path, root, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(_rel(path, root), "le fichier doit être un dictionnaire (clé: valeur)"))
        return {}
    return data


def _string_lists(data: Any, file: str, section: str, problems: list[Problem]) -> dict:
    out: dict[str, tuple[str, ...]] = {}
    if not data:
        return out
    if not isinstance(data, dict):
        problems.append(Problem(file, "dictionnaire attendu", field=section))
        return out
    for key, values in data.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
            problems.append(Problem(file, "liste de textes attendue", entry=str(key), field=section))
            continue
        out[str(key)] = tuple(str(v) for v in values)
    return out


def _load_smalltalk(root: Path, problems: list[Problem]) -> dict[str, SmallTalkIntent]:
    rel = "knowledge/smalltalk.yaml"
    intents: dict[str, SmallTalkIntent] = {}
    for intent, spec in _load_mapping(root, "smalltalk.yaml", problems).items():
        e = _Entry(spec if isinstance(spec, dict) else {}, _rel(root / "smalltalk.yaml", root),
                   problems, str(intent))
        if not isinstance(spec, dict):
            problems.append(Problem(rel, "patterns et replies attendus", entry=str(intent)))
            continue
        intents[str(intent)] = SmallTalkIntent(
            id=str(intent),
            patterns=e.texts("patterns", required=True, minimum=1),
            replies=e.texts("replies", required=True, minimum=1),
        )
    return intents


def _load_learned(root: Path, path: Path, faq: dict[str, FaqEntry],
                  problems: list[Problem]) -> tuple:
    rel = _rel(path, root)
    if not path.exists():
        return ()
    out = []
    for data in _list_of_mappings(_read_yaml(path, root, problems), rel, problems):
        e = _Entry(data, rel, problems, str(data.get("id", "?")))
        entry_id, question = e.text("id"), e.text("question")
        if entry_id and entry_id not in faq:
            e.problem("id", "cette entrée de FAQ n'existe pas (ou plus)")
            continue
        if entry_id and question:
            out.append(
                LearnedPhrasing(
                    entry_id=entry_id,
                    question=question,
                    added_on=str(data.get("added_on") or ""),
                    added_by=str(data.get("added_by") or ""),
                )
            )
    return tuple(out)


def _cross_check(k: Knowledge, problems: list[Problem]) -> None:
    """References between files: themes, related, contacts, places."""
    for entry in k.faq.values():
        def bad(field_name: str, message: str, entry: FaqEntry = entry) -> None:
            problems.append(Problem(entry.file, message, entry.id, field_name, entry.line))

        if entry.theme and entry.theme not in k.themes:
            bad("theme", f"thème « {entry.theme} » absent de themes.yaml")
        for rid in entry.related:
            if rid not in k.faq:
                bad("related", f"« {rid} » n'est pas une entrée de la FAQ")
            elif rid == entry.id:
                bad("related", "une entrée ne peut pas renvoyer vers elle-même")
        if entry.contact and entry.contact != STAFF_CONTACT_ID and entry.contact not in k.contacts:
            bad("contact", f"« {entry.contact} » absent de contacts.yaml")
        if entry.place and entry.place not in k.places:
            bad("place", f"« {entry.place} » absent de places.yaml")
    for place in k.places.values():
        if place.faq and place.faq not in k.faq:
            problems.append(
                Problem("knowledge/places.yaml", f"« {place.faq} » n'est pas une entrée de la FAQ",
                        place.id, "faq", place.line)
            )
    for area in (c for c in k.communes if c.is_area):
        for name in area.communes:
            known = k.commune(name)
            if known is None or known.is_area:
                problems.append(
                    Problem("knowledge/communes.yaml", f"« {name} » n'est pas une commune",
                            area.name, "communes")
                )


def load_knowledge(
    path: str | Path | None = None, learned_path: str | Path | None = None
) -> Knowledge:
    """Load and validate the whole knowledge folder, or raise :class:`KnowledgeError`.

    ``learned_path`` (default: ``learned.yaml`` in the folder) lets a deployment keep the
    hand-written knowledge read-only, e.g. inside an image, and the phrasings staff accept on a
    data volume.
    """
    root = Path(path) if path else default_knowledge_path()
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), "dossier de connaissances introuvable")])
    themes_raw = _load_mapping(root, "themes.yaml", problems)
    themes = {str(k): str(v) for k, v in themes_raw.items()}
    if not themes and not (root / "themes.yaml").exists():
        problems.append(Problem(_rel(root / "themes.yaml", root), "fichier manquant"))
    communes = _load_communes(root, problems)
    by_name = {c.name: c for c in communes}
    faq = _load_faq(root, problems)
    synonyms = _load_mapping(root, "synonyms.yaml", problems)
    syn_file = _rel(root / "synonyms.yaml", root)
    sms_raw = synonyms.get("sms") or {}
    if not isinstance(sms_raw, dict):
        problems.append(Problem(syn_file, "dictionnaire attendu", field="sms"))
        sms_raw = {}
    knowledge = Knowledge(
        faq=faq,
        themes=themes,
        places=_load_places(root, by_name, problems),
        contacts=_load_contacts(root, problems),
        communes=communes,
        terms=_string_lists(synonyms.get("terms"), syn_file, "terms", problems),
        sms={str(k): str(v) for k, v in sms_raw.items()},
        place_types=_string_lists(synonyms.get("place_types"), syn_file, "place_types", problems),
        smalltalk=_load_smalltalk(root, problems),
        learned=_load_learned(root, Path(learned_path) if learned_path else root / "learned.yaml",
                              faq, problems),
        path=root,
    )
    for type_id in knowledge.place_types:
        if type_id not in PLACE_TYPES:
            problems.append(Problem(syn_file, f"type « {type_id} » inconnu", field="place_types"))
    _cross_check(knowledge, problems)
    if problems:
        raise KnowledgeError(problems)
    return knowledge
