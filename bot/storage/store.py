"""Persistence: interactions, feedback and the staff review queue, in one SQLite file.

One long-lived aiosqlite connection runs on one worker thread, so every task shares the same
SQLite transaction state. Left to the driver, a rollback in one task once wiped another task's
insert. Hence: autocommit mode, and every unit of work runs as an explicit
``BEGIN IMMEDIATE … COMMIT/ROLLBACK`` under an :class:`asyncio.Lock` (:meth:`Storage._transaction`).

Users appear only as a keyed pseudonym (:func:`bot.storage.privacy.pseudonymise`); callers pass the raw
Telegram id and it is hashed here, so no other module has to remember to do it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import statistics
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.engine.reply import ReplyKind
from bot.storage.privacy import pseudonymise
from bot.storage.protocol import ReviewGroup, ReviewItem, Stats, StorageError
from bot.storage.schema import (
    _USER_TABLES,
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    REVIEW_REASONS,
    REVIEW_STATUSES,
    SCHEMA_VERSION,
)

logger = logging.getLogger(__name__)

def _iso(now: datetime | None = None) -> str:
    """A UTC ISO timestamp; one fixed format, so text comparison orders them correctly."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # naive datetimes are taken as UTC
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _days_before(days: int, now: datetime | None) -> str:
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    return _iso((now or datetime.now(UTC)) - timedelta(days=days))


