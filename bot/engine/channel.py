"""The transport-neutral shape of a conversation turn (after Rasa's ``rasa/core/channels/``).

Every transport is a thin adapter: it turns its platform's event into a :class:`UserMessage`,
asks :meth:`bot.engine.Engine.reply`, and hands the :class:`~bot.engine.reply.Reply` to its
:class:`OutputChannel`, which turns it into the platform's calls. The terminal chat
(:mod:`bot.cli.terminal`) and Telegram (:mod:`bot.telegram`) are two such adapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.engine.reply import Reply


@dataclass(frozen=True, slots=True)
class UserMessage:
    """One message from a user, whatever the platform."""

    text: str
    sender_id: int | str | None = None  # who wrote it (a Telegram user id, « terminal »…)
    conversation_id: int | str | None = None  # where the conversation happens (a chat id…)


class OutputChannel(Protocol):
    """Where replies go: one per transport. Asynchronous transports return an awaitable."""

    def send_reply(self, to: UserMessage, reply: Reply) -> Any:
        """Turn ``reply`` (to ``to``) into the platform's calls."""
        ...
