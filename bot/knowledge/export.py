"""The knowledge as plain data: JSON for tools, CSV for staff who prefer a spreadsheet.

CSV files open in columns in French Excel (``;``, UTF-8 with a BOM) and every cell is guarded
against formulas (:mod:`bot.knowledge.cells`). The workbook lives in :mod:`bot.knowledge.workbook`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.knowledge import Contact, FaqEntry, Knowledge, Place, Source
from bot.knowledge.cells import write_csv
from bot.knowledge.tables import CONTACTS_TABLE, FAQ_TABLE, PLACES_TABLE, Table

FAQ_CSV_COLUMNS = FAQ_TABLE.columns
PLACES_CSV_COLUMNS = PLACES_TABLE.columns
CONTACTS_CSV_COLUMNS = CONTACTS_TABLE.columns
LIST_SEPARATOR = " | "


def _sources(sources: tuple[Source, ...]) -> list[dict[str, str | None]]:
    return [{"title": s.title, "url": s.url} for s in sources]


def faq_record(entry: FaqEntry) -> dict[str, Any]:
    data = asdict(entry)
    data.pop("file", None)
    data.pop("line", None)
    data["sources"] = _sources(entry.sources)
    data["question"] = entry.question
    return data


def place_record(place: Place) -> dict[str, Any]:
    data = asdict(place)
    data.pop("line", None)
    data["sources"] = _sources(place.sources)
    return data


def contact_record(contact: Contact) -> dict[str, Any]:
    return {**asdict(contact), "sources": _sources(contact.sources)}


def records(knowledge: Knowledge, table: Table) -> list[dict[str, Any]]:
    """Every entry of one table, as plain data."""
    if table.name == "faq":
        return [faq_record(e) for e in knowledge.faq.values()]
    if table.name == "places":
        return [place_record(p) for p in knowledge.places.values()]
    return [contact_record(c) for c in knowledge.contacts.values()]


def to_json_data(knowledge: Knowledge) -> dict[str, list[dict[str, Any]]]:
    """``{"faq": [...], "places": [...], "contacts": [...]}`` (the ``export`` contract)."""
    return {t.name: records(knowledge, t) for t in (FAQ_TABLE, PLACES_TABLE, CONTACTS_TABLE)}


def source_text(source: dict[str, Any]) -> str:
    return f"{source['title']} <{source['url']}>" if source.get("url") else source["title"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], dict):  # sources
            return LIST_SEPARATOR.join(source_text(s) for s in value)
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    return write_csv(columns, ([_cell(r.get(c)) for c in columns] for r in rows))


def table_csv(knowledge: Knowledge, table: Table) -> str:
    return to_csv(records(knowledge, table), table.columns)


def faq_csv(knowledge: Knowledge) -> str:
    return table_csv(knowledge, FAQ_TABLE)


def places_csv(knowledge: Knowledge) -> str:
    return table_csv(knowledge, PLACES_TABLE)


def contacts_csv(knowledge: Knowledge) -> str:
    return table_csv(knowledge, CONTACTS_TABLE)
