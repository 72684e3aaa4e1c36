"""Staff callbacks (/stats, /nonrepondues, /recharger, /annuler), notifications and jobs.

Staff are the Telegram users listed in ``telegram.admin_ids``. Their commands work in private
chats only (statistics and users' questions have no place in a group), and are refused
politely to everyone else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import Chat, Message, Update
from telegram.ext import filters

from bot.engine import Engine
from bot.knowledge.scrub import scrub_personal_data
from bot.storage import Stats
from bot.telegram import render
from bot.telegram.background import stoppable
from bot.telegram.notify import notify_admins
from bot.telegram.render import Button, OutMessage, cb_review, esc, quote, shorten
from bot.telegram.services import Context, Services, ack, edit, reply_html, send, services

log = logging.getLogger(__name__)

QUEUE_SIZE = 10
_REASONS = {"unanswered": "sans réponse", "low_confidence": "réponse incertaine",
            "report": "signalement"}


async def allowed(update: Update, context: Context) -> bool:
    """True for staff in a private chat; otherwise says why not."""
    user = update.effective_user
    if not services(context).is_admin(user.id if user else None):
        await reply_html(update, context, esc(render.STAFF_ONLY))
        return False
    if update.effective_chat.type != Chat.PRIVATE:
        await reply_html(update, context, "Écrivez-moi cette commande en message privé.")
        return False
    return True


def added_by(update: Update) -> int:
    """Who accepted a phrasing: the staff id, pseudonymised by the learned store."""
    return update.effective_user.id


# ----------------------------------------------------------------------------- commands


async def stats(update: Update, context: Context) -> None:
    """/stats: usage over 7 and 30 days."""
    if not await allowed(update, context):
        return
    svc = services(context)
    periods = [await svc.storage.stats(days) for days in (7, 30)]
    blocks = ["📊 <b>Statistiques</b>", *(stats_block(s, svc.engine) for s in periods)]
    await send(context, update.effective_chat.id, render.messages_from_blocks(blocks))


async def unanswered(update: Update, context: Context) -> None:
    """/nonrepondues: the review queue, most frequent first."""
    if not await allowed(update, context):
        return
    messages = await queue_view(services(context))
    await send(context, update.effective_chat.id, messages)


async def reload_knowledge(update: Update, context: Context) -> None:
    """/recharger: reload the knowledge files and report how it went."""
    if not await allowed(update, context):
        return
    result = await asyncio.to_thread(services(context).holder.reload)
    await reply_html(update, context, esc(result.message()))


async def undo(update: Update, context: Context) -> None:
    """/annuler: abandon a text being edited, else remove the last accepted phrasing."""
    if not await allowed(update, context):
        return
    if context.user_data.pop("review_edit", None) is not None:
        await reply_html(update, context, "Modification abandonnée.")
        return
    svc = services(context)
    if svc.learned is None:
        await reply_html(update, context, "L'apprentissage de formulations n'est pas disponible.")
        return
    removed = svc.learned.undo_last(added_by=added_by(update))
    if removed is None:
        await reply_html(update, context, "Rien à annuler : vous n'avez ajouté aucune formulation.")
        return
    result = await asyncio.to_thread(svc.holder.reload)
    await reply_html(update, context,
                     f"Formulation retirée : {quote(removed.question)} "
                     f"(entrée « {esc(removed.entry_id)} »).", esc(result.message()))


# ----------------------------------------------------------------------------- review queue


async def on_review_button(update: Update, context: Context) -> None:
    """Review queue buttons: open an item, accept, pick another entry, edit, dismiss."""
    query = update.callback_query
    svc = services(context)
    if not svc.is_admin(query.from_user.id):
        await ack(query, render.STAFF_ONLY, alert=True)
        return
    parts = render.unpack(query.data)
    action = parts[1] if len(parts) > 1 else "l"
    item_id = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
    await ack(query)
    if action == "l":
        await show(update, context, await queue_view(svc))
    elif action == "o":
        await edit(update, await item_view(svc, context, item_id))
    elif action == "ok":
        item = await svc.storage.get_review_item(item_id)
        await accept(update, context, item_id, item.suggested_id if item else None)
    elif action == "pk":
        await edit(update, theme_picker(svc.engine, item_id))
    elif action == "pt":
        theme = render.resolve(parts[-1], svc.engine.knowledge.themes)
        page = int(parts[3]) if len(parts) > 4 and parts[3].isdigit() else 0
        await edit(update, entry_picker(svc.engine, item_id, theme, page))
    elif action == "pe":
        await accept(update, context, item_id, render.resolve(parts[-1], svc.engine.knowledge.faq))
    elif action == "ed":
        context.user_data["review_edit"] = item_id
        await edit(update, OutMessage(
            "✏️ Envoyez-moi le texte corrigé de cette question. Les adresses électroniques, "
            "numéros de téléphone et longues suites de chiffres en seront retirés. "
            "/annuler pour abandonner."))
    elif action == "dn":  # a report: staff have dealt with it
        await svc.storage.set_review_status(item_id, "accepted")
        await show(update, context, await queue_view(svc, "Signalement marqué traité."))
    elif action == "no":
        await svc.storage.set_review_status(item_id, "dismissed")
        await show(update, context, await queue_view(svc, "Question ignorée."))


async def show(update: Update, context: Context, messages: Sequence[OutMessage]) -> None:
    """Show a view in the pressed message; the parts of a long view that follow are sent."""
    await edit(update, messages[0])
    if len(messages) > 1:
        await send(context, update.effective_chat.id, messages[1:])


class EditingReviewItem(filters.MessageFilter):
    """Messages from an admin who has pressed « Modifier le texte » and not sent it yet.

    It reads the application's ``user_data`` (where the review item being edited is kept),
    so the edit step is a handler of its own, tried before ordinary questions.
    """

    def __init__(self, user_data: Mapping[int, dict[Any, Any]],
                 admin_ids: Sequence[int]) -> None:
        super().__init__(name="EditingReviewItem")
        self.user_data = user_data
        self.admin_ids = frozenset(admin_ids)

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or user.id not in self.admin_ids:
            return False
        return self.user_data.get(user.id, {}).get("review_edit") is not None


async def take_edited_text(update: Update, context: Context) -> None:
    """The admin editing a review item sent its new text: keep it, show the item again."""
    item_id = context.user_data.pop("review_edit")
    svc = services(context)
    text = scrub_personal_data(" ".join(update.effective_message.text.split()))
    context.user_data.setdefault("review_texts", {})[item_id] = text
    await send(context, update.effective_chat.id, [await item_view(svc, context, item_id)])


async def accept(update: Update, context: Context, item_id: int, entry_id: str | None) -> None:
    """Add the item's text as a phrasing of ``entry_id``, reload, close the item."""
    svc = services(context)
    item = await svc.storage.get_review_item(item_id)
    back = ((Button("↩ Liste", cb_review("l")),),)
    if item is None or item.status != "open":
        await edit(update, OutMessage("Cette question a déjà été traitée.", back))
        return
    if item.reason == "report":  # a user's remark, not a way of asking a question
        await edit(update, OutMessage(
            "Un signalement ne peut pas devenir une formulation : marquez-le traité ou "
            "ignorez-le.", ((Button("↩ Signalement", cb_review("o", item_id)),), *back)))
        return
    entry = svc.engine.knowledge.faq.get(entry_id or "")
    if entry is None:
        await edit(update, OutMessage("Cette entrée n'existe plus : choisissez-en une autre.",
                                      ((Button("Choisir une entrée", cb_review("pk", item_id)),),
                                       *back)))
        return
    if svc.learned is None:
        await edit(update, OutMessage("L'apprentissage de formulations n'est pas disponible.",
                                      back))
        return
    texts = context.user_data.get("review_texts", {})
    text = scrub_personal_data(texts.get(item_id) or item.message)
    try:
        svc.learned.add(entry.id, text, added_by(update))
    except Exception as exc:
        log.warning("could not add a learned phrasing: %s", exc)
        await edit(update, OutMessage(f"Impossible d'ajouter cette formulation : {esc(str(exc))}",
                                      back))
        return
    result = await asyncio.to_thread(svc.holder.reload)
    if not result.ok:
        # The knowledge files are broken: the phrasing is not in use. Take it back and leave
        # the item open, so that it can be accepted once the files are fixed.
        svc.learned.undo_last(added_by=added_by(update))
        await edit(update, OutMessage(
            f"⚠️ Formulation non ajoutée : le rechargement a échoué.\n{esc(result.message())}\n"
            "La question reste à traiter.",
            ((Button("↩ Question", cb_review("o", item_id)),), *back)))
        return
    texts.pop(item_id, None)
    await svc.storage.set_review_status(item_id, "accepted")
    await edit(update, OutMessage(
        f"✅ {quote(text)} est maintenant une formulation de « {esc(entry.question)} ».\n"
        f"{esc(result.message())}\n/annuler pour revenir en arrière.", back))


