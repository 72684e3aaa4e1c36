"""Notices to every admin: a user's /signaler, a staff action worth telling the others.

Both the citizens' callbacks (:mod:`bot.telegram.citizens`) and the staff ones
(:mod:`bot.telegram.staff`) notify through here, so neither needs the other. Sending itself
lives in :mod:`bot.telegram.services`, which this module imports and never the other way round.

Nothing here runs on a user's path: a notice is handed to one background sender
(:class:`StaffNotifier`) and the handler goes on at once. Admin chats are paced (about one
message a second), so a burst of reports would otherwise hold every handler that sent one;
the sender merges a backlog of reports into one digest (« 37 nouveaux signalements —
/nonrepondues ») and keeps a bounded number of other notices.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.telegram import render
from bot.telegram.render import esc, quote
from bot.telegram.services import send
from bot.telegram.services import services as _services

log = logging.getLogger(__name__)

MAX_NOTICES = 20  # other notices kept while the sender is behind; older ones are counted
STOP_TIMEOUT = 5.0  # seconds given to the backlog at shutdown


@dataclass(slots=True)
class _BotOnly:
    """What :func:`send` needs of a context: the bot."""

    bot: Bot


class StaffNotifier:
    """One background task sending staff notices, with a bounded, merging backlog."""

    def __init__(self, admin_ids: Sequence[int], pseudonym: Callable[[int], str]) -> None:
        self.admin_ids = tuple(admin_ids)
        self.pseudonym = pseudonym
        self._reports = 0
        self._first_report: list[str] | None = None
        self._notices: deque[list[str]] = deque()
        self._dropped = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.sent = 0  # observable: messages handed to Telegram

    # -------------------------------------------------------------- producers (never wait)

    def report(self, blocks: list[str]) -> None:
        self._reports += 1
        if self._reports == 1:
            self._first_report = blocks
        self._wake.set()

    def notice(self, blocks: list[str]) -> None:
        if self._notices and self._notices[-1] == blocks:
            return  # the same notice twice in a row (a watcher tick): once is enough
        if len(self._notices) >= MAX_NOTICES:
            self._notices.popleft()
            self._dropped += 1
        self._notices.append(list(blocks))
        self._wake.set()

    @property
    def pending(self) -> bool:
        return bool(self._reports or self._notices or self._dropped)

    # -------------------------------------------------------------- the sender

    def start(self, bot: Bot) -> None:
        if self._task is None and self.admin_ids:
            self._task = asyncio.create_task(self._run(_BotOnly(bot)), name="staff-notifier")

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Send what is pending (for at most ``timeout`` seconds), then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        deadline = asyncio.get_running_loop().time() + timeout
        while self.pending and not task.done() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def _take(self) -> list[list[str]]:
        """Everything pending, as notices: a backlog of reports becomes one digest."""
        batch: list[list[str]] = []
        if self._reports == 1 and self._first_report is not None:
            batch.append(self._first_report)
        elif self._reports > 1:
            batch.append([f"📣 <b>{self._reports} nouveaux signalements</b> — /nonrepondues"])
        self._reports, self._first_report = 0, None
        batch.extend(self._notices)
        self._notices.clear()
        if self._dropped:
            batch.append([f"… et {self._dropped} autre(s) avis non montré(s)."])
            self._dropped = 0
        return batch

    async def _run(self, context: _BotOnly) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            for blocks in self._take():
                messages = render.messages_from_blocks(blocks)
                for admin_id in self.admin_ids:
                    try:
                        await send(context, admin_id, messages)  # type: ignore[arg-type]
                        self.sent += len(messages)
                    except TelegramError as exc:
                        log.warning("could not notify admin %s: %s", self.pseudonym(admin_id),
                                    exc)
                    except Exception:
                        log.exception("could not notify admin %s", self.pseudonym(admin_id))


def notifier_of(context: CallbackContext) -> StaffNotifier | None:
    notifier = context.bot_data.get("notifier")
    return notifier if isinstance(notifier, StaffNotifier) and notifier._task else None


async def notify_admins(context: CallbackContext, blocks: Sequence[str]) -> None:
    """Tell every admin; one who never wrote to the bot (« chat not found ») is skipped.

    With the background sender running (the bot's normal state), this returns at once.
    """
    notifier = notifier_of(context)
    if notifier is not None:
        notifier.notice(list(blocks))
        return
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
    notifier = notifier_of(context)
    if notifier is not None:
        notifier.report(blocks)
        return
    await notify_admins(context, blocks)
