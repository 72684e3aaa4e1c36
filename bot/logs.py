"""Logging for ``python -m bot run``: one stderr handler, secrets masked, third parties quiet.

``TLB_LOG_LEVEL`` sets the level of the ``bot`` loggers only. python-telegram-bot logs whole
updates at DEBUG (raw ids, names, texts) and httpx logs every URL (the token is in it) at
INFO: those libraries stay at WARNING whatever ``TLB_LOG_LEVEL`` says. Our own loggers never
print a raw Telegram id, a name or a message text (pseudonyms only).
"""

from __future__ import annotations

import logging
import os

QUIET = ("telegram", "httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio", "tornado")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class RedactingFilter(logging.Filter):
    """Removes the bot token from every log record (messages, arguments, tracebacks)."""

    def __init__(self, *secrets: str, told: tuple[type[BaseException], ...] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self.told = told  # errors the caller reports itself, in one line: no traceback twice

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[jeton masqué]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.told and record.exc_info and isinstance(record.exc_info[1], self.told):
            return False
        if not self.secrets:
            return True
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


_configured = False


def bot_level() -> str:
    """``$TLB_LOG_LEVEL`` if it names a level, else INFO."""
    level = (os.environ.get("TLB_LOG_LEVEL") or "INFO").strip().upper()
    return level if level in LEVELS else "INFO"


def configure_logging(*secrets: str, told: tuple[type[BaseException], ...] = ()) -> None:
    """Set up logging once: one handler on stderr, secrets masked, libraries at WARNING."""
    global _configured
    if _configured:
        return
    _configured = True
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(*secrets, told=told))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("bot").setLevel(bot_level())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
