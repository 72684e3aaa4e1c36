"""Bounded work and memory: long nonsense is capped, idle chats are forgotten."""

from __future__ import annotations

import random
import string

import pytest
from telegram.ext import CallbackContext

from bot.engine import Conversation
from bot.engine.holder import KnowledgeHolder
from bot.engine.intents import MAX_ENGINE_CHARS, engine_text
from bot.telegram import app as app_module
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
    assert MAX_ENGINE_CHARS // 2 < len(capped) <= MAX_ENGINE_CHARS + len(" … ")
    engine = shipped_holder.engine
    for seed in range(5):  # the cost is measured by bench/soak.py, not asserted here
        assert engine.reply(engine_text(nonsense(2000, seed)), Conversation()).text


def test_a_long_message_keeps_its_question(shipped_holder: KnowledgeHolder) -> None:
    context = "Je vous explique ma situation en détail. " * 40
    text = engine_text(context + "Qu'est-ce qu'un fab lab ?")
    assert text.endswith("Qu'est-ce qu'un fab lab ?") and len(text) <= MAX_ENGINE_CHARS + 3
    reply = shipped_holder.engine.reply(text, Conversation())
    assert reply.entry_id == "definition-fablab"


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
