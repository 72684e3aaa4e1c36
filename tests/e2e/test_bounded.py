"""Bounded work and memory: long nonsense is capped, idle chats are forgotten."""

from __future__ import annotations

import random
import string
import time

import pytest
from telegram.ext import CallbackContext

from bot.engine import Conversation
from bot.engine.holder import KnowledgeHolder
from bot.telegram import app as app_module
from bot.telegram.citizens import MAX_ENGINE_CHARS, engine_text
from tests.e2e.conftest import Harness


def nonsense(length: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append("".join(rnd.choice(string.ascii_lowercase + "éèàç")
                             for _ in range(rnd.randint(2, 10))))
    return " ".join(words)[:length]


def test_the_engine_reads_at_most_a_few_hundred_characters(
        shipped_holder: KnowledgeHolder) -> None:
    assert engine_text("Qu'est-ce qu'un tiers-lieu ?") == "Qu'est-ce qu'un tiers-lieu ?"
    capped = engine_text(nonsense(2000))
    assert MAX_ENGINE_CHARS // 2 < len(capped) <= MAX_ENGINE_CHARS
    engine = shipped_holder.engine
    times = []
    for seed in range(5):
        text = engine_text(nonsense(2000, seed))
        started = time.perf_counter()
        engine.reply(text, Conversation())
        times.append((time.perf_counter() - started) * 1000)
    print(f"2 000 characters of nonsense: median {sorted(times)[2]:.1f} ms, "
          f"worst {max(times):.1f} ms of engine time")
    assert sorted(times)[2] < 60  # ≈ 15–20 ms measured; generous on a shared machine


async def test_idle_chats_and_users_are_forgotten(bot: Harness,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for user in (4101, 4102, 4103):
        await bot.ask(user, "Qu'est-ce qu'un tiers-lieu ?")
    assert {4101, 4102, 4103} <= set(bot.app.chat_data)
    await app_module.forget_idle_chats(CallbackContext(bot.app))
    assert {4101, 4102, 4103} <= set(bot.app.chat_data)  # active: kept
    monkeypatch.setattr(app_module, "IDLE_SECONDS", 0.0)
    await app_module.forget_idle_chats(CallbackContext(bot.app))
    assert not {4101, 4102, 4103} & set(bot.app.chat_data)
    assert not {4101, 4102, 4103} & set(bot.app.user_data)
    # A forgotten chat starts afresh, and is answered as before.
    assert (await bot.ask(4101, "un coworking à Malakoff")).text
