"""A cold start on several cores builds exactly the engine a sequential start builds."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import bot.engine.prefetch as prefetch_module
from bot.engine.prefetch import OWN_SHARE, _shares, prefetch
from bot.knowledge import default_knowledge_path
from bot.knowledge.cache import FileMemo

_SCRIPT = """
import json
import bot.engine.holder as holder
import bot.engine.prefetch as prefetch
from bot.engine import reading, second_opinion, text

prefetch.MIN_BYTES = 0  # the shipped knowledge is below the size where it pays
own_read = prefetch._read
def read_here(root, files, send):  # n-grams numbered here after the fork: numberings differ
    if not send:
        second_opinion._feature_id("numbered here after the fork")
    return own_read(root, files, send)
prefetch._read = read_here
read, seeded = [], []
def timed_prefetch(root, memo):
    read.append(prefetch.prefetch(root, memo))
    seeded.extend(second_opinion._block_cache)  # what the engine finds already counted
    return read[-1]
holder.prefetch = timed_prefetch
parallel = holder.KnowledgeHolder(cache_dir=False)
faq_keys = [key for label, key in parallel.engine.matchers.second._keys.items()
            if label in parallel.engine.knowledge.faq]
prefetch.MIN_BYTES = 10 ** 12
# nothing the parallel start left in memory may be reused: everything counted again, here
reading._last_built.clear()
second_opinion._block_cache.clear()
text._MEMOS.clear()
sequential = holder.KnowledgeHolder(cache_dir=False)
messages = json.loads(input())
same = [parallel.engine.reply(m).to_json() == sequential.engine.reply(m).to_json()
        for m in messages]
entries = sorted(parallel.engine.knowledge.faq)
def opinion(engine, m):
    second = engine.matchers.second
    return second.similarities(second.query(m), entries)
close = [all(abs(a - b) < 1e-9 for a, b in zip(opinion(parallel.engine, m).values(),
                                               opinion(sequential.engine, m).values()))
         for m in messages]
print(json.dumps({"read": read, "same": same, "close": close,
                  "counted_ahead": sum(key in set(seeded) for key in faq_keys),
                  "entries": len(faq_keys)}))
"""


def test_a_parallel_cold_start_answers_like_a_sequential_one() -> None:
    # in a fresh interpreter: forking is refused while other threads run, as in a test worker
    messages = ["c koi un tiers lieu", "coworking a nanterre", "Qu'est-ce qu'une SCIC ?",
                "le 92 finance-t-il les coworkings ?", "Casaco c'est combien ?", "bonjour",
                "Quelle est la capitale du Pérou ?"]
    done = subprocess.run([sys.executable, "-c", _SCRIPT], input=json.dumps(messages),
                          capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(done.stdout)
    faq_files = len(list((default_knowledge_path() / "faq").glob("*.yaml")))
    assert result["read"][0] == faq_files  # every file read by this process or a worker
    assert result["same"] == [True] * len(messages)
    # the second opinion of n-grams counted by a worker is the one counted here
    assert result["close"] == [True] * len(messages)
    # and every entry's n-grams were counted during the parallel read, none after it
    assert result["counted_ahead"] == result["entries"]


_DYING = """
import json, os
import bot.engine.holder as holder
import bot.engine.prefetch as prefetch

prefetch.MIN_BYTES = 0
own_read = prefetch._read
def dying(root, files, send):  # a worker killed mid-read (out of memory, say)
    if send:
        os._exit(9)
    return own_read(root, files, send)
prefetch._read = dying
read = []
holder.prefetch = lambda root, memo: read.append(prefetch.prefetch(root, memo)) or read[-1]
engine = holder.KnowledgeHolder(cache_dir=False).engine
print(json.dumps({"read": read, "answer": engine.reply("Qu'est-ce qu'une SCIC ?").entry_id}))
"""


def test_a_worker_that_dies_means_the_ordinary_read_not_a_hang() -> None:
    done = subprocess.run([sys.executable, "-c", _DYING], capture_output=True, text=True,
                          timeout=120, check=True)
    result = json.loads(done.stdout)
    assert result["read"] == [0]  # nothing taken from the broken pool: read sequentially
    assert result["answer"] == "definition-scic"


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch_module, "MIN_BYTES", 0)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert prefetch(default_knowledge_path(), FileMemo()) == 0
    finally:
        release.set()
        other.join()


def test_the_files_are_shared_by_size_with_more_for_this_process() -> None:
    files = [(Path(f"f{i}.yaml"), f"f{i}", f"k{i}", size)
             for i, size in enumerate([900, 800, 500, 400, 300, 100])]
    mine, theirs = _shares(files, 2)
    size = {f[1]: f[3] for f in files}
    assert sorted(f[1] for f in mine + theirs) == sorted(size)
    mine_bytes, their_bytes = (sum(size[f[1]] for f in share) for share in (mine, theirs))
    assert their_bytes < mine_bytes <= (OWN_SHARE + 0.5) * their_bytes
