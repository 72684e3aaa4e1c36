"""Jobs that the bot's shutdown interrupts end quietly, not as an error with a traceback."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.telegram.background import quiet_cancelled_jobs, stoppable


async def test_a_job_cancelled_by_the_shutdown_is_no_error(caplog: pytest.LogCaptureFixture) -> None:
    started = asyncio.Event()

    @stoppable
    async def slow_job(context: object) -> None:
        started.set()
        await asyncio.sleep(60)

    caplog.set_level(logging.INFO)
    task = asyncio.create_task(slow_job(None))
    await started.wait()
    task.cancel()  # what the scheduler does to running jobs when the application stops
    await task  # returns: no CancelledError reaches the scheduler's error log
    assert slow_job.__name__ == "slow_job"
    assert [r.levelno for r in caplog.records] == [logging.INFO]
    assert "interrupted by the shutdown" in caplog.records[0].getMessage()


async def test_a_failing_job_still_fails(caplog: pytest.LogCaptureFixture) -> None:
    @stoppable
    async def broken_job(context: object) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await broken_job(None)


async def test_a_job_cancelled_before_its_first_step_is_no_error(
        caplog: pytest.LogCaptureFixture) -> None:
    # The scheduler's own executor, as python-telegram-bot's job queue runs it: a job submitted
    # and cancelled by the shutdown before it started never reaches @stoppable.

    ran = []

    @stoppable
    async def job(context: object) -> None:
        ran.append(True)

    caplog.set_level(logging.INFO)
    quiet_cancelled_jobs()
    quiet_cancelled_jobs()  # once is enough, twice changes nothing
    scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop())
    executor = AsyncIOExecutor()
    executor.start(scheduler, "default")
    now = datetime.now(UTC)
    executor.submit_job(Job(scheduler, id="retry-forget", func=job, trigger=DateTrigger(now),
                            executor="default", max_instances=1, misfire_grace_time=None,
                            coalesce=False, name="job", args=(None,), kwargs={},
                            next_run_time=None), [now])
    executor.shutdown()  # what stopping the application does: pending jobs cancelled
    await asyncio.sleep(0.05)
    assert not ran
    assert [r.levelno for r in caplog.records] == [logging.INFO]
    assert caplog.records[0].getMessage() == (
        "job retry-forget interrupted by the shutdown before it ran")
    assert caplog.records[0].exc_info is None
