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
from bot.cli.check import stale_entries
from bot.cli.staff import REVIEW_CSV_COLUMNS
from bot.engine.reply import ReplyKind
from bot.knowledge import default_knowledge_path, load_knowledge
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
        asked = await storage.record_interaction(2, "qu'est-ce qu'un tiers-lieu ?",
                                                 ReplyKind.ANSWER, "definition-tiers-lieu",
                                                 88.0, 110, now=now - timedelta(days=40))
        await storage.record_feedback(2, "definition-tiers-lieu", False, asked,
                                      "Pas ma question", now=now)
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


def review_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))


def test_review_prints_the_queue_as_csv(
    config: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "--config", str(config)]) == 0
    rows = review_rows(capsys.readouterr().out)
    assert tuple(rows[0]) == REVIEW_CSV_COLUMNS
    assert rows[0][:4] == ["n°", "nombre", "dernière fois", "motif"]
    assert len(rows) == 4
    by_message = {r[7]: dict(zip(REVIEW_CSV_COLUMNS, r, strict=True)) for r in rows[1:]}
    first = by_message["où imprimer en 3D ?"]
    assert (first["nombre"], first["motif"]) == ("2", "sans réponse")
    hostile = by_message["'=HYPERLINK(\"http://x\")"]  # never a live formula
    assert (hostile["entrée proposée ou donnée"], hostile["score"]) == ("definition-fablab", "42")
    disliked = next(r for r in by_message.values() if r["motif"] == "pas utile (👎)")
    assert disliked["message"] == "qu'est-ce qu'un tiers-lieu ?"
    assert disliked["raison du 👎"] == "Pas ma question"
    assert disliked["entrée proposée ou donnée"] == "definition-tiers-lieu"


def test_review_limit_and_output_file(
    config: Path, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "queue.csv"
    assert main(["review", "--config", str(config), "--limit", "1", "-o", str(output)]) == 0
    assert "1 question(s)" in capsys.readouterr().out
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents
    assert len(output.read_text(encoding="utf-8-sig").splitlines()) == 2


def test_empty_review_queue_says_so(config: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    async def empty() -> None:
        await (await Storage.open(tmp_path / "bot.sqlite3", SECRET)).close()

    asyncio.run(empty())
    assert main(["review", "--config", str(config)]) == 0
    assert capsys.readouterr().out == "Aucune question à relire : la file est vide.\n"


def test_review_decisions_round_trip_through_a_workbook(
    config: Path, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    knowledge = Path(shutil.copytree(default_knowledge_path(), tmp_path / "knowledge"))
    output = tmp_path / "queue.xlsx"
    assert main(["review", "--config", str(config), "-o", str(output)]) == 0
    wb = load_workbook(output)
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == list(REVIEW_CSV_COLUMNS)
    assert ws.cell(2, header.index("message") + 1).data_type == "s"
    messages = {ws.cell(r, 8).value: r for r in range(2, ws.max_row + 1)}
    decision, entry = header.index("décision") + 1, header.index("entrée à rattacher") + 1
    ws.cell(messages["où imprimer en 3D ?"], decision).value = "rattacher"
    ws.cell(messages["où imprimer en 3D ?"], entry).value = "definition-fablab"
    ws.cell(messages['=HYPERLINK("http://x")'], decision).value = "Ignorer"
    wb.save(output)
    args = ["review", "--config", str(config), "--knowledge", str(knowledge),
            "--import", str(output)]

    assert main([*args, "--dry-run"]) == 0
    assert "Rien n'a été écrit" in capsys.readouterr().out
    assert main(args) == 0
    assert "2 décision(s) appliquée(s)" in capsys.readouterr().out
    learned = load_knowledge(knowledge, knowledge / "learned.yaml")
    assert "où imprimer en 3D ?" in learned.phrasings("definition-fablab")
    assert main(["review", "--config", str(config)]) == 0
    left = review_rows(capsys.readouterr().out)
    assert [r[7] for r in left[1:]] == ["qu'est-ce qu'un tiers-lieu ?"]  # only the 👎 is left


def test_review_import_refuses_bad_decisions_whole(
    config: Path, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "queue.csv"
    assert main(["review", "--config", str(config), "-o", str(output)]) == 0
    rows = review_rows(output.read_text(encoding="utf-8-sig"))
    rows[1][8] = "ignorer"
    rows[2][8] = "peut-être"
    rows[3][8], rows[3][9] = "rattacher", "entree-fantome"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    output.write_text(out.getvalue(), encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["review", "--config", str(config), "--import", str(output)]) == 1
    err = capsys.readouterr().err
    assert "2 erreur(s), rien n'a été modifié" in err
    assert "ligne 3, colonne « décision »" in err and "ligne 4, colonne « entrée à rattacher »" in err
    assert main(["review", "--config", str(config)]) == 0
    assert len(review_rows(capsys.readouterr().out)) == 4  # nothing was closed


def test_stats_show_dislikes_and_no_control_characters(
    config: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def hostile() -> None:
        storage = await Storage.open(database, SECRET)
        await storage.record_interaction(9, "bip\x07\x1b[2Jeffacé", ReplyKind.FALLBACK, None,
                                         0.0, 10)
        await storage.close()

    asyncio.run(hostile())
    assert main(["stats", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "réponses jugées pas utiles, et pourquoi :" in out
    assert "definition-tiers-lieu : Pas ma question × 1" in out
    assert "\x1b" not in out and "\x07" not in out
    assert main(["review", "--config", str(config)]) == 0
    assert "\x1b" not in capsys.readouterr().out


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
    assert "fiche(s) non vérifiée(s) depuis 0 mois." in out

    # the same knowledge with a longer delay: nothing is due (the listing alone, without the
    # phrasing warnings that make a whole check take seconds)
    assert stale_entries(load_knowledge(root), 1200) == []
