"""The durable inbox on the Telegram side: written on receipt, marked when handled, replayed.

* :class:`InboxRequest` wraps the ``getUpdates`` request: the updates of each response are
  written to the :class:`~bot.storage.inbox.Inbox` before python-telegram-bot sees them, so
  before it can confirm them to Telegram;
* :class:`InboxQueue` does the same in webhook mode, before the webhook call is answered;
* :class:`InboxApplication` marks each update once its handlers have finished, and skips an
  update already handled or in progress (Telegram sends unconfirmed updates again after a
  restart): each ``update_id`` is answered at most once;
* :func:`replay` runs at start-up: what was received and never answered is handled now if it
  is recent (:data:`REPLAY_SECONDS`), and gets a short apology otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.storage.inbox import Inbox

log = logging.getLogger(__name__)

REPLAY_SECONDS = 300.0  # older unanswered updates get an apology instead of an answer
APOLOGY = ("Désolé, je n'ai pas pu répondre à votre message à temps. Pouvez-vous le "
           "renvoyer, s'il vous plaît ?")


class InboxRequest(BaseRequest):
    """The ``getUpdates`` transport, writing each received update down first."""

    def __init__(self, inner: BaseRequest, holder: dict[str, Any]) -> None:
        self.inner = inner
        self.holder = holder  # holds the Inbox once it is open (application.bot_data)

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, body = await self.inner.do_request(url, method, request_data, *args, **kwargs)
        inbox = self.holder.get("inbox")
        if code == 200 and inbox is not None and url.endswith("/getUpdates"):
            try:
                result = json.loads(body).get("result")
            except (ValueError, AttributeError):
                result = None
            if isinstance(result, list) and result:
                try:
                    inbox.receive(result)  # before PTB can confirm them
                except Exception:
                    log.exception("could not write received updates to the inbox")
        return code, body


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The update queue in webhook mode: python-telegram-bot answers Telegram's call (which
    confirms the update) only once the update is queued, so writing it down here first makes
    webhook updates as durable as polled ones."""

    def __init__(self, holder: dict[str, Any]) -> None:
        super().__init__()
        self.holder = holder  # holds the Inbox once it is open (application.bot_data)

    async def put(self, item: object) -> None:
        inbox = self.holder.get("inbox")
        if inbox is not None and isinstance(item, Update):
            try:
                inbox.receive([item.to_dict()])
            except Exception:
                log.exception("could not write a received update to the inbox")
        await super().put(item)


class InboxApplication(Application):  # type: ignore[type-arg]
    """An Application that marks updates handled in the inbox and never handles one twice."""

    async def process_update(self, update: object) -> None:
        inbox: Inbox | None = self.bot_data.get("inbox")
        if inbox is None or not isinstance(update, Update):
            await super().process_update(update)
            return
        busy: set[int] = self.bot_data.setdefault("inbox_busy", set())
        update_id = update.update_id
        if update_id in busy or inbox.is_answered(update_id):
            return
        busy.add(update_id)
        try:
            await super().process_update(update)
        finally:
            busy.discard(update_id)
            inbox.answered(update_id)
            if not self.bot_data.get("inbox_flush"):  # one write for this loop iteration
                self.bot_data["inbox_flush"] = True
                asyncio.get_running_loop().call_soon(_flush, self, inbox)


def _flush(app: Application, inbox: Inbox) -> None:
    app.bot_data["inbox_flush"] = False
    try:
        inbox.flush()
    except Exception:
        log.exception("could not mark updates answered in the inbox")


async def replay(app: Application, inbox: Inbox) -> tuple[int, int]:
    """Hand recent unanswered updates to the handlers; apologise for older ones.

    Returns (replayed, apologised). Called before polling starts.
    """
    replayed = apologised = 0
    for item in inbox.pending():
        if item.age <= REPLAY_SECONDS:
            update = Update.de_json(item.payload, app.bot)
            if update is not None:
                await app.update_queue.put(update)
                replayed += 1
                continue
        if item.chat_id is not None and item.chat_id > 0:  # private chats only: no group noise
            with contextlib.suppress(TelegramError):
                await app.bot.send_message(item.chat_id, APOLOGY)
                apologised += 1
        inbox.answered(item.update_id)
    inbox.flush()
    if replayed or apologised:
        log.info("inbox: %d update(s) answered again, %d apology(ies)", replayed, apologised)
    return replayed, apologised
