"""``python -m bot import FILE``: bring spreadsheet edits (CSV or workbook) back into the YAML.

Staff export the knowledge (:mod:`bot.knowledge.export`, :mod:`bot.knowledge.workbook`), edit,
and import. Nothing is written unless *everything* is valid: the would-be knowledge is built in
a temporary copy of the folder and loaded with :func:`load_knowledge`, and every error is
reported with its sheet, row and column. When it writes, only the entries that changed are
touched (:mod:`bot.knowledge.yamledit`: comments and key order kept), and every file is written
or none (:func:`~bot.knowledge.yamlfiles.write_all_or_nothing`). Entries missing from the file
are kept, never deleted.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from bot.knowledge import (
    Knowledge,
    KnowledgeError,
    Problem,
    default_knowledge_path,
    load_knowledge,
)
from bot.knowledge.csv_rows import (
    _ID,
    ImportProblem,
    ImportReport,
    Normaliser,
    RawTable,
    Row,
    TableChanges,
    _os_reason,
    parse_row,
    read_csv,
)
from bot.knowledge.tables import TABLES, Table
from bot.knowledge.yamledit import NEW_FAQ_FILE, NEW_FAQ_HEADER, edit_file
from bot.knowledge.yamlfiles import write_all_or_nothing

_NEW_FILE_HEADERS = {
    "places": "# Directory of places. Format: knowledge/README.md.\n",
    "contacts": "# Contacts. Format: knowledge/README.md.\n",
}


def fingerprint(value: Any) -> str:
    """A short digest of one field's value: what an export stamps, to spot newer edits."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:10]


def current_entries(knowledge: Knowledge, table: Table) -> dict[str, Any]:
    return {"faq": knowledge.faq, "places": knowledge.places,
            "contacts": knowledge.contacts}[table.name]


def import_csv(
    knowledge_path: str | Path | None, csv_path: str | Path, *, dry_run: bool = False,
) -> ImportReport:
    """Apply one exported-and-edited CSV (FAQ, places or contacts) to the knowledge, or nothing."""
    report = ImportReport(csv_path=str(csv_path), dry_run=dry_run)
    raw = read_csv(Path(csv_path), report)
    if raw is None:
        return report
    return import_tables(knowledge_path, [raw], report)


def import_tables(
    knowledge_path: str | Path | None, raws: list[RawTable], report: ImportReport,
    stamp: dict[tuple[str, str], dict[str, str]] | None = None,
) -> ImportReport:
    """Check every row of every table, then write every changed file, or nothing."""
    root = Path(knowledge_path) if knowledge_path else default_knowledge_path()
    try:
        knowledge = load_knowledge(root)
    except KnowledgeError as exc:
        report.errors.append(ImportProblem(
            "les connaissances actuelles contiennent déjà des erreurs : corrigez-les d'abord "
            "(.venv/bin/python -m bot check)"))
        report.errors += [ImportProblem(str(p)) for p in exc.problems]
        return report
    normaliser = Normaliser(knowledge)
    rows: dict[str, dict[str, Row]] = {}
    for raw in raws:
        table_rows = rows.setdefault(raw.table.name, {})
        report.tables.setdefault(raw.table.name, TableChanges())
        report.labels[raw.table.name] = raw.table.label
        for number, cells in raw.rows:
            row = parse_row(raw, number, cells, report, normaliser)
            if row is None:
                continue
            entry_id = row.values["id"]
            if entry_id in table_rows:
                report.errors.append(ImportProblem(
                    f"identifiant déjà utilisé ligne {table_rows[entry_id].number}", number,
                    entry_id, "id", raw.sheet, raw.letters.get("id")))
                continue
            table_rows[entry_id] = row

    tables = {t.name: t for t in TABLES}
    originals: dict[str, str | None] = {}
    texts: dict[str, str] = {}
    for name, table_rows in rows.items():
        _plan(root, tables[name], knowledge, table_rows, report, originals, texts)
        if stamp is not None:
            _check_stale(tables[name], knowledge, table_rows, stamp, report)
        else:
            _check_older(tables[name], knowledge, table_rows, report)
    if texts:
        _validate(root, texts, rows, report)
    if report.errors or report.dry_run or not texts:
        return report
    for rel in texts:
        path = root / rel
        now = path.read_text(encoding="utf-8") if path.exists() else None
        if now != originals[rel]:
            report.errors.append(
                ImportProblem(f"{rel} a été modifié pendant l'import : relancez l'import"))
            return report
    try:
        write_all_or_nothing({root / rel: text for rel, text in texts.items()})
    except OSError as exc:
        report.errors.append(ImportProblem(
            f"écriture impossible ({_os_reason(exc)}) : aucun fichier n'a été modifié, les "
            "connaissances restent celles d'avant"))
    return report


