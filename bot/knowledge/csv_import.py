"""``python -m bot import FILE.csv``: bring spreadsheet edits back into the YAML knowledge.

Staff who prefer a spreadsheet export the FAQ or the places as CSV (:mod:`bot.knowledge.export`), edit,
and import. Nothing is written unless *everything* is valid: the would-be knowledge is built in
a temporary copy of the folder and loaded with :func:`load_knowledge`, and every error is
reported with its spreadsheet row. When it writes, only the entries that changed are touched:
their lines are replaced by a ruamel.yaml round-trip dump of the edited entry (comments and key
order kept), every other byte of every file stays as it was, so an export → import of unchanged
knowledge writes nothing at all. Entries missing from the CSV are kept, never deleted.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from bot.knowledge import (
    Knowledge,
    KnowledgeError,
    Problem,
    Source,
    default_knowledge_path,
    load_knowledge,
)
from bot.knowledge.csv_rows import (
    _ID,
    ImportProblem,
    ImportReport,
    _parse_row,
    _read_table,
    _Row,
    _Table,
)
from bot.knowledge.yamlfiles import atomic_write_text, leading_comments

NEW_FAQ_FILE = "faq/nouvelles.yaml"
NEW_FAQ_HEADER = (
    "# FAQ — entries added by `python -m bot import` whose theme has no file of its own\n"
    "# (move them to faq/<theme>.yaml if you like). Format: knowledge/README.md.\n"
)
LINE_WIDTH = 100  # the hand-written files wrap there
_FLOW_LISTS = frozenset({"audience", "keywords", "related", "aliases"})  # short: on one line
_LONG_FIELDS = frozenset({"answer", "description"})  # written as block scalars when long
_DATE_FIELDS = frozenset({"facts_date", "checked_on"})  # quoted, as the README asks


class _RootListEmitter(RoundTripEmitter):
    """Writes a top-level list as the hand-written files do: ``- id:`` at column 0.

    ruamel.yaml indents a root sequence like a nested one (``  - id:``), which would shift
    every line and every comment of an entry it rewrites.
    """

    def expect_block_sequence_item(self, first: bool = False) -> None:
        if len(self.indents) != 1:
            super().expect_block_sequence_item(first)
            return
        saved, self.sequence_dash_offset = self.sequence_dash_offset, 0
        try:
            super().expect_block_sequence_item(first)
        finally:
            self.sequence_dash_offset = saved

    def increase_indent(
        self, flow: bool = False, sequence: bool | None = None, indentless: bool = False
    ) -> None:
        super().increase_indent(flow, sequence, indentless)
        if not flow and not indentless and len(self.indents) == 2 and (
            self.indents.values[0] == (None, True)
        ):
            self.indent += self.best_map_indent - self.best_sequence_indent


def _yaml() -> YAML:
    yaml = YAML()  # round-trip mode
    yaml.Emitter = _RootListEmitter
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap plain scalars: block scalars carry their own folds
    yaml.preserve_quotes = True
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # keep [{title: …}]
    return yaml


def _fold_positions(text: str, width: int) -> list[int]:
    """Greedy word wrap: the spaces where a folded block scalar breaks its lines."""
    spaces = [
        i for i, ch in enumerate(text)
        if ch == " " and 0 < i < len(text) - 1 and text[i - 1] != " " and text[i + 1] != " "
    ]
    positions: list[int] = []
    start, previous = 0, None
    for candidate in [*spaces, len(text)]:
        if candidate - start > width and previous is not None and previous > start:
            positions.append(previous)
            start = previous + 1
        previous = candidate
    return positions


def _text_value(name: str, value: str, old: Any, indent: int) -> Any:
    """``value`` in the style of the value it replaces (block scalars only when needed)."""
    if name in _DATE_FIELDS:
        return DoubleQuotedScalarString(value)
    if "\n" in value:
        return LiteralScalarString(value)
    too_long = indent + len(name) + 2 + len(value) > LINE_WIDTH
    if isinstance(old, FoldedScalarString | LiteralScalarString) or (
        name in _LONG_FIELDS and too_long
    ):
        folded = FoldedScalarString(value)
        folded.fold_pos = _fold_positions(value, LINE_WIDTH - indent - 2)  # type: ignore[attr-defined]
        return folded
    if isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(value)
    return value


def _node_source(node: Any) -> Source | None:
    """The :class:`Source` a YAML item stands for (the loader's own rules)."""
    if isinstance(node, str):
        return Source(title=node, url=node if node.startswith("http") else None)
    if isinstance(node, dict) and isinstance(node.get("title"), str):
        return Source(title=" ".join(node["title"].split()), url=node.get("url"))
    return None


def _list_value(name: str, values: tuple[Any, ...], old: Any) -> CommentedSeq:
    """A new list, reusing the old items (their quotes and comments) where they are unchanged."""
    seq = CommentedSeq()
    old_items = list(old) if isinstance(old, list) else []
    flow = old.fa.flow_style() if isinstance(old, CommentedSeq) else name in _FLOW_LISTS
    if flow:
        seq.fa.set_flow_style()
    if name == "sources":
        keys = [_node_source(item) for item in old_items]
    else:
        keys = [" ".join(str(item).split()) for item in old_items]
    styles = {type(i) for i in old_items}
    quote = styles.pop() if len(styles) == 1 else None  # quote new items only if all are
    if quote not in (DoubleQuotedScalarString, SingleQuotedScalarString):
        quote = None
    for value in values:
        if value in keys:
            index = keys.index(value)
            keys[index] = None  # each old item is reused once
            seq.append(old_items[index])
            if isinstance(old, CommentedSeq) and index in old.ca.items:
                seq.ca.items[len(seq) - 1] = old.ca.items[index]
        elif name == "sources":
            item = CommentedMap([("title", value.title)])
            if value.url:
                item["url"] = value.url
            if flow:
                item.fa.set_flow_style()
            seq.append(item)
        else:
            seq.append(quote(value) if quote else value)
    return seq


def _set_field(entry: CommentedMap, name: str, value: Any, columns: tuple[str, ...]) -> None:
    """Change one field of an entry in place; empty values remove optional keys."""
    if value is None or value == ():
        if name in entry:
            del entry[name]
        return
    old = entry.get(name)
    if isinstance(value, tuple):
        new: Any = _list_value(name, value, old)
    else:
        new = _text_value(name, value, old, indent=2)
    if name in entry:
        entry[name] = new
        return
    rank = columns.index(name)
    position = 0
    for i, key in enumerate(entry):
        if key in columns and columns.index(key) < rank:
            position = i + 1
    entry.insert(position, name, new)


def _dump_entries(entries: list[CommentedMap]) -> list[str]:
    """The YAML lines of entries as list items, without the comments that trail them."""
    out = io.StringIO()
    _yaml().dump(CommentedSeq(entries), out)
    lines = out.getvalue().splitlines(keepends=True)
    return lines[: _trimmed_end(lines, 0, len(lines))]


def _trimmed_end(lines: list[str], start: int, end: int) -> int:
    """``end`` moved back over blank and comment lines: they separate entries, keep them."""
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _edit_file(
    text: str, changes: dict[str, dict[str, Any]], additions: list[dict[str, Any]],
    columns: tuple[str, ...],
) -> str:
    """``text`` with the changed entries' lines replaced and the new entries appended."""
    doc = _yaml().load(text) if text.strip() else None
    if doc is None:
        doc = CommentedSeq()
    if not isinstance(doc, CommentedSeq):
        raise ValueError("le fichier ne contient pas une liste d'entrées")
    lines = text.splitlines(keepends=True)
    replacements: list[tuple[int, int, list[str]]] = []
    for index, entry in enumerate(doc):
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        if entry_id not in changes:
            continue
        start = doc.lc.item(index)[0]
        end = doc.lc.item(index + 1)[0] if index + 1 < len(doc) else len(lines)
        for name, value in changes[entry_id].items():
            _set_field(entry, name, value, columns)
        replacements.append((start, _trimmed_end(lines, start, end), _dump_entries([entry])))
    for start, end, new_lines in reversed(replacements):
        lines[start:end] = new_lines
    result = "".join(lines)
    if additions:
        new_entries = []
        for values in additions:
            entry = CommentedMap()
            for name in columns:
                _set_field(entry, name, values[name], columns)
            new_entries.append(entry)
        dumped = "\n".join("".join(_dump_entries([e])) for e in new_entries)
        if not doc and result.strip() and leading_comments(result) != result:
            result = leading_comments(result)  # an empty « [] »: the entries replace it
        if result and not result.endswith("\n"):
            result += "\n"
        if result.strip():
            result += "\n"
        result += dumped
    return result


# ----------------------------------------------------------------------------- CSV reading


def import_csv(
    knowledge_path: str | Path | None, csv_path: str | Path, *, dry_run: bool = False
) -> ImportReport:
    """Apply one exported-and-edited CSV (FAQ or places) to the knowledge folder, or nothing."""
    root = Path(knowledge_path) if knowledge_path else default_knowledge_path()
    report = ImportReport(csv_path=str(csv_path), dry_run=dry_run)
    table, records = _read_table(Path(csv_path), report)
    if table is None:
        return report
    try:
        knowledge = load_knowledge(root)
    except KnowledgeError as exc:
        report.errors.append(
            ImportProblem("les connaissances actuelles contiennent déjà des erreurs : corrigez-les "
                          "d'abord (python -m bot check)")
        )
        report.errors += [ImportProblem(str(p)) for p in exc.problems]
        return report

    rows: dict[str, _Row] = {}
    for number, cells in records:
        if not any(c.strip() for c in cells):
            continue  # blank spreadsheet row
        row = _parse_row(table, number, cells, report)
        if row is None:
            continue
        entry_id = row.values["id"]
        if entry_id in rows:
            report.errors.append(
                ImportProblem(f"identifiant déjà utilisé ligne {rows[entry_id].number}",
                              number, entry_id, "id")
            )
            continue
        rows[entry_id] = row

    originals, texts = _plan(root, table, knowledge, rows, report)
    if texts:
        _validate(root, table, texts, rows, report)
    if report.errors or dry_run or not texts:
        return report
    for rel in texts:
        path = root / rel
        now = path.read_text(encoding="utf-8") if path.exists() else None
        if now != originals[rel]:
            report.errors.append(
                ImportProblem(f"{rel} a été modifié pendant l'import : relancez l'import")
            )
            return report
    for rel, text in texts.items():
        atomic_write_text(root / rel, text)
    return report


def _plan(
    root: Path, table: _Table, knowledge: Knowledge, rows: dict[str, _Row], report: ImportReport
) -> tuple[dict[str, str | None], dict[str, str]]:
    """Decide what changes, file by file; returns (original texts, new texts) by relative path."""
    current: dict[str, Any] = knowledge.faq if table.name == "faq" else knowledge.places
    changes: dict[str, dict[str, dict[str, Any]]] = {}  # file → id → field → value
    additions: dict[str, list[dict[str, Any]]] = {}  # file → new entries
    for entry_id, row in rows.items():
        existing = current.get(entry_id)
        if existing is None:
            rel = _new_entry_file(root, table, row.values.get("theme"))
            additions.setdefault(rel, []).append(row.values)
            report.added[entry_id] = rel
            continue
        changed = {
            name: value for name, value in row.values.items()
            if name != "id" and value != getattr(existing, name)
        }
        if changed:
            rel = _entry_file(root, table, existing)
            changes.setdefault(rel, {})[entry_id] = changed
            report.updated[entry_id] = tuple(changed)
    report.kept = [entry_id for entry_id in current if entry_id not in rows]

    originals: dict[str, str | None] = {}
    texts: dict[str, str] = {}
    for rel in sorted(set(changes) | set(additions)):
        path = root / rel
        original = path.read_text(encoding="utf-8") if path.exists() else None
        base = original if original is not None else (
            NEW_FAQ_HEADER if table.name == "faq" else "# Directory of places. Format: README.md.\n"
        )
        try:
            texts[rel] = _edit_file(base, changes.get(rel, {}), additions.get(rel, []),
                                    table.columns)
        except (YAMLError, ValueError) as exc:
            report.errors.append(ImportProblem(f"{rel} : impossible de le modifier ({exc})"))
            continue
        originals[rel] = original
        report.files.append(rel)
    return originals, texts


def _entry_file(root: Path, table: _Table, existing: Any) -> str:
    if table.name == "places":
        return "places.yaml"
    return (root.parent / existing.file).relative_to(root).as_posix()


def _new_entry_file(root: Path, table: _Table, theme: str | None) -> str:
    """Places go to places.yaml; FAQ entries to their theme's file, or to a catch-all."""
    if table.name == "places":
        return "places.yaml"
    if theme and _ID.match(theme):
        for suffix in (".yaml", ".yml"):
            if (root / "faq" / f"{theme}{suffix}").is_file():
                return f"faq/{theme}{suffix}"
    return NEW_FAQ_FILE


def _validate(
    root: Path, table: _Table, texts: dict[str, str], rows: dict[str, _Row], report: ImportReport
) -> None:
    """Load the would-be knowledge from a temporary copy; file its problems under CSV rows."""
    with tempfile.TemporaryDirectory(prefix="tlb-import-") as tmp:
        copy = Path(tmp) / root.name  # same name: problems read like the real paths
        shutil.copytree(root, copy)
        for rel, text in texts.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(text, encoding="utf-8")
        try:
            load_knowledge(copy)
        except KnowledgeError as exc:
            report.errors += [_located(p, table, rows) for p in exc.problems]


def _located(problem: Problem, table: _Table, rows: dict[str, _Row]) -> ImportProblem:
    in_places = Path(problem.file).name == "places.yaml"
    row = rows.get(problem.entry or "") if in_places == (table.name == "places") else None
    if row is None:
        return ImportProblem(str(problem))
    return ImportProblem(problem.message, row.number, problem.entry, problem.field)


__all__ = ["ImportProblem", "ImportReport", "import_csv"]
