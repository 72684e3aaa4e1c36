"""What callers see of storage: the protocol, its records and figures, and a null storage.

:class:`NullStorage` keeps the bot answering when no database is configured (and in tests);
the SQLite implementation is :class:`bot.storage.store.Storage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from bot.storage.schema import REVIEW_REASONS, REVIEW_STATUSES


class StorageError(RuntimeError):
    """The database cannot be used (closed, or written by a newer version of the bot)."""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One message waiting for (or having had) a staff decision."""

    id: int
    message: str
    normalised: str
    reason: str
    suggested_id: str | None
    score: float
    status: str
    created_at: str
    note: str | None = None  # for a 👎: its reason; the answer given is ``suggested_id``


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    """Open review items sharing one normalised text, shown to staff as a single line."""

    item_id: int  # the latest item of the group
    message: str  # the latest wording
    count: int
    reason: str
    suggested_id: str | None
    score: float
    last_seen: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    """Usage figures over the last ``days`` days; rates are fractions of ``messages``."""

    days: int
    messages: int = 0
    distinct_users: int = 0
    answered: int = 0
    clarified: int = 0
    places: int = 0
    smalltalk: int = 0
    fallback: int = 0
    top_questions: list[tuple[str, int]] = field(default_factory=list)
    feedback: dict[str, tuple[int, int]] = field(default_factory=dict)  # entry → (up, down)
    # 👎 by entry and reason, most frequent first: (entry, reason or None, count)
    dislikes: list[tuple[str, str | None, int]] = field(default_factory=list)
    median_response_ms: float | None = None

    def rate(self, count: int) -> float:
        return count / self.messages if self.messages else 0.0

    @property
    def answered_rate(self) -> float:
        return self.rate(self.answered)

    @property
    def clarified_rate(self) -> float:
        return self.rate(self.clarified)

    @property
    def places_rate(self) -> float:
        return self.rate(self.places)

    @property
    def smalltalk_rate(self) -> float:
        return self.rate(self.smalltalk)

    @property
    def fallback_rate(self) -> float:
        return self.rate(self.fallback)


@runtime_checkable
class StorageProtocol(Protocol):
    """What the bot needs from storage; :class:`Storage` and :class:`NullStorage` provide it."""

    async def close(self) -> None: ...

    async def record_interaction(
        self,
        user_id: int | str,
        message: str,
        kind: str,
        entry_id: str | None,
        score: float,
        response_ms: int | None,
        now: datetime | None = None,
    ) -> int: ...

    async def record_feedback(
        self,
        user_id: int | str,
        entry_id: str,
        useful: bool,
        interaction_id: int | None = None,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> int: ...

    async def enqueue_review(
        self,
        user_id: int | str,
        message: str,
        normalised: str,
        reason: str,
        suggested_id: str | None = None,
        score: float = 0.0,
        now: datetime | None = None,
    ) -> int: ...

    async def review_queue(self, limit: int = 20) -> list[ReviewGroup]: ...

    async def get_review_item(self, item_id: int) -> ReviewItem | None: ...

    async def set_review_status(self, item_id: int, status: str) -> bool: ...

    async def forget_user(self, user_id: int | str) -> int: ...

    async def checkpoint(self) -> bool: ...

    async def export_user(self, user_id: int | str) -> dict[str, Any]: ...

    async def purge_older_than(self, days: int, now: datetime | None = None) -> int: ...

    async def stats(self, days: int, now: datetime | None = None) -> Stats: ...


class NullStorage:
    """Storage that keeps nothing: for ``ask``, ``chat`` and ``eval``, which must never write."""

    async def close(self) -> None:
        return None

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
        return 0

    async def record_feedback(
        self,
        user_id: int | str,
        entry_id: str,
        useful: bool,
        interaction_id: int | None = None,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> int:
        return 0

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
        if reason not in REVIEW_REASONS:  # same contract as Storage, so bugs show up in tests
            raise ValueError(f"unknown review reason {reason!r}")
        return 0

    async def review_queue(self, limit: int = 20) -> list[ReviewGroup]:
        return []

    async def get_review_item(self, item_id: int) -> ReviewItem | None:
        return None

    async def set_review_status(self, item_id: int, status: str) -> bool:
        if status not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {status!r}")
        return False

    async def forget_user(self, user_id: int | str) -> int:
        return 0

    async def checkpoint(self) -> bool:
        return True

    async def export_user(self, user_id: int | str) -> dict[str, Any]:
        return {"interactions": [], "feedback": [], "reports": []}

    async def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        return 0

    async def stats(self, days: int, now: datetime | None = None) -> Stats:
        return Stats(days=days)
