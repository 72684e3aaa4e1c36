"""The durable inbox: every update written down when it is received, marked when answered.

python-telegram-bot confirms updates to Telegram (the next ``getUpdates`` offset) before its
handlers have finished: a hard kill then loses whatever was in flight. The inbox keeps the
promise instead: each update is written here *before* it is handed to the handlers (so
before it can be confirmed), and marked once handled. On start-up, what was never marked is
answered again if it is recent, and gets a short apology otherwise.

It is a file of its own (``<database>.inbox``), written with plain ``sqlite3`` on the event
loop (a fraction of a millisecond in WAL mode, durable against a killed process): another
process holding the main database's write lock must never delay receiving updates (the
marks of one loop iteration are written together: :meth:`Inbox.flush`). The
message text stays only until the update is answered; answered ids are kept a day (an
update Telegram sends twice is answered once), then deleted.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

KEEP_ANSWERED = 24 * 3600.0  # seconds an answered id is remembered


@dataclass(frozen=True, slots=True)
class Pending:
    """An update received but never answered (the bot stopped, or was killed, first)."""

    update_id: int
    chat_id: int | None
    payload: dict[str, Any]
    age: float  # seconds since it was received


def _chat_of(update: dict[str, Any]) -> int | None:
    for kind in ("message", "edited_message"):
        if isinstance(update.get(kind), dict):
            return update[kind].get("chat", {}).get("id")
    query = update.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict):
        return query["message"].get("chat", {}).get("id")
    return None


class Inbox:
    """Received and answered updates, in their own small SQLite file (owner-only)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        location = os.fspath(path)
        os.close(os.open(location, os.O_RDWR | os.O_CREAT, 0o600))
        self._db = sqlite3.connect(location, isolation_level=None, timeout=2.0,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")  # a killed process loses nothing
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS inbox (update_id INTEGER PRIMARY KEY, chat_id INTEGER,"
            " payload TEXT, received REAL NOT NULL, answered REAL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS inbox_answered ON inbox(answered)")
        self._answered: set[int] = set()  # answered ids kept (a day): no query per update
        self._marks: list[tuple[float, int]] = []  # answered, not yet written (see flush)
        self.purge()

    def close(self) -> None:
        self.flush()
        db, self._db = self._db, None  # type: ignore[assignment]
        if db is not None:
            db.close()

    def receive(self, updates: Iterable[dict[str, Any]]) -> None:
        """Write down updates just received (an update already known is left as it is)."""
        now = time.time()
        rows = [(u["update_id"], _chat_of(u), json.dumps(u), now)
                for u in updates if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
        if rows and self._db is not None:
            with self._db:
                self._db.executemany(
                    "INSERT OR IGNORE INTO inbox (update_id, chat_id, payload, received)"
                    " VALUES (?, ?, ?, ?)", rows)

    def is_answered(self, update_id: int) -> bool:
        return update_id in self._answered

    def answered(self, update_id: int) -> None:
        """Mark an update handled; written (and its text erased) at the next :meth:`flush`."""
        self._answered.add(update_id)
        self._marks.append((time.time(), update_id))

    def flush(self) -> None:
        """Write the marks made since the last flush, in one transaction."""
        marks, self._marks = self._marks, []
        if marks and self._db is not None:
            with self._db:
                self._db.executemany(
                    "UPDATE inbox SET answered = ?, payload = NULL WHERE update_id = ?", marks)

    def pending(self) -> list[Pending]:
        """Updates received and never answered, oldest first."""
        if self._db is None:
            return []
        self.flush()
        now = time.time()
        rows = self._db.execute(
            "SELECT update_id, chat_id, payload, received FROM inbox"
            " WHERE answered IS NULL ORDER BY update_id").fetchall()
        found = []
        for update_id, chat_id, payload, received in rows:
            try:
                found.append(Pending(update_id, chat_id, json.loads(payload), now - received))
            except (TypeError, ValueError):
                self.answered(update_id)  # unreadable: nothing can be done with it
        self.flush()
        return found

    def purge(self) -> None:
        """Forget ids answered more than :data:`KEEP_ANSWERED` ago (file and memory)."""
        if self._db is not None:
            self.flush()
            self._db.execute("DELETE FROM inbox WHERE answered < ?",
                             (time.time() - KEEP_ANSWERED,))
            self._answered = {row[0] for row in self._db.execute(
                "SELECT update_id FROM inbox WHERE answered IS NOT NULL")}
