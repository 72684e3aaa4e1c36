"""Soak: thousands of users, mixed traffic, a share of the Bot API's answers failing.

``python -m bot run`` as deployed (its own process, real SQLite files), long polling the
project's fake Bot API (in a thread of this process). Users arrive at ``--rate`` per second;
each does one to three things in turn, waiting for the bot's answer before the next: a
question, /start, /lieux, a sticker, /signaler, or a press on a question button under their
previous answer. ``--faults`` of the bot's sends fail (429 with retry_after, 502, or a
response lost after delivery). Reported: actions answered, lost (nothing within
``--timeout``), duplicated (the same text twice for one action), and the bot's RSS over time.

A lost response is resent by design (a duplicate beats silence): duplicates are expected up
to the number of « drop » faults injected on sendMessage.

usage: python bench/soak.py [--users 2000] [--rate 40] [--faults 0.1] [--one-off]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.fake_bot_api import TOKEN, FakeBotApi, Faults  # noqa: E402

QUESTIONS = ["Qu'est-ce qu'un tiers-lieu ?", "c koi un fablab", "un coworking à Malakoff",
             "Comment monter un tiers-lieu ?", "combien coute un poste en coworking",
             "Quelle est la capitale de l'Australie ?", "où imprimer en 3D à Nanterre",
             "bonjour", "merci beaucoup", "qui finance les tiers-lieux ?"]
ACTIONS = (("question", 55), ("start", 10), ("places", 10), ("sticker", 5), ("report", 5),
           ("button", 15))


@dataclass
class CountingFaults(Faults):
    """Faults, counted per (kind, method): a « drop » on sendMessage explains a duplicate."""

    by_method: Counter = field(default_factory=Counter)

    def pick(self, method: str) -> str | None:
        kind = super().pick(method)
        if kind:
            self.by_method[kind, method] += 1
        return kind


class ServerThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 3600) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Soak:
    def __init__(self, api: FakeBotApi, args: argparse.Namespace, pid: int) -> None:
        self.api, self.args, self.pid = api, args, pid
        self.outcome: Counter[str] = Counter()
        self.rss: list[tuple[float, float, int]] = []  # (seconds, MB, users started)
        self.started = 0
        self.rnd = random.Random(7)
        self.late_candidates: list[int] = []  # no answer within --timeout: late, or lost?

    async def act(self, chat: int, action: str, last: Any) -> Any:
        api = self.api
        if action == "button":
            related = [b["callback_data"] for b in (last.buttons if last else [])
                       if b.get("callback_data", "").startswith("a:")]
            if related:
                api.push_callback(chat, last.message_id, self.rnd.choice(related))
            else:
                action = "question"
        if action == "question":
            api.push_message(chat, self.rnd.choice(QUESTIONS) + f" ({chat % 97})")
        elif action == "start":
            api.push_message(chat, "/start")
        elif action == "places":
            api.push_message(chat, "/lieux Nanterre")
        elif action == "sticker":
            api.push_sticker(chat)
        elif action == "report":
            api.push_message(chat, f"/signaler le lieu {chat} a fermé")
        try:
            first = await api.pop_message(chat, timeout=self.args.timeout)
        except AssertionError:
            self.outcome["lost"] += 1
            self.late_candidates.append(chat)
            return None
        texts = [first.raw]
        while True:
            try:
                texts.append((await api.pop_message(chat, timeout=0.5)).raw)
            except AssertionError:
                break
        self.outcome["answered"] += 1
        if len(texts) != len(set(texts)):
            self.outcome["duplicated"] += 1
        return first

    async def user(self, chat: int) -> None:
        steps = 1 if self.args.one_off else self.rnd.randint(1, 3)
        names, weights = zip(*ACTIONS, strict=True)
        last = None
        for step in range(steps):
            action = "question" if self.args.one_off else (
                self.rnd.choices(names, weights)[0] if step else "question")
            self.outcome["actions"] += 1
            last = await self.act(chat, action, last)

    async def sample(self, stop: asyncio.Event, t0: float) -> None:
        while not stop.is_set():
            self.rss.append((time.perf_counter() - t0, rss_mb(self.pid), self.started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.args.sample)

    async def run(self) -> float:
        await self.api.ready(timeout=60)
        self.api.faults = CountingFaults(rate=self.args.faults, kinds=tuple(self.args.kinds.split(",")),
                                 retry_after=1)
        stop = asyncio.Event()
        t0 = time.perf_counter()
        sampler = asyncio.create_task(self.sample(stop, t0))
        tasks = []
        for n in range(self.args.users):
            tasks.append(asyncio.create_task(self.user(3_000_000 + n)))
            self.started += 1
            await asyncio.sleep(1 / self.args.rate)
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - t0
        deadline = time.perf_counter() + self.args.timeout  # a grace period for late answers
        while time.perf_counter() < deadline and any(
                self.api.pending(c) == 0 for c in self.late_candidates):
            await asyncio.sleep(1)
        late = sum(1 for c in self.late_candidates if self.api.pending(c) > 0)
        self.outcome["late"] += late
        self.outcome["lost"] -= late
        stop.set()
        await sampler
        self.rss.append((elapsed, rss_mb(self.pid), self.started))
        return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=40.0, help="new users per second")
    parser.add_argument("--faults", type=float, default=0.1, help="share of failed sends")
    parser.add_argument("--kinds", default="429,502,drop",
                        help="faults: 429, 502, drop (delivered, response lost)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before « lost »")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--cap", type=float, default=1000.0,
                        help="overall messages/s cap (production: 30)")
    parser.add_argument("--one-off", action="store_true", help="one question per user")
    args = parser.parse_args()

    server = ServerThread()
    api: FakeBotApi = server.call(FakeBotApi().start())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "config.yaml"
        config.write_text(yaml.safe_dump({
            "telegram": {"base_url": api.base_url,
                         "rate_limit": {"overall_per_second": args.cap}},
            "knowledge": {"watch_seconds": 0},
            "storage": {"database": str(folder / "soak.sqlite3")}}), encoding="utf-8")
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TLB_LOG_LEVEL": "WARNING",
               "TLB_HMAC_SECRET": "soak-secret-of-at-least-32-bytes-long",
               "TLB_HEARTBEAT_FILE": str(folder / "heartbeat"), "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                                   cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        soak = Soak(api, args, process.pid)
        try:
            elapsed = server.call(soak.run())
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
            server.call(api.stop())
            server.close()
    o = soak.outcome
    print(f"{args.users} users ({'one question each' if args.one_off else 'mixed traffic'}), "
          f"{args.rate:g} new users/s, {args.faults:.0%} of sends failing, cap "
          f"{args.cap:g} msg/s: {elapsed:.0f} s")
    print(f"actions {o['actions']}: answered {o['answered']}, late {o['late']} (answered after "
          f"{args.timeout:g} s), lost {o['lost']}, duplicated {o['duplicated']}")
    faults = api.faults
    print(f"faults injected: {dict(faults.injected)}; « drop » (delivered, response lost) on "
          f"sendMessage: {faults.by_method['drop', 'sendMessage']} — each may duplicate a "
          "reply, by design (a duplicate beats silence)")
    print("RSS over time (s, MB, users started):")
    step = max(1, len(soak.rss) // 12)
    for seconds, mb, users in soak.rss[::step] + soak.rss[-1:]:
        print(f"  {seconds:6.0f} s  {mb:6.1f} MB  {users:6d} users")
    print(f"peak RSS {max(mb for _, mb, _ in soak.rss):.1f} MB; bot exit code "
          f"{process.returncode}")
    errors = [line for line in err.splitlines() if " ERROR " in line]
    print(f"ERROR lines in the bot's log: {len(errors)}")
    for line in errors[:5]:
        print("  " + line[:200])
    return 0 if o["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
