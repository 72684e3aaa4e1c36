"""Messages that are not commands, and the buttons under answers.

Free text in private chats and groups, locations, stickers and other non-text messages,
edits, unknown commands, the flood guard run before every handler, and the buttons that
follow an answer (question buttons, 👍/👎 feedback and its reasons, « none of these »,
stale buttons). Shared helpers live in :mod:`bot.handlers`, commands in
:mod:`bot.user_commands`.
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop

from bot import render
from bot.flood import Verdict
from bot.handlers import (
    Context,
    PendingVote,
    Services,
    ack,
    addressed_text,
    answer_question,
    conversation_of,
    deliver,
    edit_keyboard,
    is_command,
    reply_html,
    rows_of,
    services,
)
from bot.user_commands import consume_report_prompt, file_report, start

log = logging.getLogger(__name__)

VOTE_REASON_WAIT = 120.0  # how long a 👎 waits for its optional reason before being recorded


# ----------------------------------------------------------------------------- messages


async def on_private_text(update: Update, context: Context) -> None:
    """Answer a question typed in a private chat (or take a pending report)."""
    message = update.effective_message
    if consume_report_prompt(message, context):
        await file_report(update, context, message.text)
    else:
        await answer_question(update, context, message.text)


async def on_group_text(update: Update, context: Context) -> None:
    """In groups, answer only the messages that mention the bot or reply to it."""
    message = update.effective_message
    if consume_report_prompt(message, context):
        await file_report(update, context, message.text)
        return
    text = addressed_text(message, context.bot.username)
    if text is None:
        return
    if not text:  # « @bot » alone: an introduction, not an empty question
        await start(update, context)
        return
    await answer_question(update, context, text)


async def on_location(update: Update, context: Context) -> None:
    """A shared location: the nearest known places."""
    location = update.effective_message.location
    reply = services(context).engine.nearest_places(location.latitude, location.longitude)
    await deliver(update, context, reply)


async def on_not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice notes, documents…: a short, polite pointer to text."""
    message = update.effective_message
    kind = next((k for k in ("sticker", "voice", "photo", "document") if getattr(message, k)),
                "other")
    await reply_html(update, context, render.esc(render.NOT_TEXT[kind]))


async def on_edited(update: Update, context: Context) -> None:
    """Edited messages are not re-read: say so politely."""
    await reply_html(update, context, render.esc(render.EDITED))


