"""Workspace words: those that look for somewhere to work (« un coin pour bosser », « une salle
de réunion »), and the same words in their other meanings: « bureau de vote », « poste de
police », « lieu de culte », « espaces verts », « un poste de comptable ».

« bureau », « poste », « lieu », « espace », « local » and « travailler » say that somewhere to
work is looked for (« un bureau à Nanterre », « un poste à la journée »), and a commune beside
them is a search of the directory. In these phrases they name something else — a polling
station, a police station, a job — and a list of coworkings answers nothing that was asked.
Only the workspace word is set aside: the rest of the phrase still says that something other
than a workspace is wanted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine.visit_details import MEETING_ROOM

# On folded words (no accents, elisions dropped: « bureau d'études » is « bureau etudes »).
_FOLLOWED_BY = r"(?:(?:de|des|du|a|au|aux|pour) (?:la |le |les |l )?)?"
_OTHER_MEANINGS = re.compile(
    r"\b(?:"
    rf"bureaux? (?={_FOLLOWED_BY}(?:vote|poste|tabac|change|etudes?|objets|accueil|"
    r"douane|police|placement|enregistrement|presse|direction|association|"
    r"syndicat|chomage|aide sociale)\b)"
    # « un poste de comptable », « poste de police » (not « un poste de travail »), « un poste
    # d'infirmière » (the elision dropped), « La Poste »
    r"|postes? (?=(?:de|d) (?!travail\b|coworking\b|cotravail\b|bureau\b)[a-z]+)"
    r"|postes? (?=[a-z]*(?:ier|iere|eur|euse|ien|ienne|iste|ante?)\b)"
    r"|(?<=\bla )poste\b|(?<=\bbureau de )poste\b|(?<=\bbureaux de )poste\b"
    # « impôts locaux », « élus locaux », « produits locaux »: « local » the adjective
    r"|(?<=\bimpots )locaux\b|(?<=\belus )locaux\b|(?<=\bproduits )locaux\b"
    r"|(?<=\bacteurs )locaux\b|(?<=\bcommerces )locaux\b|(?<=\bmedias )locaux\b"
    rf"|lieux? (?={_FOLLOWED_BY}(?:culte|naissance|deces|vacances|residence|memoire|"
    r"spectacles?|fetes?|mariage|reception|stockage|stage|rendez vous|tournage|"
    r"pelerinage|priere|detention|consommation|depot|baignade)\b)"
    r"|lieux? (?=pour (?:feter|organiser|celebrer|se marier|dormir|manger|garer)\b)"
    r"|espaces? (?=(?:verts?|naturels?|jeux|de jeux|stockage|de stockage|france services|"
    r"clients?|famille|personnel|disque|publicitaires?|aeriens?|schengen|insecables?|"
    r"vital|temps)\b)"
    r"|(?:local|locaux|locales?) (?=(?:commercial|commerciaux|commerciale|a velos|velos|"
    r"poubelles?|technique|techniques|d habitation|habitation|de stockage)\b)"
    # a job: « travailler à Puteaux comme serveur », « travailler dans la vente »
    r"|travailler (?=(?:\w+ ){0,3}comme\b)"
    r"|travailler (?=(?:\w+ ){0,3}dans (?:la|le|l) (?:vente|restauration|commerce|"
    r"batiment|hotellerie|sante|banque|finance|immobilier|logistique|industrie|"
    r"enseignement|education|informatique|communication|marketing|securite|nettoyage)\b)"
    r")"
)
_CUES = frozenset({"bureau", "bureaux", "poste", "postes", "lieu", "lieux", "espace",
                   "espaces", "local", "locale", "locales", "locaux", "travailler"})


def in_their_workspace_sense(words: Sequence[str],
                             aligned: Sequence[str] | None = None) -> list[str]:
    """``words`` without the workspace words used in another meaning; with ``aligned`` (the
    same words corrected, one for one), those of ``aligned`` at the same places: a correction
    must not bring back what was set aside (« bureau de vote » read « bureau de votre »)."""
    kept = aligned if aligned is not None else words
    if _CUES.isdisjoint(words):
        return list(kept)
    text = " ".join(words)
    starts = {m.start() for m in _OTHER_MEANINGS.finditer(text)}
    if not starts:
        return list(kept)
    out, at = [], 0
    for word, same in zip(words, kept, strict=True):
        if at not in starts:
            out.append(same)
        at += len(word) + 1
    return out


# Asking for somewhere to work, with or without a kind of place (« un coin pour bosser à
# Asnières », « un espace pour travailler à La Garenne-Colombes », « un poste à la journée »).
_WORK_WORDS = frozenset({
    "travailler", "bosser", "taffer", "bureau", "bureaux", "poste", "postes", "espace",
    "espaces", "endroit", "coin", "local", "locaux", "lieu",
    "lieux", "teletravailler", "teletravail", "louer", "coworking", "coworkings", "fablab",
    "cherche", "trouver", "adresse", "proche", "pres", "cote",
})


def workspace_words(words: Sequence[str]) -> set[str]:
    """The message's words that look for somewhere to work (not « bureau de vote »); a
    meeting room is somewhere to work too (« salle de réunion à Issy »)."""
    found = _WORK_WORDS.intersection(in_their_workspace_sense(words))
    return found | {"salle"} if MEETING_ROOM.search(" ".join(words)) else found


def in_another_sense(words: Sequence[str]) -> bool:
    """A workspace word of the message names something else (« bureau de vote »)."""
    return len(in_their_workspace_sense(words)) < len(words)