async def queue_view(svc: Services, note: str = "") -> list[OutMessage]:
    """The review queue: one line per question, a numbered button to open each."""
    groups = await svc.storage.review_queue(QUEUE_SIZE)
    head = f"{esc(note)}\n" if note else ""
    if not groups:
        return [OutMessage(head + "Aucune question en attente. 🎉")]
    faq = svc.engine.knowledge.faq
    lines = [head + "📝 <b>Questions à traiter</b> (les plus fréquentes d'abord)"]
    for n, g in enumerate(groups, 1):
        given = faq[g.suggested_id].question if g.suggested_id in faq else None
        if g.note:  # a 👎: the answer given was not the right one
            why = f"👎 {esc(g.note)}" + (f", réponse donnée « {esc(shorten(given))} »"
                                         if given else "")
        else:
            why = _REASONS.get(g.reason, esc(g.reason)) + (
                f", proche de « {esc(shorten(given))} »" if given else "")
        lines.append(f"{n}. {quote(g.message, 150)} — ×{g.count}, {why}")
    buttons = [Button(str(n), cb_review("o", g.item_id)) for n, g in enumerate(groups, 1)]
    rows = tuple(tuple(buttons[i:i + 5]) for i in range(0, len(buttons), 5))
    return render.messages_from_blocks(["\n".join(lines)], rows)


