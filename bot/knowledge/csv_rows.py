"""Reading an exported-and-edited spreadsheet: its table, its rows, and the import report.

Every cell is checked here, with its spreadsheet row, before :mod:`bot.knowledge.csv_import`
applies anything to the YAML files.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge.export import FAQ_CSV_COLUMNS, PLACES_CSV_COLUMNS
from bot.knowledge.model import Source

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SOURCE = re.compile(r"^(?P<title>.*?)\s*<(?P<url>[^<>]*)>$")

_LIST_FIELDS = frozenset({"audience", "questions", "keywords", "related", "aliases", "services"})


@dataclass(frozen=True, slots=True)
class _Table:
    name: str  # "faq" | "places"
    label: str
    columns: tuple[str, ...]


FAQ_TABLE = _Table("faq", "FAQ", FAQ_CSV_COLUMNS)
PLACES_TABLE = _Table("places", "lieux", PLACES_CSV_COLUMNS)


# ----------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One reason the import was refused, located by spreadsheet row (the header is row 1)."""

    message: str
    row: int | None = None
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [f"ligne {self.row}"] if self.row else []
        if self.entry:
            where.append(f"entrée « {self.entry} »")
        if self.field:
            where.append(f"champ « {self.field} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


@dataclass
class ImportReport:
    """What an import changed (or would change), or why it changed nothing."""

    csv_path: str
    table: str | None = None  # "faq" | "places", once the header is recognised
    dry_run: bool = False
    errors: list[ImportProblem] = field(default_factory=list)
    updated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id → changed fields
    added: dict[str, str] = field(default_factory=dict)  # id → file it goes to
    kept: list[str] = field(default_factory=list)  # in the knowledge, absent from the CSV
    files: list[str] = field(default_factory=list)  # written (or to write, in a dry run)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.updated or self.added)

    def lines(self) -> list[str]:
        """The report in French, one line each, for the terminal."""
        if self.errors:
            return [
                f"Import refusé : {len(self.errors)} erreur(s), aucun fichier n'a été modifié.",
                *(f"  - {e}" for e in sorted(self.errors, key=_by_row)),
            ]
        label = "FAQ" if self.table == "faq" else "lieux"
        out = [
            f"{label} : {len(self.updated)} entrée(s) modifiée(s), {len(self.added)} ajoutée(s)."
        ]
        out += [f"  ~ {i} : {', '.join(fields)}" for i, fields in self.updated.items()]
        out += [f"  + {i} ({file})" for i, file in self.added.items()]
        if self.kept:
            out.append(f"Absentes du CSV, conservées ({len(self.kept)}) : {', '.join(self.kept)}")
        if not self.changed:
            out.append("Aucun changement : aucun fichier n'a été modifié.")
        elif self.dry_run:
            out.append(f"Simulation : rien n'a été écrit (fichiers concernés : {', '.join(self.files)}).")
        else:
            out.append(f"Fichiers mis à jour : {', '.join(self.files)}.")
        return out


def _by_row(problem: ImportProblem) -> tuple[bool, int]:
    return (problem.row is None, problem.row or 0)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]


def _read_table(path: Path, report: ImportReport) -> tuple[_Table | None, list[tuple[int, list[str]]]]:
    """The table the header names, and the data records with their spreadsheet row number."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        report.errors.append(ImportProblem(f"fichier illisible : {exc.strerror or exc}"))
        return None, []
    except UnicodeDecodeError:
        report.errors.append(
            ImportProblem("le fichier doit être enregistré en « CSV UTF-8 » (encodage)", row=1)
        )
        return None, []
    first_line = text.split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        header = [h.strip() for h in header]
        table = next((t for t in (FAQ_TABLE, PLACES_TABLE) if tuple(header) == t.columns), None)
        if table:
            break
    else:
        report.errors.append(
            ImportProblem(
                "en-tête inattendu : exportez d'abord avec « python -m bot export --format csv » "
                f"et gardez les colonnes telles quelles (FAQ : {', '.join(FAQ_CSV_COLUMNS)} ; "
                f"lieux : {', '.join(PLACES_CSV_COLUMNS)})",
                row=1,
            )
        )
        return None, []
    report.table = table.name
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        report.errors.append(ImportProblem(f"CSV illisible : {exc}"))
        return table, []
    return table, [(number, record) for number, record in enumerate(records[1:], start=2)]


def _parse_sources(cell: str) -> tuple[tuple[Source, ...], list[str]]:
    sources, errors = [], []
    for part in cell.split("|"):
        part = " ".join(part.split())
        if not part:
            continue
        match = _SOURCE.match(part)
        if match:
            title, url = match["title"].strip(), match["url"].strip()
            if not title:
                errors.append(f"source « {part} » : il manque le titre avant <adresse>")
                continue
            sources.append(Source(title=title, url=url or None))
        elif "<" in part or ">" in part:
            errors.append(f"source « {part} » : écrivez « titre <https://…> »")
        else:
            sources.append(Source(title=part, url=part if part.startswith("http") else None))
    return tuple(sources), errors


def _parse_row(table: _Table, number: int, cells: list[str], report: ImportReport) -> _Row | None:
    """Cells → values typed like the knowledge's fields; None (and errors) if unusable."""
    if len(cells) != len(table.columns):
        report.errors.append(
            ImportProblem(f"{len(cells)} colonnes au lieu de {len(table.columns)}", row=number)
        )
        return None
    raw = dict(zip(table.columns, cells, strict=True))
    entry_id = raw["id"].strip()
    if not entry_id:
        report.errors.append(ImportProblem("identifiant (id) manquant", row=number, field="id"))
        return None
    if not _ID.match(entry_id):
        report.errors.append(
            ImportProblem("identifiant attendu : minuscules, chiffres et tirets (ex. mon-entree)",
                          row=number, entry=entry_id, field="id")
        )
        return None
    values: dict[str, Any] = {"id": entry_id}
    ok = True
    for name in table.columns[1:]:
        cell = raw[name]
        if name == "sources":
            values[name], errors = _parse_sources(cell)
            for message in errors:
                report.errors.append(ImportProblem(message, number, entry_id, name))
                ok = False
        elif name in _LIST_FIELDS:
            values[name] = tuple(" ".join(p.split()) for p in cell.split("|") if p.strip())
        elif name == "answer":  # the only field whose line breaks matter
            values[name] = cell.replace("\r\n", "\n").replace("\r", "\n").strip() or None
        else:
            values[name] = " ".join(cell.split()) or None
    return _Row(number, values) if ok else None


# ----------------------------------------------------------------------------- the import
