"""Per-user flood control: one gentle notice, then silence until the minute has passed."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

WINDOW_SECONDS = 60.0


class Verdict(Enum):
    ALLOW = "allow"
    NOTICE = "notice"  # just went over the limit: tell the user once
    IGNORE = "ignore"  # still over the limit: say nothing


class FloodGuard:
    """Counts each user's messages over a sliding minute.

    Ignored messages are not counted, so a user who keeps writing is answered again as soon
    as their older messages leave the window.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        if self.per_minute <= 0:
            return Verdict.ALLOW
        now = self._clock()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._prune(now)
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= WINDOW_SECONDS:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            self._warned.discard(user_id)
            return Verdict.ALLOW
        if user_id in self._warned:
            return Verdict.IGNORE
        self._warned.add(user_id)
        return Verdict.NOTICE

    def _prune(self, now: float) -> None:
        """Forget users who have been quiet for a whole window (bounded memory)."""
        for user_id in [u for u, t in self._seen.items() if not t or now - t[-1] >= WINDOW_SECONDS]:
            del self._seen[user_id]
            self._warned.discard(user_id)
