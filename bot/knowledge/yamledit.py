"""Comment-keeping edits of the YAML knowledge files, entry by entry.

Only the entries that changed are touched: their lines are replaced by a ruamel.yaml round-trip
dump of the edited entry (comments and key order kept), every other byte of every file stays as
it was, so an export → import of unchanged knowledge writes nothing at all.
"""

from __future__ import annotations

import io
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from bot.knowledge.model import Source
from bot.knowledge.yamlfiles import leading_comments

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
    return _plain(value)


def _plain(value: str) -> Any:
    """``value``, double-quoted if YAML 1.1 (PyYAML, the loader) would read it as another type:
    ``yes``, ``on``, ``12:30``… (ruamel.yaml writes YAML 1.2 and would leave them plain)."""
    try:
        same = yaml.safe_load(value) == value
    except yaml.YAMLError:
        same = False
    return value if same else DoubleQuotedScalarString(value)


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
            seq.append(quote(value) if quote else _plain(value))
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
    elif isinstance(value, int | float):
        new = value
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


def edit_file(
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


__all__ = ["LINE_WIDTH", "NEW_FAQ_FILE", "NEW_FAQ_HEADER", "edit_file"]