async def item_view(svc: Services, context: Context, item_id: int) -> OutMessage:
    """One review item and what staff can do with it."""
    item = await svc.storage.get_review_item(item_id)
    back = (Button("↩ Liste", cb_review("l")),)
    if item is None or item.status != "open":
        return OutMessage("Cette question a déjà été traitée.", (back,))
    text = context.user_data.get("review_texts", {}).get(item_id)
    faq = svc.engine.knowledge.faq
    why = f"👎 {esc(item.note)}" if item.note else _REASONS.get(item.reason, esc(item.reason))
    # No database number in the title: staff opened it from the list's own numbers.
    lines = [f"📝 <b>Question à traiter</b> ({why}, score {item.score:.0f})",
             quote(item.message, 600)]
    if text:
        lines.append(f"Texte retenu : {quote(text, 600)}")
    rows: list[tuple[Button, ...]] = []
    if item.reason == "report":
        if item.suggested_id in faq:
            lines.append(f"Dernière réponse donnée : « {esc(faq[item.suggested_id].question)} »")
        rows += [(Button("Marquer traité", cb_review("dn", item.id)),
                  Button("Ignorer", cb_review("no", item.id))), back]
        return OutMessage("\n".join(lines), tuple(rows))
    if item.note and item.suggested_id in faq:  # a 👎: do not offer the answer refused
        lines.append(f"Réponse donnée : « {esc(faq[item.suggested_id].question)} »")
    elif item.suggested_id in faq:
        question = faq[item.suggested_id].question
        lines.append(f"Entrée proposée : « {esc(question)} » ({esc(item.suggested_id)})")
        rows.append((Button(f"Ajouter à « {shorten(question, 40)} »", cb_review("ok", item.id)),))
    rows += [
        (Button("Choisir une autre entrée", cb_review("pk", item.id)),),
        (Button("Modifier le texte", cb_review("ed", item.id)),
         Button("Ignorer", cb_review("no", item.id))),
        back,
    ]
    return OutMessage("\n".join(lines), tuple(rows))


