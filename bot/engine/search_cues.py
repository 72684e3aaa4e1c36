"""What in a message says that somewhere to work is looked for: search verbs, « où », « y a »,
who and where the sender is, a workspace word (in its workspace sense).

Kept apart from :mod:`bot.engine.search` (the decisions) because the projects, the small talk
and the places-outside decisions read the same cues.
"""

from __future__ import annotations

import re

from bot.engine.intents import asks_something
from bot.engine.reading import Reading
from bot.engine.senses import in_another_sense, workspace_words

SEARCH_TERM = "chercher"  # canonical word of synonyms.yaml for chercher / trouver / dénicher…
WHY_WORDS = frozenset({"pourquoi", "raison", "raisons", "qui", "quand", "interet", "role"})
# « j'habite à Vanves »: where to look
HOME_VERBS = frozenset({"habite", "habitons", "vis", "vivons", "reside", "domicile"})
SEARCH_VERBS = frozenset({"cherche", "trouver", "louer", "adresse", "proche", "pres", "cote"})
# asking for something somewhere without a workspace word (« y a un truc ? », « vous
# conseillez quoi à Rueil ? »)
WANTING = frozenset({"ya", "truc", "trucs", "existe", "existent", "conseillez", "conseilles",
                     "recommandez", "recommandes", "idee", "idees", "proposez", "connaissez"})
# « je suis freelance à Boulogne », « jsuis étudiant à Nanterre », « je télétravaille à
# Clamart »: who and where one is, said first, nothing asked yet
_INTRODUCTION = re.compile(r"^(?:(?:bonjour|bonsoir|salut|hello|coucou)\s+)?(?:alors\s+)?"
                           r"(?:je suis|jsuis|chui|je bosse|jbosse|je travaille|jtravaille|"
                           r"je teletravaille|moi je suis)\b")


def where_asked(r: Reading) -> bool:
    """« où … ? » (not « où en est… »), « y a-t-il… », « je cherche… »: somewhere is asked."""
    said = " ".join(r.words)
    return bool(re.search(r"\bou\b(?! en\b)|\by a(?: t il)? (?:un|une|des|du|quelque)\b",
                          said)) or SEARCH_TERM in r.terms or not WANTING.isdisjoint(r.words)


def introduces_oneself(r: Reading) -> bool:
    """Who and where the sender is, and no question: the commune's places are the next step
    (« Je n'ai pas de réponse sûre » answers nothing that was said)."""
    return _INTRODUCTION.match(" ".join(r.words)) is not None and not asks_something(r.text)


def something_else_said(r: Reading) -> bool:
    """« où se trouve mon bureau de vote à Nanterre ? », « je cherche un poste de comptable à
    Sceaux »: a workspace word in another meaning, and no other workspace word nor kind of
    place beside it (a search verb alone is none)."""
    return (in_another_sense(r.words) and not r.place_cue
            and workspace_words(r.words) <= SEARCH_VERBS)


def names_a_workspace(r: Reading) -> bool:
    """« un coworking », « un poste », « un endroit pour bosser »: a place to work is meant."""
    return r.place_cue or bool(workspace_words(r.words))


def wants_somewhere(r: Reading, search_level: float) -> bool:
    """The message looks for somewhere to work or make, not for an explanation."""
    return names_a_workspace(r) or r.search_score >= search_level


def asked_where_after_context(r: Reading, focus: Reading) -> bool:
    """« Je dirige une agence à Boulogne-Billancourt… Nous voudrions partager un espace…
    Quelles solutions existent à Boulogne ? »: the context names the commune and looks for
    somewhere to work, the question (``focus``) asks where or what there is."""
    if focus.text == r.text or not WHY_WORDS.isdisjoint(r.words) or something_else_said(r):
        return False
    return (names_a_workspace(r) or SEARCH_TERM in r.terms) and where_asked(focus)