def _plan(
    root: Path, table: Table, knowledge: Knowledge, rows: dict[str, Row], report: ImportReport,
    originals: dict[str, str | None], texts: dict[str, str],
) -> None:
    """Decide what changes, file by file, into ``texts`` (new texts by relative path)."""
    current = current_entries(knowledge, table)
    changes_report = report.tables[table.name]
    changes: dict[str, dict[str, dict[str, Any]]] = {}  # file → id → field → value
    additions: dict[str, list[dict[str, Any]]] = {}  # file → new entries
    for entry_id, row in rows.items():
        existing = current.get(entry_id)
        if existing is None:
            rel = _new_entry_file(root, table, row.values.get("theme"))
            additions.setdefault(rel, []).append(row.values)
            changes_report.added[entry_id] = rel
            continue
        changed = {
            name: value for name, value in row.values.items()
            if name != "id" and value != getattr(existing, name, None)
        }
        if changed:
            rel = _entry_file(root, table, existing)
            changes.setdefault(rel, {})[entry_id] = changed
            changes_report.updated[entry_id] = tuple(changed)
    changes_report.kept = [entry_id for entry_id in current if entry_id not in rows]

    for rel in sorted(set(changes) | set(additions)):
        path = root / rel
        original = path.read_text(encoding="utf-8") if path.exists() else None
        base = original if original is not None else (
            NEW_FAQ_HEADER if table.name == "faq" else _NEW_FILE_HEADERS[table.name])
        try:
            texts[rel] = edit_file(base, changes.get(rel, {}), additions.get(rel, []),
                                   table.columns)
        except (YAMLError, ValueError) as exc:
            report.errors.append(ImportProblem(f"{rel} : impossible de le modifier ({exc})"))
            continue
        originals[rel] = original
        report.files.append(rel)


def _check_stale(table: Table, knowledge: Knowledge, rows: dict[str, Row],
                 stamp: dict[tuple[str, str], dict[str, str]], report: ImportReport) -> None:
    """Name the edits made after the export that importing this file would undo."""
    current = current_entries(knowledge, table)
    for entry_id, fields in report.tables[table.name].updated.items():
        exported = stamp.get((table.name, entry_id))
        if exported is None:
            continue
        undone = [name for name in fields
                  if exported.get(name) != fingerprint(getattr(current[entry_id], name, None))]
        if undone:
            columns = ", ".join(f"« {table.header(n)} »" for n in undone)
            report.stale.append(f"{table.label} « {entry_id} » : {columns} modifié(s) depuis "
                                f"l'export (ligne {rows[entry_id].number})")


def _check_older(table: Table, knowledge: Knowledge, rows: dict[str, Row],
                 report: ImportReport) -> None:
    """Without a stamp (a CSV): a row whose « checked_on » is older than the entry's was most
    likely exported before the entry's last edit."""
    current = current_entries(knowledge, table)
    for entry_id, fields in report.tables[table.name].updated.items():
        row_date = rows[entry_id].values.get("checked_on") or ""
        now_date = getattr(current[entry_id], "checked_on", "") or ""
        if "checked_on" in fields and row_date and row_date < now_date:
            report.stale.append(
                f"{table.label} « {entry_id} » : vérifiée le {now_date}, le fichier dit "
                f"{row_date} (ligne {rows[entry_id].number}) : il date d'avant cette vérification")


def _entry_file(root: Path, table: Table, existing: Any) -> str:
    if table.file:
        return table.file
    return (root.parent / existing.file).relative_to(root).as_posix()


def _new_entry_file(root: Path, table: Table, theme: str | None) -> str:
    """Places and contacts go to their file; FAQ entries to their theme's file, or a catch-all."""
    if table.file:
        return table.file
    if theme and _ID.match(theme):
        for suffix in (".yaml", ".yml"):
            if (root / "faq" / f"{theme}{suffix}").is_file():
                return f"faq/{theme}{suffix}"
    return NEW_FAQ_FILE


def _validate(root: Path, texts: dict[str, str], rows: dict[str, dict[str, Row]],
              report: ImportReport) -> None:
    """Load the would-be knowledge from a temporary copy; file its problems under their rows."""
    with tempfile.TemporaryDirectory(prefix="tlb-import-") as tmp:
        copy = Path(tmp) / root.name  # same name: problems read like the real paths
        try:
            shutil.copytree(root, copy)
            for rel, text in texts.items():
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                (copy / rel).write_text(text, encoding="utf-8")
        except (OSError, shutil.Error) as exc:
            reason = ("disque plein ou fichier trop grand" if isinstance(exc, shutil.Error)
                      else _os_reason(exc))
            report.errors.append(ImportProblem(
                f"vérification impossible ({reason}, dans le dossier temporaire) : aucun fichier "
                "n'a été modifié"))
            return
        try:
            load_knowledge(copy)
        except KnowledgeError as exc:
            report.errors += [_located(p, rows) for p in exc.problems]


def _located(problem: Problem, rows: dict[str, dict[str, Row]]) -> ImportProblem:
    name = Path(problem.file).name
    table = {"places.yaml": "places", "contacts.yaml": "contacts"}.get(name, "faq")
    row = rows.get(table, {}).get(problem.entry or "")
    if row is None:
        return ImportProblem(str(problem))
    return ImportProblem(problem.message, row.number, problem.entry, problem.field, row.sheet,
                         row.letters.get(problem.field or ""))


__all__ = ["ImportProblem", "ImportReport", "fingerprint", "import_csv", "import_tables"]
