"""Storage writes off the user's path: run as tasks, retried while the database is locked.

A reply may wait a little for a write whose result it needs (the interaction id on the
👍/👎 buttons), never for long: :func:`awaited_briefly`. Everything else is fire and forget,
logged if it fails, and awaited at shutdown (:func:`finish_writes`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.telegram.services import Services

log = logging.getLogger(__name__)

T = TypeVar("T")
C = TypeVar("C")
STORAGE_WAIT = 0.5  # seconds a reply waits for storage before going without it
STALLED_WAIT = 0.02  # …and while an earlier write is still stuck behind a lock
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # a locked database: try again for about a minute
MAX_WRITES = 5000  # writes waiting for a locked database; beyond, new ones are dropped


def stoppable(job: Callable[[C], Awaitable[None]]) -> Callable[[C], Awaitable[None]]:
    """A job callback that a shutdown may interrupt quietly: the scheduler cancels the jobs still
    running when the bot stops, and without this each one is logged as an error with a
    traceback. Nothing is lost that a restart would not lose anyway (jobs live in memory)."""

    @functools.wraps(job)
    async def run(context: C) -> None:
        try:
            await job(context)
        except asyncio.CancelledError:
            log.info("job %s interrupted by the shutdown", job.__name__)

    return run


class CancelledBeforeStart(logging.Filter):
    """A job the shutdown cancels before its first step never reaches :func:`stoppable`: the
    scheduler logs it as « Error running job » with a traceback. It is the same quiet
    interruption, so the record becomes one INFO line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.exc_info and isinstance(
                record.exc_info[1], asyncio.CancelledError):
            record.levelno, record.levelname = logging.INFO, "INFO"
            job_id = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            record.msg, record.args = "job %s interrupted by the shutdown before it ran", (job_id,)
            record.exc_info = record.exc_text = None
        return True


SCHEDULER_LOGGER = "apscheduler.executors.default"


def quiet_cancelled_jobs() -> None:
    """Install :class:`CancelledBeforeStart` once on the scheduler's executor logger."""
    logger = logging.getLogger(SCHEDULER_LOGGER)
    if not any(isinstance(f, CancelledBeforeStart) for f in logger.filters):
        logger.addFilter(CancelledBeforeStart())


def locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))


async def retrying(write: Callable[[], Awaitable[T]], what: str) -> T:
    """``write()``, tried again while another process holds the database's write lock."""
    for delay in (*RETRY_DELAYS, None):
        try:
            return await write()
        except Exception as exc:
            if delay is None or not locked(exc):
                raise
            log.info("%s: database busy, retrying in %.0f s", what, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def in_background(svc: Services, write: Callable[[], Awaitable[T]],
                  what: str) -> asyncio.Task[T | None]:
    """Run a storage write as its own task (retried while the database is locked).

    Failures are logged, never raised: storage trouble must not cost anyone an answer.
    """
    async def run() -> T | None:
        try:
            return await retrying(write, what)
        except Exception:
            log.exception("could not %s", what)
            return None

    if len(svc.writes) >= MAX_WRITES:
        log.warning("storage backlog full: could not %s", what)
        task: asyncio.Task[T | None] = asyncio.create_task(asyncio.sleep(0, None))
        return task
    task = asyncio.create_task(run())
    svc.writes.add(task)
    task.add_done_callback(svc.writes.discard)
    return task


async def awaited_briefly(task: asyncio.Task[T | None], timeout: float = STORAGE_WAIT,
                          svc: Services | None = None) -> T | None:
    """The task's result if it comes within ``timeout``; else ``None`` (it goes on alone).

    With ``svc``, once one write has outlasted its wait (the database is locked), the next
    replies hardly wait at all until that write is through.
    """
    if svc is not None and svc.storage_stalled:
        timeout = STALLED_WAIT
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if done:
        return task.result()
    if svc is not None and not svc.storage_stalled:
        svc.storage_stalled = True
        task.add_done_callback(lambda _: setattr(svc, "storage_stalled", False))
    return None


async def finish_writes(svc: Services, timeout: float = 10.0) -> None:
    """At shutdown: let the storage writes still running finish (for at most ``timeout``)."""
    if svc.writes:
        await asyncio.wait(set(svc.writes), timeout=timeout)
