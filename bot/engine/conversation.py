"""The state a conversation carries from one message to the next, for the follow-ups.

Its own module so that every decision module can name it without importing another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine.reply import Reply, ReplyKind


@dataclass(slots=True)
class Conversation:
    """What a follow-up needs to know about the previous turn (« et à Nanterre ? »)."""

    last_kind: ReplyKind | None = None
    last_entry_id: str | None = None
    last_commune: str | None = None
    last_type: str | None = None
    last_places: tuple[str, ...] = field(default=())
    places_in_view: bool = False  # the last reply showed places
    # the place of the list last shown on its own (« et le deuxième ? »): « c'est combien ? »
    # is then about it, not about the first of the list
    last_place: str | None = None
    asked_type: str | None = None  # the kind of place of a « where? » just asked
    asked_where: bool = False  # the last reply asked in which commune
    topic: str | None = None  # the last sure reply's entry question or place name
    # the entry last answered, kept over a fallback or a clarification in between (« c'est
    # quoi PROGR'ESS », « je suis une SAS, j'y ai droit ? », « combien ? »)
    topic_entry: str | None = None
    # the entries the last answer was chosen among, for « non pas ça »
    last_candidates: tuple[str, ...] = field(default=())
    # the choices of a « Vouliez-vous dire… » just offered (set by the engine)
    unsure_between: tuple[str, ...] = field(default=())

    def remember(self, reply: Reply) -> None:
        if reply.kind is ReplyKind.SMALLTALK:
            return  # « merci », « tu parles anglais ? »: then « et l'adresse ? » is the list's
        self.last_kind = reply.kind
        self.unsure_between = ()  # a button pressed answers the choice (the engine sets it anew)
        shown = tuple(p.id for p in reply.places)
        if reply.kind is ReplyKind.ANSWER:
            self.last_entry_id = reply.entry_id
            self.topic_entry = reply.entry_id
            self.last_candidates = tuple(c.id for c in reply.candidates if c.id != reply.entry_id)
        elif reply.kind is ReplyKind.PLACES:
            self.topic_entry = None
        if reply.kind is ReplyKind.PLACES:
            self.last_type = reply.place_type
        # « dans quelle commune ? » asked about a kind of place: the commune answered keeps it
        self.asked_type = reply.place_type if reply.kind is ReplyKind.CLARIFY else None
        self.asked_where = reply.asks_where
        # a follow-up on the list (« l'adresse ? », « c'est combien ? ») shows one of its places
        # and keeps the list; a list, even of the same places in another order (« et pour un
        # fablab ? »), is the new list
        if reply.listing or len(shown) > 1 or (shown and shown[0] not in self.last_places):
            self.last_places = shown
            self.last_place = None
        if len(shown) == 1:
            self.last_place = shown[0]
        # a question with no answer in between (« qui le finance ? ») keeps the place in view
        self.places_in_view = bool(shown) or (self.places_in_view and reply.kind in (
            ReplyKind.FALLBACK, ReplyKind.CLARIFY))
        if reply.commune:
            self.last_commune = reply.commune
