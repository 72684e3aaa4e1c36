"""Shared fixtures: the shipped knowledge and one engine built from it (built once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge import Knowledge, load_knowledge

# ``shared/`` beside the repository (or beside a folder of worktrees, e.g. /work/wt/<name>).
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[1:] if (p / "shared" / "sources").is_dir()),
    Path(__file__).resolve().parents[2] / "shared",
)


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(knowledge)
