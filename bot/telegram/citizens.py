"""The path of a citizen's message, and the buttons under answers.

One straight path: receive → (flood guard, a pending /signaler prompt) → ``engine.reply`` →
record (for at most half a second: the 👍/👎 buttons carry the interaction id when it comes in
time) → render → send. Free text in private chats and groups, /signaler and its prompt,
locations, stickers and other non-text messages, edits, unknown commands, the flood guard run
before every handler, and the buttons that follow an answer (question buttons, 👍/👎 feedback
and its reasons, « none of these », stale buttons). Shared helpers live in
:mod:`bot.telegram.services`, the other commands in :mod:`bot.telegram.citizen_commands`.
"""

from __future__ import annotations

import logging
import time
from functools import partial

from telegram import Chat, ForceReply, Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.engine.reply import Reply, ReplyKind
from bot.knowledge import Knowledge
from bot.telegram import render
from bot.telegram.background import awaited_briefly, in_background, retrying, stoppable
from bot.telegram.citizen_commands import start
from bot.telegram.flood import Verdict
from bot.telegram.notify import notify_report
from bot.telegram.services import (
    MAX_STORED_CHARS,
    Context,
    PendingVote,
    Services,
    TelegramOutput,
    ack,
    addressed_text,
    conversation_of,
    deliver,
    edit_keyboard,
    is_command,
    reply_html,
    rows_of,
    services,
    typing,
    user_message,
)

log = logging.getLogger(__name__)

VOTE_REASON_WAIT = 120.0  # how long a 👎 waits for its optional reason before being recorded
LOW_CONFIDENCE = 60.0  # answers below this score go to the review queue too


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


# ----------------------------------------------------------------------------- answering


async def answer_question(update: Update, context: Context, text: str) -> None:
    """The engine's reply to a question, recorded, with « typing… » if it takes a while.

    The recording is given :data:`STORAGE_WAIT` seconds (a few milliseconds normally): the
    👍/👎 buttons then carry the interaction id. A locked database costs no one more than
    that: the reply goes without the id, and the recording finishes in the background.
    """
    started = time.perf_counter()
    svc = services(context)
    message = user_message(update, text)
    # Before any await: keeps order. The engine bounds its own work (intents.engine_text).
    reply = svc.engine.reply(message.text, conversation_of(context))
    async with typing(context, update.effective_chat.id):
        recording = in_background(
            svc, partial(record, svc, message.sender_id, message.text, reply, started),
            "record an interaction")
        interaction_id = await awaited_briefly(recording, svc=svc)
        await TelegramOutput(update, context).send_reply(message, reply,
                                                         interaction_id=interaction_id)


def review_reason(reply: Reply, knowledge: Knowledge | None = None) -> str | None:
    """Why a reply should go to the staff review queue, if it should."""
    if reply.kind is ReplyKind.FALLBACK:
        return "unanswered"
    if reply.kind is ReplyKind.CLARIFY and reply.suggestions:
        return "low_confidence"
    if reply.kind is ReplyKind.ANSWER and reply.score < LOW_CONFIDENCE:
        return "low_confidence"
    # A places list given to someone who asked about a project (« je veux ouvrir un
    # tiers-lieu à Sceaux ») may have missed the question. Hook for the engine: set
    # ``project_intent`` on the Reply when its intent signal says so.
    if reply.kind is ReplyKind.PLACES and (getattr(reply, "project_intent", False)
                                           or asks_about_a_project(reply, knowledge)):
        return "low_confidence"
    return None


def asks_about_a_project(reply: Reply, knowledge: Knowledge | None) -> bool:
    """Until the engine says so itself: the best FAQ candidate is for project holders only."""
    top = reply.candidates[0].id if reply.candidates else None
    entry = knowledge.faq.get(top or "") if knowledge is not None else None
    return entry is not None and entry.audience == ("porteurs",)


