"""Bursts that must not freeze the bot: 300 reports at once, a bystander still answered."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import RateLimit
from bot.engine.holder import KnowledgeHolder
from tests.e2e.conftest import ADMIN, Harness, e2e_config, start_bot
from tests.e2e.fake_bot_api import FakeBotApi

REPORTS = 300
BYSTANDER = 424242


@pytest.fixture
async def fast_bot(api: FakeBotApi, shipped_holder: KnowledgeHolder, tmp_path: Path,
                   env: None) -> AsyncIterator[Harness]:
    """Production pacing per chat (1 message/s, admins included), the overall cap lifted:
    what is measured is the handlers, not Telegram's 30 messages/s."""
    config = e2e_config(api, tmp_path / "bot.sqlite3",
                        rate_limit=RateLimit(overall_per_second=10_000, per_chat_per_second=1))
    async for harness in start_bot(api, shipped_holder, config):
        yield harness


async def test_300_reports_at_once_do_not_hold_a_bystander(fast_bot: Harness) -> None:
    api = fast_bot.api
    await fast_bot.ask(BYSTANDER, "bonjour")  # warm up (first answer, first connection)
    for n in range(REPORTS):
        api.push_message(10_000 + n, f"/signaler le lieu n°{n} a fermé")
    started = time.perf_counter()
    api.push_message(BYSTANDER, "Qu'est-ce qu'un tiers-lieu ?")
    reply = await api.pop_message(BYSTANDER, timeout=30)
    latency = time.perf_counter() - started
    thanks = await asyncio.gather(*(api.pop_message(10_000 + n, timeout=30)
                                    for n in range(REPORTS)))
    print(f"bystander answered in {latency:.2f} s during {REPORTS} simultaneous /signaler")
    assert reply.text.startswith("Qu'est-ce qu'un tiers-lieu ?")
    # Generous: the fake server shares this event loop, so the bystander waits for the
    # replies in front of it (≈ 1–5 s measured on 2 shared cores). It was 46.7 s when each
    # handler awaited its paced admin notice.
    assert latency < 10.0
    assert all("transmis" in t.text for t in thanks)
    # Staff get a few messages (a first report, then digests), not 300 paced ones, and
    # together they count every report.
    notices: list[str] = []
    counted = 0
    while counted < REPORTS and len(notices) < 20:
        notices.append((await api.pop_message(ADMIN, timeout=10)).text)
        counted += reports_in(notices[-1])
    assert counted == REPORTS, notices
    assert 1 <= len(notices) < 20
    assert any("nouveaux signalements" in n and "/nonrepondues" in n for n in notices)
    assert not fast_bot.app.bot_data["notifier"].pending  # nothing more on its way
    assert fast_bot.rows("review_queue") == REPORTS


def reports_in(notice: str) -> int:
    """How many reports a staff notice stands for: one, or the number in a digest."""
    if notice.startswith("📣 Nouveau signalement"):
        return 1
    digest = re.match(r"📣 (\d+) nouveaux signalements", notice)
    return int(digest.group(1)) if digest else 0
