"""A fast first reading of a FAQ file, accepted only when PyYAML would read exactly the same.

Why: at 10 000 entries, reading the FAQ's YAML through PyYAML's events is about half of a cold
start; rapidyaml (a C++ parser) hands back the same data through its JSON emitter four to
five times faster. It reads YAML 1.2, though, and PyYAML (whose reading the validation, the
French errors and the staff rely on) reads YAML 1.1, so this reading *declines* (returns None)
at the first doubt, and the caller reads the file the usual way:

* before parsing, on any text where the two may part: tabs, carriage returns and the other
  line breaks of YAML 1.1, characters PyYAML refuses, directives and document markers, tags,
  anchors and aliases, merge keys, a value starting with a reserved character (``@``, `` ` ``,
  ``%``…);
* after parsing, on anything but text, lists and mappings (numbers, booleans), on an empty text,
  and on a text that PyYAML would read as a number, a boolean, a date or nothing (``2023``,
  ``yes``, ``~``) unless the file shows it quoted only;
* on any error of the fast parser (its message, printed in English by the C++ library on the
  process's standard error, is kept out of the bot's output: PyYAML then gives the French one),
  and when the lines of the entries cannot be told for certain.

The caller then validates the data; a file with any problem is read again by PyYAML, so that
every message keeps its line. ``tests/test_yaml_fast.py`` compares both readings on every
shipped file and on thousands of generated hostile snippets.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import yaml

from bot.knowledge.yamlread import LineDict

try:  # optional: without it, PyYAML reads every file (slower, same result)
    import ryml
except ImportError:  # pragma: no cover - rapidyaml is a dependency; a broken install still runs
    ryml = None

# Characters PyYAML refuses or reads as line breaks, and the ones YAML 1.1 and 1.2 treat apart
# (tabs, carriage returns, NEL, LS, PS, a BOM inside the text).
_ODD_CHARACTER = re.compile("[\x00-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]")
# ryml writes the special numbers its own way (« .NaN » becomes « .nan »); their context is
# checked apart (a regex look-behind here costs ten times more).
_SPECIAL_NUMBER = re.compile(r"\.[iInN][nNaA][fFnN](?!\w)")
_DOCUMENTS = re.compile(r"\n(?:---|\.\.\.|%)")  # several documents, directives
_MERGE_KEY = re.compile(r"<<[ ]*:")
# Anchors, aliases, tags, reserved first characters, flow marks, block texts: where a node
# starts, the two readings may part. Searched for first (they are rare), their place checked.
_MARKS = re.compile(r"[&*!@`%\]}\[{|>]")
_BLOCK_HEADER = re.compile(r"[|>][-+]?[ ]*(?:\n|$)")  # no indentation digit, no comment
# In a flow list: a plain word without indicators (it may run over lines), a quoted text.
_FLOW_WORD = re.compile(r"[^\[\]{},?:#&*!|>%@`\"'\\ \n][^\[\]{},?:#&*!|>%@`\\\n]*")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_ITEM = re.compile(r"^-(?:[ ]|$)", re.MULTILINE)
_quiet_lock = threading.Lock()


def read_fast(text: str) -> list[dict] | None:
    """The FAQ file's list of entries, each a mapping whose ``line`` is the one PyYAML gives,
    or None when this reading declines (see the module's docstring)."""
    flows = None if ryml is None else _flows_if_plain_sailing(text)
    if flows is None:
        return None
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(text.encode("utf-8"))
            emitted = ryml.emit_json_malloc(tree, tree.root_id())
        data = json.loads(emitted)
    except Exception:  # any failure of the fast reading only means PyYAML reads the file
        return None
    if not isinstance(data, list) or not data or not all(type(item) is dict for item in data):
        return None
    keys: set[str] = set()
    values: set[str] = set()
    if not _only_text(data, keys, values) or _any_written_plain(keys, values, text, flows):
        return None
    return _with_lines(data, text)


def _flows_if_plain_sailing(text: str) -> list[tuple[int, int]] | None:
    """None when the text holds something the two readings may read apart (see the module);
    else where its flow lists (« [tous] », « [a, "b", c] ») begin and end."""
    if (not text.endswith("\n") or text.startswith(("---", "...", "%"))
            or _ODD_CHARACTER.search(text) or _DOCUMENTS.search(text)
            or _MERGE_KEY.search(text) or _special_number(text)):
        return None  # (ryml ends a last block text with a line break that is not there)
    flows: list[tuple[int, int]] = []
    for match in _MARKS.finditer(text):
        index = match.start()
        if flows and index < flows[-1][1]:
            continue
        mark = match.group()
        if _node_start(text, index) is None or _in_comment_line(text, index):
            continue
        if mark in "|>" and _BLOCK_HEADER.match(text, index):
            continue
        end = _plain_list_end(text, index) if mark == "[" else None
        if end is None:
            return None
        flows.append((index, end))
    return flows


def _special_number(text: str) -> bool:
    """Whether ``.inf``, ``-.NaN``… may stand as a whole word (not « oriane.info »)."""
    for match in _SPECIAL_NUMBER.finditer(text):
        j = match.start() - 1
        if j >= 0 and text[j] in "+-":
            j -= 1
        if j < 0 or not (text[j].isalnum() or text[j] in "._"):
            return True
    return False


def _in_comment_line(text: str, index: int) -> bool:
    """Whether ``index`` is on a line that is a comment (read as such by both, or as the
    content of a block or quoted text, where marks mean nothing either)."""
    return text[text.rfind("\n", 0, index) + 1:index].lstrip(" ").startswith("#")


def _plain_list_end(text: str, index: int) -> int | None:
    """Where the flow list opened at ``index`` ends, when it holds only plain words without
    indicators, quoted texts and such lists, over one line or several, and nothing but spaces
    follows it on its line; else None."""
    depth, i, n = 0, index, len(text)
    expect_item = True
    while i < n:
        c = text[i]
        if c in " \n":
            i += 1
        elif c == "[" and expect_item:
            depth += 1
            i += 1
        elif c == "]":
            depth -= 1
            i += 1
            expect_item = False
            if depth == 0:
                end = text.find("\n", i)
                return i if not text[i:end].strip(" ") else None
        elif c == ",":
            expect_item = True
            i += 1
        elif not expect_item:
            return None  # text after a quoted item or a closed list
        elif c in "\"'":
            quoted = (_DOUBLE_QUOTED if c == '"' else _SINGLE_QUOTED).match(text, i)
            if quoted is None:
                return None
            i = quoted.end()
            expect_item = False
        else:
            word = _FLOW_WORD.match(text, i)
            if word is None:
                return None
            i = word.end()
            expect_item = False
    return None


def _node_start(text: str, index: int) -> str | None:
    """What opens the node that would start at ``index``: ``""`` for a line's indentation, the
    indicator (``-``, ``?``, ``:``, ``[``, ``{``, ``,``) just before, or None when ``index`` is
    inside a text (after a word). Over-approximate: ``:``, ``?`` and the flow marks count
    without a space, as in a flow collection."""
    j = index - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0 or text[j] == "\n":
        return ""
    c = text[j]
    if c in ":?[{," or (c == "-" and j < index - 1):
        return c
    return None


def _only_text(root: list, typed_keys: set[str], typed_values: set[str]) -> bool:
    """True when every key and value is a non-empty text (or nothing), in lists and mappings;
    the texts PyYAML would read as something else when unquoted are collected."""
    memo: dict[str, bool] = {}  # keys and short values repeat from entry to entry
    stack: list = [root]
    while stack:
        current = stack.pop()
        if type(current) is dict:
            for key in current:
                if not key:
                    return False
                if key[0] in _RESOLVERS:
                    typed = memo.get(key)
                    if typed is None:
                        typed = memo[key] = _typed(key)
                    if typed:
                        typed_keys.add(key)
            current = current.values()
        for value in current:
            kind = type(value)
            if kind is str:
                if not value:
                    return False
                if value[0] in _RESOLVERS:
                    typed = memo.get(value)
                    if typed is None:
                        typed = memo[value] = _typed(value)
                    if typed:
                        typed_values.add(value)
            elif kind is dict or kind is list:
                stack.append(value)
            elif value is not None:
                return False
    return True


def _typed(value: str) -> bool:
    """Whether PyYAML reads ``value``, unquoted, as something else than a text. Only a date
    with its time holds a space; it starts with a digit."""
    if " " in value and not value[0].isdigit():
        return False
    return any(regexp.match(value) for _tag, regexp in _RESOLVERS[value[0]])


def _any_written_plain(keys: set[str], values: set[str], text: str,
                       flows: list[tuple[int, int]]) -> bool:
    """Whether one of these texts (which PyYAML types when unquoted) may stand unquoted in
    ``text``: a whole node after a node's start, up to the end of the line, a comment, a key's
    colon or (in a flow list) a separator. It over-approximates on purpose: a false alarm only
    costs speed."""
    if not keys and not values:
        return False
    if any(c.isspace() for word in keys | values for c in word):
        return True
    for word, is_key in [(k, True) for k in keys] + [(v, False) for v in values]:
        index = text.find(word)
        while index >= 0:
            if (_node_start(text, index) is not None
                    and _ends_node(text, index + len(word), is_key, flows)):
                return True
            index = text.find(word, index + 1)
    return False


def _ends_node(text: str, index: int, is_key: bool, flows: list[tuple[int, int]]) -> bool:
    """Whether a plain node may end at ``index``: at the end of the line or a comment, at a
    key's colon (keys), or at a separator inside a flow list."""
    while index < len(text) and text[index] == " ":
        index += 1
    c = text[index] if index < len(text) else "\n"
    if c in "\n#" or (is_key and c == ":"):  # (a key after « ? » ends its line)
        return True
    return c in ",]" and any(start < index < end for start, end in flows)


def _with_lines(data: list[dict], text: str) -> list[dict] | None:
    """Each entry as a ``LineDict`` on the line where PyYAML starts its mapping (its first
    key), from the column-0 dashes of the file; None when that cannot be told for certain."""
    starts = [m.start() for m in _ITEM.finditer(text)]
    if len(starts) != len(data):
        return None
    out = []
    line, offset = 0, 0  # 0-based line of ``offset``
    for start, item in zip(starts, data, strict=True):
        line += text.count("\n", offset, start)
        offset = start
        begin, number = start + 1, line
        while True:  # the first line after the dash with something else than a comment
            end = text.find("\n", begin)
            content = text[begin:end if end >= 0 else len(text)].lstrip(" ")
            if content and not content.startswith("#"):
                break
            if end < 0:
                return None
            begin, number = end + 1, number + 1
        first_key = next(iter(item))
        if not (content.startswith(first_key) or content[1:].startswith(first_key)):
            return None
        entry = LineDict(item)
        entry.line = number + 1
        out.append(entry)
    return out


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Keep the C++ library's English error report off the process's standard error: it goes
    to a temporary file, and whatever else was written there meanwhile (another thread's log
    line) is written back afterwards."""
    with _quiet_lock:
        try:
            saved = os.dup(2)
        except OSError:  # no standard error at all: nothing to protect
            yield
            return
        with tempfile.TemporaryFile() as capture:
            os.dup2(capture.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                capture.seek(0)
                others = [line for line in capture.read().splitlines(keepends=True)
                          if b"ERROR: [" not in line and b"(detected here)" not in line]
                if others:
                    os.write(2, b"".join(others))
