"""Load and validate the curated knowledge (``knowledge/``) into typed, immutable entries.

Staff edit these YAML files by hand, so every problem is reported precisely — file, line,
entry id and field — and *all* problems are reported at once rather than the first only.
A :class:`KnowledgeError` leaves whatever knowledge was loaded before untouched: the caller
decides to keep serving it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.knowledge.cache import FileMemo
from bot.knowledge.faqfiles import (
    Problems,
    list_of_mappings,
    load_faq,
    read_tracked,
    without_cascade,
)
from bot.knowledge.model import (
    PLACE_STATUSES,
    PLACE_TYPES,
    STAFF_CONTACT_ID,
    Commune,
    Contact,
    FaqEntry,
    Knowledge,
    KnowledgeError,
    LearnedPhrasing,
    Place,
    Problem,
    SmallTalkIntent,
)
from bot.knowledge.validation import (
    _CONTACT_KEYS,
    _PLACE_KEYS,
    _checked_id,
    _cross_check,
    _Entry,
)
from bot.knowledge.yamlread import quote_hint, rel_path

log = logging.getLogger(__name__)


def default_knowledge_path() -> Path:
    """The knowledge shipped with the bot: inside the wheel, or the repository's folder."""
    here = Path(__file__).resolve().parent.parent  # the bot package
    for candidate in (here / "_knowledge", here.parent / "knowledge"):
        if (candidate / "faq").is_dir():
            return candidate
    return here.parent / "knowledge"


def _rel(path: Path, root: Path) -> str:
    return rel_path(path, root)


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    return read_tracked(path, root, problems)


def _list_of_mappings(data: Any, file: str, problems: list[Problem]) -> Iterator[dict]:
    yield from list_of_mappings(data, file, problems)


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
        lat, lon = e.coordinates()
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
            lat=lat,
            lon=lon,
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
            lat, lon = e.coordinates()
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
        hints = [quote_hint(v) for v in values] if isinstance(values, list) else []
        hint = next((h for h in hints if h), None)
        if hint or not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
            problems.append(Problem(file, "liste de textes attendue" + (f" : {hint}" if hint else ""),
                                    entry=str(key), field=section))
            continue
        out[str(key)] = tuple(str(v) for v in values)
    return out


def _sms(data: dict, file: str, problems: list[Problem]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        hint = quote_hint(value) or quote_hint(key)
        if hint or not isinstance(value, str | int):
            problems.append(Problem(file, "texte attendu" + (f" : {hint}" if hint else ""),
                                    entry=str(key), field="sms"))
            continue
        out[str(key)] = str(value)
    return out


def _vocabulary(root: Path, problems: list[Problem]) -> tuple[dict, dict[str, str], dict]:
    """synonyms.yaml: its terms, SMS forms and place types."""
    synonyms = _load_mapping(root, "synonyms.yaml", problems)
    syn_file = _rel(root / "synonyms.yaml", root)
    sms_raw = synonyms.get("sms") or {}
    if not isinstance(sms_raw, dict):
        problems.append(Problem(syn_file, "dictionnaire attendu", field="sms"))
        sms_raw = {}
    return (_string_lists(synonyms.get("terms"), syn_file, "terms", problems),
            _sms(sms_raw, syn_file, problems),
            _string_lists(synonyms.get("place_types"), syn_file, "place_types", problems))


def read_vocabulary(root: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """synonyms.yaml's terms and SMS forms exactly as :func:`load_knowledge` reads them (its
    problems, if any, are for the full load to report)."""
    terms, sms, _ = _vocabulary(root, Problems(None))
    return terms, sms


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


def load_knowledge(
    path: str | Path | None = None, learned_path: str | Path | None = None,
    memo: FileMemo | None = None,
) -> Knowledge:
    """Load and validate the whole knowledge folder, or raise :class:`KnowledgeError`.

    ``learned_path`` (default: ``learned.yaml`` in the folder) lets a deployment keep the
    hand-written knowledge read-only, e.g. inside an image, and the phrasings staff accept on a
    data volume. ``memo`` keeps each FAQ file's validated entries by content: a reload after
    one edit re-reads only that file (see :mod:`bot.knowledge.cache`).
    """
    root = Path(path) if path else default_knowledge_path()
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), "dossier de connaissances introuvable")])
    try:
        return _load_all(root, Path(learned_path) if learned_path else root / "learned.yaml", memo)
    except KnowledgeError:
        raise
    except Exception as exc:  # a bug or a hostile file must not escape as a traceback
        log.exception("unexpected error while loading the knowledge")
        raise KnowledgeError([Problem(str(root), "erreur inattendue pendant le chargement "
                                                 f"({type(exc).__name__}) : prévenez l'équipe technique")]) from exc


def _load_all(root: Path, learned_path: Path, memo: FileMemo | None) -> Knowledge:
    problems = Problems(memo)
    themes_raw = _load_mapping(root, "themes.yaml", problems)
    themes = {}
    for key, label in themes_raw.items():
        if not isinstance(label, str) or not label.strip():
            problems.append(Problem(_rel(root / "themes.yaml", root),
                                    "intitulé du thème attendu (un texte)", entry=str(key)))
        themes[str(key)] = str(label)
    if not themes and not (root / "themes.yaml").exists():
        problems.append(Problem(_rel(root / "themes.yaml", root), "fichier manquant"))
    communes = _load_communes(root, problems)
    by_name = {c.name: c for c in communes}
    faq = load_faq(root, problems, memo)
    terms, sms, place_types = _vocabulary(root, problems)
    knowledge = Knowledge(
        faq=faq,
        themes=themes,
        places=_load_places(root, by_name, problems),
        contacts=_load_contacts(root, problems),
        communes=communes,
        terms=terms,
        sms=sms,
        place_types=place_types,
        smalltalk=_load_smalltalk(root, problems),
        learned=_load_learned(root, learned_path, faq, problems),
        path=root,
    )
    for type_id in knowledge.place_types:
        if type_id not in PLACE_TYPES:
            problems.append(Problem(_rel(root / "synonyms.yaml", root),
                                    f"type « {type_id} » inconnu", field="place_types"))
    _cross_check(knowledge, problems)
    if problems:
        raise KnowledgeError(without_cascade(problems))
    return knowledge
