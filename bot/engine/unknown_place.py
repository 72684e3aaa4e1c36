"""A place name the assistant does not know: « un coworking à Rouen », « un fablab vers Saint-Malo ».

The communes of the 92 and the usual names outside it are in the knowledge; France has 35 000
communes more. A place search whose message ends on « à / sur / vers / près de » and a word
that neither the knowledge nor its typo correction knows is most likely such a commune: the
honest reply says the name is not one of the Hauts-de-Seine's, rather than a generic « je ne
sais pas ». Only at the end of the message, and never for the few everyday complements that
follow « à » in a search (« à vélo », « à volonté »).
"""

from __future__ import annotations

import re

from bot.engine.intents import QUESTION_WORDS
from bot.engine.matching import Vocabulary
from bot.engine.text import STOP_WORDS, fold

# « à Rouen », « sur Rennes », « vers Saint-Malo », « près de Brest », « du côté de Caen » — the
# name (one to three words) closes the message
_AT_THE_END = re.compile(
    r"(?:^|\s)(?:(?:à|a|sur|vers)\s+|(?:pr[eè]s|autour|du c[oô]t[eé]) d(?:e\s+|['’]\s*))"
    r"([^\W\d_][\w'’-]*(?:[ -][\w'’-]+){0,2})[\s?!.…]*$",
    re.IGNORECASE,
)
# « coworking Rouen », « Tiers lieux Brest ? »: a kind of place, then the name, nothing else
_KIND_THEN_NAME = re.compile(
    r"^\s*(?:(?:un|une|des|les|le)\s+)?(?:espaces?\s+de\s+)?"
    r"(?:co-?workings?|fab\s?-?labs?|tiers[\s-]lieux?|t[ée]l[ée]-?centres?)\s+"
    r"(?:(?:à|a|sur|vers)\s+)?([^\W\d_][\w'’-]*(?:[ -][\w'’-]+){0,2})[\s?!.…]*$",
    re.IGNORECASE,
)
# what follows « à » in a search without being a place (measured on the knowledge's
# vocabulary: these are the usual ones it does not know)
_NOT_A_PLACE = frozenset({
    "velo", "pied", "volonte", "gogo", "dispo", "disposition", "midi", "minuit", "moitie",
    "domicile", "distance", "proximite", "plein", "mi", "temps", "usage", "nuit", "soir",
    "matin", "bus", "tram", "metro", "rer", "train", "voiture", "moto", "trottinette",
    "mer", "montagne", "campagne",
})
_ARTICLES = frozenset({"la", "le", "les", "l"})
_MAX_CHARS = 200  # a place search is short; a long message ending on « à Rouen » is no search


def _name_of(found: re.Match[str]) -> str:
    """The name found, without the « au » of « un tiers-lieu au Plessis-Trévise »."""
    name = found.group(1).strip(" -'’")
    return re.sub(r"^(?i:aux?)\s+(?=\w)", "", name)


def word_after_a_kind(text: str) -> str | None:
    """« coworking nanter », « je cherche un coworking a nanter »: what follows a kind of place
    or closes the message after « à », in any case. Only ever compared with the communes (a
    typo of one); « coworking sympa » must not become an unknown place."""
    text = text.strip()[:_MAX_CHARS]
    found = _KIND_THEN_NAME.match(text) or _AT_THE_END.search(text)
    if found is None:
        return None
    name = _name_of(found)
    return None if fold(name) in _NOT_A_PLACE else name


def unknown_place_name(text: str, vocabulary: Vocabulary) -> str | None:
    """The name as the user typed it, when ``text`` ends on a place name nobody knows here."""
    text = text.strip()[:_MAX_CHARS]
    found = _AT_THE_END.search(text)
    if found is None:  # without « à », only a name typed as one (« coworking sympa » is none)
        found = _KIND_THEN_NAME.match(text)
        if found is None or not found.group(1)[0].isupper():
            return None
    name = _name_of(found)
    words = [fold(w) for w in re.split(r"[\s'’-]+", name) if w]
    if not words or any(w in _NOT_A_PLACE for w in words):
        return None
    if words[0] in _ARTICLES and not name[0].isupper():  # « à la plage », not « à La Rochelle »
        return None
    if words[0] in STOP_WORDS - _ARTICLES or not QUESTION_WORDS.isdisjoint(words):
        return None  # « à peu près consensus », « sert à quel profil »: no name
    # a capitalised name is taken as typed; a lower-case word could be a typo of a known one
    typed_as_name = name[0].isupper()
    unknown = [w for w in words if w not in STOP_WORDS and w not in vocabulary.words
               and len(w) >= 3 and (typed_as_name or vocabulary.correct(w) == w)]
    return name if unknown else None
