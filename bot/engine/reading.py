"""Reading a message: normalise it once, then look at it every way the decision needs.

The matchers (index, second opinion, directory) are built here from a knowledge base — or from
part of one, which is how :mod:`bot.engine.training` asks held-out phrasings against the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.engine.confidence import Evidence
from bot.engine.matching import FaqIndex, Match
from bot.engine.places import Directory
from bot.engine.second_opinion import OUT_OF_SCOPE, CentroidModel
from bot.engine.senses import in_their_workspace_sense
from bot.engine.text import Normaliser, tokenize
from bot.knowledge import Commune, FaqEntry, Knowledge, Place

PLACES_PSEUDO_ENTRY = "__places__"
_TODAY = "aujourdhui"  # canonical word of synonyms.yaml for aujourd'hui, actuellement…
LOCATION_TERM = "loc92"  # has a digit: survives stemming unchanged on both sides
NEGATIVES_FILE = Path("training") / "negatives.yaml"
NEAR_MISSES_FILE = Path("training") / "near-misses.yaml"  # training only, not in the centroid

# Generic ways of asking for somewhere to work in a given town. They live in the same index as
# the FAQ, so that « quels services proposer dans un tiers-lieu à Clamart ? » (an FAQ question
# that happens to name a town) and « un tiers-lieu à Clamart ? » (a search) compete fairly.
_PLACE_SEARCH_PHRASINGS = (
    "coworking localite",
    "chercher un coworking a localite",
    "je cherche un espace de travail a localite",
    "y a-t-il un tiers-lieu a localite",
    "existe-t-il un tiers-lieu a localite ca existe",
    "ou travailler a localite hors de chez moi",
    "un fablab a localite",
    "bureau partagé localite",
    "quels coworkings me conseillez-vous a localite",
    "adresse d'un lieu pour travailler a localite",
    "tiers-lieu dans la ville de localite",
    "un endroit ou travailler vers localite",
    "un centre d'affaires a localite",
    "un telecentre a localite",
    "une pepiniere d'entreprises a localite",
    "un lieu pour teletravailler a localite",
    "louer un bureau a localite",
    "ou poser mon ordinateur pour la journee a localite",
)


def entry_texts(entry: FaqEntry, learned: Sequence[str] = ()) -> list[str]:
    """One entry's phrasings (hand-written, then staff-accepted), its keywords as one more: what
    the index and the second opinion read of it (a cold start's workers too)."""
    return [*entry.questions, *learned, " ".join(entry.keywords)]


def entry_phrasings(knowledge: Knowledge) -> dict[str, list[str]]:
    """Every entry's texts (:func:`entry_texts`)."""
    return {
        entry_id: entry_texts(entry, knowledge.learned_phrasings(entry_id))
        for entry_id, entry in knowledge.faq.items()
    }


def load_negatives(knowledge: Knowledge, file: Path = NEGATIVES_FILE) -> tuple[str, ...]:
    """Out-of-scope and small-talk messages written for training (none when absent):
    :data:`NEGATIVES_FILE`, or ``file`` (e.g. :data:`NEAR_MISSES_FILE`)."""
    path = knowledge.path / file if knowledge.path else None
    if path is None or not path.is_file():
        return ()
    items = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []
    return tuple(
        str(item["q"]) for item in items if isinstance(item, dict) and item.get("q")
    )


def training_negatives(knowledge: Knowledge) -> tuple[str, ...]:
    """Every message the confidence model learns « no answer » from (what its fingerprint
    covers): the negatives and the near misses."""
    return (*load_negatives(knowledge), *load_negatives(knowledge, NEAR_MISSES_FILE))


@dataclass(frozen=True)
class Matchers:
    """Everything that compares a message with the knowledge."""

    normaliser: Normaliser
    index: FaqIndex
    second: CentroidModel
    directory: Directory
    # the year the knowledge was last checked (and the next): « une subvention en 2026 ? » asks
    # about today, « en 2030 » does not
    # (from the knowledge, not the clock, so that the same knowledge gives the same decisions)
    this_year: int = 0


# The last index and second opinion built, by what they were built from (one slot: training
# builds many different ones, and a reload needs only the previous).
_last_built: dict[tuple, tuple[FaqIndex, CentroidModel]] = {}


def build_matchers(knowledge: Knowledge, phrasings: Mapping[str, Sequence[str]] | None = None,
                   negatives: Sequence[str] | None = None) -> Matchers:
    """The matchers for ``knowledge`` (or for other phrasings/negatives, when training)."""
    normaliser = Normaliser(knowledge.sms, knowledge.terms)
    faq = dict(phrasings if phrasings is not None else entry_phrasings(knowledge))
    negatives = load_negatives(knowledge) if negatives is None else negatives
    indexed = {
        **faq,
        PLACES_PSEUDO_ENTRY: [p.replace("localite", LOCATION_TERM)
                              for p in _PLACE_SEARCH_PHRASINGS],
    }
    place_words = [
        w for c in knowledge.communes for text in (c.name, *c.aliases) for w in tokenize(text)
    ]
    # Real words the FAQ phrasings may not use, so that typo correction leaves them alone
    # (« étymologie » must not become « typologie » before synonyms.yaml can map it).
    vocabulary_words = [
        w
        for texts in (*knowledge.terms.values(), *knowledge.place_types.values(),
                      tuple(knowledge.terms), tuple(knowledge.sms.values()))
        for text in texts
        for w in tokenize(text)
    ]
    extra = (*place_words, *vocabulary_words)
    key = (normaliser.fingerprint, tuple((e, tuple(t)) for e, t in indexed.items()), extra,
           tuple(negatives))
    if key in _last_built:
        # Same texts as the engine built last (a staff edit of answers, places or contacts):
        # the index and the second opinion would come out identical, so they are reused.
        index, second = _last_built[key]
        normaliser = index.normaliser
    else:
        index = FaqIndex(indexed, normaliser, extra_vocabulary=extra)
        second = CentroidModel({**faq, OUT_OF_SCOPE: negatives}, normaliser.words,
                               normaliser.phrasing_words)
        _last_built.clear()
        _last_built[key] = (index, second)
    faq_words = frozenset(index.vocabulary.words) - frozenset(place_words)
    checked = [e.checked_on[:4] for e in knowledge.faq.values() if e.checked_on[:4].isdigit()]
    this_year = max(map(int, checked), default=0)
    directory = Directory(knowledge, known_words=faq_words, split=normaliser.words)
    return Matchers(normaliser, index, second, directory, this_year)


@dataclass(frozen=True, slots=True)
class Reading:
    """One message, normalised and looked at every way the decision needs."""

    text: str
    words: list[str]
    terms: list[str]
    location: Commune | None
    place_type: str | None
    place_cue: bool  # names a kind of place, even the generic « tiers-lieu »
    faq_matches: list[Match]
    search_score: float  # how much it looks like a place search
    named: list[Place]  # places it names
    # a commune of the 92 named, but as part of another place's name (« Clamart en Vendée »,
    # « Boulogne-sur-Mer »): no location, and no follow-up on the places in view either
    elsewhere: bool = False

    @property
    def top(self) -> Match | None:
        return self.faq_matches[0] if self.faq_matches else None

    @property
    def evidence(self) -> Evidence:
        return Evidence(
            text=self.text,
            words=self.words,
            terms=[t for t in self.terms if t != LOCATION_TERM],
            matches=self.faq_matches,
            location=self.location is not None,
            place_cue=self.place_cue,
            search_score=self.search_score,
        )


MAX_WORDS = 120  # longer messages are read on their first words: bounded work per message


def read(m: Matchers, text: str,
         elsewhere: Callable[[Sequence[str]], bool] | None = None) -> Reading:
    """Normalise once, then look at the message every way the decision needs. ``elsewhere``:
    whether the words name a place outside the 92 whose name holds a commune's (« Boulogne-sur-
    Mer », « Clichy-sous-Bois »): then no commune of the 92 is read."""
    words = m.normaliser.words(text)[:MAX_WORDS]
    if m.this_year and any(len(w) == 4 and w.isdigit() for w in words):
        words = [_TODAY if len(w) == 4 and w.isdigit() and 0 <= int(w) - m.this_year <= 1 else w
                 for w in words]
    location = m.directory.find_location(words)
    outside = location is not None and elsewhere is not None and elsewhere(words)
    if outside:
        location = None
    corrected = m.index.vocabulary.correct_all(words)
    # « cowoking issy » is a coworking: the kind of place read on the corrected words too;
    # « bureau de vote » names no kind of place
    kind_words = in_their_workspace_sense(words)
    kind_corrected = in_their_workspace_sense(words, corrected)
    place_type = m.directory.find_type(kind_words) or m.directory.find_type(kind_corrected)
    terms = m.normaliser.terms(corrected)
    # A number the knowledge never uses (« en 2026 », « 3 jours ») is no topic: as an unknown
    # word it would weigh as much as the rarest one and sink a plain question.
    terms = [t for t in terms if not t.isdigit() or m.index.knows(t)]
    if location:
        terms.append(LOCATION_TERM)
    matches = m.index.search(terms, limit=6)
    return Reading(
        text=text,
        words=words,
        terms=terms,
        location=location,
        place_type=place_type,
        place_cue=place_type is not None or m.directory.mentions_type(kind_words)
        or m.directory.mentions_type(kind_corrected),
        faq_matches=[x for x in matches if x.entry_id != PLACES_PSEUDO_ENTRY],
        search_score=next((x.score for x in matches if x.entry_id == PLACES_PSEUDO_ENTRY), 0.0),
        named=m.directory.find_places(words, location),
        elsewhere=outside,
    )
