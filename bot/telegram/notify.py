"""Notices to every admin: a user's /signaler, a staff action worth telling the others.

Both the citizens' callbacks (:mod:`bot.telegram.citizens`) and the staff ones
(:mod:`bot.telegram.staff`) notify through here, so neither needs the other. Sending itself
lives in :mod:`bot.telegram.services`, which this module imports and never the other way round.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.telegram import render
from bot.telegram.render import esc, quote
from bot.telegram.services import send
from bot.telegram.services import services as _services

log = logging.getLogger(__name__)


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
