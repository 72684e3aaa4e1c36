"""The knowledge as one workbook staff edit in Excel or LibreOffice, and its import.

``python -m bot export --format xlsx`` writes sheets « FAQ », « Lieux », « Contacts » (French
headers, frozen header row, drop-down lists, real dates) and « Lisez-moi »; a hidden « version »
sheet stamps what each entry looked like at export, so that importing an old workbook names the
newer edits it would undo. ``python -m bot import connaissances.xlsx`` reads it back through the
same checks as the CSV import (:func:`bot.knowledge.csv_import.import_tables`).

Every cell is written as a string (never a formula) without control characters.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.knowledge.cells import fold, iso_date, plain_text
from bot.knowledge.csv_import import current_entries, fingerprint, import_csv, import_tables
from bot.knowledge.csv_rows import ImportProblem, ImportReport, RawTable, _os_reason
from bot.knowledge.export import records, source_text
from bot.knowledge.model import PLACE_STATUSES, PLACE_TYPES, Knowledge
from bot.knowledge.tables import (
    DATE_FIELDS,
    EXTRA_PHRASINGS,
    HEADERS,
    LIST_FIELDS,
    NUMBER_FIELDS,
    TABLES,
    Table,
)

FORMAT_VERSION = "1"
VERSION_SHEET = "version"
LISTS_SHEET = "listes"
README_SHEET = "Lisez-moi"
_REST = "questions+"  # the FAQ's other phrasings, a column of their own
_WIDE = {"answer": 80, "description": 60, "sources": 60, "questions": 45, _REST: 45,
         "services": 40, "address": 40, "name": 30, "id": 28}
_CHOICES = {"theme": "A", "type": "B", "status": "C"}  # column of the « listes » sheet
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_ROWS = 5000
MAX_UNZIPPED = 100 * 1024 * 1024  # the whole knowledge unzips to well under 1 MB


def sheet_columns(table: Table) -> list[str]:
    """The table's columns as the sheet shows them (the FAQ's phrasings split in two)."""
    out: list[str] = []
    for name in table.columns:
        out += ["questions", _REST] if name == "questions" else [name]
    return out


def header(name: str) -> str:
    return EXTRA_PHRASINGS[0] if name == _REST else HEADERS.get(name, (name, ""))[0]


# ----------------------------------------------------------------------------- export


def _value(name: str, record: dict[str, Any]) -> Any:
    if name == _REST:
        return "\n".join(record["questions"][1:])
    value = record.get(name)
    if name == "questions":
        return value[0] if value else ""
    if value is None:
        return ""
    if name == "sources":
        return "\n".join(source_text(s) for s in value)
    if name in LIST_FIELDS:
        return "\n".join(str(v) for v in value)
    if name in DATE_FIELDS and len(str(value)) == 10:
        return date.fromisoformat(str(value))
    if name in NUMBER_FIELDS and isinstance(value, int | float):
        return value
    return str(value)


def _write_cell(ws: Worksheet, row: int, column: int, value: Any) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = plain_text(value)
        cell.data_type = "s"  # a string, even if it starts with « = »: never a formula
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet(wb: Workbook, table: Table, knowledge: Knowledge) -> None:
    ws = wb.create_sheet(table.sheet)
    columns = sheet_columns(table)
    for col, name in enumerate(columns, 1):
        cell = ws.cell(row=1, column=col, value=header(name))
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = _WIDE.get(name, 16)
    for row, record in enumerate(records(knowledge, table), 2):
        for col, name in enumerate(columns, 1):
            _write_cell(ws, row, col, _value(name, record))
    ws.freeze_panes = "A2"
    for col, name in enumerate(columns, 1):
        if name in _CHOICES:
            count = {"theme": len(knowledge.themes), "type": len(PLACE_TYPES),
                     "status": len(PLACE_STATUSES)}[name]
            letter = _CHOICES[name]
            # A warning, not a refusal: « fermé » typed by hand is accepted by the import.
            check = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                                   formula1=f"{LISTS_SHEET}!${letter}$2:${letter}${count + 1}",
                                   errorStyle="warning", errorTitle="Valeur inconnue",
                                   error="Choisissez de préférence une valeur de la liste.")
            ws.add_data_validation(check)
            letter_here = get_column_letter(col)
            check.add(f"{letter_here}2:{letter_here}{MAX_ROWS}")


def _readme(wb: Workbook, knowledge: Knowledge, exported: str) -> None:
    ws = wb.create_sheet(README_SHEET)
    lines = [
        ("Connaissances de l'assistant tiers-lieux", ""),
        (f"Exporté le {exported[:10]}.", ""),
        ("Modifiez les feuilles « FAQ », « Lieux » et « Contacts », puis renvoyez ce fichier "
         "au bot (Telegram) ou importez-le : .venv/bin/python -m bot import connaissances.xlsx", ""),
        ("Une ligne par entrée. Dans une cellule, mettez un élément par ligne (Alt+Entrée).", ""),
        ("Une ligne supprimée ne supprime pas l'entrée. Rien n'est écrit s'il reste une erreur.", ""),
        ("", ""),
        ("Feuille · colonne", "Ce qu'elle contient"),
    ]
    for table in TABLES:
        for name in sheet_columns(table):
            about = EXTRA_PHRASINGS[1] if name == _REST else HEADERS.get(name, ("", ""))[1]
            lines.append((f"{table.sheet} · {header(name)}", about))
    lines += [("", ""), ("Thèmes possibles", " · ".join(knowledge.themes)),
              ("Types possibles", " · ".join(PLACE_TYPES)),
              ("Statuts possibles", " · ".join(PLACE_STATUSES))]
    for row, (left, right) in enumerate(lines, 1):
        ws.cell(row=row, column=1, value=left).data_type = "s"
        ws.cell(row=row, column=2, value=right).data_type = "s"
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 100


def _hidden(wb: Workbook, knowledge: Knowledge, exported: str) -> None:
    lists = wb.create_sheet(LISTS_SHEET)
    for letter, values in (("A", list(knowledge.themes)), ("B", list(PLACE_TYPES)),
                           ("C", list(PLACE_STATUSES))):
        lists[f"{letter}1"] = {"A": "thème", "B": "type", "C": "statut"}[letter]
        for row, value in enumerate(values, 2):
            lists[f"{letter}{row}"] = plain_text(value)
            lists[f"{letter}{row}"].data_type = "s"
    lists.sheet_state = "hidden"
    stamp = wb.create_sheet(VERSION_SHEET)
    stamp.append(["format", FORMAT_VERSION])
    stamp.append(["exporté le", exported])
    for table in TABLES:
        for entry_id, entry in current_entries(knowledge, table).items():
            prints = {n: fingerprint(getattr(entry, n, None)) for n in table.columns}
            stamp.append([table.name, entry_id, json.dumps(prints, separators=(",", ":"))])
    stamp.sheet_state = "hidden"


def export_workbook(knowledge: Knowledge, now: datetime | None = None) -> bytes:
    """The whole knowledge as an .xlsx file."""
    exported = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    wb = Workbook()
    wb.remove(wb.active)
    for table in TABLES:
        _sheet(wb, table, knowledge)
    _readme(wb, knowledge, exported)
    _hidden(wb, knowledge, exported)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- import


def _cell_text(name: str, cell: Any) -> tuple[str, str | None]:
    """A cell as the CSV import reads it, or an error."""
    value = cell.value
    if value is None:
        return "", None
    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")
                                 and cell.data_type != "s"):
        return "", "cette cellule contient une formule : tapez le texte lui-même"
    if isinstance(value, datetime | date):
        return iso_date(value) or "", None
    if isinstance(value, bool):
        return str(value), None
    if isinstance(value, float) and value.is_integer() and name not in NUMBER_FIELDS:
        value = int(value)
    return plain_text(value), None


def _read_sheet(ws: Worksheet, table: Table, report: ImportReport) -> RawTable | None:
    wanted = {fold(header(n)): n for n in sheet_columns(table)}
    positions: dict[str, int] = {}
    letters: dict[str, str] = {}
    head = next(ws.iter_rows(min_row=1, max_row=1), ())
    for cell in head:
        if cell.value is None or not str(cell.value).strip():
            continue
        name = wanted.get(fold(str(cell.value)))
        where = f"« {cell.value} » ({cell.column_letter})"
        if name is None:
            report.errors.append(ImportProblem(
                "colonne inconnue : gardez les en-têtes de l'export", 1, sheet=ws.title,
                column=where))
            continue
        positions[name] = cell.column - 1
        letters[name] = where
    missing = [header(n) for n in wanted.values() if n not in positions]
    if missing:
        report.errors.append(ImportProblem(
            f"colonne(s) absente(s) : {', '.join(missing)} (gardez les en-têtes de l'export)", 1,
            sheet=ws.title))
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    if ws.max_row > MAX_ROWS + 1:
        report.errors.append(ImportProblem(
            f"plus de {MAX_ROWS} lignes : ce n'est pas un export du bot", sheet=ws.title))
        return None
    last = ws.max_row
    for number, cells in enumerate(ws.iter_rows(min_row=2, max_row=last), 2):
        texts: dict[str, str] = {}
        for name, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            text, error = _cell_text(name, cell) if cell is not None else ("", None)
            if error:
                report.errors.append(ImportProblem(error, number, None, name, ws.title,
                                                   letters[name]))
            texts[name] = text
        if not any(t.strip() for t in texts.values()):
            continue
        if _REST in texts:
            texts["questions"] = "\n".join(t for t in (texts["questions"], texts.pop(_REST)) if t)
        rows.append((number, texts))
    letters.pop(_REST, None)
    return RawTable(table, rows, sheet=ws.title, letters=letters)


def read_stamp(wb: Workbook) -> dict[tuple[str, str], dict[str, str]] | None:
    if VERSION_SHEET not in wb.sheetnames:
        return None
    stamp: dict[tuple[str, str], dict[str, str]] = {}
    for values in wb[VERSION_SHEET].iter_rows(min_row=3, values_only=True):
        if len(values) >= 3 and all(isinstance(v, str) for v in values[:3]):
            try:
                stamp[(values[0], values[1])] = json.loads(values[2])
            except ValueError:
                continue
    return stamp


def import_workbook(knowledge_path: str | Path | None, path: str | Path, *,
                    dry_run: bool = False) -> ImportReport:
    """Apply an exported-and-edited workbook to the knowledge folder, or nothing."""
    report = ImportReport(csv_path=str(path), dry_run=dry_run)
    try:
        with zipfile.ZipFile(path) as archive:  # a small file that unzips to gigabytes: no
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED:
            report.errors.append(ImportProblem(
                "classeur trop volumineux une fois décompressé : partez d'un export du bot"))
            return report
        wb = load_workbook(path, data_only=False)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        report.errors.append(ImportProblem(
            "classeur illisible : enregistrez-le au format Excel (.xlsx)"))
        return report
    raws = []
    for table in TABLES:
        if table.sheet in wb.sheetnames:
            raw = _read_sheet(wb[table.sheet], table, report)
            if raw is not None:
                raws.append(raw)
    if not raws and not report.errors:
        report.errors.append(ImportProblem(
            "aucune feuille « FAQ », « Lieux » ou « Contacts » : partez d'un export du bot"))
    if report.errors:
        return report
    return import_tables(knowledge_path, raws, report, read_stamp(wb))



def import_file(knowledge_path: str | Path | None, path: str | Path, *,
                dry_run: bool = False) -> ImportReport:
    """A workbook (.xlsx) or a CSV, by its content."""
    try:
        with open(path, "rb") as handle:
            is_zip = handle.read(4) == b"PK\x03\x04"
    except OSError as exc:
        report = ImportReport(csv_path=str(path), dry_run=dry_run)
        report.errors.append(ImportProblem(f"fichier illisible : {_os_reason(exc)}"))
        return report
    if is_zip:
        return import_workbook(knowledge_path, path, dry_run=dry_run)
    return import_csv(knowledge_path, path, dry_run=dry_run)


__all__ = ["export_workbook", "import_file", "import_workbook", "read_stamp", "sheet_columns"]
