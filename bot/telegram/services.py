"""What the Telegram callbacks share: services, sending, delivering a reply, errors.

The callbacks themselves are thin adapters between updates, the engine and storage: the
citizens' commands and their buttons in :mod:`bot.telegram.citizen_commands`, free text, other
messages and the buttons under answers in :mod:`bot.telegram.citizens`, staff in
:mod:`bot.telegram.staff`. Every callback reads the update, asks the engine (or storage), and
hands a rendered reply to :func:`send`. This module imports none of them. Decisions live in
:mod:`bot.engine`, wording and markup in :mod:`bot.telegram.render`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackContext, ContextTypes

from bot.config import Config
from bot.engine import Conversation, Engine
from bot.engine.channel import UserMessage
from bot.engine.holder import KnowledgeHolder
from bot.engine.reply import Reply, ReplyKind
from bot.knowledge.learned import LearnedStore
from bot.storage import StorageProtocol
from bot.storage.privacy import pseudonymise
from bot.telegram import render
from bot.telegram.flood import FloodGuard
from bot.telegram.render import Button, Keyboard, OutMessage

__all__ = ["NO_PREVIEW", "Context", "Services", "markup", "send", "services"]

log = logging.getLogger(__name__)

TYPING_DELAY = 0.6  # seconds before a « typing… » action is worth sending
TYPING_BUSY = 8  # answers in progress beyond which « typing… » is skipped (load shedding)
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
    # Storage writes still running after the reply was sent (:mod:`bot.telegram.background`).
    writes: set[asyncio.Task[Any]] = field(default_factory=set)
    # Last activity of each chat and user (monotonic seconds): idle state is dropped.
    chats_seen: dict[int, float] = field(default_factory=dict)
    users_seen: dict[int, float] = field(default_factory=dict)
    storage_stalled: bool = False  # a write outlasted its wait and is still running

    def touch(self, chat_id: int | None, user_id: int | None) -> None:
        now = time.monotonic()
        if chat_id is not None:
            self.chats_seen[chat_id] = now
        if user_id is not None:
            self.users_seen[user_id] = now

    def idle(self, seen: dict[int, float], known: Iterable[int], seconds: float) -> list[int]:
        """The ids of ``known`` (chat or user data keys) quiet for ``seconds``; forgets them."""
        limit = time.monotonic() - seconds
        gone = [i for i in known if seen.get(i, 0.0) < limit]
        for i in gone:
            seen.pop(i, None)
        for i in [i for i, t in seen.items() if t < limit]:
            del seen[i]
        return gone

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

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Refusals that plain text without buttons can get past; any other BadRequest (chat not found,
# message too long…) would fail the same way again.
_RECOVERABLE = ("can't parse entities", "unsupported start tag", "button", "reply markup",
                "inline keyboard")


def markup(rows: Keyboard) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in rows]
    )


def recoverable(exc: BadRequest) -> bool:
    """True if Telegram refused our HTML or our buttons (plain text will then go through)."""
    text = str(exc).lower()
    return any(marker in text for marker in _RECOVERABLE)


async def send(context: CallbackContext, chat_id: int, messages: Sequence[OutMessage],
               reply_to: int | None = None) -> list[Message]:
    """Send rendered messages in order; if Telegram refuses our HTML, send plain text."""
    sent = []
    for n, out in enumerate(messages):
        reply_parameters = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to and n == 0 else None
        )
        try:
            message = await context.bot.send_message(
                chat_id, out.html, parse_mode=ParseMode.HTML, reply_markup=markup(out.keyboard),
                link_preview_options=NO_PREVIEW, reply_parameters=reply_parameters,
            )
        except BadRequest as exc:
            if not recoverable(exc):
                raise
            log.error("Telegram refused a rendered message (%s): sending it as plain text", exc)
            message = await context.bot.send_message(
                chat_id, render.visible_text(out.html), parse_mode=None,
                reply_parameters=reply_parameters,
            )
        sent.append(message)
    return sent


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
    started: list[asyncio.Task[None]] = []

    async def show() -> None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    def later() -> None:
        if svc.answering <= TYPING_BUSY:
            started.append(asyncio.create_task(show()))

    # A timer, not a task per answer: most answers are sent long before it fires.
    svc.answering += 1
    timer = asyncio.get_running_loop().call_later(TYPING_DELAY, later)
    try:
        yield
    finally:
        svc.answering -= 1
        timer.cancel()
        for task in started:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def reply_html(update: Update, context: Context, *blocks: str,
                     keyboard: Keyboard = ()) -> list[Message]:
    """Answer the current chat with a few HTML blocks."""
    messages = render.messages_from_blocks(blocks, keyboard)
    return await send(context, update.effective_chat.id, messages, reply_to=quote_id(update))


def quote_id(update: Update) -> int | None:
    """In groups, replies quote the message they answer; in private chats they need not."""
    message = update.effective_message
    if message is None or update.effective_chat.type == Chat.PRIVATE:
        return None
    return message.message_id


# ----------------------------------------------------------------------------- answering


def answer_title(engine: Engine, reply: Reply) -> str | None:
    entry = engine.knowledge.faq.get(reply.entry_id or "")
    return entry.question if entry and reply.kind is ReplyKind.ANSWER else None


async def deliver(update: Update, context: Context, reply: Reply, *,
                  interaction_id: int | None = None) -> None:
    """Render a reply and send it to the current chat."""
    messages = render.render_reply(reply, title=answer_title(services(context).engine, reply),
                                   interaction_id=interaction_id)
    await send(context, update.effective_chat.id, messages, reply_to=quote_id(update))


def user_message(update: Update, text: str) -> UserMessage:
    """The engine's view of a Telegram message: its text, who wrote it and in which chat."""
    user, chat = update.effective_user, update.effective_chat
    return UserMessage(text, user.id if user else None, chat.id if chat else None)


@dataclass(slots=True)
class TelegramOutput:
    """The Telegram output channel: a reply rendered to HTML and sent to the update's chat."""

    update: Update
    context: Context

    async def send_reply(self, to: UserMessage, reply: Reply, *,
                         interaction_id: int | None = None) -> None:
        await deliver(self.update, self.context, reply, interaction_id=interaction_id)


# ----------------------------------------------------------------------------- addressing


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


def is_command(message: Message) -> bool:
    """True if ``message`` starts with a bot command (« /lieux », « /signaler@bot »)."""
    return bool(message.entities and message.entities[0].type == MessageEntity.BOT_COMMAND
                and message.entities[0].offset == 0)


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
        message is not None and (is_command(message)
                                 or addressed_text(message, context.bot.username) is not None))
    if chat is None or (chat.type != Chat.PRIVATE and not addressed):
        return
    try:
        await context.bot.send_message(chat.id, render.ERROR_APOLOGY)
    except TelegramError as exc:
        log.warning("could not apologise in chat %s: %s", svc.pseudonym(chat.id), exc)