def _owner_only(location: str) -> None:
    """Create the database file readable by its owner only (or make an existing one so).

    SQLite gives the ``-wal`` and ``-shm`` files the mode of the database file: it is enough
    that the database itself is 0600 before the first connection.
    """
    os.close(os.open(location, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(location + suffix, 0o600)


class Storage:
    """SQLite storage over one long-lived connection; open with :meth:`open`."""

    def __init__(self, db: aiosqlite.Connection, secret: str) -> None:
        self._db: aiosqlite.Connection | None = db
        self._secret = secret
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | os.PathLike[str], secret: str, *,
                   busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Storage:
        """Connect, configure the connection and bring the schema up to date; ``busy_timeout_ms``:
        how long a statement waits for another process's lock (writes are then retried)."""
        if not secret:
            raise ValueError("an HMAC secret is required")
        location = os.fspath(path)
        if location != ":memory:":
            Path(location).parent.mkdir(parents=True, exist_ok=True)
            _owner_only(location)
        db = await aiosqlite.connect(location, isolation_level=None)
        storage = cls(db, secret)
        try:
            # Connection settings must be made outside any transaction.
            await db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL
            await db.execute("PRAGMA foreign_keys = ON")
            # Erased rows are overwritten, not just unlinked: « /oubli » means gone from the file.
            await db.execute("PRAGMA secure_delete = ON")
            await storage._migrate()
        except BaseException:
            await storage.close()
            raise
        return storage

    async def close(self) -> None:
        """Close the connection; safe to call twice (e.g. from ``post_shutdown`` and a finally)."""
        db, self._db = self._db, None
        if db is not None:
            async with self._lock:  # let a running transaction finish first
                await db.close()

    def _user(self, user_id: int | str) -> str:
        return pseudonymise(user_id, self._secret)

    @contextlib.asynccontextmanager
    async def _transaction(self, *, write: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block as one transaction, alone on the connection.

        The lock keeps other tasks from interleaving statements into this transaction (or
        having theirs rolled back with it); ``BEGIN IMMEDIATE`` takes SQLite's write lock up
        front so another process cannot make us fail half-way with SQLITE_BUSY.
        """
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError("storage is closed")
            await db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                # Suppressed: if we were cancelled during COMMIT, there is nothing to roll back.
                with contextlib.suppress(sqlite3.OperationalError):
                    await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")

    async def _migrate(self) -> None:
        """Apply the missing migrations, one transaction each (safe with concurrent openers)."""
        while True:
            async with self._transaction() as db:
                rows = await db.execute_fetchall("PRAGMA user_version")
                version = next(iter(rows))[0]
                if version > SCHEMA_VERSION:
                    raise StorageError(
                        f"database schema version {version} is newer than this bot's "
                        f"({SCHEMA_VERSION}): upgrade the bot"
                    )
                if version == SCHEMA_VERSION:
                    return
                for statement in MIGRATIONS[version]:
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {version + 1}")
                logger.info("database migrated to schema version %d", version + 1)

    async def _insert(self, sql: str, params: Sequence[Any]) -> int:
        async with self._transaction() as db:
            cursor = await db.execute(sql, params)
            row_id = cursor.lastrowid
            await cursor.close()
        assert row_id is not None
        return row_id

    async def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._transaction(write=False) as db:
            return list(await db.execute_fetchall(sql, params))

    async def record_interaction(
        self,
        user_id: int | str,
        message: str,
        kind: str,
        entry_id: str | None,
        score: float,
        response_ms: int | None,
        now: datetime | None = None,
    ) -> int:
        """Log one question and how the bot answered it; returns the interaction id."""
        return await self._insert(
            "INSERT INTO interactions (user_hash, message, reply_kind, entry_id, score,"
            " response_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self._user(user_id),
                message,
                str(kind),
                entry_id,
                float(score),
                response_ms,
                _iso(now),
            ),
        )

    async def record_feedback(
        self,
        user_id: int | str,
        entry_id: str,
        useful: bool,
        interaction_id: int | None = None,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> int:
        """Log a 👍/👎 on an answer; returns the feedback id.

        The link to the interaction is kept only if it still exists (it may have been purged)
        and belongs to the same user, so a stale or forged button cannot fail or cross users.
        """
        user = self._user(user_id)
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO feedback (user_hash, interaction_id, entry_id, useful, reason,"
                " created_at) VALUES (?, (SELECT id FROM interactions WHERE id = ?"
                " AND user_hash = ?), ?, ?, ?, ?)",
                (user, interaction_id, user, entry_id, int(bool(useful)), reason, _iso(now)),
            )
            feedback_id = cursor.lastrowid
            await cursor.close()
            if not useful:
                await _queue_dislike(db, user, interaction_id, entry_id, reason, _iso(now))
        assert feedback_id is not None
        return feedback_id

    async def enqueue_review(
        self,
        user_id: int | str,
        message: str,
        normalised: str,
        reason: str,
        suggested_id: str | None = None,
        score: float = 0.0,
        now: datetime | None = None,
    ) -> int:
        """Put a message in front of staff; ``normalised`` groups rephrasings of one question."""
        if reason not in REVIEW_REASONS:
            raise ValueError(f"unknown review reason {reason!r}")
        return await self._insert(
            "INSERT INTO review_queue (user_hash, message, normalised, reason, suggested_id,"
            " score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self._user(user_id),
                message,
                normalised,
                reason,
                suggested_id,
                float(score),
                _iso(now),
            ),
        )

    async def review_queue(self, limit: int = 20) -> list[ReviewGroup]:
        """Open items grouped by normalised text: most frequent first, then most recent."""
        rows = await self._fetch(
            """SELECT id, message, count, reason, suggested_id, score, created_at, note FROM (
                   SELECT *,
                          COUNT(*) OVER (PARTITION BY normalised) AS count,
                          ROW_NUMBER() OVER (PARTITION BY normalised
                                             ORDER BY created_at DESC, id DESC) AS rank
                   FROM review_queue WHERE status = 'open')
               WHERE rank = 1
               ORDER BY count DESC, created_at DESC, id DESC
               LIMIT ?""",
            (limit,),
        )
        return [ReviewGroup(*row) for row in rows]

    async def get_review_item(self, item_id: int) -> ReviewItem | None:
        rows = await self._fetch(
            "SELECT id, message, normalised, reason, suggested_id, score, status, created_at,"
            " note FROM review_queue WHERE id = ?",
            (item_id,),
        )
        return ReviewItem(*rows[0]) if rows else None

    async def set_review_status(self, item_id: int, status: str) -> bool:
        """Close (or reopen) an item and every open item of its group; False if it is unknown.

        Staff decide once per question, not once per user who asked it.
        """
        if status not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {status!r}")
        async with self._transaction() as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT normalised FROM review_queue WHERE id = ?", (item_id,)
                )
            )
            if not rows:
                return False
            await db.execute(
                "UPDATE review_queue SET status = ?"
                " WHERE id = ? OR (normalised = ? AND status = 'open')",
                (status, item_id, rows[0][0]),
            )
        return True

    async def forget_user(self, user_id: int | str) -> int:
        """Delete every row about this user (right to erasure); returns how many."""
        user = self._user(user_id)
        deleted = 0
        async with self._transaction() as db:
            for table in _USER_TABLES:
                cursor = await db.execute(f"DELETE FROM {table} WHERE user_hash = ?", (user,))
                deleted += cursor.rowcount
                await cursor.close()
        await self.checkpoint()
        return deleted

    async def checkpoint(self) -> bool:
        """Fold the WAL back into the database and truncate it, so erased text does not linger
        in the ``-wal`` file until SQLite gets round to it. True if it did (a reader or another
        writer can keep it from finishing: then call again later)."""
        async with self._lock:
            if self._db is None:
                return False
            try:
                rows = list(await self._db.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
            except sqlite3.OperationalError as exc:
                logger.info("checkpoint not possible now: %s", exc)
                return False
        busy = rows[0][0] if rows else 1
        return busy == 0

    async def export_user(self, user_id: int | str) -> dict[str, Any]:
        """Everything stored about this user (right of access), JSON-ready, without pseudonyms."""
        user = self._user(user_id)
        async with self._transaction(write=False) as db:
            interactions = await db.execute_fetchall(
                "SELECT id, created_at, message, reply_kind, entry_id, score, response_ms"
                " FROM interactions WHERE user_hash = ? ORDER BY created_at, id",
                (user,),
            )
            feedback = await db.execute_fetchall(
                "SELECT id, created_at, entry_id, useful, reason, interaction_id"
                " FROM feedback WHERE user_hash = ? ORDER BY created_at, id",
                (user,),
            )
            reports = await db.execute_fetchall(
                "SELECT id, created_at, message, reason, suggested_id, status"
                " FROM review_queue WHERE user_hash = ? ORDER BY created_at, id",
                (user,),
            )
        keys = ("id", "created_at", "message", "reply_kind", "entry_id", "score", "response_ms")
        return {
            "interactions": [dict(zip(keys, row, strict=True)) for row in interactions],
            "feedback": [
                {
                    "id": r[0],
                    "created_at": r[1],
                    "entry_id": r[2],
                    "useful": bool(r[3]),
                    "reason": r[4],
                    "interaction_id": r[5],
                }
                for r in feedback
            ],
            "reports": [
                dict(
                    zip(
                        ("id", "created_at", "message", "reason", "suggested_id", "status"),
                        row,
                        strict=True,
                    )
                )
                for row in reports
            ],
        }

    async def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete rows older than ``days`` days in every table (retention); returns how many."""
        cutoff = _days_before(days, now)
        deleted = 0
        async with self._transaction() as db:
            for table in _USER_TABLES:
                cursor = await db.execute(f"DELETE FROM {table} WHERE created_at < ?", (cutoff,))
                deleted += cursor.rowcount
                await cursor.close()
        if deleted:
            await self.checkpoint()
            logger.info("retention: deleted %d rows older than %d days", deleted, days)
        return deleted

    async def stats(self, days: int, now: datetime | None = None) -> Stats:
        """Usage over the last ``days`` days up to ``now``."""
        window = (_days_before(days, now), _iso(now))
        async with self._transaction(write=False) as db:
            rows = list(
                await db.execute_fetchall(
                    "SELECT user_hash, message, reply_kind, response_ms FROM interactions"
                    " WHERE created_at BETWEEN ? AND ? ORDER BY created_at DESC, id DESC",
                    window,
                )
            )
            votes = await db.execute_fetchall(
                "SELECT entry_id, SUM(useful), SUM(1 - useful) FROM feedback"
                " WHERE created_at BETWEEN ? AND ? GROUP BY entry_id ORDER BY entry_id",
                window,
            )
            dislikes = await db.execute_fetchall(
                "SELECT entry_id, reason, COUNT(*) AS n FROM feedback WHERE useful = 0"
                " AND created_at BETWEEN ? AND ? GROUP BY entry_id, reason"
                " ORDER BY n DESC, entry_id, reason",
                window,
            )
        kinds = [row[2] for row in rows]
        times = [row[3] for row in rows if row[3] is not None]
        return Stats(
            days=days,
            messages=len(rows),
            distinct_users=len({row[0] for row in rows}),
            answered=kinds.count(ReplyKind.ANSWER),
            clarified=kinds.count(ReplyKind.CLARIFY),
            places=kinds.count(ReplyKind.PLACES),
            smalltalk=kinds.count(ReplyKind.SMALLTALK),
            fallback=kinds.count(ReplyKind.FALLBACK),
            top_questions=_top_questions([row[1] for row in rows]),
            feedback={entry: (up, down) for entry, up, down in votes},
            dislikes=[(entry, reason, n) for entry, reason, n in dislikes],
            median_response_ms=statistics.median(times) if times else None,
        )


async def _queue_dislike(db: aiosqlite.Connection, user: str, interaction_id: int | None,
                         entry_id: str, reason: str | None, created_at: str) -> None:
    """A 👎 puts the question it was about in front of staff, with the answer given (the
    entry, as ``suggested_id``) and the reason; grouped by the question's wording."""
    rows = list(await db.execute_fetchall(
        "SELECT message, score FROM interactions WHERE id = ? AND user_hash = ?",
        (interaction_id, user)))
    if not rows or not str(rows[0][0]).strip():
        return  # no question to show (purged, forged, or none recorded)
    message, score = rows[0]
    normalised = "👎 " + " ".join(str(message).casefold().split())
    await db.execute(
        "INSERT INTO review_queue (user_hash, message, normalised, reason, suggested_id, score,"
        " created_at, note) VALUES (?, ?, ?, 'low_confidence', ?, ?, ?, ?)",
        (user, message, normalised, entry_id, float(score or 0), created_at,
         reason or "pas utile"))


def _top_questions(messages_newest_first: list[str], limit: int = 10) -> list[tuple[str, int]]:
    """The most asked messages, case- and spacing-insensitive, each shown in its latest wording.

    Grouped in Python: SQLite's ``lower()`` only folds ASCII, so « École » and « école » would
    count apart.
    """
    counts: dict[str, list[Any]] = {}  # key → [latest wording, count]; dict keeps recency order
    for message in messages_newest_first:
        key = " ".join(message.casefold().split())
        if key in counts:
            counts[key][1] += 1
        else:
            counts[key] = [message, 1]
    ranked = sorted(counts.values(), key=lambda pair: -pair[1])  # stable: ties stay newest first
    return [(wording, count) for wording, count in ranked[:limit]]
