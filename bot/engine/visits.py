"""What a visitor checks before coming: opening hours, wifi, parking, wheelchair access.

The sources give these for almost no place. « horaires de Casaco » was answered with Casaco's
history as if it were the answer, and « y a-t-il des tiers-lieux ouverts le week-end ? » with
the entry on who may use a tiers-lieu (« ouverts à tous »). The honest reply says what the
sources do not give, then what helps: the place's card, with its site, or where to look.

Mixed into :class:`bot.engine.decision.Engine`, like :class:`bot.engine.projects.ProjectDecisions`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.engine.compose import Composer, for_name, in_a_row, of
from bot.engine.confidence import Calibrator
from bot.engine.conversation import Conversation
from bot.engine.intents import price_sentences, whole_sentences
from bot.engine.matching import SCAFFOLDING
from bot.engine.reading import Reading
from bot.engine.reply import Candidate, Reply, ReplyKind, Suggestion
from bot.engine.text import fold, tokenize
from bot.engine.turn import Turn
from bot.engine.visit_details import RUNS, STILL_THERE, VisitDetail
from bot.knowledge import Place

_FINDING_ENTRY = "trouver-tiers-lieu"
PRICE_ENTRY = "tarifs"
_ANY_PLACE = "tierslieu"  # canonical word of synonyms.yaml for tiers-lieu(x)
_ACCESS_WORDS = "accessible accessibles accès gratuit gratuite payant disponible possible"
# a closure, a move or a new name (not « fermé le dimanche », an opening hour)
_CLOSING = re.compile(r"\b(?:menac\w*|fermeture|a fermé|ont fermé|déménag\w*|renomm\w*|"
                      r"liquidation|disparu)", re.I)
_SHORT_VISIT = 6  # words (twice as many with a kind of place: « les coworkings sont… »)


def about_any_place(r: Reading) -> bool:
    """« les tiers-lieux ont-ils le wifi ? » asks about any place, even after Casaco was
    discussed; « c'est ouvert le soir ? » is about Casaco."""
    return r.place_type is not None or _ANY_PLACE in r.terms


