"""The three tables staff edit in a spreadsheet (FAQ, places, contacts): their columns.

One description serves the CSV export (internal column names, kept for compatibility), the
workbook (French headers, the « Lisez-moi » sheet) and both imports. Place and contact columns
follow the model's fields, so a field added to :class:`~bot.knowledge.model.Place` (``lat``,
``lon``…) becomes a column without touching this module.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.knowledge.model import Contact, Place

LIST_FIELDS = frozenset({"audience", "questions", "keywords", "related", "aliases", "services"})
DATE_FIELDS = frozenset({"facts_date", "checked_on"})
NUMBER_FIELDS = frozenset({"lat", "lon"})
_SKIPPED = frozenset({"line", "file"})

# Internal name → (French header, what the « Lisez-moi » sheet says about it).
HEADERS: dict[str, tuple[str, str]] = {
    "id": ("id", "Identifiant : minuscules, chiffres et tirets. Ne le changez pas."),
    "theme": ("thème", "Un thème de la liste déroulante."),
    "audience": ("public", "tous, usagers ou porteurs (un par ligne)."),
    "questions": ("question", "La question principale, telle qu'un usager la poserait."),
    "keywords": ("mots-clés", "Des mots qui aident à trouver l'entrée (un par ligne)."),
    "answer": ("réponse", "Le texte de la réponse."),
    "sources": ("sources", "Une source par ligne : « titre <https://adresse> »."),
    "facts_date": ("date des faits", "La date des faits : JJ/MM/AAAA, MM/AAAA ou AAAA."),
    "checked_on": ("vérifié le", "Le jour de la dernière vérification : JJ/MM/AAAA."),
    "related": ("voir aussi", "Identifiants d'autres entrées (un par ligne)."),
    "contact": ("contact", "Identifiant d'un contact (feuille « Contacts »)."),
    "place": ("lieu", "Identifiant d'un lieu (feuille « Lieux »)."),
    "name": ("nom", "Le nom."),
    "aliases": ("autres noms", "Autres façons d'écrire le nom (un par ligne)."),
    "commune": ("commune", "Une commune des Hauts-de-Seine (« Boulogne » est accepté)."),
    "area": ("secteur", "Un secteur, si la commune n'est pas connue."),
    "type": ("type", "Un type de la liste déroulante."),
    "status": ("statut", "ouvert, projet, ferme ou inconnu (« fermé » est accepté)."),
    "operator": ("gestionnaire", "Qui gère le lieu."),
    "description": ("description", "Une courte présentation."),
    "services": ("services", "Un service par ligne."),
    "address": ("adresse", "L'adresse postale."),
    "website": ("site", "L'adresse du site (https://…)."),
    "faq": ("fiche FAQ", "Identifiant de l'entrée de la FAQ sur ce lieu."),
    "email": ("courriel", "Une adresse électronique générique (pas de nom de personne)."),
    "phone": ("téléphone", "Un numéro de standard."),
    "lat": ("latitude", "Latitude en degrés décimaux (ex. 48,84)."),
    "lon": ("longitude", "Longitude en degrés décimaux (ex. 2,24)."),
}
EXTRA_PHRASINGS = ("autres formulations",
                   "D'autres façons de poser la même question (une par ligne).")

_FAQ_COLUMNS = (
    "id", "theme", "audience", "questions", "keywords", "answer", "sources", "facts_date",
    "checked_on", "related", "contact", "place",
)
_PLACE_ORDER = (
    "id", "name", "aliases", "commune", "area", "type", "status", "operator", "description",
    "services", "address", "website", "faq", "sources", "facts_date", "checked_on",
)
_CONTACT_ORDER = ("id", "name", "description", "website", "email", "phone", "address", "sources")


def _model_columns(model: type, order: tuple[str, ...]) -> tuple[str, ...]:
    names = [f.name for f in fields(model) if f.name not in _SKIPPED]
    return tuple(n for n in order if n in names) + tuple(n for n in names if n not in order)


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # "faq" | "places" | "contacts"
    label: str  # for messages: « FAQ », « lieux », « contacts »
    sheet: str  # the workbook sheet
    file: str | None  # the YAML file all its entries live in (None: one file per theme)
    columns: tuple[str, ...]

    def header(self, column: str) -> str:
        return HEADERS.get(column, (column, ""))[0]


FAQ_TABLE = Table("faq", "FAQ", "FAQ", None, _FAQ_COLUMNS)
PLACES_TABLE = Table("places", "lieux", "Lieux", "places.yaml",
                     _model_columns(Place, _PLACE_ORDER))
CONTACTS_TABLE = Table("contacts", "contacts", "Contacts", "contacts.yaml",
                       _model_columns(Contact, _CONTACT_ORDER))
TABLES = (FAQ_TABLE, PLACES_TABLE, CONTACTS_TABLE)

__all__ = ["CONTACTS_TABLE", "DATE_FIELDS", "EXTRA_PHRASINGS", "FAQ_TABLE", "HEADERS",
           "LIST_FIELDS", "NUMBER_FIELDS", "PLACES_TABLE", "TABLES", "Table"]