async def record(svc: Services, user_id: int, message: str, reply: Reply,
                 started: float) -> int | None:
    """Log the interaction (and queue it for review); each write retried while the database
    is locked, and a failure of one never loses the other."""
    text = message[:MAX_STORED_CHARS]
    response_ms = round((time.perf_counter() - started) * 1000)
    interaction_id = None
    try:
        interaction_id = await retrying(partial(
            svc.storage.record_interaction, user_id, text, str(reply.kind),
            reply.entry_id if reply.kind is ReplyKind.ANSWER else None, reply.score, response_ms,
        ), "record an interaction")
    except Exception:
        log.exception("could not record an interaction")
    reason = review_reason(reply, svc.engine.knowledge)
    if reason and text.strip():  # a blank message is nothing staff could act on
        try:
            await retrying(partial(
                svc.storage.enqueue_review, user_id, text, " ".join(svc.engine.normaliser(text)),
                reason, suggested_id=reply.candidates[0].id if reply.candidates else None,
                score=reply.score,
            ), "queue an interaction for review")
        except Exception:
            log.exception("could not queue an interaction for review")
    return interaction_id or None


# ----------------------------------------------------------------------------- /signaler


REPORT_PROMPT = (
    "Que voulez-vous signaler ? Une réponse inexacte, un lieu fermé, un lieu à ajouter… "
    "Répondez à ce message : votre texte sera transmis à l'équipe."
)


async def report(update: Update, context: Context) -> None:
    """/signaler TEXT: a wrong answer or a missing place, for the staff review queue."""
    text = command_argument(update.effective_message)
    if text:
        await file_report(update, context, text)
        return
    sent = await update.effective_message.reply_text(
        REPORT_PROMPT,
        reply_markup=ForceReply(selective=True, input_field_placeholder="Votre signalement"),
    )
    # Message ids are numbered per chat: the chat is part of the prompt's identity.
    context.user_data["report_prompt"] = (sent.chat_id, sent.message_id)


def command_argument(message: Message) -> str:
    """The text after the leading command (« /signaler@bot\nligne 1\nligne 2 » → the lines)."""
    text = message.text or ""
    if not is_command(message):
        return text.strip()
    end = message.entities[0].offset + message.entities[0].length
    # Entity offsets count UTF-16 units.
    return text.encode("utf-16-le")[end * 2:].decode("utf-16-le").strip()


def consume_report_prompt(message: Message, context: Context) -> bool:
    """True (once) if ``message`` replies to this user's pending /signaler prompt."""
    prompt = context.user_data.get("report_prompt") if context.user_data is not None else None
    replied = message.reply_to_message
    if prompt is None or replied is None or (replied.chat_id, replied.message_id) != prompt:
        return False
    del context.user_data["report_prompt"]
    return True


async def file_report(update: Update, context: Context, text: str) -> None:
    """Queue a report for staff, thank the user and notify every admin."""
    svc = services(context)
    text = text[:MAX_STORED_CHARS]
    about = conversation_of(context).last_entry_id
    await awaited_briefly(in_background(svc, partial(
        svc.storage.enqueue_review, update.effective_user.id, text,
        " ".join(svc.engine.normaliser(text)), "report", suggested_id=about,
    ), "store a report"))
    await reply_html(update, context, "Merci ! Votre signalement est transmis à l'équipe, "
                                      "qui le lira avec attention.")
    await notify_report(context, text, about)


# ----------------------------------------------------------------------------- other messages


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
    chat = update.effective_chat
    svc.touch(chat.id if chat else None, user.id if user else None)
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
        await awaited_briefly(in_background(svc, partial(
            svc.storage.record_feedback, query.from_user.id, entry_id, True, interaction_id),
            "record a vote"))
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
        await awaited_briefly(in_background(svc, partial(
            svc.storage.record_feedback, vote.user_id, vote.entry_id, False,
            vote.interaction_id, render.FEEDBACK_REASONS.get(code)), "record a vote"))
    await edit_keyboard(update, tuple(render.without_feedback(rows_of(query.message))))


def _entry_of(key: str, svc: Services) -> str:
    """The entry a feedback button is about (its key, if the entry has since gone)."""
    return render.resolve(key, svc.engine.knowledge.faq) or key


@stoppable
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
