"""Telegram throughput: messages per second through the whole path, and peak memory.

Each run starts a bot in its own process, long polling a local fake Bot API server (the one
the end-to-end tests use, in a thread of this process). N users each send one question at
the same moment; the run's rate is N divided by the time until the N-th reply is delivered.
The child reports its peak RSS (``VmHWM``) when it exits on SIGTERM — which also exercises
the graceful shutdown.

Bots compared, alternated in the same invocation so that machine noise hits all of them:

* ``project``  — ``python -m bot run`` as in production (rate limiter with retries, flood
  control, storage on SQLite, jobs), with only the overall cap lifted;
* ``echo``     — a bare python-telegram-bot echo bot with ``concurrent_updates(True)``;
* ``echo-seq`` — PTB's example echo bot as published (updates handled one at a time);
* ``capped``   — the project bot with the production cap (30 messages/s): it should sit there.

Where the time goes (cProfile of ``python -m bot run``, 450 questions, first session of
2026-12-01, times inflated by the profiler): the engine's ``reply`` ≈ 8.6 ms per question (the
bulk of the bot's own CPU; about 1 ms unprofiled since the index search became array work, see
``bench/engine_bench.py``); the HTTP stack (httpx/httpcore, socket writes) most of the rest, as for the echo
bot; storage writes ≈ 1.6 ms, the durable inbox ≈ 0.9 ms (then batched per loop iteration:
one transaction for the marks of many updates, answered ids in memory), rendering ≈ 0.6 ms,
the rate limiter and flood guard well under 0.1 ms per update. Removed since: a task per
« typing… » (now a timer that fires only for slow answers) and 256 concurrent handlers
waiting on 16 requests in flight (64 now). The echo bot with concurrent updates pays
httpcore's pool cost for hundreds of simultaneous requests (several times the CPU of the
sequential echo); the project bot caps requests in flight (``bot.telegram.ratelimit``).

usage: python bench/telegram_throughput.py [--messages 600] [--rounds 3] [--capped 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.fake_bot_api import TOKEN, FakeBotApi  # noqa: E402

RUN_TIMEOUT = 120.0  # seconds: no run may hang the benchmark
FALLBACK_QUESTIONS = [
    "Qu'est-ce qu'un tiers-lieu ?",
    "c koi un fablab",
    "un coworking à Malakoff",
    "Comment monter un tiers-lieu ?",
    "Quelle est la capitale de l'Australie ?",
    "combien coute un poste en coworking",
]


# ----------------------------------------------------------------------------- child side


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_echo(base_url: str, concurrent: bool) -> None:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Echo the user message."""
        await update.message.reply_text(update.message.text)

    app = ApplicationBuilder().token(TOKEN).base_url(base_url).concurrent_updates(
        concurrent).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def child_project(config_path: str) -> None:
    from bot.cli import main

    main(["run", "--config", config_path])


def child(args: argparse.Namespace) -> None:
    if args.child == "project":
        child_project(args.config)
    else:
        child_echo(args.base_url, concurrent=args.child == "echo")
    print(json.dumps({"peak_rss_mb": round(peak_rss_mb(), 1)}), flush=True)


# ----------------------------------------------------------------------------- parent side


