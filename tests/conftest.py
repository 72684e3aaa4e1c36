"""Shared fixtures: the shipped knowledge and one engine built from it (built once)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge import Knowledge, load_knowledge

# ``shared/`` beside the repository (or beside a folder of worktrees, e.g. /work/wt/<name>).
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[1:] if (p / "shared" / "sources").is_dir()),
    Path(__file__).resolve().parents[2] / "shared",
)


@pytest.fixture(scope="session", autouse=True)
def _private_start_up_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The knowledge cache of the tests (and of the bots they start) stays out of ~/.cache."""
    os.environ["TLB_CACHE_DIR"] = str(tmp_path_factory.mktemp("knowledge-cache"))


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(knowledge)
