"""The engine's output: a transport-neutral description of what to tell the user.

Transports (Telegram, terminal chat, ``ask --json``) render a :class:`Reply`; they never
decide anything themselves, so every front end behaves the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum


class ReplyKind(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    PLACES = "places"
    SMALLTALK = "smalltalk"
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An FAQ entry the matcher considered, with its confidence (0-100)."""

    id: str
    question: str
    score: float


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Something offered as a button: an FAQ entry (``id``) and the label to show."""

    id: str
    question: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PlaceCard:
    """A directory place as shown to the user (only sourced fields are filled)."""

    id: str
    name: str
    commune: str
    type: str
    type_label: str
    status: str
    status_label: str
    area: str | None = None
    operator: str | None = None
    description: str | None = None
    address: str | None = None
    website: str | None = None
    faq_id: str | None = None
    facts_date: str | None = None
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class ContactCard:
    id: str
    name: str
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything a transport needs to show one answer.

    ``text`` is plain French text (no markup); ``footer`` holds the sources line and the date
    of the facts; ``suggestions`` become buttons. ``places``/``commune``/``place_type`` are
    filled for :attr:`ReplyKind.PLACES` only.
    """

    kind: ReplyKind
    text: str
    question: str = ""
    entry_id: str | None = None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    facts_date: str | None = None
    contacts: tuple[ContactCard, ...] = ()
    places: tuple[PlaceCard, ...] = ()
    commune: str | None = None
    place_type: str | None = None
    smalltalk_intent: str | None = None
    themes: tuple[tuple[str, str], ...] = field(default=())
    listing: bool = False  # a search's list (« le deuxième » is of it), not one place's card
    asks_where: bool = False  # « Dans quelle commune cherchez-vous ? »: the next message answers

    @property
    def footer(self) -> str:
        """The discreet « Source : … (faits de 2014) » line, empty when there is no source."""
        return footer_line([s.title for s in self.sources], self.facts_date)

    def to_plain_text(self) -> str:
        """The reply as one plain-text block (terminal chat, ``ask --json``)."""
        parts = [self.text]
        for place in self.places:
            parts.append(place_plain_text(place))
        for contact in self.contacts:
            parts.append(contact_plain_text(contact))
        if self.footer:
            parts.append(self.footer)
        return "\n\n".join(p for p in parts if p)

    def to_json(self) -> dict:
        """The ``ask --json`` object (keys fixed by ``shared/eval/README.md``)."""
        data: dict = {
            "question": self.question,
            "kind": str(self.kind),
            "id": self.entry_id if self.kind is ReplyKind.ANSWER else None,
            "score": round(self.score, 1),
            "text": self.to_plain_text(),
            "candidates": [
                {"id": c.id, "question": c.question, "score": round(c.score, 1)}
                for c in self.candidates[:3]
            ],
            "suggestions": [{"id": s.id, "question": s.question} for s in self.suggestions],
        }
        if self.kind is ReplyKind.PLACES:
            data["places"] = [
                {"id": p.id, "name": p.name, "commune": p.commune, "area": p.area, "type": p.type}
                for p in self.places
            ]
            data["commune"] = self.commune
            data["type"] = self.place_type
        return data


def with_places(answer: Reply, found: Reply) -> Reply:
    """An answer with the places a search found beside it: their text after its own, their
    cards and commune with it (« c quoi un fablab et y en a un à Nanterre ? »)."""
    return replace(answer, text=f"{answer.text}\n\n{found.text}", places=found.places,
                   commune=found.commune)


def de(word: str) -> str:
    """« de » before a word, elided before a vowel: « d'avril 2019 », « de mai », « d'Intencity »."""
    return f"d'{word}" if word[:1].lower() in "aeiouyàâéèêîôû" else f"de {word}"


def footer_line(titles: Sequence[str], facts_date: str | None,
                escape: Callable[[str], str] = str) -> str:
    """« Source(s) : t1 ; t2 — informations datées de décembre 2014. » (empty without titles).

    ``titles`` are inserted as given (the HTML renderer passes links); ``escape`` applies to
    the date text.
    """
    if not titles:
        return ""
    label = "Sources" if len(titles) > 1 else "Source"
    when = format_facts_date(facts_date) if facts_date else ""
    dated = f" — informations datées {de(escape(when))}" if when else ""  # « d'avril 2019 »
    return f"{label} : {' ; '.join(titles)}{dated}."


_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def format_facts_date(value: str | None) -> str:
    """``2014-12`` → « décembre 2014 », ``2015`` → « 2015 »."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def place_where(place: PlaceCard) -> str:
    """« Commune (secteur) », the sector only when it adds something."""
    extra = place.area and place.area != place.commune
    return place.commune + (f" ({place.area})" if extra else "")


def place_details(place: PlaceCard) -> list[tuple[str, str]]:
    """The labelled lines of a place card, in display order (only what the sources give)."""
    fields = [("Adresse", place.address), ("Site", place.website)]
    return [(label, value) for label, value in fields if value]


def contact_details(contact: ContactCard) -> list[tuple[str, str]]:
    """The labelled lines of a contact card, in display order."""
    fields = [
        ("Site", contact.website),
        ("Courriel", contact.email),
        ("Téléphone", contact.phone),
        ("Adresse", contact.address),
    ]
    return [(label, value) for label, value in fields if value]


def distance_text(km: float) -> str:
    """« à moins d'1 km », « à environ 3 km »: as the crow flies, never more precise."""
    return "à moins d'1 km" if km < 1 else f"à environ {km:.0f} km"


def place_plain_text(place: PlaceCard) -> str:
    head = f"• {place.name} — {place_where(place)}"
    if place.distance_km is not None:
        head += f" ({distance_text(place.distance_km)})"
    lines = [head, f"  {place.type_label}, {place.status_label}"]
    if place.description:
        lines.append(f"  {place.description}")
    lines += [f"  {label} : {value}" for label, value in place_details(place)]
    return "\n".join(lines)


def contact_plain_text(contact: ContactCard) -> str:
    lines = [f"Contact : {contact.name}"]
    if contact.description:
        lines.append(f"  {contact.description}")
    lines += [f"  {label} : {value}" for label, value in contact_details(contact)]
    return "\n".join(lines)
