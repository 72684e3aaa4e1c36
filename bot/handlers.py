"""User-facing Telegram callbacks: thin adapters between updates, the engine and storage.

Every callback reads the update, asks the engine (or storage), and hands a rendered reply to
:func:`send`. Decisions live in :mod:`bot.engine`, wording and markup in :mod:`bot.render`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from telegram import CallbackQuery, Chat, ForceReply, Message, MessageEntity, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackContext, ContextTypes

from bot import render
from bot.config import Config
from bot.engine import Conversation, Engine
from bot.flood import FloodGuard, Verdict
from bot.holder import KnowledgeHolder
from bot.knowledge import PLACE_TYPES
from bot.learned import LearnedStore
from bot.notify import NO_PREVIEW, markup, notify_report, send
from bot.places import type_label
from bot.privacy import pseudonymise
from bot.render import Button, Keyboard, OutMessage
from bot.reply import Reply, ReplyKind
from bot.storage import StorageProtocol

__all__ = ["NO_PREVIEW", "Context", "Services", "markup", "send", "services"]

log = logging.getLogger(__name__)

TYPING_DELAY = 0.6  # seconds before a « typing… » action is worth sending
TYPING_BUSY = 8  # answers in progress beyond which « typing… » is skipped (load shedding)
VOTE_REASON_WAIT = 120.0  # how long a 👎 waits for its optional reason before being recorded
LOW_CONFIDENCE = 60.0  # answers below this score go to the review queue too
MAX_STORED_CHARS = 2000
MAX_VOTES_REMEMBERED = 10_000  # (user, message, entry) triples kept against double votes

Context = ContextTypes.DEFAULT_TYPE


@dataclass(slots=True)
class PendingVote:
    user_id: int
    entry_id: str
    interaction_id: int | None


@dataclass
class Services:
    """What the callbacks need, stored in ``application.bot_data["services"]``."""

    config: Config
    holder: KnowledgeHolder
    storage: StorageProtocol | None  # opened in post_init when not given
    learned: LearnedStore | None = None
    flood: FloodGuard = field(default_factory=lambda: FloodGuard(20))
    pending_votes: dict[tuple[int, int | None, str], PendingVote] = field(default_factory=dict)
    # Votes already counted in this process: a second press on the same answer is ignored.
    votes: OrderedDict[tuple[int, int, str], None] = field(default_factory=OrderedDict)
    secret: str = ""  # the HMAC key of the storage pseudonyms (see :meth:`pseudonym`)
    answering: int = 0  # answers in progress

    @property
    def engine(self) -> Engine:
        return self.holder.engine

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.config.telegram.admin_ids

    def pseudonym(self, telegram_id: int | None) -> str:
        """What logs show instead of a Telegram id: the start of the stored pseudonym."""
        if telegram_id is None:
            return "-"
        if not self.secret:
            return "?"
        return pseudonymise(telegram_id, self.secret)[:10]

    def first_vote(self, key: tuple[int, int, str]) -> bool:
        """True the first time ``key`` (user, message, entry) votes; remembers it."""
        if key in self.votes:
            return False
        self.votes[key] = None
        if len(self.votes) > MAX_VOTES_REMEMBERED:
            self.votes.popitem(last=False)
        return True


def services(context: CallbackContext) -> Services:
    return context.bot_data["services"]


def conversation_of(context: CallbackContext) -> Conversation:
    """The engine's conversation for this chat (follow-ups such as « et à Nanterre ? »)."""
    conversation = context.chat_data.get("conversation")
    if conversation is None:
        conversation = context.chat_data["conversation"] = Conversation()
    return conversation


# ----------------------------------------------------------------------------- sending


def rows_of(message: object) -> list[tuple[Button, ...]]:
    """The keyboard of a message the bot sent, as render buttons (to edit part of it).

    A message older than 48 hours may be inaccessible: it then has no keyboard to read.
    """
    reply_markup = getattr(message, "reply_markup", None)
    if reply_markup is None:
        return []
    return [
        tuple(Button(b.text, b.callback_data if isinstance(b.callback_data, str) else None)
              for b in row)
        for row in reply_markup.inline_keyboard
    ]


