"""Jobs that the bot's shutdown interrupts end quietly, not as an error with a traceback."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.telegram.background import stoppable


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
