"""The FAQ files, one at a time: each file is read, parsed and validated on its own, so that its
result can be cached by content (:class:`~bot.knowledge.cache.FileMemo`) and a reload after one
edit re-reads only that file. Also: the record of files that failed to parse, so that their
errors are not followed by a cascade of « missing » references elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.cache import FileMemo, digest
from bot.knowledge.model import AUDIENCES, FaqEntry, Problem
from bot.knowledge.validation import _FAQ_KEYS, _checked_id, _Entry
from bot.knowledge.yamlfast import read_fast
from bot.knowledge.yamlread import parse, read_bytes, read_yaml, rel_path


class Problems(list):
    """The problems found so far, and the files that could not be read or parsed at all
    (their relative path → their raw text, for :func:`without_cascade`); ``memo`` keeps the
    parsed contents of the other files by hash."""

    def __init__(self, memo: FileMemo | None = None) -> None:
        super().__init__()
        self.broken: dict[str, str] = {}
        self.memo = memo


def read_tracked(path: Path, root: Path, problems: list[Problem]) -> Any:
    """:func:`read_yaml` (through the memo when there is one), remembering the file as broken
    when it gave a problem. What comes from the memo is shared: callers only read it."""
    memo = problems.memo if isinstance(problems, Problems) else None
    before = len(problems)
    if memo is None:
        data = read_yaml(path, root, problems)
    else:
        rel = rel_path(path, root)
        raw = read_bytes(path, rel, problems)
        data = None
        if raw is not None:
            key = digest("yaml", rel, raw)
            data = memo.get(rel, key)
            if data is None:
                data = parse(raw, rel, problems)
                if len(problems) == before and data is not None:
                    memo.put(rel, key, data)
    if len(problems) > before and isinstance(problems, Problems):
        problems.broken[rel_path(path, root)] = _raw(path)
    return data


def _raw(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    except OSError:
        return ""


def list_of_mappings(data: Any, file: str, problems: list[Problem]) -> list[dict]:
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(file, "le fichier doit contenir une liste d'entrées (« - id: … »)"))
        return []
    out = []
    for i, item in enumerate(data, 1):
        if isinstance(item, dict):
            out.append(item)
        else:
            problems.append(Problem(file, f"l'élément n°{i} n'est pas une entrée (id, …)"))
    return out


@dataclass(frozen=True, slots=True)
class FaqFile:
    """One FAQ file, validated on its own (ids unique within the file only)."""

    entries: tuple[FaqEntry, ...]
    problems: tuple[Problem, ...]
    broken: str | None = None  # the raw text, when the file could not be parsed at all


def _validate(data: Any, rel: str) -> tuple[list[FaqEntry], list[Problem]]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    entries = []
    for item in list_of_mappings(data, rel, problems):
        e = _Entry(item, rel, problems, None)
        entry_id = _checked_id(e, seen, "entrée")
        e.unknown_keys(_FAQ_KEYS)
        audience = e.texts("audience") or ("tous",)
        for a in audience:
            if a not in AUDIENCES:
                e.problem("audience", f"« {a} » inconnu (tous, usagers ou porteurs)")
        entry = FaqEntry(
            id=entry_id or "",
            theme=e.text("theme") or "",
            questions=e.texts("questions", required=True, minimum=1),
            answer=e.text("answer") or "",
            sources=e.sources(),
            facts_date=e.date_text("facts_date"),
            checked_on=e.date_text("checked_on", full=True),
            file=rel,
            line=e.line,
            audience=audience,
            keywords=e.texts("keywords"),
            related=e.texts("related"),
            contact=e.text("contact", required=False),
            place=e.text("place", required=False),
        )
        if entry_id:
            entries.append(entry)
    return entries, problems


def faq_paths(root: Path) -> list[Path]:
    """The FAQ files of a knowledge folder, in the order they are loaded."""
    folder = root / "faq"
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []


def faq_file_key(rel: str, raw: bytes) -> str:
    """What a FAQ file's validated entries are cached under: its name and its bytes."""
    return digest("faq", rel, raw)


def load_faq_file(path: Path, root: Path, memo: FileMemo | None) -> FaqFile:
    rel = rel_path(path, root)
    problems: list[Problem] = []
    raw = read_bytes(path, rel, problems)
    if raw is None:
        return FaqFile((), tuple(problems), broken="")
    key = faq_file_key(rel, raw)
    if memo is not None:
        cached = memo.get(rel, key)
        if isinstance(cached, FaqFile):
            return cached
    result = _read_fast(raw, rel)
    if result is None:
        data = parse(raw, rel, problems)
        if problems:  # unreadable or unparsable: one problem, nothing else from this file
            result = FaqFile((), tuple(problems), broken=raw.decode("utf-8", errors="replace"))
        else:
            entries, problems = _validate(data, rel)
            result = FaqFile(tuple(entries), tuple(problems))
    if memo is not None:
        memo.put(rel, key, result)
    return result


def _read_fast(raw: bytes, rel: str) -> FaqFile | None:
    """The file read by :func:`~bot.knowledge.yamlfast.read_fast` when it accepts it and the
    entries validate without a single problem; else None (PyYAML reads it, for the lines)."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    data = read_fast(text)
    if data is None:
        return None
    entries, problems = _validate(data, rel)
    return None if problems else FaqFile(tuple(entries), ())


def load_faq(root: Path, problems: Problems, memo: FileMemo | None = None) -> dict[str, FaqEntry]:
    """Every FAQ file, each validated on its own (and cached), then ids checked across files."""
    faq: dict[str, FaqEntry] = {}
    where: dict[str, str] = {}
    folder = root / "faq"
    files = faq_paths(root)
    if not files:
        problems.append(Problem(rel_path(folder, root), "aucun fichier de FAQ (faq/*.yaml)"))
    for path in files:
        result = load_faq_file(path, root, memo)
        problems.extend(result.problems)
        if result.broken is not None:
            problems.broken[rel_path(path, root)] = result.broken
        for entry in result.entries:
            if entry.id in where:
                problems.append(Problem(entry.file, "identifiant déjà utilisé par une autre "
                                        f"entrée ({where[entry.id]})", entry.id, "id", entry.line))
                continue
            where[entry.id] = f"{entry.file}:{entry.line}"
            faq[entry.id] = entry
    return faq


_ID_LINE = re.compile(r"""^\s*(?:-\s*)?id\s*:\s*["']?([a-z0-9-]+)""", re.MULTILINE)
_QUOTED = re.compile(r"« (.+?) »")


def without_cascade(problems: Problems) -> list[Problem]:
    """A file that failed to parse is reported once: the references to what it holds (FAQ ids
    named in it, places, contacts, themes, communes) are not reported as missing elsewhere."""
    if not problems.broken:
        return list(problems)
    faq_ids = {i for rel, raw in problems.broken.items() if "/faq/" in f"/{rel}"
               for i in _ID_LINE.findall(raw)}
    broken_names = {rel.rsplit("/", 1)[-1] for rel in problems.broken}
    kept = []
    for p in problems:
        quoted = _QUOTED.search(p.message)
        target = quoted.group(1) if quoted else ""
        if p.message.endswith("n'est pas une entrée de la FAQ") and target in faq_ids:
            continue
        if p.message.startswith("cette entrée de FAQ n'existe pas") and p.entry in faq_ids:
            continue
        if any(p.message.endswith(f"absent de {name}") for name in broken_names):
            continue
        if "communes.yaml" in broken_names and p.message.endswith(" de communes.yaml"):
            continue
        kept.append(p)
    return kept