def theme_picker(engine: Engine, item_id: int) -> OutMessage:
    rows = tuple((Button(shorten(label), cb_review("pt", item_id, 0, key=tid)),)
                 for tid, label in engine.knowledge.themes.items())
    return OutMessage("Dans quel thème est l'entrée ?",
                      (*rows, (Button("↩ Retour", cb_review("o", item_id)),)))


def entry_picker(engine: Engine, item_id: int, theme: str | None, page: int) -> OutMessage:
    """The entries of a theme, paged, each accepting the item into it."""
    if theme is None:
        return theme_picker(engine, item_id)
    shown, page, pages = render.page_of(engine.theme_questions(theme), page)
    rows = [(Button(shorten(s.question), cb_review("pe", item_id, key=s.id)),) for s in shown]
    rows += render.pager(page, pages, lambda n: cb_review("pt", item_id, n, key=theme))
    rows.append((Button("↩ Thèmes", cb_review("pk", item_id)),))
    label = engine.knowledge.themes.get(theme, theme)
    return OutMessage(f"<b>{esc(label)}</b> : à quelle entrée ajouter cette formulation ?",
                      tuple(rows))


def stats_block(st: Stats, engine: Engine) -> str:
    """One period of /stats."""
    lines = [f"<b>{st.days} derniers jours</b>",
             f"Messages : {st.messages} · personnes : {st.distinct_users}"]
    if st.messages:
        lines.append(
            f"Répondues : {_pct(st.answered_rate)} · précision demandée : "
            f"{_pct(st.clarified_rate)} · lieux : {_pct(st.places_rate)} · échanges : "
            f"{_pct(st.smalltalk_rate)} · sans réponse : {_pct(st.fallback_rate)}")
    if st.median_response_ms is not None:
        lines.append(f"Temps de réponse médian : {st.median_response_ms:.0f} ms")
    if st.top_questions:
        lines.append("Questions les plus posées :")
        lines += [f"{n}. {quote(q, 80)} ×{c}" for n, (q, c) in enumerate(st.top_questions[:5], 1)]
    if st.feedback:
        faq = engine.knowledge.faq
        lines.append("Avis par entrée :")
        lines += [f"• {esc(shorten(faq[e].question if e in faq else e, 50))} : {up} 👍 / {down} 👎"
                  for e, (up, down) in sorted(st.feedback.items(),
                                              key=lambda kv: -(kv[1][0] + kv[1][1]))[:10]]
    if st.dislikes:
        faq = engine.knowledge.faq
        lines.append("👎 et leurs raisons :")
        lines += [f"• {esc(shorten(faq[e].question if e in faq else e, 50))} : "
                  f"{esc(reason or 'sans raison')} ×{n}" for e, reason, n in st.dislikes[:10]]
    return "\n".join(lines)


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f} %"


# ----------------------------------------------------------------------------- jobs


async def watch_knowledge(context: Context) -> None:
    """Reload changed knowledge files; tell staff when the new files are refused."""
    result = await asyncio.to_thread(services(context).holder.reload_if_changed)
    if result is not None and not result.ok:
        await notify_admins(context, ["⚠️ <b>Connaissances non rechargées</b>",
                                      esc(result.message())])


@stoppable
async def purge_old_data(context: Context) -> None:
    """Retention: delete what is older than ``storage.retention_days``."""
    svc = services(context)
    deleted = await svc.storage.purge_older_than(svc.config.storage.retention_days)
    log.info("retention purge: %d row(s) deleted", deleted)
