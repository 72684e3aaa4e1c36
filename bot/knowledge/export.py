"""The knowledge as plain data: JSON for tools, CSV for staff who prefer a spreadsheet."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any

from bot.knowledge import FaqEntry, Knowledge, Place, Source

FAQ_CSV_COLUMNS = (
    "id", "theme", "audience", "questions", "keywords", "answer", "sources", "facts_date",
    "checked_on", "related", "contact", "place",
)
PLACES_CSV_COLUMNS = (
    "id", "name", "aliases", "commune", "area", "type", "status", "operator", "description",
    "services", "address", "website", "faq", "sources", "facts_date", "checked_on",
)
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


def to_json_data(knowledge: Knowledge) -> dict[str, list[dict[str, Any]]]:
    """``{"faq": [...], "places": [...], "contacts": [...]}`` (the ``export`` contract)."""
    return {
        "faq": [faq_record(e) for e in knowledge.faq.values()],
        "places": [place_record(p) for p in knowledge.places.values()],
        "contacts": [
            {**asdict(c), "sources": _sources(c.sources)} for c in knowledge.contacts.values()
        ],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], dict):  # sources
            return LIST_SEPARATOR.join(
                f"{s['title']} <{s['url']}>" if s.get("url") else s["title"] for s in value
            )
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def to_csv(records: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({c: _cell(record.get(c)) for c in columns})
    return out.getvalue()


def faq_csv(knowledge: Knowledge) -> str:
    return to_csv([faq_record(e) for e in knowledge.faq.values()], FAQ_CSV_COLUMNS)


def places_csv(knowledge: Knowledge) -> str:
    return to_csv([place_record(p) for p in knowledge.places.values()], PLACES_CSV_COLUMNS)