class VisitDecisions(Composer):
    """Practical details of a visit, which the sources rarely give."""

    # from WhereDecisions (annotated, not defined: a definition here would hide theirs)
    _place_in_view: Callable[[Reading, Conversation], Place | None]
    _place_details: Callable[..., Reply]
    _fallback: Callable[..., Reply]  # the Engine's
    _one_loose_word: Callable[[Reading, str], bool]
    _terms_of: Callable[[Iterable[str]], frozenset[str]]  # SearchDecisions'
    _search_vocabulary: Callable[[], frozenset[str]]  # SearchDecisions'
    calibrator: Calibrator

    def _visit(self, detail: VisitDetail, turn: Turn, message: str,
               conversation: Conversation) -> Reply | None:
        """« horaires de Casaco », « y a le wifi ? » after a place, « ouvert le dimanche ? »."""
        r = turn.reading
        place = r.named[0] if r.named else None  # « …de l'Electrolab à Nanterre ? » too
        if place is None and r.location is not None:  # a search: the list, with a word on it
            return None
        if place is None and len(r.words) <= 8 and not turn.sure and not about_any_place(r):
            place = self._place_in_view(r, conversation)
        if place is not None:
            return self._detail_of(place, detail, message, turn.candidates)
        # An entry sure of itself answers only when it is about that detail (« les horaires
        # comptent-ils pour un coworking ? »), not « ouverts le week-end » read as « ouverts à
        # tous ».
        if detail.general and not (turn.sure and self._speaks_of(detail, turn.best.entry_id)):
            return self._nowhere_given(detail, turn, message)
        # « y a du wifi ? », « accessible en fauteuil roulant ? »: a short question nothing in
        # the FAQ answers is about the places, not about the services a project offers
        best = turn.best
        weak = best is None or best.probability < self.calibrator.clarify_at or (
            self._one_loose_word(r, best.entry_id))  # not even a « Vouliez-vous dire… »
        if not turn.sure and weak and detail.placeless and (len(r.words) <= _SHORT_VISIT or (
                r.place_cue and len(r.words) <= 2 * _SHORT_VISIT)) and self._only_the_detail(
                    detail, r):
            return self._nowhere_given(detail, turn, message)
        return None

    def _only_the_detail(self, detail: VisitDetail, r: Reading) -> bool:
        """« y a du wifi ? », « accessible en fauteuil roulant ? »: the detail, a search and a
        word of access, nothing else (not « allocation handicap MDPH 92 »)."""
        rest = self._terms_of([detail.asked.sub(" ", " ".join(r.words))])
        return rest <= self._search_vocabulary() | SCAFFOLDING | self._terms_of([_ACCESS_WORDS])

    def _gives(self, place: Place, detail: VisitDetail) -> bool:
        """The place's texts (its description, services and entry) give the detail."""
        entry = self.knowledge.faq.get(place.faq or "")
        texts = (place.description or "", *place.services, entry.answer if entry else "")
        return any(detail.given.search(" ".join(fold(t).split())) for t in texts)

    def _noting(self, detail: VisitDetail, reply: Reply) -> Reply:
        """A list of places asked with a detail (« horaires des coworkings à Boulogne »,
        « coworking avec salle de réunion à Malakoff »): what the sources do not give, and the
        places whose texts do give it."""
        if reply.kind is not ReplyKind.PLACES or not reply.places:
            return reply
        given = [c.name for c in reply.places
                 if c.id in self.knowledge.places and self._gives(self.knowledge.places[c.id],
                                                                  detail)]
        card = "sa fiche" if len(given) == 1 else "leur fiche"
        but = f", sauf pour {in_a_row(given)} (voyez {card})" if given else ""
        return replace(reply, text=f"Mes sources ne donnent pas {detail.label} de ces lieux{but}"
                       f" : vérifiez sur leur site ou auprès d'eux.\n{reply.text}")

    def _noting_prices(self, reply: Reply) -> Reply:
        """A list of places asked with a price (« courbevoie coworking prix »): what the sources
        do not give, the places whose entry or card does give one (« c gratuit le fablab de
        gennevilliers ? »: the FacLab is free), and the dated examples first among the buttons."""
        first = tuple(s for s in reply.suggestions if s.id == PRICE_ENTRY)
        if reply.kind is not ReplyKind.PLACES or not reply.places or not first:
            return reply
        rest = tuple(s for s in reply.suggestions if s.id != PRICE_ENTRY)
        given = [c.name for c in reply.places if self._priced(c.id)]
        names = in_a_row([for_name(n) for n in given]) if given else ""
        but = f", sauf pour {names} (écrivez par exemple « prix {of(given[0])} »)" if given else ""
        return replace(reply, suggestions=first + rest, text=(
            f"Mes sources ne donnent pas les tarifs actuels de ces lieux{but} : demandez-les sur "
            "leur site. Des exemples de prix datés sont dans la réponse sur les tarifs (bouton "
            f"ci-dessous).\n{reply.text}"))

    def _priced(self, place_id: str) -> bool:
        place = self.knowledge.places.get(place_id)
        entry = self.knowledge.faq.get(place.faq or "") if place else None
        return place is not None and bool(price_sentences(place.description or "") or (
            entry is not None and price_sentences(entry.answer)))

    def _detail_of(self, place: Place, detail: VisitDetail, message: str,
                   candidates: tuple[Candidate, ...] = (), others: bool = False) -> Reply | None:
        """What the sources say of the detail, said first: the place's status or operator,
        the sentences of its texts that give it (to a longer message, its whole entry; None
        when it has none), else that they do not give it (advice to check is no fact)."""
        entry = self.knowledge.faq.get(place.faq or "")
        text = entry.answer if entry else place.description or ""
        said = [s for s in whole_sentences(text) if detail.given.search(" ".join(fold(s).split()))
                and not s.startswith(("Vérifiez", "Renseignez"))]  # advice, not a fact
        # a longer message asks more than the detail: its entry answers it all, as before
        short = len(tokenize(message)) <= _SHORT_VISIT + 2
        if said and not short:
            return self.answer(entry.id, message, 100.0, candidates) if entry else None
        known = None
        if detail is STILL_THERE:
            known = self._status_of(place, text)
        elif said:
            known = "Ce qu'en disent mes sources : " + " ".join(said)
        elif detail is RUNS and place.operator and short:
            known = (f"Mes sources ne donnent pas {RUNS.label} {of(place.name)}, mais disent qui "
                     f"gère ce lieu : {place.operator}.")
        if known is not None:
            base = self.answer(entry.id, message, 100.0, candidates) if entry else (
                self._place_details(place, message, others=others))
            return replace(base, text=known, places=(self._card(place),), candidates=candidates)
        site = f"voyez son site ({place.website}) ou " if place.website else ""
        intro = (f"Mes sources ne donnent pas {detail.label} {of(place.name)} : {site}"
                 "renseignez-vous auprès du lieu avant de venir.")
        if place.status == "ferme":  # « wework la défense horaires »: it closed
            intro = f"D'après mes sources, ce lieu a fermé (source de {place.facts_date[:4]})." if (
                place.facts_date) else "D'après mes sources, ce lieu a fermé."
        if entry is not None:
            reply = self.answer(entry.id, message, 100.0, candidates)
            return replace(reply, text=f"{intro}\n\n{reply.text}", places=(self._card(place),))
        reply = self._place_details(place, message, others=others)
        return replace(reply, text=f"{intro}\n\n{reply.text}", candidates=candidates)

    @staticmethod
    def _status_of(place: Place, text: str) -> str:
        """« ça existe encore ? »: the card's status, dated, what its texts say of a closure or
        a move (the Electrolab threatened in 2024), and what it cannot tell."""
        news = " ".join(s for s in whole_sentences(text)  # not « il a pu fermer… depuis »
                        if _CLOSING.search(s) and " a pu " not in s)
        return f"{VisitDecisions._status_alone(place, site=not news)} {news}".strip()

    @staticmethod
    def _status_alone(place: Place, site: bool) -> str:
        year = f" de {place.facts_date[:4]}" if place.facts_date else ""
        check = f" : vérifiez sur son site ({place.website})" if place.website else (
            " : renseignez-vous avant de vous déplacer")
        site = check if site else ""
        return {
            "ouvert": f"D'après mes sources{year}, ce lieu était ouvert ; il a pu fermer depuis"
                      f"{site}.",
            "ferme": f"D'après mes sources{year}, ce lieu a fermé.",
            "projet": f"Dans mes sources{year}, ce lieu était un projet ; je ne sais pas s'il a "
                      f"ouvert depuis{site}.",
            "renomme": f"D'après mes sources{year}, ce lieu a changé de nom : voyez sa fiche.",
        }.get(place.status, f"Mes sources ne disent pas si ce lieu est toujours ouvert{site}.")

    def _speaks_of(self, detail: VisitDetail, entry_id: str) -> bool:
        return any(detail.asked.search(" ".join(tokenize(p)))
                   for p in self.knowledge.phrasings(entry_id))

    def _nowhere_given(self, detail: VisitDetail, turn: Turn, message: str) -> Reply:
        entry = self.knowledge.faq.get(_FINDING_ENTRY)
        return Reply(
            kind=ReplyKind.CLARIFY,
            text=f"Mes sources ne donnent pas {detail.label} des lieux"
            + (" : chacun fixe les siens. " if detail.general else " qu'elles citent. ")
            + "Écrivez votre commune, par exemple « coworking à Nanterre » : je vous donne les "
            "lieux connus et leur site, où vérifier.",
            question=message,
            score=turn.candidates[0].score if turn.candidates else 0.0,
            candidates=turn.candidates,
            suggestions=(Suggestion(entry.id, entry.question),) if entry else (),
        )

    def _price_of(self, place: Place | None, message: str) -> Reply:
        """The price question: the general entry, saying what the sources give for a place."""
        own = self.knowledge.faq.get(place.faq or "") if place else None
        # its entry or its card gives a dated price, or says it is free (the FacLab): that
        # first, not « no price given » nor the whole description again
        said = price_sentences(own.answer) if own is not None else []
        if own is not None and said:
            return replace(self.answer(own.id, message, 100.0), text=(
                f"Ce que mes sources disent des prix {of(place.name)} : {' '.join(said)}"))
        entry = self.knowledge.faq.get(PRICE_ENTRY)
        if entry is None:
            return self._fallback(message)  # type: ignore[attr-defined]
        reply = self.answer(entry.id, message, 100.0)
        if place is None:
            return reply
        if card := price_sentences(place.description or ""):
            return replace(self._place_details(place, message), text=(
                f"Ce que mes sources disent des prix {of(place.name)} : {' '.join(card)}"))
        intro = (f"Mes sources ne donnent pas de tarif pour {for_name(place.name)} : renseignez-vous "
                 "directement auprès du lieu"
                 + (f" ({place.website})." if place.website else ".")
                 + " Voici ce qu'elles disent des prix en général :")
        return replace(reply, text=f"{intro}\n{reply.text}", places=(self._card(place),))
