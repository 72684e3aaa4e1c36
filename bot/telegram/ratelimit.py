"""Outgoing requests: Telegram's limits respected, refusals and network failures retried.

PTB's ``AIORateLimiter`` has no per-private-chat limit and does not retry network errors, so
this rate limiter does both:

* **pacing** — about one message per second per private chat (20 a minute in groups, with a
  small burst so a two-part answer is not held back) and an overall cap of
  ``overall_per_second``. Requests to one chat go through a FIFO lock, so a user's replies
  arrive in order even when one of them has to be retried;
* **429** — Telegram's ``retry_after`` is honoured: the chat is paused, then the request is
  sent again;
* **5xx, timeouts, connection errors** — retried with bounded, jittered exponential back-off.
  A timeout is ambiguous (Telegram may have delivered the message): retrying can then
  duplicate a reply, which is better than leaving a user without an answer;
* **bounded concurrency** — at most ``max_in_flight`` requests on the wire at once. httpcore's
  connection pool does work proportional to (requests waiting × connections) on every
  request, so hundreds of simultaneous sends cost several times more CPU than the same sends
  a few at a time (measured: ``bench/telegram_throughput.py``);
* **load shedding** — a « typing… » action is cosmetic: when every slot is busy it is
  dropped rather than queued in front of real answers.

``BadRequest``/``Forbidden`` are never retried: sending the same request again cannot help.
A retried ``answerCallbackQuery`` refused as « query is too old » is taken as answered: the
attempt whose response was lost is the one that answered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

SHEDDABLE = frozenset({"sendChatAction"})
# Cheap requests that Telegram does not count as messages: never paced (still retried).
UNPACED = frozenset({"sendChatAction", "answerCallbackQuery", "getMe", "setMyCommands",
                     "deleteMyCommands", "getMyCommands", "deleteWebhook", "setWebhook"})


class Pacer:
    """A GCRA (virtual scheduling) pacer: ``rate`` per second with a burst of ``burst``."""

    __slots__ = ("interval", "tat", "tolerance")

    def __init__(self, rate: float, burst: int = 1) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.tolerance = max(burst - 1, 0) * self.interval
        self.tat = 0.0  # theoretical arrival time of the next request

    def reserve(self, now: float) -> float:
        """Book the next slot; returns how long to wait for it (0 when it is free)."""
        if not self.interval:
            return max(0.0, self.tat - self.tolerance - now)
        start = max(now, self.tat - self.tolerance)
        self.tat = max(self.tat, start) + self.interval
        return start - now

    def pause_until(self, moment: float) -> None:
        """No slot before ``moment`` (after a 429)."""
        self.tat = max(self.tat, moment + self.tolerance)

    def idle(self, now: float) -> bool:
        return self.tat <= now


class _Chat:
    __slots__ = ("lock", "pacer")

    def __init__(self, pacer: Pacer) -> None:
        self.lock = asyncio.Lock()
        self.pacer = pacer


class PoliteRateLimiter(BaseRateLimiter[int]):
    """Paces and retries the bot's requests; ``rate_limit_args`` overrides ``max_retries``."""

    def __init__(
        self,
        overall_per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        group_per_minute: float = 20.0,
        chat_burst: int = 3,
        max_retries: int = 6,
        max_in_flight: int = 16,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.overall = Pacer(overall_per_second, 1)
        self.per_chat_per_second = per_chat_per_second
        self.group_per_minute = group_per_minute
        self.chat_burst = chat_burst
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._clock = clock
        self._sleep = sleep
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._chats: dict[int | str, _Chat] = {}
        self._requests = 0
        self.retries = 0  # observable: how many requests had to be sent again

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Forget the per-chat state."""
        self._chats.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for this request's turn, send it, and retry what can be retried."""
        if endpoint in SHEDDABLE and self._in_flight.locked():
            return True  # saturated: the answer itself is on its way
        max_retries = self.max_retries if rate_limit_args is None else rate_limit_args
        chat_id = data.get("chat_id")
        paced = chat_id is not None and endpoint not in UNPACED
        chat = self._chat(chat_id) if paced else None
        async with chat.lock if chat else contextlib.nullcontext():
            for attempt in range(max_retries + 1):
                if chat:
                    await self._wait_turn(chat)
                try:
                    async with self._in_flight:
                        return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    if attempt >= max_retries:
                        log.error("%s: still rate limited after %d retries", endpoint, attempt)
                        raise
                    delay = _seconds(exc)
                    log.info("%s: rate limited by Telegram, retrying in %.1f s", endpoint, delay)
                    if chat:
                        chat.pacer.pause_until(self._clock() + delay)
                    else:
                        await self._sleep(delay)
                except BadRequest as exc:
                    if attempt and endpoint == "answerCallbackQuery" and _expired(exc):
                        # The first attempt reached Telegram; only its response was lost.
                        log.info("answerCallbackQuery: answered by an earlier attempt")
                        return True
                    raise
                except NetworkError as exc:
                    if attempt >= max_retries:
                        log.error("%s: giving up after %d retries (%s)", endpoint, attempt, exc)
                        raise
                    delay = min(self.backoff_max, self.backoff_base * 2**attempt)
                    delay *= random.uniform(0.5, 1.0)
                    log.warning("%s failed (%s); retry %d/%d in %.1f s", endpoint, exc,
                                attempt + 1, max_retries, delay)
                    await self._sleep(delay)
                self.retries += 1
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_turn(self, chat: _Chat) -> None:
        """Wait for this chat's next slot, then for a slot under the overall cap."""
        delay = chat.pacer.reserve(self._clock())
        if delay > 0:
            await self._sleep(delay)
        delay = self.overall.reserve(self._clock())
        if delay > 0:
            await self._sleep(delay)

    def _chat(self, chat_id: int | str) -> _Chat:
        key: int | str
        try:
            key = int(chat_id)
        except (TypeError, ValueError):
            key = str(chat_id)
        chat = self._chats.get(key)
        if chat is None:
            self._requests += 1
            if self._requests % 1000 == 0:
                self._prune()
            group = isinstance(key, str) or key < 0
            rate = self.group_per_minute / 60.0 if group else self.per_chat_per_second
            chat = self._chats[key] = _Chat(Pacer(rate, self.chat_burst))
        return chat

    def _prune(self) -> None:
        """Forget chats with no request in flight and no slot booked (bounded memory)."""
        now = self._clock()
        for key in [k for k, c in self._chats.items() if not c.lock.locked() and c.pacer.idle(now)]:
            del self._chats[key]


def _expired(exc: BadRequest) -> bool:
    """« query is too old… or query ID is invalid »: the press was already answered."""
    text = str(exc).lower()
    return "query is too old" in text or "query id is invalid" in text


def _seconds(exc: RetryAfter) -> float:
    # ``RetryAfter.retry_after`` warns about its type changing in PTB 22; read the timedelta.
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value or 1)
