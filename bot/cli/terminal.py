"""The terminal chat: the same engine and conversation context as Telegram, in a shell.

Works interactively and piped (``echo "c koi un tiers lieu" | python -m bot chat``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from bot.engine import Conversation, Engine
from bot.engine.channel import UserMessage
from bot.engine.reply import Reply, ReplyKind

_QUIT = {"/quitter", "/quit", "/exit", "quitter", "exit"}


def render(reply: Reply) -> str:
    """Plain text plus numbered suggestions, which the user can pick by typing the number."""
    lines = [reply.to_plain_text()]
    if reply.themes and reply.kind is ReplyKind.FALLBACK:
        lines.append("Thèmes : " + " · ".join(label for _, label in reply.themes))
    if reply.suggestions:
        lines.append("\n".join(f"  [{i}] {s.question}" for i, s in enumerate(reply.suggestions, 1)))
    return "\n".join(lines)


@dataclass(slots=True)
class TerminalOutput:
    """The terminal's output channel: the reply as plain text after « bot> »."""

    stdout: TextIO

    def send_reply(self, to: UserMessage, reply: Reply) -> None:
        self.stdout.write(f"bot> {render(reply)}\n")
        self.stdout.flush()


def run_chat(engine: Engine, stdin: TextIO, stdout: TextIO) -> int:
    interactive = stdin.isatty()
    output = TerminalOutput(stdout)
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
        message = UserMessage(line.strip(), sender_id="terminal")
        if message.text.lower() in _QUIT:
            break
        if message.text.isdigit() and 1 <= int(message.text) <= len(suggestions):
            picked = suggestions[int(message.text) - 1]
            reply = engine.answer(picked.id)
            conversation.remember(reply)
        else:
            reply = engine.reply(message.text, conversation)
        suggestions = reply.suggestions
        if not interactive:
            stdout.write(f"\nvous> {message.text}\n")
        output.send_reply(message, reply)
    stdout.write("Au revoir !\n")
    return 0
