"""Reading an exported-and-edited spreadsheet: its rows, its cells, and the import report.

Every cell is checked here, with its sheet, row and column, before :mod:`bot.knowledge.csv_import`
applies anything to the YAML files. Spellings staff naturally type are accepted and normalised
(« fermé », 31/12/2026, « Boulogne »), see :class:`Normaliser`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge.cells import fold, iso_date, uncsv_cell
from bot.knowledge.model import PLACE_STATUSES, PLACE_TYPES, Knowledge, Source
from bot.knowledge.tables import (
    DATE_FIELDS,
    LIST_FIELDS,
    NUMBER_FIELDS,
    TABLES,
    Table,
)

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SOURCE = re.compile(r"^(?P<title>.*?)\s*<(?P<url>[^<>]*)>$")
_LIST_FIELDS = LIST_FIELDS  # kept for older imports

# ----------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One reason the import was refused, located by sheet, row (the header is row 1) and column."""

    message: str
    row: int | None = None
    entry: str | None = None
    field: str | None = None
    sheet: str | None = None
    column: str | None = None  # as staff see it: « réponse » (F)

    def __str__(self) -> str:
        where = [f"feuille « {self.sheet} »"] if self.sheet else []
        if self.row:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne {self.column}")
        if self.entry:
            where.append(f"entrée « {self.entry} »")
        if self.field and not self.column:
            where.append(f"champ « {self.field} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


@dataclass
class TableChanges:
    updated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id → changed fields
    added: dict[str, str] = field(default_factory=dict)  # id → file it goes to
    kept: list[str] = field(default_factory=list)  # in the knowledge, absent from the file


@dataclass
class ImportReport:
    """What an import changed (or would change), or why it changed nothing."""

    csv_path: str
    dry_run: bool = False
    errors: list[ImportProblem] = field(default_factory=list)
    tables: dict[str, TableChanges] = field(default_factory=dict)  # table name → changes
    files: list[str] = field(default_factory=list)  # written (or to write, in a dry run)
    stale: list[str] = field(default_factory=list)  # newer edits this file would undo
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def table(self) -> str | None:
        return next(iter(self.tables), None)

    def _merged(self, name: str) -> Any:
        parts = [getattr(t, name) for t in self.tables.values()]
        if name == "kept":
            return [i for p in parts for i in p]
        return {k: v for p in parts for k, v in p.items()}

    @property
    def updated(self) -> dict[str, tuple[str, ...]]:
        return self._merged("updated")

    @property
    def added(self) -> dict[str, str]:
        return self._merged("added")

    @property
    def kept(self) -> list[str]:
        return self._merged("kept")

    @property
    def changed(self) -> bool:
        return any(t.updated or t.added for t in self.tables.values())

    def error_lines(self, limit: int | None = None) -> list[str]:
        errors = sorted(self.errors, key=_by_place)
        shown = errors if limit is None else errors[:limit]
        out = [f"  - {e}" for e in shown]
        if len(errors) > len(shown):
            out.append(f"  … et {len(errors) - len(shown)} autre(s) erreur(s).")
        return out

    def change_lines(self) -> list[str]:
        out = []
        for name, t in self.tables.items():
            out.append(f"{self.labels.get(name, name)} : {len(t.updated)} entrée(s) modifiée(s), "
                       f"{len(t.added)} ajoutée(s).")
            out += [f"  ~ {i} : {', '.join(fields)}" for i, fields in t.updated.items()]
            out += [f"  + {i} ({file})" for i, file in t.added.items()]
            if t.kept:
                out.append(f"Absentes du fichier, conservées ({len(t.kept)}) : {', '.join(t.kept)}")
        return out

    def lines(self) -> list[str]:
        """The report in French, one line each, for the terminal."""
        if self.errors:
            return [
                f"Import refusé : {len(self.errors)} erreur(s), aucun fichier n'a été modifié.",
                *self.error_lines(),
            ]
        out = self.change_lines()
        if self.stale:
            out.append("Attention : ce fichier a été exporté avant des modifications plus "
                       "récentes, que l'import annulerait :")
            out += [f"  ! {s}" for s in self.stale]
        if not self.changed:
            out.append("Aucun changement : aucun fichier n'a été modifié.")
        elif self.dry_run:
            out.append(f"Simulation : rien n'a été écrit (fichiers concernés : {', '.join(self.files)}).")
        else:
            out.append(f"Fichiers mis à jour : {', '.join(self.files)}.")
        return out


def _by_place(problem: ImportProblem) -> tuple[str, bool, int]:
    return (problem.sheet or "", problem.row is None, problem.row or 0)


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)  # column → « header » (F)


_Row = Row  # older name


@dataclass
class RawTable:
    """One table read from a file: each data row's cells by column, with its row number."""

    table: Table
    rows: list[tuple[int, dict[str, str]]]
    sheet: str | None = None  # workbook sheet name (None for a CSV)
    letters: dict[str, str] = field(default_factory=dict)