async def unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not know."""
    await reply_html(update, context, render.esc(render.UNKNOWN_COMMAND))


async def flood_guard(update: Update, context: Context) -> None:
    """Runs before every handler: one notice to a flooding user, then silence for a while.

    Messages, edits and button presses all count: with concurrent updates, one user pressing
    fast could otherwise take every update slot and delay everyone else.
    """
    user = update.effective_user
    query = update.callback_query
    message = update.message or update.edited_message
    svc = services(context)
    if user is None or svc.is_admin(user.id) or (query is None and message is None):
        return
    if query is None and message.chat.type != Chat.PRIVATE and not is_command(message) and (
        addressed_text(message, context.bot.username) is None
    ):
        return  # group chatter not meant for the bot: not counted
    verdict = svc.flood.check(user.id)
    if verdict is Verdict.ALLOW:
        return
    if query is not None:  # answered all the same, or the client keeps spinning
        if verdict is Verdict.NOTICE:
            await ack(query, render.FLOOD_NOTICE, alert=True)
        else:
            await ack(query)
    elif verdict is Verdict.NOTICE:
        await reply_html(update, context, render.esc(render.FLOOD_NOTICE))
    raise ApplicationHandlerStop


# ----------------------------------------------------------------------------- buttons
# Every button press must be answered (answerCallbackQuery), or the user's client shows a
# spinner for a while: each callback below starts with :func:`ack`, stale buttons too.

async def on_answer_button(update: Update, context: Context) -> None:
    """A question button: show its answer."""
    query = update.callback_query
    engine = services(context).engine
    entry_id = render.resolve(render.unpack(query.data)[-1], engine.knowledge.faq)
    if entry_id is None:
        await ack(query, render.STALE_BUTTON, alert=True)
        return
    await ack(query)
    reply = engine.answer(entry_id)
    conversation_of(context).remember(reply)
    await deliver(update, context, reply)


async def on_feedback(update: Update, context: Context) -> None:
    """👍 is recorded at once; 👎 offers optional reasons first. One vote per answer."""
    query = update.callback_query
    svc = services(context)
    _, sign, interaction, key = render.unpack(query.data)
    entry_id = _entry_of(key, svc)
    interaction_id = int(interaction) or None
    rows = render.without_feedback(rows_of(query.message))
    # The interaction id when there is one, else the message (two answers, two votes).
    about = interaction_id or -(query.message.message_id if query.message else 0)
    if not svc.first_vote((query.from_user.id, about, entry_id)):
        await ack(query, "Votre avis est déjà enregistré, merci !")
        await edit_keyboard(update, tuple(rows))
        return
    if sign == "+":
        await ack(query, "Merci pour votre retour !")
        await svc.storage.record_feedback(query.from_user.id, entry_id, True, interaction_id)
        await edit_keyboard(update, tuple(rows))
        return
    await ack(query, "Merci. Pouvez-vous préciser ce qui ne va pas ? (facultatif)")
    vote = PendingVote(query.from_user.id, entry_id, interaction_id)
    vote_key = (vote.user_id, interaction_id, entry_id)
    svc.pending_votes[vote_key] = vote
    if context.job_queue is not None:
        context.job_queue.run_once(flush_vote, VOTE_REASON_WAIT, data=vote_key)
    await edit_keyboard(update, tuple(rows + render.reason_rows(entry_id, interaction_id)))


async def on_reason(update: Update, context: Context) -> None:
    """The reason for a 👎 (or « Passer »): record the vote with it."""
    query = update.callback_query
    svc = services(context)
    _, code, interaction, key = render.unpack(query.data)
    entry_id = _entry_of(key, svc)
    interaction_id = int(interaction) or None
    await ack(query, "Merci, c'est noté.")
    vote = svc.pending_votes.pop((query.from_user.id, interaction_id, entry_id), None)
    if vote is not None:  # else: already recorded without a reason (timeout or restart)
        await svc.storage.record_feedback(vote.user_id, vote.entry_id, False,
                                          vote.interaction_id, render.FEEDBACK_REASONS.get(code))
    await edit_keyboard(update, tuple(render.without_feedback(rows_of(query.message))))


def _entry_of(key: str, svc: Services) -> str:
    """The entry a feedback button is about (its key, if the entry has since gone)."""
    return render.resolve(key, svc.engine.knowledge.faq) or key


async def flush_vote(context: Context) -> None:
    """A 👎 whose reason never came: record it without one."""
    svc = services(context)
    vote = svc.pending_votes.pop(context.job.data, None)
    if vote is not None:
        await svc.storage.record_feedback(vote.user_id, vote.entry_id, False, vote.interaction_id)


async def flush_all_votes(svc: Services) -> None:
    """At shutdown: record every 👎 still waiting for its reason."""
    for key in list(svc.pending_votes):
        vote = svc.pending_votes.pop(key)
        try:
            await svc.storage.record_feedback(vote.user_id, vote.entry_id, False,
                                              vote.interaction_id)
        except Exception:
            log.exception("could not record a pending vote")


async def on_none_of_these(update: Update, context: Context) -> None:
    """« Aucune de ces questions »: point to themes, /signaler and contacts."""
    query = update.callback_query
    await ack(query)
    await reply_html(
        update, context,
        "D'accord. Essayez de reformuler votre question avec d'autres mots, parcourez les "
        "thèmes avec /themes, ou signalez-la à l'équipe avec /signaler suivi de votre question.",
    )


async def on_stale_button(update: Update, context: Context) -> None:
    """Any other button (an older version of the bot): answered, never left spinning."""
    await ack(update.callback_query, render.STALE_BUTTON, alert=True)
