"""The typed knowledge: immutable entries, the problems found in the files, and constants.

Loading lives in :mod:`bot.knowledge.loader`, the field checks in :mod:`bot.knowledge.validation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PLACE_TYPES: dict[str, str] = {
    "coworking": "Espace de coworking",
    "fablab": "Fab lab",
    "telecentre": "Télécentre",
    "centre-affaires": "Centre d'affaires",
    "pepiniere": "Pépinière d'entreprises",
    "tiers-lieu": "Tiers-lieu",
}
PLACE_STATUSES: dict[str, str] = {
    "ouvert": "ouvert",
    "projet": "en projet",
    "ferme": "fermé",
    "renomme": "renommé",
    "inconnu": "statut inconnu",
}
CLOSED_STATUSES = frozenset({"ferme", "renomme"})  # listed after the open places
AUDIENCES = frozenset({"tous", "usagers", "porteurs"})
STAFF_CONTACT_ID = "equipe"


class _Compact:
    """Pickled as the arguments of its constructor. For frozen dataclasses with slots, the
    default calls ``dataclasses.fields()`` again for every object it restores: 0.4 s of a warm
    start at 10 000 entries (their sources included)."""

    __slots__ = ()

    def __reduce__(self) -> tuple:
        return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class Problem(_Compact):
    """One thing wrong in the knowledge, located as precisely as possible."""

    file: str
    message: str
    entry: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = ", ".join(
            p for p in (self.entry and f"entrée « {self.entry} »", self.field and f"champ « {self.field} »") if p
        )
        return f"{where}: {what + ' : ' if what else ''}{self.message}"


class KnowledgeError(Exception):
    """The knowledge cannot be used; :attr:`problems` says everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Source(_Compact):
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class FaqEntry(_Compact):
    id: str
    theme: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[Source, ...]
    facts_date: str
    checked_on: str
    file: str
    line: int | None = None
    audience: tuple[str, ...] = ("tous",)
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    contact: str | None = None
    place: str | None = None

    @property
    def question(self) -> str:
        """The canonical question (the first phrasing): used for buttons."""
        return self.questions[0]


@dataclass(frozen=True, slots=True)
class Place(_Compact):
    id: str
    name: str
    commune: str | None
    type: str
    status: str
    sources: tuple[Source, ...]
    facts_date: str
    checked_on: str
    area: str | None = None
    aliases: tuple[str, ...] = ()
    operator: str | None = None
    description: str | None = None
    services: tuple[str, ...] = ()
    address: str | None = None
    website: str | None = None
    lat: float | None = None
    lon: float | None = None
    faq: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Contact(_Compact):
    id: str
    name: str
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Commune(_Compact):
    name: str
    aliases: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    communes: tuple[str, ...] = ()  # for an area: the communes it spreads over
    is_area: bool = False


@dataclass(frozen=True, slots=True)
class SmallTalkIntent(_Compact):
    id: str
    patterns: tuple[str, ...]
    replies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LearnedPhrasing(_Compact):
    entry_id: str
    question: str
    added_on: str = ""
    added_by: str = ""


@dataclass(frozen=True)
class Knowledge:
    """Everything the assistant knows, validated and immutable."""

    faq: dict[str, FaqEntry]
    themes: dict[str, str]
    places: dict[str, Place] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    communes: tuple[Commune, ...] = ()
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sms: dict[str, str] = field(default_factory=dict)
    place_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    smalltalk: dict[str, SmallTalkIntent] = field(default_factory=dict)
    learned: tuple[LearnedPhrasing, ...] = ()
    path: Path | None = None

    def phrasings(self, entry_id: str) -> tuple[str, ...]:
        """Hand-written and staff-accepted phrasings of one entry."""
        return self.faq[entry_id].questions + self.learned_phrasings(entry_id)

    def learned_phrasings(self, entry_id: str) -> tuple[str, ...]:
        """The phrasings staff accepted for one entry (``learned.yaml``)."""
        return tuple(p.question for p in self.learned if p.entry_id == entry_id)

    def commune(self, name: str) -> Commune | None:
        return next((c for c in self.communes if c.name == name), None)
