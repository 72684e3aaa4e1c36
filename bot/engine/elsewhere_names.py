"""The départements and regions of France other than the Hauts-de-Seine and Île-de-France, by
name: « Clamart en Vendée », « Antony dans le Jura », « Colombes dans le Calvados » name a
homonym of a commune of the 92 (folded words, as the engine reads them)."""

from __future__ import annotations

from bot.engine.text import tokenize

_NAMES = (
    "Ain", "Aisne", "Allier", "Alpes-de-Haute-Provence", "Hautes-Alpes", "Alpes-Maritimes",
    "Ardèche", "Ardennes", "Ariège", "Aube", "Aude", "Aveyron", "Bouches-du-Rhône", "Calvados",
    "Cantal", "Charente", "Charente-Maritime", "Cher", "Corrèze", "Corse", "Côte-d'Or",
    "Côtes-d'Armor", "Creuse", "Dordogne", "Doubs", "Drôme", "Eure", "Eure-et-Loir", "Finistère",
    "Gard", "Haute-Garonne", "Gers", "Gironde", "Hérault", "Ille-et-Vilaine", "Indre",
    "Indre-et-Loire", "Isère", "Jura", "Landes", "Loir-et-Cher", "Loire", "Haute-Loire",
    "Loire-Atlantique", "Loiret", "Lot", "Lot-et-Garonne", "Lozère", "Maine-et-Loire", "Manche",
    "Marne", "Haute-Marne", "Mayenne", "Meurthe-et-Moselle", "Meuse", "Morbihan", "Moselle",
    "Nièvre", "Nord", "Oise", "Orne", "Pas-de-Calais", "Puy-de-Dôme", "Pyrénées-Atlantiques",
    "Hautes-Pyrénées", "Pyrénées-Orientales", "Bas-Rhin", "Haut-Rhin", "Rhône", "Haute-Saône",
    "Saône-et-Loire", "Sarthe", "Savoie", "Haute-Savoie", "Seine-Maritime", "Deux-Sèvres",
    "Somme", "Tarn", "Tarn-et-Garonne", "Var", "Vaucluse", "Vendée", "Vienne", "Haute-Vienne",
    "Vosges", "Yonne", "Territoire de Belfort", "Guadeloupe", "Martinique", "Guyane",
    "La Réunion", "Réunion", "Mayotte",
    # regions (Île-de-France is the 92's own)
    "Auvergne-Rhône-Alpes", "Bourgogne", "Franche-Comté", "Bretagne", "Centre-Val de Loire",
    "Grand Est", "Alsace", "Lorraine", "Hauts-de-France", "Normandie", "Nouvelle-Aquitaine",
    "Occitanie", "Pays de la Loire", "Provence", "Belgique", "Suisse", "Québec",
)
ELSEWHERE = frozenset(" ".join(tokenize(n)) for n in _NAMES)
LONGEST = max(len(n.split()) for n in ELSEWHERE)


def names_elsewhere(words: list[str] | tuple[str, ...], start: int) -> bool:
    """« en Vendée », « dans le Jura », « dans l'Indre » (the elision dropped) from ``start``."""
    rest = list(words[start:start + 2 + LONGEST])
    if rest[:1] not in (["en"], ["dans"], ["de"]):  # « Saint-Denis de la Réunion »
        return False
    rest = rest[1:]
    if rest[:1] in (["le"], ["la"], ["les"]):
        rest = rest[1:]
    return any(" ".join(rest[:n]) in ELSEWHERE for n in range(1, LONGEST + 1))
