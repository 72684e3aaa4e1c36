"""``python -m bot stats | review | check --stale`` against a temporary database and knowledge."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.staff import REVIEW_CSV_COLUMNS
from bot.engine.reply import ReplyKind
from bot.knowledge import default_knowledge_path
from bot.storage import Storage

SECRET = "test-secret"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TLB_HMAC_SECRET", SECRET)
    path = tmp_path / "config.yaml"
    path.write_text(f"storage:\n  database: {tmp_path / 'bot.sqlite3'}\n", encoding="utf-8")
    return path


async def _fill(database: Path) -> None:
    now = datetime.now(UTC)
    storage = await Storage.open(database, SECRET)
    try:
        for user, message, kind, entry in [
            (1, "Qu'est-ce qu'un tiers-lieu ?", ReplyKind.ANSWER, "definition-tiers-lieu"),
            (2, "qu'est-ce qu'un tiers-lieu ?", ReplyKind.ANSWER, "definition-tiers-lieu"),
            (2, "coworking à Malakoff", ReplyKind.PLACES, None),
            (3, "bonjour", ReplyKind.SMALLTALK, None),
        ]:
            await storage.record_interaction(user, message, kind, entry, 90.0, 120, now=now)
        await storage.record_interaction(1, "vieux message", ReplyKind.FALLBACK, None, 0.0, 80,
                                          now=now - timedelta(days=20))
        await storage.record_feedback(1, "definition-tiers-lieu", True, now=now)
        await storage.record_feedback(2, "definition-tiers-lieu", False, now=now)
        for user in (1, 2):
            await storage.enqueue_review(user, "où imprimer en 3D ?", "imprimer 3d",
                                         "unanswered", now=now)
        await storage.enqueue_review(3, "=HYPERLINK(\"http://x\")", "hyperlink x",
                                     "low_confidence", "definition-fablab", 41.5, now=now)
    finally:
        await storage.close()


@pytest.fixture
def database(config: Path, tmp_path: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    asyncio.run(_fill(path))
    return path


def test_stats_prints_7_and_30_day_figures_in_french(
    config: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    week, month = out.split("\n\n")
    assert week.startswith("Sur les 7 derniers jours :")
    assert "messages : 4, de 3 personne(s)" in week
    assert "réponses directes : 2 (50,0 %)" in week
    assert "sans réponse : 0 (0,0 %)" in week
    assert "2 × qu'est-ce qu'un tiers-lieu ?" in week.lower()  # grouped, latest wording
    assert "definition-tiers-lieu : 1 / 1" in week
    assert "temps de réponse médian : 120 ms" in week
    assert month.startswith("Sur les 30 derniers jours :")
    assert "messages : 5, de 3 personne(s)" in month
    assert "sans réponse : 1 (20,0 %)" in month


def test_stats_custom_periods(config: Path, database: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--config", str(config), "--days", "1"]) == 0
    assert capsys.readouterr().out.startswith("Sur les 1 derniers jours :")


def test_review_prints_the_queue_as_csv(
    config: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "--config", str(config)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == REVIEW_CSV_COLUMNS
    assert len(rows) == 3
    first = dict(zip(REVIEW_CSV_COLUMNS, rows[1], strict=True))
    assert (first["count"], first["reason"], first["message"]) == ("2", "unanswered",
                                                                   "où imprimer en 3D ?")
    second = dict(zip(REVIEW_CSV_COLUMNS, rows[2], strict=True))
    assert (second["suggested_id"], second["score"]) == ("definition-fablab", "41.5")
    assert second["message"] == "'=HYPERLINK(\"http://x\")"  # never a live formula


def test_review_limit_and_output_file(
    config: Path, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "queue.csv"
    assert main(["review", "--config", str(config), "--limit", "1", "-o", str(output)]) == 0
    assert "1 question(s)" in capsys.readouterr().out
    assert len(output.read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize("command", ["stats", "review"])
def test_missing_database_is_a_clear_error_and_is_not_created(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert main([command, "--config", str(config)]) == 2
    assert "Base de données introuvable" in capsys.readouterr().err
    assert not (tmp_path / "bot.sqlite3").exists()


def test_not_a_database_is_a_clear_error(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bot.sqlite3").write_text("pas une base de données\n" * 100, encoding="utf-8")
    assert main(["stats", "--config", str(config)]) == 2
    assert "Base de données inutilisable" in capsys.readouterr().err


def test_check_stale_lists_old_entries_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(shutil.copytree(default_knowledge_path(), tmp_path / "knowledge"))
    notions = root / "faq" / "notions.yaml"
    text = notions.read_text(encoding="utf-8")
    head, rest = text.split("- id: definition-tiers-lieu\n", 1)
    checked = rest.split('checked_on: "', 1)[1][:10]
    rest = rest.replace(f'checked_on: "{checked}"', 'checked_on: "2020-01-15"', 1)
    notions.write_text(head + "- id: definition-tiers-lieu\n" + rest, encoding="utf-8")

    assert main(["check", "--knowledge", str(root), "--stale", "0"]) == 0
    out = capsys.readouterr().out
    assert "À REVÉRIFIER" in out and "« definition-tiers-lieu » vérifiée le 2020-01-15" in out

    assert main(["check", "--knowledge", str(root), "--stale", "1200"]) == 0
    out = capsys.readouterr().out
    assert "À REVÉRIFIER" not in out
    assert "0 fiche(s) non vérifiée(s) depuis 1200 mois." in out
