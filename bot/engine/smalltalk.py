"""Recognise greetings, thanks, goodbyes, rudeness… and nothing else.

A message is small talk only when, once its small-talk phrases are removed, nothing with a
topic is left: « Bonjour » is small talk, « Bonjour, qu'est-ce que Casaco ? » is a question.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Mapping

from bot.engine.text import STOP_WORDS, fold, tokenize
from bot.knowledge import SmallTalkIntent

# Words that add tone but no topic (« merci *beaucoup* », « t'es *vraiment* nul »).
_FILLER = frozenset(
    {
        "beaucoup", "bcp", "vraiment", "franchement", "trop", "tres", "super", "top", "bien",
        "grand", "gros", "encore", "mille", "fois", "votre", "ton", "aide", "infos", "information",
        "informations", "reponse", "reponses", "pour", "tout", "toute", "et", "vous", "tu", "es",
        "t", "toi", "moi", "c", "est", "je", "suis", "a", "on", "ca", "cette", "journee", "soiree",
        "ces", "explications", "explication", "precisions", "conseils", "completement",
        "totalement", "grave", "ou", "quoi",
    }
) | STOP_WORDS
# Stop words that are only grammar: a small-talk phrase made of them alone (« a+ », « ça »)
# says nothing inside a longer message. Greetings and thanks are stop words too (they carry no
# topic for the index) but they do say something: « coucou tout le monde ».
_SOCIAL = frozenset({"merci", "bonjour", "bonsoir", "salut", "hello", "coucou", "bye", "ciao"})
_GRAMMAR = STOP_WORDS - _SOCIAL
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\U0001f3fb-\U0001f3ff]"
)
_EMOJI_INTENTS = {"👍": "ok", "👌": "ok", "🙏": "thanks", "👋": "greeting", "❤": "thanks"}


class SmallTalk:
    def __init__(self, intents: Mapping[str, SmallTalkIntent]) -> None:
        self.intents = dict(intents)
        self._phrases: list[tuple[tuple[str, ...], str]] = []
        self._literal: dict[str, str] = {}
        for intent in intents.values():
            for pattern in intent.patterns:
                literal = fold(pattern).strip()
                tokens = tuple(tokenize(pattern))
                if not tokens or not re.fullmatch(r"[a-z0-9' -]+", literal):
                    self._literal[literal] = intent.id  # « a+ », « /start », « :) »
                if tokens:
                    self._phrases.append((tokens, intent.id))
        self._phrases.sort(key=lambda p: len(p[0]), reverse=True)
        self._literal_patterns = [
            (literal, intent, re.compile(rf"(?<!\S){re.escape(literal)}(?!\S)"),
             re.search(r"[a-z]{3}", literal) is not None)
            for literal, intent in self._literal.items() if literal
        ]

    def detect(self, message: str) -> str | None:
        """The small-talk intent of the whole message, or ``None`` if it asks something."""
        intent, rest = self._scan(message)
        return None if any(w not in _FILLER for w in rest) else intent

    def detect_within(self, message: str) -> tuple[str | None, int]:
        """The small-talk intent of a message that says more (« merci infiniment, vous m'avez
        bien dépanné »), and how many words with a topic are left beside it. The engine uses
        it only when no FAQ entry is a likely answer."""
        intent, rest = self._scan(message, lenient=True)
        return intent, sum(1 for w in rest if w not in _FILLER)

    def _scan(self, message: str, lenient: bool = False) -> tuple[str | None, list[str]]:
        """The intents found and the words left. ``lenient``: inside a longer message, only
        phrases with a real word count (« a+ » must not turn every « à » into a goodbye)."""
        text = fold(message).strip()
        if text in self._literal:
            return self._literal[text], []
        emoji = _EMOJI.findall(message)
        words = tokenize(_EMOJI.sub(" ", message))
        intents: list[str] = []
        rest = list(words)
        for literal, intent, alone, has_word in self._literal_patterns:
            if lenient and not has_word:
                continue
            if literal in text and alone.search(text):  # the substring test is the cheap one
                intents.append(intent)
                rest = [w for w in rest if w not in tokenize(literal)]
        present = set(rest)
        for tokens, intent in self._phrases:
            # Inside a longer message, a call for help needs more than one word: « aide »
            # there is a grant (« quelle aide pour ouvrir… »), « menu » a word of a question.
            if tokens[0] not in present:  # the cheap test first: most phrases are absent
                continue
            if (lenient and (all(t in _GRAMMAR or len(t) <= 2 for t in tokens)
                             or (len(tokens) == 1 and intent == "help"))) or (
                    len(tokens) == 1 and tokens[0] in _GRAMMAR and len(words) > 1):  # « y a… »
                continue  # (« a+ » is a goodbye alone, not the « a » of « y a des sous ? »)
            i = _find(rest, tokens)
            while i is not None:
                # « merci pour votre aide »: thanks for the help, no call for it
                if not (intent == "help" and len(tokens) == 1 and "thanks" in intents):
                    intents.append(intent)
                del rest[i : i + len(tokens)]
                i = _find(rest, tokens)
        if not intents and emoji and not words:
            intents = [_EMOJI_INTENTS.get(e, "") for e in emoji if _EMOJI_INTENTS.get(e)]
            return (intents[0] if intents else "emoji"), rest
        if not intents:
            return None, rest
        # « Merci, au revoir » is a goodbye; « Salut, ça va ? » asks how we are.
        for preferred in ("insult", "help", "goodbye", "how_are_you", "thanks"):
            if preferred in intents:
                return preferred, rest
        return intents[0], rest

    def reply_for(self, intent: str, message: str) -> str:
        """One of the intent's replies, chosen deterministically from the message."""
        spec = self.intents.get(intent)
        if not spec:
            return ""
        rng = random.Random(zlib.crc32(message.encode("utf-8", "replace")))
        return rng.choice(spec.replies)


def _find(words: list[str], tokens: tuple[str, ...]) -> int | None:
    n = len(tokens)
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) == tokens:
            return i
    return None
