"""Staff edit the knowledge from Telegram: /exporter sends the workbook, a workbook sent back
is previewed, and « Appliquer » writes it.

Only admins' documents are ever downloaded: anyone else's is refused politely, unread. The
import is the command line's (:func:`bot.knowledge.workbook.import_file`): everything is
checked before anything is written, all files or none, and a workbook exported before newer
edits is named as such in the preview.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import tempfile
from datetime import date
from pathlib import Path

from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.knowledge.csv_rows import ImportReport
from bot.knowledge.workbook import export_workbook, import_file
from bot.telegram.render import NOT_TEXT, Button, OutMessage, esc
from bot.telegram.services import Context, ack, edit, reply_html, services
from bot.telegram.staff import allowed

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv")
PENDING = "document_import"  # user_data key: token → the downloaded file
PREVIEW_ERRORS = 10
PREVIEW_CHANGES = 25
NOT_FOR_YOU = NOT_TEXT["document"]  # the same polite words as before staff could send files


def add_handlers(app: Application) -> None:
    """/exporter, documents in private chats, and the « Appliquer » / « Annuler » buttons."""
    new = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("exporter", export, filters=new))
    app.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & filters.Document.ALL,
                                   on_document))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^doc:(ok|no):[A-Za-z0-9_-]+$"))


async def export(update: Update, context: Context) -> None:
    """/exporter: the knowledge as a workbook, to edit and send back."""
    if not await allowed(update, context):
        return
    knowledge = services(context).engine.knowledge
    data = await asyncio.to_thread(export_workbook, knowledge)
    await context.bot.send_document(
        update.effective_chat.id, data, filename=f"connaissances-{date.today().isoformat()}.xlsx",
        caption="Voici les connaissances. Modifiez le classeur, puis renvoyez-le-moi : je vous "
                "montrerai les changements avant de les appliquer. La feuille « Lisez-moi » "
                "explique chaque colonne.")


async def on_document(update: Update, context: Context) -> None:
    """A document in a private chat: an admin's spreadsheet is previewed, others are refused."""
    svc = services(context)
    user = update.effective_user
    if not svc.is_admin(user.id if user else None) or update.effective_chat.type != Chat.PRIVATE:
        await reply_html(update, context, esc(NOT_FOR_YOU))  # never downloaded
        return
    document = update.effective_message.document
    name = document.file_name or ""
    if not name.lower().endswith(SUFFIXES):
        await reply_html(update, context, esc(
            "Envoyez-moi un classeur .xlsx (obtenu avec /exporter) ou un fichier .csv."))
        return
    if (document.file_size or 0) > MAX_BYTES:
        await reply_html(update, context, esc("Ce fichier est trop gros (5 Mo au plus)."))
        return
    folder = Path(tempfile.mkdtemp(prefix="tlb-upload-"))
    path = folder / ("import.xlsx" if name.lower().endswith(".xlsx") else "import.csv")
    try:
        file = await context.bot.get_file(document.file_id)
        await file.download_to_drive(path)
    except (TelegramError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        log.warning("could not download a document: %s", exc)
        await reply_html(update, context, esc(
            "Je n'ai pas pu récupérer ce fichier. Réessayez dans un instant."))
        return
    report = await asyncio.to_thread(import_file, svc.holder.path, path, dry_run=True)
    if not report.ok or not report.changed:
        shutil.rmtree(folder, ignore_errors=True)
        await reply_html(update, context, esc(preview_text(report, name)))
        return
    token = secrets.token_urlsafe(9)
    pending = context.user_data.setdefault(PENDING, {})
    for old in pending.values():  # one preview at a time: an older one is abandoned
        shutil.rmtree(Path(old).parent, ignore_errors=True)
    pending.clear()
    pending[token] = str(path)
    await reply_html(update, context, esc(preview_text(report, name)), keyboard=(
        (Button("✅ Appliquer", f"doc:ok:{token}"), Button("Annuler", f"doc:no:{token}")),))


def preview_text(report: ImportReport, name: str) -> str:
    """What the import would do, in French, short enough for one message."""
    if not report.ok:
        lines = [f"Je ne peux pas importer « {name} » : {len(report.errors)} erreur(s). "
                 "Rien n'a été modifié.", *report.error_lines(PREVIEW_ERRORS),
                 "Corrigez ces cellules, puis renvoyez-moi le fichier."]
        return "\n".join(lines)
    if not report.changed:
        return f"« {name} » ne change rien aux connaissances actuelles."
    changes = report.change_lines()
    if len(changes) > PREVIEW_CHANGES:
        changes = [*changes[:PREVIEW_CHANGES], f"… et {len(changes) - PREVIEW_CHANGES} ligne(s) "
                   "de plus."]
    lines = [f"Aperçu de « {name} » (rien n'est encore écrit) :", *changes]
    if report.stale:
        lines += ["⚠️ Ce classeur a été exporté avant des modifications plus récentes. "
                  "« Appliquer » les annulerait :", *(f"  ! {s}" for s in report.stale),
                  "Pour les garder, demandez un nouvel export avec /exporter."]
    lines.append("Appliquer ces changements ?")
    return "\n".join(lines)


async def on_button(update: Update, context: Context) -> None:
    """« Appliquer » writes the previewed file and reloads; « Annuler » forgets it."""
    query = update.callback_query
    svc = services(context)
    if not svc.is_admin(query.from_user.id):
        await ack(query, "Ce bouton est réservé à l'équipe.", alert=True)
        return
    _, action, token = query.data.split(":")
    path = context.user_data.get(PENDING, {}).pop(token, None)
    await ack(query)
    if path is None:
        await edit(update, OutMessage(esc("Cet aperçu n'est plus valable : renvoyez le fichier.")))
        return
    try:
        if action == "no":
            await edit(update, OutMessage(esc("Import annulé : rien n'a été modifié.")))
            return
        report = await asyncio.to_thread(import_file, svc.holder.path, path)
        if not report.ok:
            await edit(update, OutMessage(esc(preview_text(report, "le fichier"))))
            return
        result = await asyncio.to_thread(svc.holder.reload)
        await edit(update, OutMessage(esc(
            f"✅ Changements appliqués ({', '.join(report.files)}).\n{result.message()}")))
    finally:
        shutil.rmtree(Path(path).parent, ignore_errors=True)


__all__ = ["add_handlers", "preview_text"]
