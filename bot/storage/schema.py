"""The SQLite schema: numbered migrations and the values its columns accept."""

from __future__ import annotations

REVIEW_REASONS = frozenset({"unanswered", "low_confidence", "report"})
REVIEW_STATUSES = frozenset({"open", "accepted", "dismissed"})
BUSY_TIMEOUT_MS = 5000  # another process (CLI export, a second bot) may hold the write lock

# Numbered migrations: MIGRATIONS[n] brings the schema from version n to n + 1. Each is applied
# in the transaction that bumps PRAGMA user_version, so a crash never leaves half a migration.
# Never edit a released migration: append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the initial schema.
    (
        """CREATE TABLE interactions (
            id INTEGER PRIMARY KEY,
            user_hash TEXT NOT NULL,
            message TEXT NOT NULL,
            reply_kind TEXT NOT NULL,
            entry_id TEXT,
            score REAL NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            user_hash TEXT NOT NULL,
            interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
            entry_id TEXT NOT NULL,
            useful INTEGER NOT NULL CHECK (useful IN (0, 1)),
            reason TEXT,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE review_queue (
            id INTEGER PRIMARY KEY,
            user_hash TEXT NOT NULL,
            message TEXT NOT NULL,
            normalised TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('unanswered', 'low_confidence', 'report')),
            suggested_id TEXT,
            score REAL NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'accepted', 'dismissed')),
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX interactions_created_at ON interactions(created_at)",
        "CREATE INDEX feedback_created_at ON feedback(created_at)",
        "CREATE INDEX review_queue_created_at ON review_queue(created_at)",
    ),
    # 2: response times for the stats, and indexes for per-user requests (export, forget) and
    # the review queue, which otherwise scan whole tables.
    (
        "ALTER TABLE interactions ADD COLUMN response_ms INTEGER",
        "CREATE INDEX interactions_user_hash ON interactions(user_hash)",
        "CREATE INDEX feedback_user_hash ON feedback(user_hash)",
        "CREATE INDEX review_queue_user_hash ON review_queue(user_hash)",
        "CREATE INDEX review_queue_status_normalised ON review_queue(status, normalised)",
    ),
    # 4 (staff review loop; it follows the security migration 3 once both are merged): a
    # 👎 joins the review queue with its reason (« Pas ma question »…) in `note`.
    (
        "ALTER TABLE review_queue ADD COLUMN note TEXT",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
# Every table holds user-linked rows. Feedback first: it points at interactions.
_USER_TABLES = ("feedback", "interactions", "review_queue")
