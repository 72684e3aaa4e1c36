"""Privacy helpers: pseudonymous user keys and the secret behind them.

Raw Telegram ids are never stored: every table holds an HMAC of the id instead, so a copy of
the database alone cannot be joined back to Telegram accounts, yet one user's rows can still be
found (to export or forget them) by anyone holding the secret. Text scrubbing lives in
:mod:`bot.knowledge.scrub`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

logger = logging.getLogger(__name__)

PSEUDONYM_LENGTH = 32
_MEMORY_DATABASES = frozenset({"", ":memory:"})
_process_secret: str | None = None


def pseudonymise(user_id: int | str, secret: str) -> str:
    """The stable, keyed pseudonym stored in place of ``user_id`` (32 hex characters).

    Keyed, not a plain hash: Telegram ids are small integers, so an unkeyed hash could be
    reversed by hashing every possible id.
    """
    if not secret:
        raise ValueError("an HMAC secret is required to pseudonymise user ids")
    digest = hmac.new(secret.encode("utf-8"), str(user_id).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_LENGTH]


def resolve_secret(configured: str | None, db_path: str | os.PathLike[str]) -> str:
    """The HMAC secret to use: ``configured`` (``TLB_HMAC_SECRET``) or a local development key.

    Without a configured secret the key is generated once and kept in ``<database>.key``
    (mode 0600) so pseudonyms survive restarts and ``forget_user`` keeps working; losing or
    rotating it would orphan every stored row. An in-memory database only lives as long as the
    process, so its key does too.
    """
    if configured:
        return configured
    global _process_secret
    if str(db_path) in _MEMORY_DATABASES:
        if _process_secret is None:
            _process_secret = secrets.token_hex(32)
        return _process_secret
    key_file = Path(f"{os.fspath(db_path)}.key")
    if not key_file.exists():
        _create_key_file(key_file)
    secret = key_file.read_text(encoding="utf-8").strip()
    if not secret:
        # Regenerating would silently orphan existing pseudonyms: make someone look at it.
        raise RuntimeError(f"{key_file}: fichier de clé vide ; restaurez-le ou supprimez-le")
    logger.warning(
        "TLB_HMAC_SECRET is not set: using the development key in %s. "
        "Set TLB_HMAC_SECRET in production.",
        key_file,
    )
    return secret


def _create_key_file(key_file: Path) -> None:
    """Write a new random key with 0600 permissions, atomically.

    The key is written to a private temporary file and hard-linked into place, so two
    processes starting at once both end up reading the same complete key.
    """
    key_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = key_file.with_name(f"{key_file.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)  # explicit, whatever the umask
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process won the race: keep its key
            os.link(tmp, key_file)
    finally:
        tmp.unlink(missing_ok=True)
