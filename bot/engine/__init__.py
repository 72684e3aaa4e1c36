"""The engine: French text, matching, places and small talk, the decision, the reply.

It imports no transport and no storage: the Telegram adapter and the terminal chat turn their
platform's events into a :class:`~bot.engine.channel.UserMessage`, call :meth:`Engine.reply`
and turn the :class:`Reply` back into their platform's calls.
"""

from bot.engine.decision import Conversation, Engine
from bot.engine.reply import Reply, ReplyKind

__all__ = ["Conversation", "Engine", "Reply", "ReplyKind"]
