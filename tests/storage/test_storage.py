"""Storage against real SQLite files: migrations, concurrency, retention, privacy, stats."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import (
    MIGRATIONS,
    SCHEMA_VERSION,
    NullStorage,
    Stats,
    Storage,
    StorageError,
    StorageProtocol,
)
from bot.storage.privacy import pseudonymise

SECRET = "test-secret"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ALICE, BOB = 7_100_200_300, 8_400_500_600


def ago(days: float = 0, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, minutes=minutes)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


@pytest.fixture
async def storage(db_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(db_path, SECRET)
    try:
        yield store
    finally:
        await store.close()


@contextlib.contextmanager
def raw(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, to look at the file without going through Storage."""
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        yield conn


def count(db_path: Path, table: str, where: str = "1", params: tuple[object, ...] = ()) -> int:
    with raw(db_path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()[0]


async def fill_for(store: Storage, user: int, message: str, when: datetime) -> None:
    """One row per table for ``user``: an interaction, feedback on it, a review item."""
    interaction = await store.record_interaction(user, message, "answer", "e1", 90.0, 120, when)
    await store.record_feedback(user, "e1", True, interaction_id=interaction, now=when)
    await store.enqueue_review(user, message, message.lower(), "report", now=when)


# --- migrations -------------------------------------------------------------------------------


async def test_migrates_an_empty_file(db_path: Path) -> None:
    store = await Storage.open(db_path, SECRET)
    await store.close()
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(interactions)")}
    assert {"interactions", "feedback", "review_queue"} <= tables
    assert "response_ms" in columns


async def test_migrates_a_v1_database_and_keeps_its_data(db_path: Path) -> None:
    with raw(db_path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO interactions (user_hash, message, reply_kind, entry_id, score,"
            " created_at) VALUES (?, 'vieille question', 'answer', 'e1', 88, ?)",
            (pseudonymise(ALICE, SECRET), NOW.isoformat()),
        )
        conn.commit()

    store = await Storage.open(db_path, SECRET)
    try:
        await store.record_interaction(ALICE, "nouvelle", "answer", "e1", 90, 250, NOW)
        exported = await store.export_user(ALICE)
    finally:
        await store.close()

    with raw(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    old, new = exported["interactions"]
    assert (old["message"], old["entry_id"], old["response_ms"]) == ("vieille question", "e1", None)
    assert (new["message"], new["response_ms"]) == ("nouvelle", 250)


async def test_reopening_is_a_no_op(db_path: Path) -> None:
    for _ in range(2):
        store = await Storage.open(db_path, SECRET)
        await store.record_interaction(ALICE, "bonjour", "smalltalk", None, 0, 5)
        await store.close()
    assert count(db_path, "interactions") == 2


async def test_refuses_a_database_from_a_newer_bot(db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StorageError, match="newer"):
        await Storage.open(db_path, SECRET)


async def test_close_is_idempotent_and_final(db_path: Path) -> None:
    store = await Storage.open(db_path, SECRET)
    await store.close()
    await store.close()
    with pytest.raises(StorageError, match="closed"):
        await store.record_interaction(ALICE, "x", "answer", None, 0, None)


async def test_the_busy_timeout_is_the_configured_one(db_path: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``storage.busy_timeout_seconds`` reaches SQLite; 5 s when not set."""
    from bot.config import load_config
    from bot.telegram.app import open_storage

    monkeypatch.setenv("TLB_HMAC_SECRET", SECRET)
    config = tmp_path / "config.yaml"
    for setting, expected in (("", 5000), ("  busy_timeout_seconds: 0.25\n", 250)):
        config.write_text(f"storage:\n  database: {db_path}\n{setting}", encoding="utf-8")
        store = await open_storage(load_config(config))
        try:
            assert await store._db.execute_fetchall("PRAGMA busy_timeout") == [(expected,)]
        finally:
            await store.close()


async def test_in_memory_database_works() -> None:
    store = await Storage.open(":memory:", SECRET)
    try:
        await store.record_interaction(ALICE, "bonjour", "smalltalk", None, 0, 5, NOW)
        assert (await store.stats(1, NOW)).messages == 1
    finally:
        await store.close()


# --- concurrency ------------------------------------------------------------------------------


async def test_many_concurrent_writes_are_all_kept(storage: Storage, db_path: Path) -> None:
    async def one(i: int) -> int:
        user = 1000 + i % 7
        if i % 3 == 0:
            return await storage.record_interaction(user, f"q{i}", "answer", "e1", 80, i)
        if i % 3 == 1:
            return await storage.record_feedback(user, "e1", i % 2 == 0)
        return await storage.enqueue_review(user, f"q{i}", f"q{i % 5}", "unanswered")

    ids = await asyncio.gather(*(one(i) for i in range(300)))

    assert all(isinstance(i, int) and i > 0 for i in ids)
    assert count(db_path, "interactions") == 100
    assert count(db_path, "feedback") == 100
    assert count(db_path, "review_queue") == 100


async def test_a_failing_transaction_does_not_roll_back_another_task(
    storage: Storage, db_path: Path
) -> None:
    entered = asyncio.Event()

    async def failing() -> None:
        async with storage._transaction() as db:
            await db.execute(
                "INSERT INTO interactions (user_hash, message, reply_kind, score, created_at)"
                " VALUES ('x', 'doomed', 'answer', 0, '2025')"
            )
            entered.set()
            await asyncio.sleep(0.05)  # the other task is now waiting to write
            raise RuntimeError("boom")

    async def writer() -> int:
        await entered.wait()
        return await storage.record_interaction(BOB, "kept", "answer", "e1", 90, 10)

    results = await asyncio.gather(failing(), writer(), return_exceptions=True)

    assert isinstance(results[0], RuntimeError)
    assert isinstance(results[1], int)
    with raw(db_path) as conn:
        messages = [r[0] for r in conn.execute("SELECT message FROM interactions")]
    assert messages == ["kept"]


# --- retention, erasure, access ---------------------------------------------------------------


async def test_purge_deletes_only_older_rows_in_every_table(
    storage: Storage, db_path: Path
) -> None:
    await fill_for(storage, ALICE, "Ancienne", ago(days=200))
    await fill_for(storage, BOB, "Récente", ago(days=10))
    # Recent feedback on an old interaction: survives, its link is cleared.
    old_id = await storage.record_interaction(ALICE, "vieux", "answer", "e2", 90, 1, ago(190))
    await storage.record_feedback(ALICE, "e2", False, interaction_id=old_id, now=ago(days=1))

    assert await storage.purge_older_than(180, now=NOW) == 4

    for table in ("interactions", "feedback", "review_queue"):
        assert count(db_path, table, "created_at < ?", (ago(days=180).isoformat(),)) == 0
    assert count(db_path, "interactions") == 1
    assert count(db_path, "review_queue") == 2  # Bob's report, and the recent 👎 (queued)
    assert count(db_path, "feedback") == 2
    assert count(db_path, "feedback", "entry_id = 'e2' AND interaction_id IS NULL") == 1


async def test_purge_rejects_negative_days(storage: Storage) -> None:
    with pytest.raises(ValueError):
        await storage.purge_older_than(-1)


async def test_forget_user_leaves_nothing_of_them_and_keeps_others(
    storage: Storage, db_path: Path
) -> None:
    await fill_for(storage, ALICE, "Question d'Alice", ago(days=2))
    await fill_for(storage, ALICE, "Autre question d'Alice", ago(days=1))
    await fill_for(storage, BOB, "Question de Bob", ago(days=1))

    assert await storage.forget_user(ALICE) == 6
    assert await storage.forget_user(ALICE) == 0

    alice, bob = pseudonymise(ALICE, SECRET), pseudonymise(BOB, SECRET)
    with raw(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert {"interactions", "feedback", "review_queue"} <= set(tables)
        for table in tables:
            values = {v for row in conn.execute(f"SELECT * FROM {table}") for v in row}
            assert alice not in values, table
            assert not any("Alice" in v for v in values if isinstance(v, str)), table
            assert bob in values, table


async def test_export_user_returns_only_their_rows(storage: Storage) -> None:
    await fill_for(storage, ALICE, "Question d'Alice", ago(days=2))
    await fill_for(storage, BOB, "Question de Bob", ago(days=1))

    exported = await storage.export_user(ALICE)

    assert [i["message"] for i in exported["interactions"]] == ["Question d'Alice"]
    assert exported["interactions"][0]["created_at"] == ago(days=2).isoformat(
        timespec="microseconds"
    )
    assert [(f["entry_id"], f["useful"]) for f in exported["feedback"]] == [("e1", True)]
    assert [(r["message"], r["reason"], r["status"]) for r in exported["reports"]] == [
        ("Question d'Alice", "report", "open")
    ]
    dumped = json.dumps(exported)  # JSON-ready
    assert "Bob" not in dumped
    assert pseudonymise(BOB, SECRET) not in dumped and pseudonymise(ALICE, SECRET) not in dumped
    assert await storage.export_user(12345) == {"interactions": [], "feedback": [], "reports": []}


async def test_feedback_link_must_belong_to_the_same_user(storage: Storage) -> None:
    bobs = await storage.record_interaction(BOB, "q", "answer", "e1", 90, 1)
    await storage.record_feedback(ALICE, "e1", True, interaction_id=bobs)
    await storage.record_feedback(ALICE, "e1", True, interaction_id=999_999)  # purged / bogus
    exported = await storage.export_user(ALICE)
    assert [f["interaction_id"] for f in exported["feedback"]] == [None, None]


async def test_raw_user_id_never_reaches_the_file(storage: Storage, db_path: Path) -> None:
    raw_id = 5_550_123_987
    await fill_for(storage, raw_id, "Une question", ago(days=1))
    await storage.close()  # checkpoints the WAL into the main file

    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    data = b"".join(p.read_bytes() for p in files)
    assert pseudonymise(raw_id, SECRET).encode() in data  # the rows are there…
    assert str(raw_id).encode() not in data  # …but not the id


# --- review queue -----------------------------------------------------------------------------


async def test_review_queue_groups_and_orders(storage: Storage) -> None:
    for minutes, text in [(50, "Horaires ?"), (40, "horaires"), (30, "HORAIRES !!")]:
        await storage.enqueue_review(ALICE, text, "horair", "unanswered", now=ago(minutes=minutes))
    await storage.enqueue_review(BOB, "wifi ?", "wifi", "low_confidence", "e9", 55, ago(0, 45))
    await storage.enqueue_review(BOB, "le wifi", "wifi", "low_confidence", "e9", 60, ago(0, 35))
    await storage.enqueue_review(ALICE, "parking", "parking", "report", now=ago(minutes=20))
    await storage.enqueue_review(ALICE, "parking !", "parking", "report", now=ago(minutes=10))
    last = await storage.enqueue_review(BOB, "café ?", "cafe", "unanswered", now=ago(minutes=5))

    groups = await storage.review_queue()

    assert [(g.message, g.count) for g in groups] == [
        ("HORAIRES !!", 3),
        ("parking !", 2),  # same count as wifi, seen more recently
        ("le wifi", 2),
        ("café ?", 1),
    ]
    wifi = groups[2]
    assert (wifi.reason, wifi.suggested_id, wifi.score) == ("low_confidence", "e9", 60.0)
    assert groups[3].item_id == last
    assert groups[3].last_seen == ago(minutes=5).isoformat(timespec="microseconds")
    assert len(await storage.review_queue(limit=2)) == 2


async def test_set_review_status_applies_to_the_whole_group(storage: Storage) -> None:
    first = await storage.enqueue_review(ALICE, "Horaires ?", "horair", "unanswered", now=ago(3))
    dismissed = await storage.enqueue_review(BOB, "horaires", "horair", "unanswered", now=ago(2))
    await storage.set_review_status(dismissed, "dismissed")
    again = await storage.enqueue_review(BOB, "horaires??", "horair", "unanswered", now=ago(1))
    other = await storage.enqueue_review(BOB, "wifi", "wifi", "unanswered", now=ago(1))

    assert await storage.set_review_status(first, "accepted") is True

    assert [g.item_id for g in await storage.review_queue()] == [other]
    statuses = {i: (await storage.get_review_item(i)).status for i in (first, dismissed, again)}
    assert statuses == {first: "accepted", dismissed: "dismissed", again: "accepted"}
    item = await storage.get_review_item(first)
    assert item is not None
    assert (item.message, item.normalised, item.reason) == ("Horaires ?", "horair", "unanswered")
    assert await storage.set_review_status(424242, "accepted") is False
    assert await storage.get_review_item(424242) is None
    with pytest.raises(ValueError):
        await storage.set_review_status(other, "maybe")
    with pytest.raises(ValueError):
        await storage.enqueue_review(ALICE, "x", "x", "because")


# --- stats ------------------------------------------------------------------------------------


async def test_stats_on_a_known_dataset(storage: Storage) -> None:
    rows = [  # (user, message, kind, entry, response_ms, minutes ago)
        (1, "Qu'est-ce qu'un tiers-lieu ?", "answer", "definition", 100, 60),
        (2, "qu'est-ce  qu'un TIERS-LIEU ?", "answer", "definition", 300, 50),
        (1, "bonjour", "smalltalk", None, 50, 40),
        (3, "Coworking à Nanterre", "places", None, 200, 30),
        (3, "truc", "fallback", None, 400, 20),
        (2, "horaires", "clarify", None, None, 10),
    ]
    for user, message, kind, entry, ms, minutes in rows:
        await storage.record_interaction(user, message, kind, entry, 80, ms, ago(minutes=minutes))
    await storage.record_interaction(4, "ancienne", "answer", "vieux", 90, 9000, ago(days=40))
    for user, entry, useful in [
        (1, "definition", True),
        (2, "definition", True),
        (3, "definition", False),
        (2, "horaires", False),
    ]:
        await storage.record_feedback(user, entry, useful, now=ago(minutes=5))
    await storage.record_feedback(4, "vieux", True, now=ago(days=40))

    stats = await storage.stats(30, now=NOW)

    assert (stats.messages, stats.distinct_users) == (6, 3)
    assert (stats.answered, stats.clarified, stats.places, stats.smalltalk, stats.fallback) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert stats.answered_rate == pytest.approx(2 / 6)
    assert stats.fallback_rate == pytest.approx(1 / 6)
    assert stats.clarified_rate == stats.places_rate == stats.smalltalk_rate
    assert stats.median_response_ms == 200  # None values are left out
    assert stats.top_questions[0] == ("qu'est-ce  qu'un TIERS-LIEU ?", 2)  # latest wording
    assert len(stats.top_questions) == 5
    assert stats.feedback == {"definition": (2, 1), "horaires": (0, 1)}

    assert (await storage.stats(60, now=NOW)).messages == 7
    assert (await storage.stats(30, now=ago(days=100))).messages == 0  # rows after `now` excluded


async def test_stats_on_an_empty_database(storage: Storage) -> None:
    stats = await storage.stats(7, now=NOW)
    assert stats == Stats(days=7)
    assert stats.answered_rate == 0.0 and stats.median_response_ms is None


# --- the null object --------------------------------------------------------------------------


async def test_both_storages_satisfy_the_protocol(storage: Storage) -> None:
    implementations: list[StorageProtocol] = [storage, NullStorage()]
    assert all(isinstance(s, StorageProtocol) for s in implementations)


async def test_null_storage_stores_nothing(tmp_path: Path) -> None:
    null = NullStorage()
    assert await null.record_interaction(ALICE, "q", "answer", "e1", 90, 10) == 0
    assert await null.record_feedback(ALICE, "e1", True) == 0
    assert await null.enqueue_review(ALICE, "q", "q", "unanswered") == 0
    assert await null.review_queue() == []
    assert await null.get_review_item(1) is None
    assert await null.set_review_status(1, "accepted") is False
    assert await null.forget_user(ALICE) == 0
    assert await null.export_user(ALICE) == {"interactions": [], "feedback": [], "reports": []}
    assert await null.purge_older_than(30) == 0
    assert await null.stats(30) == Stats(days=30)
    await null.close()
    assert list(tmp_path.iterdir()) == []


async def test_forgotten_text_leaves_no_trace_in_the_database_files(tmp_path: Path) -> None:
    """/oubli: the text is gone from the main file *and* from the write-ahead log."""
    db_path = tmp_path / "erase.sqlite3"
    storage = await Storage.open(db_path, "secret")
    try:
        await storage.record_interaction(7, "mon secret tres personnel", "answer", None, 1.0, 5)
        await storage.forget_user(7)
        for file in tmp_path.glob("erase.sqlite3*"):
            assert b"mon secret tres personnel" not in file.read_bytes(), file.name
    finally:
        await storage.close()
