"""The curated knowledge: the typed model, loading and validation with precise French errors.

Learned phrasings (:mod:`bot.knowledge.learned`), spreadsheet export and import
(:mod:`bot.knowledge.export`, :mod:`bot.knowledge.csv_import`) and comment-keeping YAML writes
(:mod:`bot.knowledge.yamlfiles`) are imported from their own modules.
"""

from bot.knowledge.loader import default_knowledge_path, load_knowledge
from bot.knowledge.model import (
    AUDIENCES,
    CLOSED_STATUSES,
    PLACE_STATUSES,
    PLACE_TYPES,
    STAFF_CONTACT_ID,
    Commune,
    Contact,
    FaqEntry,
    Knowledge,
    KnowledgeError,
    LearnedPhrasing,
    Place,
    Problem,
    SmallTalkIntent,
    Source,
)

__all__ = [
    "AUDIENCES",
    "CLOSED_STATUSES",
    "PLACE_STATUSES",
    "PLACE_TYPES",
    "STAFF_CONTACT_ID",
    "Commune",
    "Contact",
    "FaqEntry",
    "Knowledge",
    "KnowledgeError",
    "LearnedPhrasing",
    "Place",
    "Problem",
    "SmallTalkIntent",
    "Source",
    "default_knowledge_path",
    "load_knowledge",
]
