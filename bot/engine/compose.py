"""Composing replies: answers, place and contact cards, directory results, suggestions.

:class:`Composer` is the half of :class:`bot.engine.decision.Engine` that turns what was
decided into a :class:`Reply`; the decision itself lives in :mod:`bot.engine.decision`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bot.config import ContactConfig
from bot.engine.places import (
    DirectoryResult,
    kind_words,
    kinds_words,
    none_of_kind,
    status_label,
    type_label,
)
from bot.engine.reply import (
    Candidate,
    ContactCard,
    PlaceCard,
    Reply,
    ReplyKind,
    SourceRef,
    Suggestion,
    de,
    format_facts_date,
)
from bot.knowledge import STAFF_CONTACT_ID, FaqEntry, Knowledge, Place

# the FAQ decision's « Vouliez-vous dire… », told apart from a rule's choices by its words
NOT_SURE = "Je ne suis pas certain d'avoir bien compris. Vouliez-vous dire :"

# Names that open on a common noun take its article (« le FacLab de Gennevilliers »,
# « l'Electrolab », as the sources write them); other names stand alone (« Casaco »).
_ARTICLE_OF_NAME = (("FacLab ", "Le "), ("Fab Lab ", "Le "), ("Château ", "Le "),
                    ("Radio-Club ", "Le "), ("Projet ", "Le "), ("Electrolab", "L'"))


def with_article(name: str) -> str:
    """« Le FacLab de Gennevilliers », « L'Electrolab », « Casaco »."""
    for start, article in _ARTICLE_OF_NAME:
        if name.startswith(start):
            return article + name
    return name


def of(name: str) -> str:
    """« de » before a name, as French writes it: « du Trèfle », « des Ateliers », « d'Intencity »,
    « du FacLab de Gennevilliers », « de l'Electrolab »."""
    name = with_article(name)
    if name.startswith("L'"):
        return "de l'" + name[2:]
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article):]
    return de(name)


def for_name(name: str) -> str:
    """« pour le FacLab de Gennevilliers », « pour le Trèfle Marcel Sembat », « pour Casaco »."""
    name = with_article(name)
    for article in ("Le ", "Les ", "L'"):  # as of() reads them; « La Tréso » is its name
        if name.startswith(article):
            return article.lower() + name[len(article):]
    return name


