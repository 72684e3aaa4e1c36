"""Another process holds the database's write lock: answers do not wait for it."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import StorageConfig
from bot.engine.holder import KnowledgeHolder
from bot.telegram import citizen_commands
from tests.e2e.conftest import Harness, e2e_config, start_bot
from tests.e2e.fake_bot_api import FakeBotApi

# The issue: a 20 s lock against SQLite's busy timeout of 5 s. Here the bot's busy timeout is
# 1 s (``storage.busy_timeout_seconds``), still longer than a reply waits for storage
# (0.5 s), and the lock outlasts it as the did: every write is refused, retried, and
# goes through once the lock is released. ``TLB_LOCK_SECONDS=20 TLB_BUSY_TIMEOUT=5`` runs the
# issue's scenario.
BUSY_TIMEOUT = float(os.environ.get("TLB_BUSY_TIMEOUT", "1"))
LOCK_SECONDS = float(os.environ.get("TLB_LOCK_SECONDS", "2.5"))
USERS = range(3101, 3111)


@pytest.fixture
async def impatient_bot(api: FakeBotApi, shipped_holder: KnowledgeHolder, tmp_path: Path,
                        env: None) -> AsyncIterator[Harness]:
    """The bot with a short SQLite busy timeout: a long lock costs seconds, not minutes."""
    config = e2e_config(api, tmp_path / "bot.sqlite3")
    config = dataclasses.replace(config, storage=StorageConfig(
        database=config.storage.database, retention_days=config.storage.retention_days,
        busy_timeout_seconds=BUSY_TIMEOUT))
    async for harness in start_bot(api, shipped_holder, config):
        yield harness


def hold_write_lock(path: str, seconds: float, taken: threading.Event) -> None:
    """A second process's connection (a CLI export, a second bot) writing for a long time."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    taken.set()
    time.sleep(seconds)
    db.execute("COMMIT")
    db.close()


async def test_a_database_locked_by_another_process_costs_no_user_more_than_a_second(
        impatient_bot: Harness) -> None:
    bot = impatient_bot
    taken = threading.Event()
    holder = threading.Thread(target=hold_write_lock,
                              args=(str(bot.database), LOCK_SECONDS, taken))
    holder.start()
    await asyncio.to_thread(taken.wait, 5)
    latencies = []
    try:
        for user in USERS:  # one question every ~half a second during the lock
            started = time.perf_counter()
            reply = await bot.ask(user, "Qu'est-ce qu'un tiers-lieu ?")
            latencies.append(time.perf_counter() - started)
            assert reply.text.startswith("Qu'est-ce qu'un tiers-lieu ?")
            await asyncio.sleep(LOCK_SECONDS / len(USERS) / 2)
    finally:
        await asyncio.to_thread(holder.join)
    print(f"lock {LOCK_SECONDS:.1f} s (busy timeout {BUSY_TIMEOUT:.1f} s): worst answer {max(latencies):.2f} s, "
          f"median {sorted(latencies)[len(latencies) // 2]:.2f} s")
    assert max(latencies) < 1.5
    # Nothing lost: once the lock is released, every interaction is recorded.
    for _ in range(200):
        if bot.rows("interactions") == len(USERS):
            break
        await asyncio.sleep(0.2)
    assert bot.rows("interactions") == len(USERS)


async def test_forget_says_done_only_once_the_text_is_gone_from_the_files(
        bot: Harness, monkeypatch: object) -> None:
    user = 3201
    await bot.ask(user, "Qu'est-ce qu'un tiers-lieu ? mon secret 42")
    # A reader keeps a snapshot open: the WAL cannot be folded into the database.
    reader = sqlite3.connect(bot.database, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM interactions").fetchone()
    # « C'est en cours » after 0.3 s instead of 2 s, a new attempt every 0.5 s instead of 30 s.
    monkeypatch.setattr(citizen_commands, "FORGET_WAIT", 0.3)  # type: ignore[attr-defined]
    monkeypatch.setattr(citizen_commands, "FORGET_RETRY", 0.5)  # type: ignore[attr-defined]
    try:
        confirm = await bot.ask(user, "/oubli")
        await bot.press(confirm, "Oui")
        edited = await bot.api.pop_edit(user, timeout=15)
        assert edited.text.startswith("C'est en cours")
    finally:
        reader.execute("COMMIT")
        reader.close()
    done = await bot.api.pop_message(user, timeout=30)
    assert done.text == citizen_commands.ERASED
    for name in (bot.database.name, bot.database.name + "-wal"):
        path = bot.database.with_name(name)
        if path.exists():
            assert b"mon secret 42" not in path.read_bytes(), name
