"""The start-up cache: warm starts skip the YAML, edits invalidate per file, never a wrong engine."""

from __future__ import annotations

import os
import pickle
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

import bot.knowledge.cache as cache_module
import bot.knowledge.faqfiles as faqfiles
from bot.engine.holder import KnowledgeHolder
from bot.engine.reply import ReplyKind
from bot.knowledge import default_knowledge_path

QUESTION = "Qu'est-ce qu'un tiers-lieu ?"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_knowledge_path(), tmp_path / "knowledge"))


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The FAQ files read from their YAML (by the fast reading or by PyYAML), once each."""
    parsed: list[str] = []
    fast, slow = faqfiles._read_fast, faqfiles.parse

    def reading_fast(raw: bytes, rel: str) -> object:
        parsed.append(rel)
        return fast(raw, rel)

    def reading(data: bytes, rel: str, problems: list) -> object:
        if rel not in parsed:
            parsed.append(rel)
        return slow(data, rel, problems)

    monkeypatch.setattr(faqfiles, "_read_fast", reading_fast)
    monkeypatch.setattr(faqfiles, "parse", reading)
    return parsed


def test_a_warm_start_reads_no_yaml_and_answers_the_same(root: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cold = KnowledgeHolder(root, cache_dir=cache)
    cold.flush_cache()
    assert {p.name.split("-")[0] for p in cache.iterdir()} >= {"engine", "file"}
    assert all(p.stat().st_mode & 0o077 == 0 for p in cache.iterdir())
    parsed = count_parses(monkeypatch)
    warm = KnowledgeHolder(root, cache_dir=cache)
    assert parsed == []
    assert warm.engine is not cold.engine
    for message in (QUESTION, "coworking a nanterre", "c koi un fablab", "bonjour"):
        a, b = cold.engine.reply(message), warm.engine.reply(message)
        assert (a.kind, a.entry_id, a.text) == (b.kind, b.entry_id, b.text)


def test_a_reload_after_one_edit_parses_only_that_file(root: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    holder = KnowledgeHolder(root, cache_dir=tmp_path / "cache")
    holder.flush_cache()
    holder = KnowledgeHolder(root, cache_dir=tmp_path / "cache")  # warm: memory memo empty
    parsed = count_parses(monkeypatch)
    notions = root / "faq" / "notions.yaml"
    notions.write_text(notions.read_text(encoding="utf-8").replace(
        "Un tiers-lieu est un endroit", "Un tiers-lieu est un lieu", 1), encoding="utf-8")
    result = holder.reload()
    assert result.ok, result.message()
    assert parsed == ["knowledge/faq/notions.yaml"]
    assert "Un tiers-lieu est un lieu" in holder.engine.reply(QUESTION).text


def test_a_start_leaves_the_cache_writing_to_the_background(root: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    writers: list[tuple[str, str]] = []
    original = cache_module.DiskCache.store

    def recording(self: cache_module.DiskCache, kind: str, *args: object) -> None:
        writers.append((kind, threading.current_thread().name))
        original(self, kind, *args)

    monkeypatch.setattr(cache_module.DiskCache, "store", recording)
    holder = KnowledgeHolder(root, cache_dir=tmp_path / "cache")
    holder.flush_cache()
    assert {kind for kind, _ in writers} == {"file", "engine"}
    assert {thread for _, thread in writers} == {"knowledge-cache"}
    # …and what it wrote serves the next start, which parses nothing
    parsed = count_parses(monkeypatch)
    KnowledgeHolder(root, cache_dir=tmp_path / "cache")
    assert parsed == []


def test_the_cache_is_not_trusted_across_code_versions(root: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    KnowledgeHolder(root, cache_dir=tmp_path / "cache").flush_cache()
    monkeypatch.setattr(cache_module, "CODE_STAMP", "another-version")
    parsed = count_parses(monkeypatch)
    KnowledgeHolder(root, cache_dir=tmp_path / "cache")
    assert "knowledge/faq/notions.yaml" in parsed


def test_an_edit_made_while_stopped_is_seen_at_the_next_start(root: Path, tmp_path: Path) -> None:
    KnowledgeHolder(root, cache_dir=tmp_path / "cache").flush_cache()
    notions = root / "faq" / "notions.yaml"
    notions.write_text(notions.read_text(encoding="utf-8").replace(
        "Un tiers-lieu est un endroit", "Un tiers-lieu est un lieu", 1), encoding="utf-8")
    holder = KnowledgeHolder(root, cache_dir=tmp_path / "cache")
    assert "Un tiers-lieu est un lieu" in holder.engine.reply(QUESTION).text


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_cache_folder_only_means_no_cache(root: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    holder = KnowledgeHolder(root, cache_dir=locked / "cache")
    holder.flush_cache()
    assert holder.engine.reply(QUESTION).entry_id == "definition-tiers-lieu"


def test_a_cache_folder_others_may_write_is_ignored(root: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    holder = KnowledgeHolder(root, cache_dir=shared)
    holder.flush_cache()
    assert list(shared.iterdir()) == []
    assert holder.engine.reply(QUESTION).kind is ReplyKind.ANSWER


def test_a_corrupt_cache_file_is_ignored(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    KnowledgeHolder(root, cache_dir=cache).flush_cache()
    for path in cache.iterdir():
        path.write_bytes(b"not a pickle")
    holder = KnowledgeHolder(root, cache_dir=cache)
    assert holder.engine.reply(QUESTION).entry_id == "definition-tiers-lieu"
    holder.flush_cache()
    with (next(cache.glob("engine-*"))).open("rb") as f:
        assert pickle.load(f)  # rewritten: the key comes first


def test_any_exception_while_reloading_keeps_the_knowledge_and_is_reported_once(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = KnowledgeHolder(root, cache_dir=False)
    engine = holder.engine
    notions = root / "faq" / "notions.yaml"
    notions.write_text(notions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(notions, (1, 1))

    def explode(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("bot.engine.holder.Engine", explode)
    result = holder.reload_if_changed()
    assert result is not None and not result.ok
    assert "erreur inattendue" in result.message() and "RecursionError" in result.message()
    assert holder.engine is engine
    assert holder.reload_if_changed() is None  # once, not at every watcher tick


@pytest.mark.parametrize("numbering", ["fresh process", "other numbering"])
def test_the_second_opinion_survives_the_cache_whatever_the_process_numbered(
        numbering: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """n-gram ids are per process: a pickled model must bring its names and renumber."""
    import bot.engine.second_opinion as so

    model = so.CentroidModel({"fablab": ["atelier de fabrication numerique", "fab lab"],
                              "cowork": ["espace de coworking partage"]}, str.split)
    message = model.query("un atelier de coworking fab lab")
    before = model.similarities(message, ["fablab", "cowork", "absent"])
    data = pickle.dumps(model)
    monkeypatch.setattr(so, "_feature_ids", {})
    monkeypatch.setattr(so, "_feature_names", [])
    monkeypatch.setattr(so, "_block_cache", {})
    monkeypatch.setattr(so, "_word_cache", {})
    if numbering == "other numbering":
        for junk in ("zzz", "#zz", "yyy"):
            so._feature_id(junk)
    restored = pickle.loads(data)
    after = restored.similarities(restored.query("un atelier de coworking fab lab"),
                                  ["fablab", "cowork", "absent"])
    assert after == pytest.approx(before)
    assert after["fablab"] > after["cowork"] > 0 and after["absent"] == 0


def test_the_second_opinion_is_stored_compactly_and_comes_back_the_same() -> None:
    from bot.engine.second_opinion import _Block, _pack, _unpack

    blocks = {
        "a": _Block(np.array([0, 2, 3]), np.array([5, 9, 1]), np.array([1.0, 2.0, 1.0])),
        "b": _Block(np.array([0, 1]), np.array([70_000]), np.array([3.0])),
    }
    packed = _pack(blocks)
    assert packed[-1].dtype == np.uint16  # whole counts: 16 bits are exact
    back = _unpack(pickle.loads(pickle.dumps(packed)))
    for name, block in blocks.items():
        for field in ("indptr", "cols", "counts"):
            assert np.array_equal(getattr(back[name], field), getattr(block, field))
    fractional = {"c": _Block(np.array([0, 1]), np.array([4]), np.array([0.5]))}
    assert _unpack(_pack(fractional))["c"].counts.tolist() == [0.5]  # kept as they were
