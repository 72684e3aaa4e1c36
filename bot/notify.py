"""Outgoing messages: rendered messages sent to a chat, and notices to every admin.

Both the user callbacks (:mod:`bot.handlers`) and the staff ones (:mod:`bot.staff_handlers`)
send through here, so neither needs the other: a user's /signaler notifies staff without the
user-facing module importing the staff module.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext

from bot import render
from bot.render import Keyboard, OutMessage, esc, quote

if TYPE_CHECKING:
    from bot.handlers import Services

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Refusals that plain text without buttons can get past; any other BadRequest (chat not found,
# message too long…) would fail the same way again.
_RECOVERABLE = ("can't parse entities", "unsupported start tag", "button", "reply markup",
                "inline keyboard")


def _services(context: CallbackContext) -> Services:
    return context.bot_data["services"]


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


async def notify_admins(context: CallbackContext, blocks: Sequence[str]) -> None:
    """Tell every admin; one who never wrote to the bot (« chat not found ») is skipped."""
    svc = _services(context)
    messages = render.messages_from_blocks(blocks)
    for admin_id in svc.config.telegram.admin_ids:
        try:
            await send(context, admin_id, messages)
        except TelegramError as exc:
            log.warning("could not notify admin %s: %s", svc.pseudonym(admin_id), exc)


async def notify_report(context: CallbackContext, text: str, about: str | None) -> None:
    """Tell staff about a user's /signaler, with the answer it is probably about."""
    faq = _services(context).engine.knowledge.faq
    blocks = ["📣 <b>Nouveau signalement</b>\n" + quote(text, 800)]
    if about in faq:
        blocks.append(f"Dernière réponse donnée : « {esc(faq[about].question)} »")
    blocks.append("/nonrepondues pour le traiter.")
    await notify_admins(context, blocks)
