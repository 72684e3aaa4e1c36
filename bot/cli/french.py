"""argparse in French: its usage line, help headings and error messages.

argparse looks its texts up through the module-level ``_`` (gettext): :func:`install` swaps in
a French table, so that ``--help`` and usage errors read as the rest of the command line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut être %(matches)s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "commande inconnue %(parser_name)r (possibles : %(choices)s)",
}


def install() -> None:
    original: Callable[[str], str] = argparse._  # type: ignore[attr-defined]
    if getattr(original, "french", False):
        return

    def french(text: str) -> str:
        return FRENCH.get(text, original(text))

    french.french = True  # type: ignore[attr-defined]
    argparse._ = french  # type: ignore[attr-defined]


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, pas « {text} »") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"nombre positif attendu, pas « {text} »")
    return value


__all__ = ["install", "positive_int"]
