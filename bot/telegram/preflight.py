"""Before serving: is Telegram reachable, and does it accept the token?

Without this, an unreachable Bot API server made ``python -m bot run`` retry for about two
minutes and end in a 220-line traceback. One quick ``getMe`` (a few short attempts, about
twenty seconds in all) tells the operator in one French line instead.
"""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.error import InvalidToken, NetworkError
from telegram.request import HTTPXRequest

ATTEMPTS = 3
PAUSE_SECONDS = 2.0
UNREACHABLE = ("Erreur : Telegram est injoignable ({where}) après {attempts} essais. Vérifiez "
               "la connexion réseau (ou telegram.base_url), puis relancez le bot.")


class TelegramUnreachable(Exception):
    """Telegram did not answer; the message is the French line to print."""


async def _get_me(token: str, base_url: str, attempts: int, pause: float) -> None:
    request = HTTPXRequest(connect_timeout=5.0, read_timeout=5.0)
    bot = Bot(token, base_url=base_url, request=request)
    try:
        for attempt in range(attempts):
            try:
                await bot.get_me()
                return
            except InvalidToken:
                raise
            except NetworkError:  # TimedOut included
                if attempt + 1 < attempts:
                    await asyncio.sleep(pause)
        host = base_url.split("//", 1)[-1].split("/", 1)[0]
        raise TelegramUnreachable(UNREACHABLE.format(where=host, attempts=attempts))
    finally:
        await request.shutdown()


def check_telegram(token: str, base_url: str, attempts: int = ATTEMPTS,
                   pause: float = PAUSE_SECONDS) -> None:
    """Raise :class:`InvalidToken` or :class:`TelegramUnreachable`; return when reachable."""
    asyncio.run(_get_me(token, base_url, attempts, pause))