async def ack(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Answer a button press (stops the client's spinner).

    An answer that comes too late (« query is too old ») is refused with a BadRequest: the
    user's spinner has stopped anyway, and what they asked for must still be sent.
    """
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        log.warning("could not answer a button press: %s", exc)


async def edit(update: Update, out: OutMessage) -> None:
    """Replace the pressed message's text and keyboard (same content is not an error)."""
    query = update.callback_query
    try:
        await query.edit_message_text(out.html, parse_mode=ParseMode.HTML,
                                      reply_markup=markup(out.keyboard),
                                      link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def edit_keyboard(update: Update, rows: Keyboard) -> None:
    """Replace only the pressed message's keyboard."""
    try:
        await update.callback_query.edit_message_reply_markup(markup(rows))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


@contextlib.asynccontextmanager
async def typing(context: CallbackContext, chat_id: int) -> AsyncIterator[None]:
    """Show « typing… » if the block takes longer than ``TYPING_DELAY`` (and only then).

    It is a courtesy for one slow answer: when many answers are in progress at once, the
    extra requests would only delay them, so it is skipped.
    """
    svc = services(context)

    async def later() -> None:
        await asyncio.sleep(TYPING_DELAY)
        if svc.answering <= TYPING_BUSY:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    svc.answering += 1
    task = asyncio.create_task(later())
    try:
        yield
    finally:
        svc.answering -= 1
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def reply_html(update: Update, context: Context, *blocks: str,
                     keyboard: Keyboard = ()) -> list[Message]:
    """Answer the current chat with a few HTML blocks."""
    messages = render.messages_from_blocks(blocks, keyboard)
    return await send(context, update.effective_chat.id, messages, reply_to=_quote_id(update))


def _quote_id(update: Update) -> int | None:
    """In groups, replies quote the message they answer; in private chats they need not."""
    message = update.effective_message
    if message is None or update.effective_chat.type == Chat.PRIVATE:
        return None
    return message.message_id


# ----------------------------------------------------------------------------- answering


def review_reason(reply: Reply) -> str | None:
    """Why a reply should go to the staff review queue, if it should."""
    if reply.kind is ReplyKind.FALLBACK:
        return "unanswered"
    if reply.kind is ReplyKind.CLARIFY and reply.suggestions:
        return "low_confidence"
    if reply.kind is ReplyKind.ANSWER and reply.score < LOW_CONFIDENCE:
        return "low_confidence"
    return None


async def record(svc: Services, user_id: int, message: str, reply: Reply,
                 started: float) -> int | None:
    """Log the interaction (and queue it for review); storage trouble never blocks a reply."""
    text = message[:MAX_STORED_CHARS]
    response_ms = round((time.perf_counter() - started) * 1000)
    interaction_id = None
    try:
        interaction_id = await svc.storage.record_interaction(
            user_id, text, str(reply.kind),
            reply.entry_id if reply.kind is ReplyKind.ANSWER else None, reply.score, response_ms,
        )
    except Exception:
        log.exception("could not record an interaction")
    reason = review_reason(reply)
    if reason and text.strip():  # a blank message is nothing staff could act on
        try:
            await svc.storage.enqueue_review(
                user_id, text, " ".join(svc.engine.normaliser(text)), reason,
                suggested_id=reply.candidates[0].id if reply.candidates else None,
                score=reply.score,
            )
        except Exception:
            log.exception("could not queue an interaction for review")
    return interaction_id or None


def answer_title(engine: Engine, reply: Reply) -> str | None:
    entry = engine.knowledge.faq.get(reply.entry_id or "")
    return entry.question if entry and reply.kind is ReplyKind.ANSWER else None


async def deliver(update: Update, context: Context, reply: Reply, *,
                  interaction_id: int | None = None) -> None:
    """Render a reply and send it to the current chat."""
    messages = render.render_reply(reply, title=answer_title(services(context).engine, reply),
                                   interaction_id=interaction_id)
    await send(context, update.effective_chat.id, messages, reply_to=_quote_id(update))


async def answer_question(update: Update, context: Context, text: str) -> None:
    """The engine's reply to a question, recorded, with « typing… » if it takes a while."""
    started = time.perf_counter()
    svc = services(context)
    reply = svc.engine.reply(text, conversation_of(context))  # before any await: keeps order
    async with typing(context, update.effective_chat.id):
        interaction_id = await record(svc, update.effective_user.id, text, reply, started)
        await deliver(update, context, reply, interaction_id=interaction_id)


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


def addressed_text(message: Message, username: str | None) -> str | None:
    """The question if ``message`` is for the bot (mention stripped), else ``None``."""
    text = message.text or ""
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.username == username:
        return text
    mentions = message.parse_entities([MessageEntity.MENTION])
    ours = [e for e, v in mentions.items() if username and v.lower() == f"@{username.lower()}"]
    if not ours:
        return None
    for entity in sorted(ours, key=lambda e: e.offset, reverse=True):
        # Offsets are UTF-16 units: cut in that space so emoji before the mention are safe.
        raw = text.encode("utf-16-le")
        text = (raw[: entity.offset * 2] + raw[(entity.offset + entity.length) * 2:]).decode(
            "utf-16-le")
    return text.strip()


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
    if query is None and message.chat.type != Chat.PRIVATE and not _is_command(message) and (
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


def _is_command(message: Message) -> bool:
    return bool(message.entities and message.entities[0].type == MessageEntity.BOT_COMMAND
                and message.entities[0].offset == 0)


# ----------------------------------------------------------------------------- commands


async def start(update: Update, context: Context) -> None:
    """Welcome: what the assistant knows, examples, sources and their age, privacy."""
    svc = services(context)
    user = update.effective_user
    messages = render.render_welcome(
        user.first_name if user else None, render.knowledge_facts(svc.engine.knowledge),
        svc.engine.examples(), svc.config.privacy.controller, svc.config.storage.retention_days,
    )
    await send(context, update.effective_chat.id, messages, reply_to=_quote_id(update))


async def help_command(update: Update, context: Context) -> None:
    """How to use the assistant, its commands and the privacy notice."""
    svc = services(context)
    user = update.effective_user
    messages = render.render_help(svc.config.privacy.controller,
                                  svc.config.storage.retention_days,
                                  staff=svc.is_admin(user.id if user else None))
    await send(context, update.effective_chat.id, messages, reply_to=_quote_id(update))


async def themes(update: Update, context: Context) -> None:
    """Browse the knowledge by theme."""
    out = render.render_themes(services(context).engine.knowledge.themes)
    await send(context, update.effective_chat.id, [out], reply_to=_quote_id(update))


def communes_with_places(engine: Engine, place_type: str | None = None) -> list[str]:
    """The communes (or areas) with at least one place (of ``place_type``, if given)."""
    names = {p.commune or p.area for p in engine.knowledge.places.values()
             if place_type is None or p.type == place_type}
    return sorted((n for n in names if n), key=str.casefold)


async def places(update: Update, context: Context) -> None:
    """The directory: /lieux [commune] [type]."""
    engine = services(context).engine
    text = " ".join(context.args or [])
    commune = engine.find_commune(text) if text else None
    place_type = engine.find_type(text) if text else None
    if commune is None:
        if place_type:  # « /lieux coworking »: the type is known, the commune is asked for
            intro = (f"{type_label(place_type)} : dans quelle commune ? Choisissez-la "
                     "ci-dessous.")
        else:
            intro = (f"Je ne connais pas la commune « {render.shorten(text, 60)} ». "
                     if text else "")
            intro += "Choisissez une commune, ou écrivez par exemple « /lieux Nanterre coworking »."
        out = render.render_communes(communes_with_places(engine, place_type), intro, place_type)
        await send(context, update.effective_chat.id, [out], reply_to=_quote_id(update))
        return
    reply = engine.places(commune, place_type, question=f"/lieux {text}")
    conversation_of(context).remember(reply)
    await deliver(update, context, reply)


async def contact(update: Update, context: Context) -> None:
    """Who to turn to."""
    messages = render.render_contacts(services(context).engine.contact_cards())
    await send(context, update.effective_chat.id, messages, reply_to=_quote_id(update))


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
    if not _is_command(message):
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
    try:
        await svc.storage.enqueue_review(
            update.effective_user.id, text, " ".join(svc.engine.normaliser(text)), "report",
            suggested_id=about,
        )
    except Exception:
        log.exception("could not store a report")
    await reply_html(update, context, "Merci ! Votre signalement est transmis à l'équipe, "
                                      "qui le lira avec attention.")
    await notify_report(context, text, about)


async def forget(update: Update, context: Context) -> None:
    """/oubli: ask for confirmation before erasing the user's data."""
    if update.effective_chat.type != Chat.PRIVATE:
        await reply_html(update, context, "Pour effacer vos données, écrivez-moi /oubli en "
                                          "message privé.")
        return
    keyboard = ((Button("🗑 Oui, tout effacer", render.CB_FORGET_YES),
                 Button("Non, garder", render.CB_FORGET_NO)),)
    await reply_html(
        update, context,
        "Voulez-vous que j'efface tout ce que je garde sur vous (messages, avis, "
        "signalements) ? C'est définitif.",
        keyboard=keyboard,
    )


async def my_data(update: Update, context: Context) -> None:
    """/mesdonnees: everything stored about the user, readable (or as a JSON file)."""
    svc = services(context)
    if update.effective_chat.type != Chat.PRIVATE:
        await reply_html(update, context, "Pour protéger vos données, écrivez-moi /mesdonnees "
                                          "en message privé.")
        return
    data = await svc.storage.export_user(update.effective_user.id)
    messages, document = render.render_my_data(data, svc.config.privacy.controller,
                                               svc.config.storage.retention_days)
    await send(context, update.effective_chat.id, messages)
    if document is not None:
        await context.bot.send_document(update.effective_chat.id, document,
                                        filename="mesdonnees.json",
                                        caption="Vos données, au format JSON.")


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


async def on_theme_button(update: Update, context: Context) -> None:
    """Theme browser: the list of themes, or one theme's questions (paged)."""
    query = update.callback_query
    engine = services(context).engine
    parts = render.unpack(query.data)
    if len(parts) < 3:
        await ack(query)
        await edit(update, render.render_themes(engine.knowledge.themes))
        return
    theme = render.resolve(parts[2], engine.knowledge.themes)
    if theme is None:
        await ack(query, render.STALE_BUTTON, alert=True)
        return
    await ack(query)
    out = render.render_theme(theme, engine.knowledge.themes[theme],
                              engine.theme_questions(theme), int(parts[1]))
    if parts[0] == "tn":
        await send(context, update.effective_chat.id, [out])
    else:
        await edit(update, out)


async def on_places_button(update: Update, context: Context) -> None:
    """A commune button: its places (of the type asked for, if any)."""
    query = update.callback_query
    engine = services(context).engine
    parts = render.unpack(query.data)
    place_type = parts[1] if len(parts) > 2 and parts[1] in PLACE_TYPES else None
    commune = render.resolve(parts[-1], communes_with_places(engine))
    if commune is None:
        await ack(query, render.STALE_BUTTON, alert=True)
        return
    await ack(query)
    asked = f"/lieux {commune}" + (f" {place_type}" if place_type else "")
    reply = engine.places(commune, place_type, question=asked)
    conversation_of(context).remember(reply)
    await deliver(update, context, reply)


async def on_none_of_these(update: Update, context: Context) -> None:
    """« Aucune de ces questions »: point to themes, /signaler and contacts."""
    query = update.callback_query
    await ack(query)
    await reply_html(
        update, context,
        "D'accord. Essayez de reformuler votre question avec d'autres mots, parcourez les "
        "thèmes avec /themes, ou signalez-la à l'équipe avec /signaler suivi de votre question.",
    )


async def on_forget_button(update: Update, context: Context) -> None:
    """Confirmation of /oubli: erase everything about the user (or not)."""
    query = update.callback_query
    svc = services(context)
    if query.data != render.CB_FORGET_YES:
        await ack(query)
        await edit(update, OutMessage("D'accord, je n'ai rien effacé."))
        return
    user_id = query.from_user.id
    for key in [k for k in svc.pending_votes if k[0] == user_id]:
        del svc.pending_votes[key]
    for vote in [k for k in svc.votes if k[0] == user_id]:
        del svc.votes[vote]
    deleted = await svc.storage.forget_user(user_id)
    context.user_data.clear()
    if update.effective_chat.type == Chat.PRIVATE:
        context.chat_data.clear()
    await ack(query, "Données effacées.")
    await edit(update, OutMessage(
        f"C'est fait : j'ai effacé {deleted} élément(s) vous concernant, ainsi que le fil de "
        "notre conversation."))


async def on_stale_button(update: Update, context: Context) -> None:
    """Any other button (an older version of the bot): answered, never left spinning."""
    await ack(update.callback_query, render.STALE_BUTTON, alert=True)


# ----------------------------------------------------------------------------- errors


def describe(update: object, svc: Services) -> str:
    """Enough context to investigate an error, without message contents, secrets or raw ids.

    Chats and users appear as the start of their storage pseudonym: the same person can be
    followed through the logs, and found in the database, without naming their account.
    """
    if not isinstance(update, Update):
        return repr(type(update).__name__)
    kind = next((k for k in ("message", "edited_message", "callback_query", "my_chat_member")
                 if getattr(update, k, None)), "other")
    chat = update.effective_chat
    user = update.effective_user
    return (f"update {update.update_id} ({kind}) chat={svc.pseudonym(chat.id if chat else None)} "
            f"user={svc.pseudonym(user.id if user else None)}")


async def on_error(update: object, context: Context) -> None:
    """Log the error with its context, then apologise to the user."""
    svc = services(context)
    if isinstance(context.error, Forbidden):  # the user blocked the bot: nothing to fix
        log.info("cannot reply to %s: %s", describe(update, svc), context.error)
        return
    log.error("error while handling %s", describe(update, svc), exc_info=context.error)
    if not isinstance(update, Update):
        return
    if update.callback_query:
        with contextlib.suppress(TelegramError):
            await ack(update.callback_query)
    chat = update.effective_chat
    message = update.effective_message
    addressed = update.callback_query is not None or (
        message is not None and (_is_command(message)
                                 or addressed_text(message, context.bot.username) is not None))
    if chat is None or (chat.type != Chat.PRIVATE and not addressed):
        return
    try:
        await context.bot.send_message(chat.id, render.ERROR_APOLOGY)
    except TelegramError as exc:
        log.warning("could not apologise in chat %s: %s", svc.pseudonym(chat.id), exc)
