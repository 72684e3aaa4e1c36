"""Phrasings accepted by staff from the review queue, kept in ``<knowledge>/learned.yaml``.

They live in their own file, never in the hand-edited FAQ files, so a staff member's click can
neither break nor reformat what people curate by hand, and ``/annuler`` can take the last one
back. The file is rewritten atomically (temporary file + ``os.replace``) with ruamel.yaml's
round-trip mode, so its header comment and the order of the entries survive every write.
After :meth:`LearnedStore.add` or :meth:`LearnedStore.undo_last`, reload the knowledge
(``KnowledgeHolder.reload()``) for the change to take effect.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.engine.text import tokenize
from bot.knowledge.loader import default_knowledge_path, load_knowledge
from bot.knowledge.model import Knowledge, LearnedPhrasing
from bot.knowledge.scrub import REDACTED, scrub_personal_data
from bot.knowledge.yamlfiles import atomic_write_text, leading_comments

LEARNED_FILE = "learned.yaml"
HEADER = (
    "# Written by the bot: phrasings accepted by staff from the review queue, with when and by\n"
    "# whom (a pseudonym). Do not edit by hand: use /annuler to take the last one back.\n"
    "# Each item: id (the FAQ entry), question, added_on (UTC), added_by. Format: README.md.\n"
)
MAX_PHRASING_CHARS = 300  # a question, not a message: longer text would only blur the matching

KnowledgeSource = Knowledge | Callable[[], Knowledge] | None


def phrasing_key(text: str) -> str:
    """What makes two phrasings the same: words only (case, accents, punctuation ignored)."""
    return " ".join(tokenize(text))


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments and key order are kept
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 4096  # never fold a phrasing over two lines
    yaml.preserve_quotes = True
    return yaml


def _leading_comments(text: str) -> str:
    """The comment block at the top of the file (kept when the list becomes empty)."""
    header = leading_comments(text).rstrip("\n")
    return header + "\n" if header else HEADER


class LearnedStore:
    """Adds and removes staff-accepted phrasings in ``learned.yaml``.

    ``knowledge`` tells which FAQ entries exist and which phrasings they already have: the
    current :class:`Knowledge`, a callable returning it (e.g. ``lambda: holder.engine.knowledge``)
    or ``None`` to load the folder on every :meth:`add`. With ``pseudonym`` (e.g. the storage's
    keyed HMAC), ``added_by`` is the raw staff id and is pseudonymised by it; without it, callers
    must pass a pseudonym themselves.
    """

    def __init__(
        self,
        knowledge_path: str | Path | None = None,
        knowledge: KnowledgeSource = None,
        pseudonym: Callable[[int | str], str] | None = None,
        path: str | Path | None = None,
    ) -> None:
        self.root = Path(knowledge_path) if knowledge_path else default_knowledge_path()
        self.path = Path(path) if path else self.root / LEARNED_FILE
        self._knowledge = knowledge
        self._pseudonym = pseudonym
        self._lock = threading.Lock()  # add/undo are read-modify-write

    # ------------------------------------------------------------------ public API

    def all(self) -> list[LearnedPhrasing]:
        """Every accepted phrasing, oldest first."""
        return [_phrasing(item) for item in self._load()[0] if isinstance(item, dict)]

    def add(
        self,
        entry_id: str,
        question: str,
        added_by: int | str,
        now: datetime | None = None,
    ) -> LearnedPhrasing:
        """Record ``question`` as a phrasing of ``entry_id``; ValueError (French) if refused."""
        knowledge = self._current_knowledge()
        if entry_id not in knowledge.faq:
            raise ValueError(f"L'entrée « {entry_id} » n'existe pas dans la FAQ.")
        text = " ".join(scrub_personal_data(question or "").split())
        key = phrasing_key(text.replace(REDACTED, " "))
        if not key:
            raise ValueError("La formulation est vide : rien à apprendre.")
        if len(text) > MAX_PHRASING_CHARS:
            raise ValueError(
                f"La formulation est trop longue ({len(text)} caractères, "
                f"{MAX_PHRASING_CHARS} au plus) : gardez seulement la question."
            )
        who = self._staff(added_by)
        moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        with self._lock:
            items, text_before = self._load()
            owner = self._owner(knowledge, items, key)
            if owner == entry_id:
                raise ValueError(f"L'entrée « {entry_id} » connaît déjà cette formulation.")
            if owner is not None:
                raise ValueError(
                    f"Cette formulation appartient déjà à l'entrée « {owner} » : "
                    "la donner à une deuxième entrée rendrait les réponses incertaines."
                )
            item = CommentedMap()
            item["id"] = entry_id
            item["question"] = text
            item["added_on"] = DoubleQuotedScalarString(moment)  # unquoted, YAML reads a datetime
            item["added_by"] = DoubleQuotedScalarString(who)
            items.fa.set_block_style()
            items.append(item)
            self._save(items, text_before)
        return LearnedPhrasing(entry_id=entry_id, question=text, added_on=moment, added_by=who)

    def undo_last(self, added_by: int | str | None = None) -> LearnedPhrasing | None:
        """Remove the latest phrasing (of ``added_by`` only, if given); None if there is none."""
        who = self._staff(added_by) if added_by is not None else None
        with self._lock:
            items, text_before = self._load()
            for index in range(len(items) - 1, -1, -1):
                item = items[index]
                if not isinstance(item, dict):
                    continue
                if who is None or str(item.get("added_by") or "") == who:
                    removed = _phrasing(item)
                    del items[index]
                    self._save(items, text_before)
                    return removed
        return None

    # ------------------------------------------------------------------ internals

    def _current_knowledge(self) -> Knowledge:
        source = self._knowledge
        if source is None:
            return load_knowledge(self.root, self.path)
        return source() if callable(source) else source

    def _staff(self, added_by: int | str) -> str:
        if self._pseudonym:
            return self._pseudonym(added_by)
        value = str(added_by).strip()
        if not value or value.lstrip("-").isdigit():
            # A raw Telegram id would end up in a shared, often versioned, file.
            raise ValueError("added_by must be a pseudonym when no secret is configured")
        return value

    @staticmethod
    def _owner(knowledge: Knowledge, items: CommentedSeq, key: str) -> str | None:
        """The entry that already has this phrasing (by hand or learned), if any."""
        for entry_id in knowledge.faq:
            if any(phrasing_key(q) == key for q in knowledge.faq[entry_id].questions):
                return entry_id
        for item in items:
            if isinstance(item, dict) and phrasing_key(str(item.get("question") or "")) == key:
                return str(item.get("id"))
        return None

    def _load(self) -> tuple[CommentedSeq, str]:
        """The list in the file (created with its header when missing) and the file's text."""
        if not self.path.exists():
            atomic_write_text(self.path, HEADER + "[]\n")
        text = self.path.read_text(encoding="utf-8")
        try:
            data = _yaml().load(text)
        except YAMLError as exc:
            raise ValueError(f"{LEARNED_FILE} est illisible ({exc}) : corrigez-le d'abord.") from exc
        if data is None:
            data = CommentedSeq()
        if not isinstance(data, CommentedSeq):
            raise ValueError(f"{LEARNED_FILE} doit contenir une liste : corrigez-le d'abord.")
        return data, text

    def _save(self, items: CommentedSeq, text_before: str) -> None:
        if not items:
            # ruamel cannot dump a block list emptied in place; an empty list is just « [] ».
            text = _leading_comments(text_before) + "[]\n"
        else:
            out = io.StringIO()
            _yaml().dump(items, out)
            text = out.getvalue()
            if not text.lstrip().startswith("#"):
                text = _leading_comments(text_before) + text
        atomic_write_text(self.path, text)


def _phrasing(item: dict) -> LearnedPhrasing:
    return LearnedPhrasing(
        entry_id=str(item.get("id") or ""),
        question=str(item.get("question") or ""),
        added_on=str(item.get("added_on") or ""),
        added_by=str(item.get("added_by") or ""),
    )


__all__ = ["HEADER", "LEARNED_FILE", "LearnedStore", "phrasing_key"]
