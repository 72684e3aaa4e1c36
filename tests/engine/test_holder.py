"""KnowledgeHolder: a broken edit never replaces the knowledge the bot is serving."""

from __future__ import annotations

import os
import shutil
from functools import partial
from pathlib import Path

import pytest

from bot.engine.holder import KnowledgeHolder
from bot.engine.reply import ReplyKind
from bot.knowledge import default_knowledge_path
from bot.knowledge.learned import LearnedStore
from bot.storage.privacy import pseudonymise

QUESTION = "Qu'est-ce qu'un tiers-lieu ?"
ENTRY = "definition-tiers-lieu"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_knowledge_path(), tmp_path / "knowledge"))


def edit(path: Path, old: str, new: str) -> None:
    """Replace text and make sure the change is visible to an mtime/size watcher."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def answers(holder: KnowledgeHolder, message: str) -> tuple[ReplyKind, str | None]:
    reply = holder.engine.reply(message)
    return reply.kind, reply.entry_id


def test_broken_file_keeps_the_last_good_knowledge_then_a_fix_reloads(root: Path) -> None:
    holder = KnowledgeHolder(root)
    engine = holder.engine
    assert answers(holder, QUESTION) == (ReplyKind.ANSWER, ENTRY)
    notions = root / "faq" / "notions.yaml"
    good = notions.read_text(encoding="utf-8")

    edit(notions, "  theme: notions\n", "  theme: notionz\n")
    result = holder.reload()

    assert not result.ok
    assert holder.engine is engine
    assert answers(holder, QUESTION) == (ReplyKind.ANSWER, ENTRY)
    [problem] = result.problems
    assert problem.file.endswith("faq/notions.yaml")
    assert (problem.entry, problem.field) == (ENTRY, "theme")
    assert problem.line == good.splitlines().index(f"- id: {ENTRY}") + 1  # the entry's line
    assert "notionz" in problem.message
    assert "je continue avec les connaissances précédentes" in result.message()

    notions.write_text(good, encoding="utf-8")
    result = holder.reload()
    assert result.ok and "entrées" in result.summary
    assert holder.engine is not engine
    assert answers(holder, QUESTION) == (ReplyKind.ANSWER, ENTRY)


def test_invalid_yaml_is_located_by_line(root: Path) -> None:
    holder = KnowledgeHolder(root)
    edit(root / "places.yaml", "- id: casaco\n", "- id: casaco\n  name: [oops\n")
    result = holder.reload()
    assert not result.ok
    assert result.problems[0].file.endswith("places.yaml")
    assert result.problems[0].line is not None
    assert "Erreur de syntaxe YAML" in result.problems[0].message
    assert answers(holder, QUESTION) == (ReplyKind.ANSWER, ENTRY)


def test_reload_if_changed_detects_changes_and_reports_a_broken_file_once(root: Path) -> None:
    holder = KnowledgeHolder(root)
    assert holder.reload_if_changed() is None

    edit(root / "faq" / "notions.yaml", "  theme: notions\n", "  theme: notionz\n")
    result = holder.reload_if_changed()
    assert result is not None and not result.ok
    assert holder.reload_if_changed() is None  # not reported again until the next edit

    edit(root / "faq" / "notions.yaml", "  theme: notionz\n", "  theme: notions\n")
    result = holder.reload_if_changed()
    assert result is not None and result.ok
    assert holder.reload_if_changed() is None


def test_learned_phrasing_takes_effect_on_reload(root: Path) -> None:
    holder = KnowledgeHolder(root)
    phrasing = "kézaco le bidule pour bosser à plusieurs"
    assert answers(holder, phrasing) != (ReplyKind.ANSWER, ENTRY)

    store = LearnedStore(root, knowledge=lambda: holder.engine.knowledge,
                         pseudonym=partial(pseudonymise, secret="s"))
    store.add(ENTRY, phrasing, added_by=1)
    assert holder.reload().ok
    assert answers(holder, phrasing) == (ReplyKind.ANSWER, ENTRY)

    store.undo_last()
    result = holder.reload()
    assert result.ok and "0 formulation(s) apprise(s)" in result.summary
    assert answers(holder, phrasing) != (ReplyKind.ANSWER, ENTRY)


def test_learned_phrasing_for_a_removed_entry_is_refused_on_reload(root: Path) -> None:
    holder = KnowledgeHolder(root)
    (root / "learned.yaml").write_text(
        "- id: entree-disparue\n  question: une question\n", encoding="utf-8"
    )
    result = holder.reload()
    assert not result.ok
    assert result.problems[0].file.endswith("learned.yaml")
    assert answers(holder, QUESTION) == (ReplyKind.ANSWER, ENTRY)


def test_a_broken_geography_file_is_located_and_the_last_knowledge_kept(root: Path) -> None:
    holder = KnowledgeHolder(root, cache_dir=False)
    engine = holder.engine
    outside = root / "geo" / "hors-92.yaml"
    edit(outside, "{name: Versailles, departement: Yvelines, borders: true, lat: 48.805,",
         "{name: Versailles, departement: Yvelines, borders: true, lat: nord,")
    edit(outside, 'of: "de l\'Essonne", ', "")
    stations = root / "geo" / "gares-idfm.csv"
    stations.write_text(stations.read_text(encoding="utf-8").rstrip("\n")
                        + "\nGare inventée,TRAIN,,quarante-huit,2.3\n", encoding="utf-8")

    result = holder.reload()

    assert not result.ok and holder.engine is engine
    found = {(p.file, p.entry, p.field) for p in result.problems}
    assert found == {("geo/hors-92.yaml", "Versailles", "lat"),
                     ("geo/hors-92.yaml", "Essonne", "of"),
                     ("geo/gares-idfm.csv", "Gare inventée", "lat")}
    line = next(p.line for p in result.problems if p.entry == "Gare inventée")
    assert line == len(stations.read_text(encoding="utf-8").splitlines())
    assert all("attendu" in p.message for p in result.problems)  # French, no traceback
