"""LearnedStore: staff-accepted phrasings take effect, can be undone, and stay clean."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
import yaml

from bot.engine import Engine
from bot.engine.reply import ReplyKind
from bot.knowledge import default_knowledge_path, load_knowledge
from bot.knowledge.learned import HEADER, LearnedStore
from bot.knowledge.scrub import REDACTED
from bot.storage.privacy import pseudonymise

SECRET = "test-secret"
STAFF = 424242
ENTRY = "definition-tiers-lieu"
ODD_PHRASING = "kézaco le bidule pour bosser à plusieurs"
NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_knowledge_path(), tmp_path / "knowledge"))


@pytest.fixture
def store(root: Path) -> LearnedStore:
    return LearnedStore(root, pseudonym=partial(pseudonymise, secret=SECRET))


def answer_to(root: Path, message: str) -> tuple[ReplyKind, str | None]:
    reply = Engine(load_knowledge(root)).reply(message)
    return reply.kind, reply.entry_id


def test_shipped_file_is_an_empty_list_with_its_header() -> None:
    text = (default_knowledge_path() / "learned.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Written by the bot")
    assert yaml.safe_load(text) == []


def test_added_phrasing_is_answered_by_its_entry_and_undo_removes_it(
    root: Path, store: LearnedStore
) -> None:
    assert answer_to(root, ODD_PHRASING) != (ReplyKind.ANSWER, ENTRY)

    learned = store.add(ENTRY, ODD_PHRASING, added_by=STAFF, now=NOW)

    assert learned.entry_id == ENTRY
    assert learned.question == ODD_PHRASING
    assert learned.added_on == "2026-11-25T10:30:00+00:00"
    assert answer_to(root, ODD_PHRASING) == (ReplyKind.ANSWER, ENTRY)
    assert ODD_PHRASING in load_knowledge(root).phrasings(ENTRY)

    assert store.undo_last() == learned
    assert store.all() == []
    assert answer_to(root, ODD_PHRASING) != (ReplyKind.ANSWER, ENTRY)
    assert store.undo_last() is None


def test_staff_member_is_pseudonymised(root: Path, store: LearnedStore) -> None:
    store.add(ENTRY, ODD_PHRASING, added_by=STAFF, now=NOW)
    text = (root / "learned.yaml").read_text(encoding="utf-8")
    assert str(STAFF) not in text
    assert pseudonymise(STAFF, SECRET) in text


def test_undo_for_one_staff_member_leaves_the_others(store: LearnedStore) -> None:
    mine = store.add(ENTRY, ODD_PHRASING, added_by=1)
    store.add("definition-fablab", "atelier à machines pour bricoleurs", added_by=2)
    assert store.undo_last(added_by=1) == mine
    assert [p.question for p in store.all()] == ["atelier à machines pour bricoleurs"]
    assert store.undo_last(added_by=1) is None


def test_header_comment_and_order_survive_writes(root: Path, store: LearnedStore) -> None:
    path = root / "learned.yaml"
    path.write_text(HEADER + "# a note from staff\n[]\n", encoding="utf-8")
    store.add(ENTRY, ODD_PHRASING, added_by=STAFF)
    store.add(ENTRY, "lieu de boulot partagé en ville", added_by=STAFF)
    store.add("definition-fablab", "atelier à machines pour bricoleurs", added_by=STAFF)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEADER + "# a note from staff\n")
    assert [p.question for p in store.all()] == [
        ODD_PHRASING, "lieu de boulot partagé en ville", "atelier à machines pour bricoleurs",
    ]
    for _ in range(3):
        store.undo_last()
    assert path.read_text(encoding="utf-8") == HEADER + "# a note from staff\n[]\n"
    load_knowledge(root)  # still valid


def test_missing_file_is_created_with_its_header(root: Path, store: LearnedStore) -> None:
    (root / "learned.yaml").unlink()
    assert store.all() == []
    store.add(ENTRY, ODD_PHRASING, added_by=STAFF)
    assert (root / "learned.yaml").read_text(encoding="utf-8").startswith(HEADER)


@pytest.mark.parametrize(
    ("entry_id", "question", "message"),
    [
        ("nexiste-pas", ODD_PHRASING, "n'existe pas"),
        (ENTRY, "   ", "vide"),
        (ENTRY, "?!", "vide"),
        (ENTRY, "qu'est-ce qu'un TIERS LIEU", "connaît déjà"),  # hand-written, other spelling
        ("definition-fablab", "Qu'est-ce qu'un tiers-lieu ?", "appartient déjà"),
        (ENTRY, "x" * 400, "trop longue"),
    ],
)
def test_refusals_are_french_and_change_nothing(
    root: Path, store: LearnedStore, entry_id: str, question: str, message: str
) -> None:
    before = (root / "learned.yaml").read_bytes()
    with pytest.raises(ValueError, match=message):
        store.add(entry_id, question, added_by=STAFF)
    assert (root / "learned.yaml").read_bytes() == before


def test_duplicate_of_a_learned_phrasing_is_refused(store: LearnedStore) -> None:
    store.add(ENTRY, ODD_PHRASING, added_by=STAFF)
    with pytest.raises(ValueError, match="connaît déjà"):
        store.add(ENTRY, ODD_PHRASING.upper() + " ?", added_by=STAFF)
    with pytest.raises(ValueError, match="appartient déjà"):
        store.add("definition-fablab", ODD_PHRASING, added_by=STAFF)
    assert len(store.all()) == 1


def test_personal_data_is_scrubbed(root: Path, store: LearnedStore) -> None:
    learned = store.add(
        ENTRY, "c'est quoi un tiers lieu, écrivez-moi à jean.dupont@example.org ou 06 12 34 56 78",
        added_by=STAFF,
    )
    text = (root / "learned.yaml").read_text(encoding="utf-8")
    for secret_bit in ("jean.dupont", "example.org", "06 12 34 56 78"):
        assert secret_bit not in learned.question
        assert secret_bit not in text
    assert learned.question.count(REDACTED) == 2
    with pytest.raises(ValueError, match="vide"):
        store.add(ENTRY, "jean.dupont@example.org", added_by=STAFF)


def test_knowledge_provider_is_used_instead_of_reloading(root: Path) -> None:
    knowledge = load_knowledge(root)
    store = LearnedStore(root, knowledge=lambda: knowledge,
                         pseudonym=partial(pseudonymise, secret=SECRET))
    store.add(ENTRY, ODD_PHRASING, added_by=STAFF)
    assert [p.entry_id for p in store.all()] == [ENTRY]


def test_without_secret_a_raw_telegram_id_is_refused(root: Path) -> None:
    store = LearnedStore(root)
    with pytest.raises(ValueError, match="pseudonym"):
        store.add(ENTRY, ODD_PHRASING, added_by=STAFF)
    assert store.add(ENTRY, ODD_PHRASING, added_by="staff-a1b2").added_by == "staff-a1b2"


def test_learned_phrasings_can_live_outside_a_read_only_knowledge_folder(tmp_path: Path) -> None:
    """A container ships the knowledge in the image and keeps learned.yaml on its volume."""
    from bot.engine.holder import KnowledgeHolder

    shipped = default_knowledge_path()
    volume = tmp_path / "data" / "learned.yaml"
    holder = KnowledgeHolder(shipped, learned_path=volume)
    store = LearnedStore(shipped, knowledge=lambda: holder.engine.knowledge,
                         pseudonym=partial(pseudonymise, secret=SECRET),
                         path=volume)
    before = (shipped / "learned.yaml").read_bytes()

    store.add(ENTRY, ODD_PHRASING, added_by=STAFF, now=NOW)
    assert holder.reload().ok
    reply = holder.engine.reply(ODD_PHRASING)

    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, ENTRY)
    assert volume.exists() and (shipped / "learned.yaml").read_bytes() == before
