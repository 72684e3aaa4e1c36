"""Button presses checked in one place, before any callback reads their data.

Telegram sends back the message a button was pressed under, with its current keyboard. A
press whose data is not one of that keyboard's buttons was forged (or belongs to a keyboard
that has since been replaced): it is answered politely and goes no further, so no callback
ever parses data the bot did not write. Actions that only make sense in a private chat
(erasing one's data, the staff review queue) are refused elsewhere.
"""

from __future__ import annotations

import logging

from telegram import Chat, Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram import render
from bot.telegram.services import Context, ack, services

log = logging.getLogger(__name__)

# Callback data prefixes of private-only actions.
PRIVATE_ONLY = ("fg:", "rv")
PRIVATE_ONLY_TEXT = "Ce bouton ne fonctionne qu'en message privé."


def offered(message: object, data: str) -> bool:
    """True if ``data`` is the data of one of the buttons of ``message``'s keyboard."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return False  # an inaccessible (old) message, or none: nothing to check against
    return any(button.callback_data == data
               for row in message.reply_markup.inline_keyboard for button in row)


async def button_guard(update: Update, context: Context) -> None:
    """Refuse a press whose data is not under its own message, or in the wrong kind of chat."""
    query = update.callback_query
    if query is None:
        return
    data = query.data or ""
    chat = update.effective_chat
    svc = services(context)
    if not offered(query.message, data):
        log.info("refused a button press not offered under its message (user %s)",
                 svc.pseudonym(query.from_user.id if query.from_user else None))
        await ack(query, render.STALE_BUTTON, alert=True)
        raise ApplicationHandlerStop
    if data.startswith(PRIVATE_ONLY) and (chat is None or chat.type != Chat.PRIVATE):
        await ack(query, PRIVATE_ONLY_TEXT, alert=True)
        raise ApplicationHandlerStop
