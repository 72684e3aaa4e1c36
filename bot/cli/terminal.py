"""The terminal chat: the same engine and conversation context as Telegram, in a shell.

Works interactively and piped (``echo "c koi un tiers lieu" | python -m bot chat``). The
commands Telegram users have that make sense here work too: /aide, /themes, /signaler.
The terminal never touches the database: a /signaler here is not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from bot.engine import Conversation, Engine
from bot.engine.channel import UserMessage
from bot.engine.reply import Reply, ReplyKind, Suggestion

_QUIT = {"/quitter", "/quit", "/exit", "quitter", "exit"}
HELP = (
    "Posez votre question en français, comme à un agent d'accueil : « Qu'est-ce qu'un "
    "tiers-lieu ? », « un coworking à Malakoff ».\n"
    "Tapez le numéro d'une suggestion pour la choisir.\n"
    "Commandes : /themes (parcourir par thème), /signaler TEXTE (une erreur, un lieu à "
    "ajouter), /aide (cette aide), /quitter."
)
REPORT_NOTE = ("Merci ! Dans Telegram, ce signalement serait transmis à l'équipe. Ici, dans le "
               "terminal, rien n'est enregistré : écrivez-le à l'équipe directement.")


def render(reply: Reply) -> str:
    """Plain text plus numbered suggestions, which the user can pick by typing the number."""
    lines = [reply.to_plain_text()]
    if reply.themes and reply.kind is ReplyKind.FALLBACK:
        lines.append("Thèmes : " + " · ".join(label for _, label in reply.themes))
    if reply.suggestions:
        lines.append(numbered(reply.suggestions))
    return "\n".join(lines)


def numbered(suggestions: tuple[Suggestion, ...]) -> str:
    return "\n".join(f"  [{i}] {s.question}" for i, s in enumerate(suggestions, 1))


@dataclass(slots=True)
class TerminalOutput:
    """The terminal's output channel: the reply as plain text after « bot> »."""

    stdout: TextIO

    def send_reply(self, to: UserMessage, reply: Reply) -> None:
        self.write(render(reply))

    def write(self, text: str) -> None:
        self.stdout.write(f"bot> {text}\n")
        self.stdout.flush()


@dataclass(slots=True)
class _Session:
    engine: Engine
    output: TerminalOutput
    conversation: Conversation
    suggestions: tuple[Suggestion, ...] = ()
    themes: tuple[tuple[str, str], ...] = ()  # listed by /themes: a number picks one

    def command(self, text: str) -> bool:
        """/aide, /themes, /signaler; False if ``text`` is not one of them."""
        name, _, rest = text.partition(" ")
        name = name.lower()
        if name in ("/aide", "/help", "/start"):
            self.output.write(HELP)
        elif name == "/themes":
            self.themes = tuple(self.engine.knowledge.themes.items())
            self.suggestions = ()
            self.output.write("Choisissez un thème (tapez son numéro) :\n" + "\n".join(
                f"  [{i}] {label}" for i, (_, label) in enumerate(self.themes, 1)))
        elif name == "/signaler":
            self.output.write(REPORT_NOTE if rest.strip() else
                              "Écrivez votre signalement après la commande : /signaler TEXTE")
        else:
            return False
        return True

    def pick(self, number: int) -> bool:
        """A number typed after /themes or after suggestions."""
        if self.themes and 1 <= number <= len(self.themes):
            theme, label = self.themes[number - 1]
            self.themes = ()
            self.suggestions = self.engine.theme_questions(theme)
            self.output.write(f"{label} :\n{numbered(self.suggestions)}")
            return True
        if 1 <= number <= len(self.suggestions):
            reply = self.engine.answer(self.suggestions[number - 1].id)
            self.conversation.remember(reply)
            self.answered(reply)
            return True
        shown = len(self.themes) or len(self.suggestions)
        if shown and number <= 20:  # « 3 » when two were shown: say so, keep them
            listed = numbered(self.suggestions) if self.suggestions else ""
            limit = ("Il n'y a qu'un choix : tapez 1." if shown == 1 else
                     f"Il n'y a que {shown} choix : tapez un numéro de 1 à {shown}.")
            self.output.write(limit + (f"\n{listed}" if listed else ""))
            return True
        return False

    def answered(self, reply: Reply) -> None:
        self.suggestions = reply.suggestions
        self.themes = ()
        self.output.write(render(reply))


def run_chat(engine: Engine, stdin: TextIO, stdout: TextIO) -> int:
    interactive = stdin.isatty()
    session = _Session(engine, TerminalOutput(stdout), Conversation())
    stdout.write(
        "Assistant tiers-lieux des Hauts-de-Seine — posez votre question "
        "(tapez un numéro pour choisir une suggestion, /aide pour l'aide, /quitter pour sortir).\n"
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
        if not interactive:
            stdout.write(f"\nvous> {message.text}\n")
        if message.text.startswith("/") and session.command(message.text):
            continue
        if message.text.isdigit() and session.pick(int(message.text)):
            continue
        session.answered(engine.reply(message.text, session.conversation))
    stdout.write("Au revoir !\n")
    return 0
