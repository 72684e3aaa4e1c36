"""Callback data: short keys under Telegram's 64-byte limit, stable across reloads.

Buttons carry keys (``a:<entry id>``), never texts; a key too long (or holding ``:``) is
replaced by a stable hash (:func:`key_for`) that :func:`resolve` maps back to its target.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MAX_CALLBACK_BYTES = 64


_HASH_MARK = "~"


def _digest(value: str) -> str:
    return _HASH_MARK + hashlib.blake2b(value.encode("utf-8"), digest_size=5).hexdigest()


def key_for(value: str, budget: int) -> str:
    """``value`` itself if it fits ``budget`` bytes and holds no ``:``, else a stable hash.

    The hash (11 ASCII characters) does not depend on the knowledge's order, so a button
    still works after a reload as long as its target exists.
    """
    if value and ":" not in value and not value.startswith(_HASH_MARK) and (
        len(value.encode("utf-8")) <= budget
    ):
        return value
    return _digest(value)


def resolve(key: str, choices: Iterable[str]) -> str | None:
    """The choice a key stands for, or ``None`` (a stale button)."""
    if key.startswith(_HASH_MARK):
        return next((c for c in choices if _digest(c) == key), None)
    return key if key in set(choices) else None


def pack(*parts: object, key: str | None = None) -> str:
    """``parts`` joined with ``:``, plus ``key`` (hashed if needed to fit 64 bytes)."""
    head = ":".join(str(p) for p in parts)
    if key is not None:
        budget = MAX_CALLBACK_BYTES - len(head.encode("utf-8")) - 1
        head = f"{head}:{key_for(key, budget)}"
    if len(head.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {head!r}")
    return head


def unpack(data: str | None) -> list[str]:
    return (data or "").split(":")


def cb_answer(entry_id: str) -> str:
    return pack("a", key=entry_id)


def cb_feedback(useful: bool, entry_id: str, interaction_id: int | None) -> str:
    return pack("fb", "+" if useful else "-", interaction_id or 0, key=entry_id)


def cb_reason(code: str, entry_id: str, interaction_id: int | None) -> str:
    return pack("fr", code, interaction_id or 0, key=entry_id)


def cb_themes() -> str:
    return pack("th")


def cb_theme(theme_id: str, page: int = 0, *, new_message: bool = False) -> str:
    """Browse a theme: in place (``th``, the theme browser) or in a new message (``tn``)."""
    return pack("tn" if new_message else "th", page, key=theme_id)


def cb_places(commune: str, place_type: str | None = None) -> str:
    """A commune's places (of one type, when the user asked for one: ``p:<type>:<commune>``)."""
    if place_type:
        return pack("p", place_type, key=commune)
    return pack("p", key=commune)


def cb_review(action: str, item_id: int | str = "", *extra: object, key: str | None = None) -> str:
    return pack("rv", action, item_id, *extra, key=key)


CB_NONE_OF_THESE = "no"
CB_FORGET_YES = "fg:yes"
CB_FORGET_NO = "fg:no"

FEEDBACK_REASONS: dict[str, str] = {
    "faux": "Réponse inexacte",
    "vieux": "Information périmée",
    "hors": "Pas ma question",
    "flou": "Pas claire",
}

