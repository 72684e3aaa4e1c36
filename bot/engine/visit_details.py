"""What a visitor checks before coming, as a message asks it: opening hours, wifi, parking,
wheelchair access, meeting rooms, a phone number, joining, who runs the place (decided in
:mod:`bot.engine.visits`, which says honestly what the sources do not give).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WHEN = (r"(?:lundis?|mardis?|mercredis?|jeudis?|vendredis?|samedis?|dimanches?|week ?ends?|"
         r"soirs?|soirees?|nuits?|jours? feries?|vacances|ete|aout|noel|tard|tot|24 ?h|"
         r"tous les jours|toute l annee|a quelle heure|jusqu a quelle heure)")
_OPEN = r"(?:ouvert|ouverte|ouverts|ouvertes|ouvre|ouvrent|ferme|fermee|fermes|fermees|ferment)"


# « salle de réu ? », « une salle de réunion à Issy » (a detail of a visit, and a workspace)
MEETING_ROOM = re.compile(r"\bsalles? (?:de )?(?:reunions?|reu|conferences?)\b")


@dataclass(frozen=True, slots=True)
class VisitDetail:
    """One practical detail: how it is asked, and how a source that gives it would say it."""

    label: str  # after « Mes sources ne donnent pas »: « les horaires »
    asked: re.Pattern[str]
    given: re.Pattern[str]  # over the folded texts of the place and its entry
    general: bool  # asked without a place, is it still this detail? (« le wifi » is a service)
    # asked with no place in view, still about the places (« y a du wifi ? »); not « comment
    # adhérer ? » after France Tiers-Lieux
    placeless: bool = True


# who runs the place: « qui dirige l'Electrolab ? », « qui a fondé Casaco ? » (the sources
# rarely name people; the card often names its operator)
RUNS = VisitDetail(
    "le nom des responsables",
    re.compile(r"\bqui (?:dirige|gere|anime|a fonde|a cree|l a fonde|l a cree)\b"
               # « qui s'en occupe ? », « qui le gère ? », « c'est géré par qui ? »
               r"|\bqui (?:s en |s |en )?occupe\b|\bqui est derriere\b"
               r"|\bqui (?:le|la|les|l) (?:gere|gerent|dirige|anime|porte|a renove|"
               r"a restaure)\b|\b(?:gere|geree|geres|gerees|porte|portee) par qui\b"
               r"|\b(?:directeur|directrice|president|presidente|fondateur|fondatrice|"
               r"fondateurs|dirigeant|dirigeants|dirigeante|gerant|gerante)\b"),
    re.compile(r"\b(?:fonde par|fondee par|cree par|creee par|dirige par|dirigee par|"
               r"gere par|geree par|porte par|portee par|anime par|animee par|"
               r"directeur|directrice|president|presidente|fondateur|fondatrice)\b"),
    general=False, placeless=False,
)
# « ça existe encore ? », « c'est toujours ouvert ? », « il a fermé ? »: whether the place is
# still there, which its card's status says, dated (« ouvert d'après une source de 2019 »)
STILL_THERE = VisitDetail(
    "si ce lieu est toujours ouvert",
    re.compile(r"\b(?:existe|existent) (?:encore|toujours|plus)\b|\b(?:toujours|encore) "
               r"(?:ouvert|ouverte|ouverts|ouvertes|en activite|actif|active)\b"
               r"|\b(?:a|ont)(?: il| elle| ils| elles)? (?:ferme|disparu)\b"),
    re.compile(r"(?!)"), general=False, placeless=False)


_DETAILS = (
    VisitDetail(
        "les horaires",
        re.compile(rf"\bhoraires?\b|\bheures? d ouverture\b|\bjours? d ouverture\b"
                   rf"|\b{_OPEN} (?:(?:le|la|les|l|en|pendant|jusqu a|a partir de) )*{_WHEN}\b"
                   r"|\b24 ?h ?24\b|\b7 ?j ?7\b"
                   # « c'est ouvert quand ? » (not « ça a ouvert quand ? », a date)
                   # (elisions dropped: « c'est » is « est »)
                   rf"|\b(?:est|sont)(?: il| elle| ils| elles)?"
                   rf" {_OPEN} quand\b|\bquand est ce (?:que|qu)(?: il| elle)? est {_OPEN}\b"
                   # « et le dimanche ? » after « c'est ouvert le samedi ? »: the day alone
                   rf"|^(?:et )?(?:le |la |les |l |en |pendant |ce )?{_WHEN}(?: aussi| alors)?$"),
        re.compile(r"\bhoraires?\b|\bouverte?s? (?:du|de|tous|en semaine)\b|\bheures de bureau\b"
                   r"|\b\d{1,2} ?h(?: ?\d\d)?\b"),
        general=True,
    ),
    VisitDetail("d'information sur le wifi",
                re.compile(r"\b(?:wifi|wi fi|(?:connexion|acces) (?:a )?internet|fibre)\b"),
                re.compile(r"\b(?:wifi|wi fi|internet|fibre|haut debit)\b"), general=False),
    VisitDetail("d'information sur le stationnement",
                re.compile(r"\b(?:parking|parkings|garer|stationner|stationnement)\b"),
                re.compile(r"\b(?:parking|stationnement)\b"), general=False),
    VisitDetail("d'information sur l'accès en fauteuil roulant",
                re.compile(r"\b(?:pmr|fauteuil roulant|fauteuils roulants|mobilite reduite"
                           r"|handicape|handicapes|handicapee|handicapees|handicap)\b"),
                re.compile(r"\b(?:pmr|fauteuil|mobilite reduite|handicap\w*)\b"),
                general=False),
    VisitDetail("d'information sur les salles de réunion", MEETING_ROOM,
                re.compile(r"\bsalles? (?:de )?(?:reunions?|conferences?)\b"), general=False),
    # « et le tel ? », « son numéro ? » (not « un tel lieu »)
    VisitDetail("de numéro de téléphone",
                re.compile(r"\b(?:telephone|(?:le|son|leur|du) (?:tel|num|numero)"
                           r"|numero de (?:tel|telephone))\b"),
                re.compile(r"\b0\d(?:[ .]?\d\d){4}\b|\btelephone\b"), general=False),
    RUNS,
    # « faut s'inscrire ? », « il faut être membre ? »
    VisitDetail("les conditions d'inscription",
                # (« combien de membres ? » asks a figure, not how to join)
                re.compile(r"\b(?:inscrire|inscription|adherer|adhesion|adherent)\b"
                           r"|(?<!combien de )(?<!nombre de )\bmembres?\b"),
                re.compile(r"\b(?:inscription|adhesion|adherents?|membres?)\b"), general=False,
                placeless=False),
    STILL_THERE,
)


# « horaires du RER A », « horaires de la piscine »: the hours of something no directory lists
_OTHER_SERVICES = re.compile(
    r"\b(?:rer|metro|bus|tram|train|trains|transilien|sncf|ratp|piscine|mairie|poste|"
    r"bibliotheque|mediatheque|dechetterie|pharmacie|banque|caf|prefecture|ecole|creche)\b")


_TIMES_OR_WAY = re.compile(r"\b(?:horaires?|heures?|ouvert\w*|ferme\w*|trajet|itineraire|"
                           r"prochain|retards?|comment aller|pour aller)\b")


def asks_another_service(words: Sequence[str]) -> bool:
    """« horaires du RER A à La Défense », « la piscine de Clamart est ouverte ? »: the hours or
    the way to something no directory lists, wherever it is."""
    text = " ".join(words)
    return bool(_OTHER_SERVICES.search(text) and _TIMES_OR_WAY.search(text))


def visit_detail(words: Sequence[str]) -> VisitDetail | None:
    """The practical detail a message asks about, if any (folded words)."""
    text = " ".join(words)
    if _OTHER_SERVICES.search(text):
        return None
    return next((d for d in _DETAILS if d.asked.search(text)), None)