def read_csv(path: Path, report: ImportReport) -> RawTable | None:
    """The table a CSV's header names, and its data rows (either separator, BOM or not)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        report.errors.append(ImportProblem(f"fichier illisible : {_os_reason(exc)}"))
        return None
    except UnicodeDecodeError:
        report.errors.append(
            ImportProblem("le fichier doit être enregistré en « CSV UTF-8 » (encodage)", row=1)
        )
        return None
    first_line = text.replace("\r\n", "\n").split("\n", 1)[0]
    for delimiter in (";", ",", "\t"):
        header = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter), [])]
        table = next((t for t in TABLES if tuple(header) == t.columns), None)
        if table:
            break
    else:
        report.errors.append(ImportProblem(
            "en-tête inattendu : exportez d'abord avec « .venv/bin/python -m bot export "
            "--format csv -o DOSSIER » et gardez la première ligne telle quelle", row=1))
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        report.errors.append(ImportProblem(f"CSV illisible : {exc}"))
        return None
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(table.columns):
            report.errors.append(
                ImportProblem(f"{len(cells)} colonnes au lieu de {len(table.columns)}", row=number)
            )
            continue
        rows.append((number, {c: uncsv_cell(v) for c, v in zip(table.columns, cells, strict=True)}))
    letters = {c: f"« {c} » ({column_letter(i)})" for i, c in enumerate(table.columns, 1)}
    return RawTable(table, rows, letters=letters)


def column_letter(number: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names its columns."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _os_reason(exc: OSError) -> str:
    import errno

    reasons = {errno.ENOENT: "fichier introuvable", errno.EACCES: "accès refusé",
               errno.EISDIR: "c'est un dossier, pas un fichier",
               errno.ENOSPC: "disque plein", errno.EFBIG: "fichier trop grand"}
    return reasons.get(exc.errno or 0, "erreur du système de fichiers")


def parse_sources(cell: str) -> tuple[tuple[Source, ...], list[str]]:
    sources, errors = [], []
    for part in re.split(r"[|\n]", cell):
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


class Normaliser:
    """The spellings staff type, turned into the knowledge's own values (or a French error)."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.statuses = {fold(k): k for k in PLACE_STATUSES}
        self.statuses |= {fold(label): k for k, label in PLACE_STATUSES.items()}
        self.types = {fold(k): k for k in PLACE_TYPES} | {fold(v): k for k, v in PLACE_TYPES.items()}
        self.places: dict[str, str] = {}
        self.areas: dict[str, str] = {}
        for commune in knowledge.communes:
            names = self.areas if commune.is_area else self.places
            for alias in (commune.name, *commune.aliases):
                names.setdefault(fold(alias), commune.name)

    def value(self, name: str, text: str) -> tuple[Any, str | None]:
        if not text:
            return None, None
        if name in DATE_FIELDS:
            value = iso_date(text)
            if value is None:
                return None, (f"« {text} » n'est pas une date : écrivez JJ/MM/AAAA "
                              "(ex. 31/12/2026), MM/AAAA ou AAAA")
            return value, None
        if name in NUMBER_FIELDS:
            try:
                return float(text.replace(",", ".")), None
            except ValueError:
                return None, f"« {text} » n'est pas un nombre (ex. 48,84)"
        choices = {"status": self.statuses, "type": self.types,
                   "commune": self.places, "area": self.areas}.get(name)
        if choices:
            return choices.get(fold(text), text), None  # unknown: the loader names the choices
        return text, None


def parse_row(raw: RawTable, number: int, cells: dict[str, str], report: ImportReport,
              normaliser: Normaliser | None) -> Row | None:
    """Cells → values typed like the knowledge's fields; None (and errors) if unusable."""
    table = raw.table

    def problem(message: str, name: str, entry: str | None = None) -> None:
        report.errors.append(ImportProblem(message, number, entry, name, raw.sheet,
                                           raw.letters.get(name)))

    entry_id = (cells.get("id") or "").strip()
    if not entry_id:
        problem("identifiant (id) manquant", "id")
        return None
    if not _ID.match(entry_id):
        problem("identifiant attendu : minuscules, chiffres et tirets (ex. mon-entree)", "id",
                entry_id)
        return None
    values: dict[str, Any] = {"id": entry_id}
    ok = True
    for name in table.columns[1:]:
        cell = cells.get(name, "")
        if name == "sources":
            values[name], errors = parse_sources(cell)
            for message in errors:
                problem(message, name, entry_id)
                ok = False
        elif name in LIST_FIELDS:
            values[name] = tuple(" ".join(p.split()) for p in re.split(r"[|\n]", cell) if p.strip())
        elif name == "answer":  # the only field whose line breaks matter
            values[name] = cell.replace("\r\n", "\n").replace("\r", "\n").strip() or None
        else:
            text = " ".join(cell.split())
            value, error = normaliser.value(name, text) if normaliser else (text or None, None)
            if error:
                problem(error, name, entry_id)
                ok = False
            values[name] = value
    return Row(number, values, raw.sheet, raw.letters) if ok else None


__all__ = ["ImportProblem", "ImportReport", "Normaliser", "RawTable", "Row", "TableChanges",
           "parse_row", "parse_sources", "read_csv"]
