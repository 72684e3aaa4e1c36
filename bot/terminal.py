"""The terminal chat: the same engine and conversation context as Telegram, in a shell.

Works interactively and piped (``echo "c koi un tiers lieu" | python -m bot chat``).
"""

from __future__ import annotations

from typing import TextIO

from bot.engine import Conversation, Engine
from bot.reply import Reply, ReplyKind

_QUIT = {"/quitter", "/quit", "/exit", "quitter", "exit"}


def render(reply: Reply) -> str:
    """Plain text plus numbered suggestions, which the user can pick by typing the number."""
    lines = [reply.to_plain_text()]
    if reply.themes and reply.kind is ReplyKind.FALLBACK:
        lines.append("Thèmes : " + " · ".join(label for _, label in reply.themes))
    if reply.suggestions:
        lines.append("\n".join(f"  [{i}] {s.question}" for i, s in enumerate(reply.suggestions, 1)))
    return "\n".join(lines)


def run_chat(engine: Engine, stdin: TextIO, stdout: TextIO) -> int:
    interactive = stdin.isatty()
    conversation = Conversation()
    suggestions: tuple = ()
    stdout.write(
        "Assistant tiers-lieux des Hauts-de-Seine — posez votre question "
        "(tapez un numéro pour choisir une suggestion, /quitter pour sortir).\n"
    )
    while True:
        if interactive:
            stdout.write("\nvous> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        message = line.strip()
        if message.lower() in _QUIT:
            break
        if message.isdigit() and 1 <= int(message) <= len(suggestions):
            picked = suggestions[int(message) - 1]
            reply = engine.answer(picked.id)
            conversation.remember(reply)
        else:
            reply = engine.reply(message, conversation)
        suggestions = reply.suggestions
        if not interactive:
            stdout.write(f"\nvous> {message}\n")
        stdout.write(f"bot> {render(reply)}\n")
        stdout.flush()
    stdout.write("Au revoir !\n")
    return 0
