"""Staff edit the knowledge through Telegram: /exporter, a workbook sent back, « Appliquer »."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.engine.holder import KnowledgeHolder
from tests.e2e.conftest import ADMIN, Harness, e2e_config, start_bot
from tests.e2e.fake_bot_api import FakeBotApi

USER = 4242
QUESTION = "C'est quoi un fablab ?"
NEW_ANSWER = "Un fab lab est un atelier partagé, ouvert à tous, pour fabriquer soi-même."


@pytest.fixture
async def doc_bot(api: FakeBotApi, knowledge_copy: Path, tmp_path: Path,
                  env: None) -> AsyncIterator[Harness]:
    """The bot on a copy of the knowledge, downloading files from the fake server."""
    config = e2e_config(api, tmp_path / "bot.sqlite3",
                        base_file_url=f"http://127.0.0.1:{api.port}/file/bot")
    async for harness in start_bot(api, KnowledgeHolder(knowledge_copy), config):
        yield harness


def edited(workbook: bytes, sheet: str, entry_id: str, header: str, value: object) -> bytes:
    wb = load_workbook(io.BytesIO(workbook))
    ws = wb[sheet]
    column = next(c.column for c in ws[1] if c.value == header)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == entry_id)
    ws.cell(row, column).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def tree(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


async def exported(bot: Harness) -> bytes:
    sent = await bot.ask(ADMIN, "/exporter")
    assert sent.document is not None and sent.filename.endswith(".xlsx")
    assert "renvoyez" in sent.text
    return sent.document


async def test_admin_exports_edits_previews_and_applies(doc_bot: Harness) -> None:
    bot = doc_bot
    before = await bot.ask(USER, QUESTION)
    assert NEW_ANSWER not in before.text
    workbook = await exported(bot)
    assert {"FAQ", "Lieux", "Contacts", "Lisez-moi"} <= set(load_workbook(
        io.BytesIO(workbook)).sheetnames)

    bot.api.push_file(ADMIN, edited(workbook, "FAQ", "definition-fablab", "réponse", NEW_ANSWER),
                      "connaissances.xlsx")
    preview = await bot.api.pop_message(ADMIN)
    assert "Aperçu" in preview.text and "definition-fablab : answer" in preview.text
    assert bot.holder.engine.knowledge.faq["definition-fablab"].answer != NEW_ANSWER
    await bot.press(preview, "Appliquer")
    done = await bot.api.pop_edit(ADMIN, timeout=30)
    assert "Changements appliqués (faq/notions.yaml)" in done.text
    assert "Connaissances rechargées" in done.text

    after = await bot.ask(USER, QUESTION)
    assert NEW_ANSWER in after.text


async def test_cancel_changes_nothing(doc_bot: Harness) -> None:
    bot = doc_bot
    workbook = await exported(bot)
    before = tree(bot.holder.path)
    bot.api.push_file(ADMIN, edited(workbook, "FAQ", "definition-fablab", "réponse", NEW_ANSWER),
                      "connaissances.xlsx")
    preview = await bot.api.pop_message(ADMIN)
    await bot.press(preview, "Annuler")
    assert "Import annulé" in (await bot.api.pop_edit(ADMIN)).text
    assert tree(bot.holder.path) == before


async def test_non_admin_cannot_export_and_their_document_is_never_read(
    doc_bot: Harness
) -> None:
    bot = doc_bot
    refused = await bot.ask(USER, "/exporter")
    assert refused.document is None and "équipe" in refused.text.lower()
    workbook = await exported(bot)
    before = tree(bot.holder.path)
    bot.api.push_file(USER, edited(workbook, "FAQ", "definition-fablab", "réponse", NEW_ANSWER),
                      "connaissances.xlsx")
    reply = await bot.api.pop_message(USER)
    assert "Je ne lis pas les fichiers" in reply.text and not reply.buttons
    assert bot.api.downloads == []
    assert bot.api.requests["getFile"] == 0
    assert tree(bot.holder.path) == before


async def test_broken_workbook_is_refused_with_the_faulty_cell(doc_bot: Harness) -> None:
    bot = doc_bot
    workbook = await exported(bot)
    before = tree(bot.holder.path)
    bot.api.push_file(ADMIN, edited(workbook, "FAQ", "definition-fablab", "thème", "inconnu"),
                      "connaissances.xlsx")
    reply = await bot.api.pop_message(ADMIN)
    assert "Je ne peux pas importer" in reply.text and not reply.buttons
    assert "feuille « FAQ », ligne" in reply.text and "colonne « thème »" in reply.text
    assert tree(bot.holder.path) == before


async def test_stale_workbook_preview_names_the_newer_edit(doc_bot: Harness) -> None:
    bot = doc_bot
    old = await exported(bot)
    bot.api.push_file(ADMIN, edited(old, "FAQ", "definition-fablab", "réponse", NEW_ANSWER),
                      "a.xlsx")
    await bot.press(await bot.api.pop_message(ADMIN), "Appliquer")
    await bot.api.pop_edit(ADMIN)
    bot.api.push_file(ADMIN, edited(old, "FAQ", "definition-fablab", "réponse", "Ancienne."),
                      "b.xlsx")
    preview = await bot.api.pop_message(ADMIN)
    assert "exporté avant des modifications plus récentes" in preview.text
    assert "definition-fablab" in preview.text and "/exporter" in preview.text


async def test_csv_is_accepted_and_other_files_are_not(doc_bot: Harness) -> None:
    bot = doc_bot
    bot.api.push_file(ADMIN, b"%PDF-1.4", "cv.pdf")
    assert ".xlsx" in (await bot.api.pop_message(ADMIN)).text
    assert bot.api.downloads == []
    csv_text = bot.holder.engine.knowledge  # the export of the running knowledge
    from bot.knowledge.export import faq_csv

    bot.api.push_file(ADMIN, faq_csv(csv_text).encode("utf-8-sig"), "faq.csv")
    assert "ne change rien" in (await bot.api.pop_message(ADMIN)).text


# ----------------------------------------------------------------------------- review loop


async def test_a_dislike_and_its_reason_reach_stats_and_the_queue(doc_bot: Harness) -> None:
    bot = doc_bot
    answer = await bot.ask(USER, QUESTION)
    await bot.press(answer, "Pas utile")
    reasons = await bot.api.pop_edit(USER)
    answer.reply_markup = reasons.reply_markup
    await bot.press(answer, "Pas ma question")
    await bot.api.pop_edit(USER)

    stats = await bot.ask(ADMIN, "/stats")
    assert "👎 et leurs raisons" in stats.text and "Pas ma question ×1" in stats.text
    queue = await bot.ask(ADMIN, "/nonrepondues")
    assert QUESTION in queue.text and "👎 Pas ma question" in queue.text
    assert "réponse donnée « Qu'est-ce qu'un fab lab ? »" in queue.text
    await bot.press(queue, "1")
    item = await bot.api.pop_edit(ADMIN)
    assert item.text.startswith("📝 Question à traiter") and "n°" not in item.text.split("\n")[0]
    assert QUESTION in item.text and "Réponse donnée" in item.text
    assert not any(t.startswith("Ajouter à") for t in item.button_texts)  # not the refused one
    assert "Choisir une autre entrée" in item.button_texts


async def test_queue_numbers_open_the_line_they_number(doc_bot: Harness) -> None:
    bot = doc_bot
    for n in range(3):
        await bot.ask(USER + n, f"zorglub blabla {n} xyzzy")
    queue = await bot.ask(ADMIN, "/nonrepondues")
    lines = [line for line in queue.text.split("\n") if line[:1].isdigit()]
    for n, line in enumerate(lines, 1):
        await bot.press(queue, str(n))
        item = await bot.api.pop_edit(ADMIN)
        wording = line.split("« ", 1)[1].split(" »", 1)[0]
        assert wording in item.text
        queue = await bot.ask(ADMIN, "/nonrepondues")