class ServerThread:
    """The fake Bot API server, on its own event loop in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = RUN_TIMEOUT) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def new_api() -> FakeBotApi:
    return await FakeBotApi().start()


async def burst(api: FakeBotApi, questions: list[str], first_chat: int) -> float:
    """One message from each of ``len(questions)`` users; seconds until every reply."""
    chats = range(first_chat, first_chat + len(questions))
    start = time.perf_counter()
    for chat, question in zip(chats, questions, strict=True):
        api.push_message(chat, question)
    await asyncio.gather(*(api.pop_message(chat, timeout=RUN_TIMEOUT) for chat in chats))
    return time.perf_counter() - start


def write_config(folder: Path, base_url: str, overall: float) -> Path:
    config = {
        "telegram": {"base_url": base_url, "rate_limit": {"overall_per_second": overall}},
        "storage": {"database": str(folder / "bench.sqlite3")},
    }
    path = folder / f"config-{overall:g}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run_once(server: ServerThread, kind: str, questions: list[str], warmup: list[str],
             overall: float = 0) -> dict[str, float]:
    api: FakeBotApi = server.call(new_api())
    with tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), api.base_url, overall)
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN,
               "TLB_HMAC_SECRET": "bench-secret-of-at-least-32-bytes-long",
               "TLB_HEARTBEAT_FILE": str(Path(tmp) / "heartbeat"), "TLB_LOG_LEVEL": "WARNING",
               "PYTHONPATH": str(ROOT)}
        command = [sys.executable, __file__, "--child", "project" if kind == "capped" else kind,
                   "--base-url", api.base_url, "--config", str(config)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env, cwd=tmp)
        try:
            server.call(api.ready(timeout=60))
            server.call(burst(api, warmup, 1_000_000))
            seconds = server.call(burst(api, questions, 2_000_000))
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
            server.call(api.stop())
    if process.returncode != 0:
        raise RuntimeError(f"{kind} exited with {process.returncode}:\n{err[-2000:]}")
    rss = json.loads(out.strip().splitlines()[-1])["peak_rss_mb"]
    return {"rate": len(questions) / seconds, "rss": rss, "seconds": seconds}


def load_questions(count: int) -> list[str]:
    dev = ROOT.parent / "shared" / "eval" / "dev.yaml"
    found = FALLBACK_QUESTIONS
    if dev.exists():
        items = yaml.safe_load(dev.read_text(encoding="utf-8")) or []
        found = [str(i["q"]) for i in items if not str(i["q"]).startswith("/")] or found
    return (found * (count // len(found) + 1))[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600, help="users per run (one each)")
    parser.add_argument("--rounds", type=int, default=3, help="alternated runs per bot")
    parser.add_argument("--capped", type=int, default=300,
                        help="messages for the production-cap run (0: skip)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    questions = load_questions(args.messages)
    warmup = load_questions(50)
    server = ServerThread()
    results: dict[str, list[dict[str, float]]] = {"project": [], "echo": [], "echo-seq": []}
    try:
        for round_ in range(args.rounds):
            for kind in results:
                result = run_once(server, kind, questions, warmup)
                results[kind].append(result)
                print(f"round {round_ + 1} {kind:<9} {result['rate']:8.0f} msg/s  "
                      f"peak RSS {result['rss']:5.1f} MB", flush=True)
        capped = None
        if args.capped:
            capped = run_once(server, "capped", load_questions(args.capped), warmup[:10],
                              overall=30)
    finally:
        server.close()

    rate = {k: statistics.median(r["rate"] for r in v) for k, v in results.items()}
    rss = {k: max(r["rss"] for r in v) for k, v in results.items()}
    print()
    print(f"{args.messages} users, one message each; median of {args.rounds} alternated runs")
    print(f"{'bot':<34}{'msg/s':>8}{'vs echo':>9}{'vs echo-seq':>13}{'peak RSS':>10}")
    labels = {"project": "tiers-lieux-bot (cap lifted)",
              "echo": "PTB echo, concurrent updates",
              "echo-seq": "PTB echo example (sequential)"}
    for kind, label in labels.items():
        print(f"{label:<34}{rate[kind]:8.0f}{rate[kind] / rate['echo']:8.2f}×"
              f"{rate[kind] / rate['echo-seq']:12.2f}×{rss[kind]:8.1f} MB")
    if capped:
        print(f"{'tiers-lieux-bot, cap 30/s':<34}{capped['rate']:8.1f}{'':22}"
              f"{capped['rss']:8.1f} MB")
    # 150 MB: the engine issue's bound with the learned confidence (numpy, scipy: ~35 MB of it);
    # the first round's 80 MB predates them.
    verdict = rate["project"] / rate["echo"] >= 0.7 and rss["project"] <= 150
    print(f"\ntarget ≥ 0.7× echo and ≤ 150 MB: {'met' if verdict else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
