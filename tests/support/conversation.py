"""One conversation with the engine, message after message, as a user has it."""

from __future__ import annotations

from bot.engine import Conversation, Engine
from bot.engine.reply import Reply


def talk(engine: Engine, *messages: str) -> list[Reply]:
    """The replies to ``messages``, sent one after the other in one conversation."""
    conversation = Conversation()
    return [engine.reply(m, conversation) for m in messages]
