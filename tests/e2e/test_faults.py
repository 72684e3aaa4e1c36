"""Telegram misbehaves: 429s, 502s and lost responses. Every user is still answered."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import yaml

from tests.e2e.conftest import Harness
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi, Faults

QUESTIONS = (
    "Qu'est-ce qu'un tiers-lieu ?",
    "Qu'est-ce qu'un fab lab ?",
    "un coworking à Malakoff",
    "Comment monter un tiers-lieu ?",
    "Combien coûte un poste en coworking ?",
)


async def start_bot(folder: Path, telegram: dict) -> asyncio.subprocess.Process:
    """``python -m bot run`` as deployed, with its database in ``folder``."""
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump({
        "telegram": telegram,
        "knowledge": {"watch_seconds": 0},
        "storage": {"database": str(folder / "bot.sqlite3")},
    }), encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=folder,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def everyone_asks(bot: Harness, users: range) -> dict[int, str]:
    """Each user asks one question at the same time; their first reply, per user."""
    for n, user in enumerate(users):
        bot.api.push_message(user, QUESTIONS[n % len(QUESTIONS)])
    replies = await asyncio.gather(*(bot.api.pop_message(user, timeout=20) for user in users))
    return {user: reply.text for user, reply in zip(users, replies, strict=True)}


async def test_a_fifth_of_sends_refused_every_user_is_answered(bot: Harness) -> None:
    bot.api.faults = Faults(rate=0.2, kinds=("429", "502"), retry_after=1)
    users = range(5001, 5013)
    replies = await everyone_asks(bot, users)
    assert all(text.strip() for text in replies.values())
    assert bot.api.faults.injected["429"] and bot.api.faults.injected["502"]

    # Buttons too: the press is answered, the answer arrives.
    first = await bot.ask(5001, "Qu'est-ce qu'un tiers-lieu ?")
    related = next(t for t in first.button_texts if "👍" not in t and "👎" not in t)
    await bot.press(first, related)
    assert (await bot.api.pop_message(5001, timeout=20)).text.startswith(related.rstrip("…"))


async def test_lost_responses_are_retried_a_duplicate_beats_silence(bot: Harness) -> None:
    bot.api.faults = Faults(rate=0.3, kinds=("drop",), methods=frozenset({"sendMessage"}))
    users = range(6001, 6011)
    replies = await everyone_asks(bot, users)
    assert all(text.strip() for text in replies.values())
    assert bot.api.faults.injected["drop"]


async def test_sigterm_lets_the_reply_in_flight_finish(api: FakeBotApi, tmp_path: Path,
                                                       env: None) -> None:
    """``python -m bot run`` as deployed: SIGTERM mid-reply, the user still gets it."""
    database = tmp_path / "bot.sqlite3"
    process = await start_bot(tmp_path, {"base_url": api.base_url})
    try:
        await api.ready(timeout=30)
        api.delays["sendMessage"] = 1.0  # the reply is on the wire when SIGTERM arrives
        api.push_message(7007, "Qu'est-ce qu'un tiers-lieu ?")
        await api.wait_request("sendMessage", timeout=10)
        process.send_signal(signal.SIGTERM)
        reply = await api.pop_message(7007, timeout=10)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()
    assert process.returncode == 0
    assert reply.text.startswith("Qu'est-ce qu'un tiers-lieu ?")
    log = stderr.decode()
    assert "stopped" in log and TOKEN not in log
    with sqlite3.connect(database) as db:  # recorded, and the database closed cleanly
        assert db.execute("SELECT COUNT(*) FROM interactions").fetchone()[0] == 1


async def test_webhook_mode_answers_and_checks_the_secret(api: FakeBotApi, tmp_path: Path,
                                                          env: None) -> None:
    """A ``telegram.webhook`` section: Telegram posts updates to the bot instead."""
    import socket

    import httpx

    from bot.telegram.app import webhook_secret

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await start_bot(tmp_path, {"base_url": api.base_url, "webhook": {
        "url": f"http://127.0.0.1:{port}/telegram", "listen": "127.0.0.1", "port": port,
        "path": "telegram"}})
    try:
        await api.wait_request("setWebhook", timeout=30)
        user = api.user(8008)
        update = {"update_id": 1, "message": {
            "message_id": 1, "date": 0, "chat": api.chat(8008), "from": user,
            "text": "Qu'est-ce qu'un fab lab ?"}}
        url = f"http://127.0.0.1:{port}/telegram"
        async with httpx.AsyncClient(timeout=10) as client:
            for _ in range(50):  # the webhook server starts just after setWebhook
                try:
                    forged = await client.post(url, json=update)
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert forged.status_code == 403  # no secret: refused
            accepted = await client.post(
                url, json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(TOKEN)})
            assert accepted.status_code == 200
        reply = await api.pop_message(8008, timeout=10)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()
    assert process.returncode == 0
    assert reply.text.startswith("Qu'est-ce qu'un fab lab ?")
