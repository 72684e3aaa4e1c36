"""Storage: SQLite (interactions, feedback, review queue) and privacy (pseudonyms, erasure).

Telegram ids never reach the database in clear: :mod:`bot.storage.privacy` turns them into
keyed pseudonyms. The engine and the knowledge never import this package.
"""

from bot.storage.protocol import (
    NullStorage,
    ReviewGroup,
    ReviewItem,
    Stats,
    StorageError,
    StorageProtocol,
)
from bot.storage.schema import MIGRATIONS, REVIEW_REASONS, REVIEW_STATUSES, SCHEMA_VERSION
from bot.storage.store import Storage

__all__ = [
    "MIGRATIONS",
    "REVIEW_REASONS",
    "REVIEW_STATUSES",
    "SCHEMA_VERSION",
    "NullStorage",
    "ReviewGroup",
    "ReviewItem",
    "Stats",
    "Storage",
    "StorageError",
    "StorageProtocol",
]
