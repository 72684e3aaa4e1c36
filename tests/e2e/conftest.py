"""End-to-end fixtures: the real Application, long polling a local fake Bot API server."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.config import Config, KnowledgeConfig, RateLimit, StorageConfig, TelegramConfig
from bot.engine.holder import KnowledgeHolder
from bot.knowledge import default_knowledge_path
from bot.knowledge.learned import LearnedStore
from bot.storage.privacy import pseudonymise
from bot.telegram.app import CONNECTIONS, build_application, running
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi, SentMessage

ADMIN = 9001
SECRET = "e2e-test-secret-of-at-least-32-bytes"


@dataclass
class Harness:
    """The bot under test and the fake server it talks to."""

    api: FakeBotApi
    config: Config
    database: Path
    holder: KnowledgeHolder
    app: Application

    async def ask(self, chat_id: int, text: str, **fields: object) -> SentMessage:
        """A user writes; the bot's (first) reply."""
        self.api.push_message(chat_id, text, **fields)
        return await self.api.pop_message(chat_id)

    async def press(self, message: SentMessage, label: str, *,
                    user_id: int | None = None) -> dict:
        """Press the button whose text contains ``label``; the callback answer."""
        query = self.api.push_callback(message.chat_id, message.message_id, message.data(label),
                                       user_id=user_id)
        return await self.api.wait_answered(query)

    def rows(self, table: str, user_id: int | None = None) -> int:
        with sqlite3.connect(self.database) as db:
            if user_id is None:
                return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            return db.execute(f"SELECT COUNT(*) FROM {table} WHERE user_hash = ?",
                              (pseudonymise(user_id, SECRET),)).fetchone()[0]


@pytest.fixture(autouse=True)
def no_error_logged(caplog: pytest.LogCaptureFixture) -> object:
    """Nothing may go wrong silently: an ERROR log (e.g. refused HTML) fails the test."""
    yield
    errors = [r for phase in ("setup", "call", "teardown") for r in caplog.get_records(phase)
              if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture(scope="session")
def shipped_holder() -> KnowledgeHolder:
    """The shipped knowledge, loaded once (tests that change knowledge use ``knowledge_copy``)."""
    return KnowledgeHolder()


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), target)
    return target


def e2e_config(api: FakeBotApi, database: Path, **telegram: object) -> Config:
    """Production settings, except that pacing per chat is fast enough for a quick suite and a
    failed send is retried after 0.05 s (0.5 s in production), doubling each time as there."""
    options = {
        "base_url": api.base_url,
        "admin_ids": (ADMIN,),
        "rate_limit": RateLimit(overall_per_second=30, per_chat_per_second=50,
                                backoff_seconds=0.05),
        "flood_messages_per_minute": 20,
        **telegram,
    }
    return Config(
        telegram=TelegramConfig(**options),
        knowledge=KnowledgeConfig(watch_seconds=0),
        storage=StorageConfig(database=str(database), retention_days=180),
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = await FakeBotApi().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TLB_HMAC_SECRET", SECRET)
    monkeypatch.setenv("TLB_HEARTBEAT_FILE", str(tmp_path / "heartbeat"))


# Every HTTP client builds a TLS context, loading the whole CA bundle (~35 ms), and each bot
# has two of them; the fake server speaks plain HTTP. The test bots share one context.
_TLS = ssl.create_default_context()


def http_clients() -> dict[str, HTTPXRequest]:
    """The bot's two HTTP clients, as ``build_application`` makes them, sharing ``_TLS``."""
    return {
        "request": HTTPXRequest(connection_pool_size=CONNECTIONS, httpx_kwargs={"verify": _TLS}),
        # patient: the fake server shares the bot's event loop, so the last get_updates of a
        # shutdown can wait behind hundreds of replies (PTB logs an ERROR when it times out)
        "get_updates_request": HTTPXRequest(connection_pool_size=1, read_timeout=30.0,
                                            connect_timeout=30.0, pool_timeout=30.0,
                                            httpx_kwargs={"verify": _TLS}),
    }


async def start_bot(api: FakeBotApi, holder: KnowledgeHolder, config: Config,
                    learned: LearnedStore | None = None) -> AsyncIterator[Harness]:
    app = build_application(config, holder, None, learned, token=TOKEN, **http_clients())
    api.chat(ADMIN)  # the admin has written to the bot before: their menu can be set
    async with running(app, poll_timeout=1):
        await api.ready()
        yield Harness(api, config, Path(config.storage.database), holder, app)


@pytest.fixture
async def bot(api: FakeBotApi, shipped_holder: KnowledgeHolder, tmp_path: Path,
              env: None) -> AsyncIterator[Harness]:
    """The bot on the shipped knowledge, with a fresh database."""
    config = e2e_config(api, tmp_path / "bot.sqlite3")
    async for harness in start_bot(api, shipped_holder, config):
        yield harness


@pytest.fixture
async def staff_bot(api: FakeBotApi, knowledge_copy: Path, tmp_path: Path,
                    env: None) -> AsyncIterator[Harness]:
    """The bot on a copy of the knowledge that staff may change (learned phrasings)."""
    config = e2e_config(api, tmp_path / "bot.sqlite3")
    holder = KnowledgeHolder(knowledge_copy)
    learned = LearnedStore(knowledge_copy, knowledge=lambda: holder.engine.knowledge,
                           pseudonym=partial(pseudonymise, secret=SECRET))
    async for harness in start_bot(api, holder, config, learned):
        yield harness