def in_a_row(names: list[str]) -> str:
    """« Casaco », « Casaco et le Toboggan », « Nanterre, Rueil et Colombes »."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"


def at(name: str) -> str:
    """« à » before a name, as French writes it: « au Plessis-Robinson », « à La Défense »."""
    for article, contracted in (("Le ", "au "), ("Les ", "aux ")):
        if name.startswith(article):
            return contracted + name[len(article):]
    return f"à {name}"


class Composer:
    """Replies, cards and suggestions built from the knowledge (mixed into the Engine)."""

    knowledge: Knowledge
    staff_contact: ContactConfig

    def answer(self, entry_id: str, question: str = "", score: float = 100.0,
               candidates: tuple[Candidate, ...] = ()) -> Reply:
        """The reply for a known entry (also used by buttons)."""
        entry = self.knowledge.faq[entry_id]
        place = self.knowledge.places.get(entry.place or "")
        return Reply(
            kind=ReplyKind.ANSWER,
            text=entry.answer,
            question=question or entry.question,
            entry_id=entry.id,
            score=score,
            candidates=candidates,
            suggestions=self._related(entry),
            sources=tuple(SourceRef(s.title, s.url) for s in entry.sources),
            facts_date=entry.facts_date,
            contacts=self._contacts(entry.contact),
            places=(self._card(place),) if place else (),
        )

    def staff_contact_card(self) -> ContactCard | None:
        c = self.staff_contact
        if not c.is_set:
            return None
        return ContactCard(
            id=STAFF_CONTACT_ID,
            name=c.name or "L'équipe qui gère cet assistant",
            email=c.email or None,
            phone=c.phone or None,
            website=c.website or None,
        )

    def contact_cards(self) -> tuple[ContactCard, ...]:
        """Every contact, the deployment's own first (for ``/contact``)."""
        staff = self.staff_contact_card()
        rest = tuple(self._contact_card(c.id) for c in self.knowledge.contacts.values())
        return ((staff,) if staff else ()) + tuple(c for c in rest if c)

    def _more_details(self, entry_id: str, message: str) -> Reply:
        """« plus de détails »: the sources with their links, the contact and related questions,
        rather than the same answer twice."""
        base = self.answer(entry_id, message)
        when = format_facts_date(base.facts_date) if base.facts_date else ""
        lines = ["Pour aller plus loin, voici les sources de cette réponse"
                 + (f" (informations datées {de(when)}) :" if when else " :")]
        lines += [f"• {s.title}" + (f" — {s.url}" if s.url else "") for s in base.sources]
        if base.suggestions:
            lines.append("Vous pouvez aussi consulter les questions liées ci-dessous.")
        return replace(
            base,
            text="\n".join(lines),
            contacts=base.contacts or self._contacts(STAFF_CONTACT_ID),
            sources=(),
        )

    def _named_places(self, places: list[Place], message: str,
                      candidates: tuple[Candidate, ...]) -> Reply:
        """A place the user named that has no FAQ entry of its own: its directory card."""
        first = places[0]
        names = list(dict.fromkeys(p.name for p in places))
        if len(names) <= 2:  # « du Trèfle Marcel Sembat et du Trèfle Corentin Celton »
            heading = f"Voici ce que je sais {' et '.join(of(name) for name in names)} :"
        else:  # the branches of a chain (« Morning Coworking »)
            heading = f"Je connais {len(names)} lieux de ce nom :"
        return Reply(
            kind=ReplyKind.PLACES,
            text=heading,
            question=message,
            candidates=candidates,
            places=tuple(self._card(p) for p in places),
            commune=first.commune or first.area or "",
            sources=tuple(SourceRef(s.title, s.url) for s in first.sources),
            facts_date=first.facts_date,
        )

    def _places_reply(self, result: DirectoryResult, question: str) -> Reply:
        where = result.where.name
        none = none_of_kind(result.place_type)  # « aucun fab lab », « aucune pépinière »
        shown = [*result.local, *(p for p, _ in result.nearby)]
        years = sorted({p.facts_date[:4] for p in shown if p.facts_date})
        span = (f"de {years[0]}" if len(years) == 1 else f"de {years[0]} à {years[-1]}"
                ) if years else "datées"
        caveat = (
            f"Ces informations viennent de sources {span} : vérifiez qu'un lieu est "
            "toujours ouvert avant de vous déplacer."
        )
        if result.type_nowhere:  # « télécentre à Nanterre »: the directory lists none at all
            intro = f"Mon annuaire ne compte {none} dans les Hauts-de-Seine. " + (
                f"Voici les lieux que je connais {at(where)} :" if result.local else
                "Voici les lieux connus les plus proches :")
            text = f"{intro}\n{caveat}"
            cards = [self._card(p) for p in result.local] + [
                self._card(p, d) for p, d in result.nearby]
        elif result.local and not result.other_types_here:
            intro = f"Voici les lieux que je connais {at(where)} :"
            text = f"{intro}\n{caveat}"
            cards = [self._card(p) for p in result.local]
        else:
            intro = f"Je ne connais {none} {at(where)} dans mes sources."
            cards = [self._card(p) for p in result.local] if result.other_types_here else []
            if result.other_types_here:
                shown = len(result.local)
                intro += (f" Voici {shown} des {shown + result.left_out} autres lieux cités "
                          f"{at(where)} (écrivez « tiers-lieux {at(where)} » pour tous)"
                          if result.left_out else f" Voici d'abord les autres lieux cités {at(where)}")
                intro += (f", puis les {kinds_words(result.place_type)} les plus proches :"
                          if result.nearby else " :")
            elif result.nearby:
                intro += " Voici les lieux connus les plus proches :"
            text = f"{intro}\n{caveat}"
            cards += [self._card(p, d) for p, d in result.nearby]
        text += (
            "\nPour un lieu récent ou absent de cette liste, renseignez-vous auprès de votre "
            "mairie ou du contact proposé."
        )
        return Reply(
            kind=ReplyKind.PLACES,
            text=text,
            question=question,
            places=tuple(cards),
            commune=where,
            place_type=result.place_type,
            listing=True,
            contacts=self._contacts(STAFF_CONTACT_ID),
            suggestions=tuple(
                Suggestion(i, self.knowledge.faq[i].question)
                for i in ("trouver-tiers-lieu", "tarifs")
                if i in self.knowledge.faq
            ),
        )

    def _ask_for_commune(self, question: str, place_type: str | None) -> Reply:
        kind = kind_words(place_type, "coworking")
        return Reply(
            kind=ReplyKind.CLARIFY,
            text="Dans quelle commune des Hauts-de-Seine cherchez-vous ? Écrivez par exemple "
            f"« {kind} à Nanterre » ou « /lieux Malakoff ».",
            question=question,
            place_type=place_type,
            asks_where=True,
        )

    def _not_sure(self, message: str, ids: Iterable[str],
                  candidates: tuple[Candidate, ...]) -> Reply:
        """« Vouliez-vous dire… » with the entries ``ids`` as buttons (the FAQ decision's, and
        a commune's message judged both with and without the commune)."""
        faq = self.knowledge.faq
        return Reply(
            kind=ReplyKind.CLARIFY,
            text=NOT_SURE,
            question=message,
            score=candidates[0].score if candidates else 0.0,
            candidates=candidates,
            suggestions=tuple(Suggestion(i, faq[i].question) for i in ids),
        )

    def _ask_for_position(self, message: str, place_type: str | None) -> Reply:
        return Reply(
            kind=ReplyKind.CLARIFY,
            text="Pour trouver les lieux les plus proches de vous, partagez votre position "
            "(trombone 📎 puis « Position » dans Telegram) ou écrivez votre commune, par "
            f"exemple « {kind_words(place_type, 'coworking')} à Nanterre » ou « près du métro "
            "Pont de Sèvres ».",
            question=message,
            place_type=place_type,
        )

    def _with_candidates(self, reply: Reply, candidates: tuple[Candidate, ...]) -> Reply:
        return replace(reply, candidates=candidates)

    def _related(self, entry: FaqEntry) -> tuple[Suggestion, ...]:
        faq = self.knowledge.faq
        return tuple(Suggestion(r, faq[r].question) for r in entry.related if r in faq)[:4]

    def _contacts(self, contact_id: str | None) -> tuple[ContactCard, ...]:
        if not contact_id:
            return ()
        if contact_id == STAFF_CONTACT_ID:
            staff = self.staff_contact_card()
            if staff:
                return (staff,)
            contact_id = "departement-92"
        card = self._contact_card(contact_id)
        return (card,) if card else ()

    def _contact_card(self, contact_id: str) -> ContactCard | None:
        c = self.knowledge.contacts.get(contact_id)
        if c is None:
            return None
        return ContactCard(c.id, c.name, c.description, c.website, c.email, c.phone, c.address)

    def _card(self, place: Place, distance: float | None = None) -> PlaceCard:
        return PlaceCard(
            id=place.id,
            name=place.name,
            commune=place.commune or place.area or "",
            area=place.area,
            type=place.type,
            type_label=type_label(place.type),
            status=place.status,
            status_label=status_label(place),
            operator=place.operator,
            description=place.description,
            address=place.address,
            website=place.website,
            faq_id=place.faq,
            facts_date=place.facts_date,
            # a distance only from the place's own position: from its commune's centre it
            # would be made up (« à environ 1 km » of a station, for a name with no address)
            distance_km=distance if place.lat is not None and place.lon is not None else None,
        )

    def _closest_themes(self, entry_ids: list[str]) -> tuple[tuple[str, str], ...]:
        themes = self.knowledge.themes
        seen: list[str] = []
        for entry_id in entry_ids:
            entry = self.knowledge.faq.get(entry_id)
            if entry and entry.theme in themes and entry.theme not in seen:
                seen.append(entry.theme)
        seen += [t for t in themes if t not in seen]
        return tuple((t, themes[t]) for t in seen[:3])
