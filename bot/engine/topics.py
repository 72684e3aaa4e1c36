"""What an entry is about, for the decision: a lone word the entry merely happens to use is
no answer, a place's entry needs more than its commune, and a phrasing typed word for word is
its entry's.

Mixed into :class:`bot.engine.decision.Engine`.
"""

from __future__ import annotations

from bot.engine.compose import Composer
from bot.engine.intents import creation_intent
from bot.engine.matching import SCAFFOLDING, FaqIndex
from bot.engine.reading import Reading
from bot.engine.text import Normaliser
from bot.engine.visits import PRICE_ENTRY

# A lone word is what an entry is about when this share of its phrasings use it (« statut »:
# 8 of 40); a word of one or two phrasings is a coincidence (« bizarre », « wifi »: 1 of ~38).
_TOPIC_SHARE = 0.1


class TopicChecks(Composer):
    """Checks on what an entry is about (its title, keywords, cards and phrasings)."""

    normaliser: Normaliser
    index: FaqIndex
    _place_entries: set[str]
    _topic_terms: dict[str, frozenset[str]]  # by entry, filled when first needed

    def _one_loose_word(self, r: Reading, entry_id: str) -> bool:
        """The message's one word is a word the entry merely happens to use: « intéressant »
        (« Pourquoi La Défense s'intéresse-t-elle… ? »), « bizarre », « wifi », « je sais pas »
        were answered at 86–98 %. A lone word is what an entry is about when its title or
        keywords hold it, or a tenth of its phrasings (« statut », « rentable », « tarifs »)."""
        content = [t for t in r.terms if t not in SCAFFOLDING]
        if len(content) != 1 or r.named or r.location is not None:
            return False
        word = content[0]
        if word in self._entry_topic(entry_id):
            return False
        phrasings = self.knowledge.phrasings(entry_id)  # their stems: the index holds them
        using = sum(word in self.index.stems_of(p) for p in phrasings)
        return using < _TOPIC_SHARE * len(phrasings)

    def _entry_topic(self, entry_id: str) -> frozenset[str]:
        """The terms of what an entry is about: its title, keywords and directory cards."""
        terms = self._topic_terms.get(entry_id)
        if terms is None:
            entry = self.knowledge.faq[entry_id]
            cards = [p.description or "" for p in self.knowledge.places.values()
                     if p.faq == entry_id]
            terms = frozenset(self.normaliser.terms(
                self.normaliser.words(" ".join((entry.question, *entry.keywords, *cards)))))
            self._topic_terms[entry_id] = terms
        return terms

    def _on_topic(self, r: Reading, entry_id: str) -> bool:
        """A place's entry needs more than the place's commune: « Comment demander l'APL quand
        on habite Gennevilliers ? » or « horaires de la déchetterie de Gennevilliers » share
        only the commune (and words its answer happens to use) with the FacLab of
        Gennevilliers, which is no answer however likely the model finds it. The entry's title
        or keywords, or its directory card (what it is about), must share another word.
        The prices of a desk are no answer to what opening a coworking costs."""
        if entry_id == PRICE_ENTRY and creation_intent(r.words):
            return False
        if r.location is None or entry_id not in self._place_entries:
            return True
        terms = self._entry_topic(entry_id)
        commune = set(self.normaliser.terms(self.normaliser.words(r.location.name)))
        return bool((set(r.terms) & terms) - commune - SCAFFOLDING)

    def _exact_phrasing(self, r: Reading) -> str | None:
        """The entry one of whose phrasings the message is, word for word once normalised.

        Staff wrote that question for that entry: it is answered, whatever the model says.
        (The model learns from held-out phrasings, so it never sees an exact one.)"""
        top, second = [*r.faq_matches, None, None][:2]
        if top is None or top.score < 99.95 or (second is not None and second.score >= 99.95):
            return None
        stems = set(self.index.stems_of(top.phrasing))
        return top.entry_id if stems == set(r.evidence.terms) else None
