"""What ``python -m bot run`` lets out: no token, no personal data in logs, private files."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import sys
from pathlib import Path

import pytest
import yaml

from bot.telegram import render
from bot.telegram.guards import PRIVATE_ONLY_TEXT
from tests.e2e.conftest import ADMIN, SECRET, Harness
from tests.e2e.fake_bot_api import BOT_USERNAME, TOKEN, FakeBotApi

BOGUS_TOKEN = "987654321:SECRET-bogus-token-never-printed"
RAW_ID = 7654321
FIRST_NAME = "Zéphyrine"
USERNAME = "zephyrine_du_92"
TEXT = "Qu'est-ce qu'un tiers-lieu pour Zéphyrine ?"


async def run_bot(folder: Path, base_url: str, *, telegram: dict | None = None,
                  **env: str) -> asyncio.subprocess.Process:
    """``python -m bot run`` as deployed, with ``telegram`` settings added to its config."""
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump({
        "telegram": {"base_url": base_url, **(telegram or {})},
        "knowledge": {"watch_seconds": 0},
        "storage": {"database": str(folder / "bot.sqlite3")},
    }), encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=folder,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TLB_HMAC_SECRET": SECRET,
             "TLB_HEARTBEAT_FILE": str(folder / "heartbeat"), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finish(process: asyncio.subprocess.Process, timeout: float = 30) -> tuple[str, str]:
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()
    return out.decode(), err.decode()


async def test_a_rejected_token_is_one_french_line_and_never_printed(
        api: FakeBotApi, tmp_path: Path) -> None:
    """The fake server answers 401 to ``getMe`` for any other token."""
    processes = []
    for level in ("DEBUG", "INFO"):  # both at once: their start-ups overlap
        (tmp_path / level).mkdir()
        processes.append(await run_bot(tmp_path / level, api.base_url,
                                       TELEGRAM_BOT_TOKEN=BOGUS_TOKEN, TLB_LOG_LEVEL=level))
    outputs = await asyncio.gather(*(finish(process) for process in processes))
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 1
        assert "le jeton Telegram a été refusé par Telegram" in err
        assert "Traceback" not in err
        for secret in (BOGUS_TOKEN, BOGUS_TOKEN.split(":")[1]):
            assert secret not in out + err


async def test_telegram_unreachable_is_one_french_line_after_a_bounded_wait(
        tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a local port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Three attempts 0.1 s apart (2 s in production: ``telegram.start_retry_seconds``).
    process = await run_bot(tmp_path, f"http://127.0.0.1:{port}/bot",
                            telegram={"start_retry_seconds": 0.1})
    _out, err = await finish(process, timeout=60)
    assert process.returncode == 1
    assert "Telegram est injoignable" in err and "après 3 essais" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


async def test_a_short_hmac_secret_is_refused(api: FakeBotApi, tmp_path: Path) -> None:
    process = await run_bot(tmp_path, api.base_url, TLB_HMAC_SECRET="court")
    out, err = await finish(process)
    assert process.returncode == 2
    assert "TLB_HMAC_SECRET est trop court" in err and "court\n" not in out + err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_debug_logs_hold_no_personal_data_and_files_are_private(
        api: FakeBotApi, tmp_path: Path) -> None:
    process = await run_bot(tmp_path, api.base_url, TLB_LOG_LEVEL="DEBUG")
    try:
        await api.ready(timeout=30)
        chat = api.chat(RAW_ID)
        chat["first_name"] = FIRST_NAME
        user = {"id": RAW_ID, "is_bot": False, "first_name": FIRST_NAME, "username": USERNAME,
                "language_code": "fr"}
        for n, text in enumerate((TEXT, "/start")):
            message = {"message_id": n + 1, "date": 0, "chat": chat, "from": user, "text": text}
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
            api.messages[(RAW_ID, n + 1)] = message
            api.push_update({"message": message})
            await api.pop_message(RAW_ID, timeout=20)
        # While the bot runs: the database, its WAL files and the heartbeat file (written as
        # soon as updates are fetched) exist, all owner-only.
        files = [tmp_path / name for name in ("bot.sqlite3", "bot.sqlite3-wal",
                                              "bot.sqlite3-shm", "heartbeat")]
        for _ in range(50):
            if all(f.exists() for f in files):
                break
            await asyncio.sleep(0.1)
        modes = {f.name: oct(mode(f)) for f in files if f.exists()}
        process.send_signal(signal.SIGTERM)
        out, err = await finish(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()
    assert process.returncode == 0, err
    assert set(modes) >= {"bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm", "heartbeat"}, modes
    assert all(m == "0o600" for m in modes.values()), modes
    assert "DEBUG bot." in err or "INFO bot." in err  # our own loggers do speak
    for private in (str(RAW_ID), FIRST_NAME, USERNAME, TEXT, "Zéphyrine", TOKEN):
        assert private not in out + err, private


# ----------------------------------------------------------------------------- buttons


async def test_forged_or_malformed_buttons_are_refused_in_one_place(bot: Harness) -> None:
    """Data that is not under its own message goes no further (and logs no ERROR)."""
    group = -100777
    bot.api.push_message(group, f"@{BOT_USERNAME} qu'est-ce qu'un tiers-lieu ?",
                         user_id=4001, chat_type="group")
    answer = await bot.api.pop_message(group)
    rows_before = bot.rows("interactions", 4001)
    for data in ("fg:yes", "fb:+:10^23:x", "fb:+:99999999999999999999999:tarifs",
                 "fr:faux:1e400:x", "a:\udcff", "th:-1:" + "9" * 60, "rv:ok:1"):
        query = bot.api.push_callback(group, answer.message_id, data, user_id=4002)
        assert (await bot.api.wait_answered(query))["text"] == render.STALE_BUTTON, data
    assert bot.rows("interactions", 4001) == rows_before  # nothing erased
    assert bot.api.pending(group) == 0  # nothing posted in the group


async def test_private_only_buttons_check_the_chat_type(bot: Harness) -> None:
    """Even a real /oubli keyboard, if it were ever shown in a group, would not erase there."""
    group = -100778
    bot.api.push_message(group, f"@{BOT_USERNAME} bonjour", user_id=4003, chat_type="group")
    reply = await bot.api.pop_message(group)
    message = bot.api.messages[(group, reply.message_id)]
    message["reply_markup"] = {"inline_keyboard": [[{"text": "Oui",
                                                     "callback_data": render.CB_FORGET_YES}]]}
    query = bot.api.push_callback(group, reply.message_id, render.CB_FORGET_YES, user_id=4004)
    assert (await bot.api.wait_answered(query))["text"] == PRIVATE_ONLY_TEXT
    assert bot.api.pending(group) == 0


# ----------------------------------------------------------------------------- reloads


async def test_a_reload_that_raises_keeps_the_knowledge_and_tells_staff_once(
        bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from telegram.ext import CallbackContext

    from bot.telegram.app import watch_knowledge

    engine = bot.holder.engine

    def broken() -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(bot.holder, "reload_if_changed", broken)
    context = CallbackContext(bot.app)
    for _ in range(3):  # three watcher ticks
        await watch_knowledge(context)
    notice = await bot.api.pop_message(ADMIN)
    assert "Connaissances non rechargées" in notice.text and "RecursionError" in notice.text
    await asyncio.sleep(0.5)
    assert bot.api.pending(ADMIN) == 0  # once, not at every tick
    assert bot.holder.engine is engine
    assert (await bot.ask(4005, "Qu'est-ce qu'un tiers-lieu ?")).text.startswith("Qu'est-ce")
