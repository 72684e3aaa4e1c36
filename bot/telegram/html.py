"""Telegram HTML: escaping, lengths as Telegram counts them, and splitting at 4 096 units.

Plain data (no ``telegram`` import): a :class:`OutMessage` is HTML text and its keyboard of
:class:`Button` rows, which the handlers turn into Telegram objects.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_MESSAGE_UNITS = 4096
MAX_BUTTON_LABEL = 60


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button and the callback data it sends."""

    text: str
    data: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class OutMessage:
    """One Telegram message: HTML text and its inline keyboard (possibly empty)."""

    html: str
    keyboard: Keyboard = ()


# ----------------------------------------------------------------------------- escaping

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str) -> str:
    """``text`` without control characters (tabs and newlines kept)."""
    return _CONTROL.sub("", text or "")


def esc(text: str) -> str:
    """Text made safe for Telegram's HTML parse mode."""
    return html.escape(clean(text), quote=False)


def esc_attr(text: str) -> str:
    return html.escape(clean(text), quote=True)


def link(url: str | None, label: str) -> str:
    """An ``<a>`` tag for http(s) URLs; anything else is shown as escaped text."""
    if url and re.match(r"^https?://[^\s<>\"]+$", url):
        return f'<a href="{esc_attr(url)}">{esc(label)}</a>'
    return esc(label)


def shorten(text: str, limit: int = MAX_BUTTON_LABEL) -> str:
    """A one-line label of at most ``limit`` characters."""
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(text: str, limit: int = 300) -> str:
    """A user's text shown back to them or to staff: one paragraph, escaped, bounded."""
    return "« " + esc(shorten(text, limit)) + " »"


# ----------------------------------------------------------------------------- lengths

_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);|.", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(html_text: str) -> str:
    """What the user sees once Telegram has parsed ``html_text``."""
    return html.unescape(re.sub(r"<[^<>]*>", "", html_text))


def visible_length(html_text: str) -> int:
    return utf16_len(visible_text(html_text))


def split_html(html_text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Cut HTML into messages of at most ``limit`` visible UTF-16 units.

    Cuts fall on a paragraph break if one is reasonably far in, else a line break, else a
    space, else anywhere between two characters (never inside a tag or an entity). Tags open
    at a cut are closed at the end of the chunk and reopened at the start of the next one.
    """
    if visible_length(html_text) <= limit:
        return [html_text] if visible_text(html_text).strip() else []
    tokens = _TOKEN.findall(html_text)
    chunks: list[str] = []
    start, stack = 0, []
    while start < len(tokens):
        start = _skip_blank(tokens, start, stack)
        if start >= len(tokens):
            break
        end, end_stack = _find_cut(tokens, start, list(stack), limit)
        body = "".join(tok for _, tok in stack) + "".join(tokens[start:end])
        body += "".join(f"</{name}>" for name, _ in reversed(end_stack))
        if visible_text(body).strip():
            chunks.append(body)
        start, stack = end, end_stack
    return chunks


def _skip_blank(tokens: list[str], i: int, stack: list[tuple[str, str]]) -> int:
    """Skip whitespace at the start of a chunk (tags met on the way still count)."""
    while i < len(tokens) and (tokens[i].isspace() or _is_tag(tokens[i])):
        if _is_tag(tokens[i]):
            _apply_tag(stack, tokens[i])
        i += 1
    return i


def _find_cut(tokens: list[str], start: int, stack: list[tuple[str, str]],
              limit: int) -> tuple[int, list[tuple[str, str]]]:
    """Where the chunk starting at ``start`` ends, and the tags open there."""
    length = 0
    breaks: list[tuple[int, int, int, list[tuple[str, str]]]] = []  # (priority, i, len, stack)
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if _is_tag(tok):
            _apply_tag(stack, tok)
            continue
        if length and tok in ("\n", " "):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            priority = (3 if nxt == "\n" else 2) if tok == "\n" else 1
            breaks.append((priority, i, length, list(stack)))
        units = utf16_len(html.unescape(tok) if tok.startswith("&") else tok)
        if length + units > limit:
            far_enough = [b for b in breaks if b[2] >= limit // 3] or breaks
            if far_enough:
                _, cut, _, cut_stack = max(far_enough, key=lambda b: (b[0], b[1]))
                return cut, cut_stack
            return i, list(stack)  # one unbroken word longer than the limit
        length += units
    return len(tokens), stack


def _is_tag(token: str) -> bool:
    return token.startswith("<") and token.endswith(">") and len(token) > 2


def _apply_tag(stack: list[tuple[str, str]], token: str) -> None:
    match = _TAG.match(token)
    if not match:
        return
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        stack.append((name, token))
        return
    for j in range(len(stack) - 1, -1, -1):
        if stack[j][0] == name:
            del stack[j]
            break


def messages_from_blocks(blocks: Iterable[str], keyboard: Keyboard = (),
                         limit: int = MAX_MESSAGE_UNITS) -> list[OutMessage]:
    """Join HTML blocks with blank lines, split under the limit; the keyboard goes last."""
    text = "\n\n".join(b for b in blocks if b and b.strip())
    parts = split_html(text, limit) or ["…"]
    return [OutMessage(p, keyboard if n == len(parts) - 1 else ()) for n, p in enumerate(parts)]
