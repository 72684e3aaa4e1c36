"""tiers-lieux-bot: a French assistant on the tiers-lieux of the Hauts-de-Seine.

The engine (:class:`bot.engine.Engine`) knows nothing of Telegram; transports render its
:class:`bot.engine.reply.Reply`.
"""

from bot.engine import Conversation, Engine
from bot.engine.reply import Reply, ReplyKind
from bot.knowledge import Knowledge, KnowledgeError, load_knowledge

__all__ = ["Conversation", "Engine", "Knowledge", "KnowledgeError", "Reply", "ReplyKind",
           "load_knowledge"]
__version__ = "0.1.0"
