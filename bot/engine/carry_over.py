"""A short follow-up read with the conversation's topic: « Electrolab » then « ils vont
fermer ? », « c'est quoi PROGR'ESS » then « comment candidater ? ».

Mixed into :class:`bot.engine.decision.Engine`. Only a follow-up that gets no reply of its own
(a fallback, a « Vouliez-vous dire… ») is read again, with the topic in front, and the new
reply is kept only when the follow-up's own words are in what it shows: « qui contacter pour
une interview ? » after the grants of today is no question about those grants. The evaluation
sets, one message each, never reach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.engine.compose import NOT_SURE
from bot.engine.conversation import Conversation
from bot.engine.intents import asks_more_details, whole_sentences
from bot.engine.matching import SCAFFOLDING, FaqIndex
from bot.engine.places import Directory
from bot.engine.reading import LOCATION_TERM, Reading
from bot.engine.reply import Reply, ReplyKind
from bot.engine.text import Normaliser, tokenize
from bot.knowledge import Knowledge

# « et pour un fab lab ? », « et pr les télécentres ? »: the same question, of another kind
_FOR_ANOTHER = re.compile(
    r"^\W*et (?:pour|pr|dans) (?:(?:un|une|les|des|le|la|l)\s+)?(?P<kind>.+?)\W*$",
    re.IGNORECASE)

# « et après ? », « et aujourd'hui ? » after an answer about 2014: what became of it
_AND_SINCE = re.compile(r"^\W*(?:et\s+)?(?:apr[eè]s|aujourd'hui|aujourd hui|maintenant|depuis|"
                        r"ensuite|la suite|apr[eè]s 201[4-5])(?:\s+(?:201[4-9]|20[2-3]\d))?"
                        r"(?:\s+il s'est pass[ée] quoi|\s+c'est quoi)?\W*$", re.IGNORECASE)
# « et en 2014 ? », « et avant ? », « Et en 2014, il le faisait ? »: the past, of the topic
_BEFORE = re.compile(r"^\W*(?:et\s+)?(?P<when>avant|auparavant|à l'époque|a l'epoque|"
                     r"en (?P<year>20[01]\d))\s*,?(?:\s+(?:il|elle|ils|on|ça|ca|c'était)\b"
                     r"[^?.!]{0,30})?\W*$", re.IGNORECASE)
_NOW_WORDS = re.compile(r"\b(?:aujourd'hui|aujourd hui|actuellement|maintenant|encore|"
                        r"toujours|depuis 2015|après 2015)\b", re.IGNORECASE)
# « et aujourd'hui ? » alone: now, of the topic just answered
_NOW = re.compile(r"^\W*(?:et\s+)?(?:aujourd'hui|aujourd hui|maintenant|actuellement|"
                  r"de nos jours|en ce moment)\W*$", re.IGNORECASE)
# « c'est toujours d'actualité ? », « est-ce encore valable aujourd'hui ? » (folded words)
_STILL_SO = re.compile(r"^(?:et )?(?:(?:est|ca|est ce|est ce que est|est ce que ca) )?"
                       r"(?:toujours|encore) (?:actualite|actu|valable|le cas|vrai|en place|"
                       r"en vigueur|comme ca)(?: aujourdhui| maintenant)?$")
_SINCE_ENTRY = "politique-apres-2015"
_SHORT = 8  # words: a longer message says its own topic
_ABOUT_ME = "assistant"  # the theme of the entries on the assistant itself (« hors du 92 »…)
# What a short follow-up asks of the answer just given (``_not_again``): the weight (idf) from
# which a word is specific enough to look for, the canonical words of synonyms.yaml that say
# when rather than what, the words that send back to the sentence before (« il ne peut
# plus », « Prévoyez aussi »), and the aspects asked with how a sentence gives them.
_TELLING = 2.0
_QUALIFIERS = frozenset({"aujourdhui"})
_POINTING_BACK = frozenset({"il", "elle", "ils", "elles", "son", "sa", "ses", "leur", "leurs",
                            "aussi", "ensuite", "puis", "cela", "ce", "cette", "ces"})
_WHEN = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
# a figure: a digit that is no year nor « n°12 », or « une quarantaine », « des milliers »
_FIGURE = re.compile(r"(?<![°\w])(?!(?:1[89]|20)\d\d\b)\d|\b(?:dizaine|douzaine|quinzaine|"
                     r"vingtaine|trentaine|quarantaine|cinquantaine|soixantaine|centaine|"
                     r"milliers?)\b")
_ASPECTS = {"quand": _WHEN, "date": _WHEN, "dates": _WHEN, "annee": _WHEN, "depuis": _WHEN,
            "combien": _FIGURE, "nombre": _FIGURE, "chiffre": _FIGURE, "chiffres": _FIGURE}
_NOTHING_MORE = ("Ma réponse précédente dit tout ce que mes sources en savent : je n'ai rien "
                 "de plus précis sur ce point. Les questions proposées ou le contact ci-dessous "
                 "peuvent vous aider.")
# words that point back to the place just shown
_POINTING = frozenset({"il", "elle", "ils", "elles", "y", "ce", "cet", "cette", "ca", "la",
                       "labas", "leur", "leurs", "son", "sa", "ses", "lieu", "endroit", "on"})
# what a question about a place is about: opening, rooms, prices, funding, equipment, access
_ABOUT_A_PLACE = ("ouvert ouvre ouvrent ouverture horaires dimanche samedi semaine soir salle "
                  "salles reunion cafe restauration financement finance finances existe "
                  "ferme fermeture lieu endroit prix payant gratuit tarif acces accessible "
                  "handicap parking wifi internet equipement machines imprimante atelier "
                  "inscription adherer adhesion membres reserver reservation capacite surface "
                  "places postes bureaux animation evenements public enfants")
# question words every answer uses: « qui contacter ? » is not about an answer that says « qui »
_ASKING = frozenset({"qui", "quand", "ou", "pourquoi", "combien"})


class TopicCarryOver:
    """The topic of the last reply that had one, lent to a short follow-up that has none."""

    knowledge: Knowledge
    normaliser: Normaliser
    index: FaqIndex
    directory: Directory
    _place_details: Callable[..., Reply]  # WhereDecisions' (a stub here would hide it)
    _terms_of: Callable[[Iterable[str]], frozenset[str]]  # SearchDecisions'
    _more_details: Callable[[str, str], Reply]  # Composer's
    _follow_up_on_places: Callable[..., Reply | None]  # WhereDecisions'

    def _one(self, text: str, message: str, conversation: Conversation) -> Reply:
        raise NotImplementedError

    def _read(self, text: str) -> Reading:
        raise NotImplementedError

    def topic_of(self, reply: Reply, message: str, topic: str | None) -> str | None:
        """What the next follow-up can lean on: the entry answered, the one place shown, or
        a question the assistant was unsure of (« je suis en recherche d'emploi » then « un
        tiers-lieu peut m'aider ? »); small talk and failed follow-ups keep the topic."""
        if reply.kind is ReplyKind.ANSWER and reply.entry_id in self.knowledge.faq:
            return self.knowledge.faq[reply.entry_id].question
        if reply.kind is ReplyKind.PLACES:
            return reply.places[0].name if len(reply.places) == 1 else None  # a list: no one
        if reply.kind is ReplyKind.CLARIFY and reply.suggestions and topic is None:
            return message
        return topic

    def _follow_up(self, r: Reading, message: str, conversation: Conversation) -> Reply | None:
        """« plus de détails », « source ? » after an answer (its sources); « l'adresse ? »,
        « et le deuxième ? » after a list (that place)."""
        if _NOW.match(message) and conversation.last_kind is ReplyKind.ANSWER:
            since = self._what_came_after(message, conversation)
            latest = since if since is not None and since.kind is ReplyKind.ANSWER else (
                self._latest_of_the_topic(message, conversation))
            if latest is not None:
                return latest
        if conversation.last_kind is ReplyKind.ANSWER:
            before = self._what_came_before(message, conversation)
            if before is not None:
                return before
        more = asks_more_details(r.words)
        if more and conversation.last_kind is ReplyKind.ANSWER and (
                conversation.last_entry_id in self.knowledge.faq):
            return self._more_details(conversation.last_entry_id, message)  # the sources
        if conversation.places_in_view and conversation.last_places:
            follow = self._follow_up_on_places(r, message, conversation)
            if follow is not None:
                return follow
        if more and conversation.last_entry_id in self.knowledge.faq:
            return self._more_details(conversation.last_entry_id, message)
        return None

    def _latest_of_the_topic(self, message: str, conversation: Conversation) -> Reply | None:
        """« et aujourd'hui ? » right after Casaco, the Wic or the counts of tiers-lieux: the
        sentences of that answer with its most recent year, not today's grants (which a bare
        « aujourd'hui » matched, whatever the topic)."""
        entry = self.knowledge.faq.get(conversation.topic_entry or "")
        if entry is None or entry.theme == _ABOUT_ME:
            return None
        sentences = whole_sentences(entry.answer)
        years = [max(map(int, _WHEN.findall(s)), default=0) for s in sentences]
        latest = max(years, default=0)
        if not latest:
            return None
        said = [s for s, year in zip(sentences, years, strict=True) if year == latest]
        reply = self.answer(entry.id, message, 100.0, ())
        return replace(reply, text="Le plus récent que donnent mes sources : " + " ".join(said))

    def _for_another_kind(self, message: str, conversation: Conversation) -> Reply | None:
        """« Quel modèle économique pour un tiers-lieu ? » then « et pour un fab lab ? »: the
        entry answered, asked again of that kind (its title's kind replaced, or the kind
        added), not the definition of a fab lab."""
        entry = self.knowledge.faq.get(conversation.last_entry_id or "")
        asked = _FOR_ANOTHER.match(message)
        if entry is None or asked is None or conversation.last_kind is not ReplyKind.ANSWER or (
                entry.place is not None):  # after Casaco's entry, a fab lab is no Casaco
            return None
        kind_words = tokenize(asked.group("kind"))
        kinds = self.directory.type_finder.find(kind_words, fuzzy=False)
        if len(kinds) != 1 or kinds[0].end - kinds[0].start != len(kind_words):
            return None  # « et pour le financer ? » names no kind
        title = tokenize(entry.question)
        spans = self.directory.type_finder.find(title, fuzzy=False)
        if spans:
            title[spans[0].start:spans[0].end] = kind_words
        else:
            title += ["pour", *kind_words]
        again = self._one(" ".join(title), message, Conversation())
        return again if again.kind is ReplyKind.ANSWER else None

    def _what_came_before(self, message: str, conversation: Conversation) -> Reply | None:
        """« Le Département peut-il m'aider ? » then « Et en 2014, il le faisait ? »: the topic
        asked of that year (« avant »: of 2014), when another, older entry answers it."""
        asked = _BEFORE.match(message)
        entry = self.knowledge.faq.get(conversation.topic_entry or "")
        if asked is None or entry is None or entry.place is not None or not entry.facts_date:
            return None
        year = asked.group("year") or "2014"
        again = self._one(f"{_NOW_WORDS.sub(' ', entry.question).rstrip(' ?')} en {year} ?",
                          message, Conversation())
        # the first candidate older than the topic's facts, and related to it either way
        # (« Le Département a-t-il financé… » and today's grants; PROGR'ESS and the ESS call)
        for candidate in again.candidates[:3]:
            older = self.knowledge.faq.get(candidate.id)
            if older is not None and older.id != entry.id and older.facts_date and (
                    older.facts_date[:4] < entry.facts_date[:4]) and (
                    older.id in entry.related or entry.id in older.related):
                return self.answer(older.id, message, candidate.score, again.candidates)
        return None

    def _what_came_after(self, message: str, conversation: Conversation) -> Reply | None:
        """« c'était quoi l'expérimentation de 2014 ? » then « et après ? »: the Département's
        policy after 2015, when the entry just answered is about 2015 or before."""
        entry = self.knowledge.faq.get(conversation.topic_entry or "")
        since = self.knowledge.faq.get(_SINCE_ENTRY)
        if entry is None or since is None or entry.id == since.id or entry.place is not None or (
                not entry.facts_date or entry.facts_date[:4] > "2015"):
            return None
        if not _AND_SINCE.match(message) and not _STILL_SO.match(" ".join(tokenize(message))):
            return None
        return self._one(since.question, message, Conversation())

    def _with_the_topic(self, message: str, reply: Reply, conversation: Conversation) -> Reply:
        topic = conversation.topic
        unsure = reply.kind is ReplyKind.FALLBACK or (
            reply.kind is ReplyKind.CLARIFY and reply.suggestions)  # not « dans quelle commune ? »
        words = tokenize(message)
        if not unsure or not topic or not words or len(words) > _SHORT or message.startswith("/") or (
                reply.smalltalk_intent):  # « non pas ça » was answered as such
            return reply
        since = self._what_came_after(message, conversation)
        if since is not None and since.kind is ReplyKind.ANSWER:
            return since
        reading = self._read(message)
        if reading.elsewhere:  # « Colombes dans le Calvados »: no topic of ours
            return reply
        own = {t for t in reading.terms
               if t not in SCAFFOLDING and t not in _ASKING and t != LOCATION_TERM}
        if not own:
            return self._about_the_place_in_view(message, reply, conversation)
        again = self._one(f"{topic} {message}", message, Conversation())
        if again.kind is ReplyKind.ANSWER and again.entry_id in self.knowledge.faq:
            # « et l'État ? » after the Département's grants asks about another one
            if words[0] == "et" and again.entry_id == conversation.last_entry_id:
                return reply
            return again if own & self._said_by(again.entry_id) else reply
        if again.kind is ReplyKind.PLACES and len(again.places) == 1:  # a place's card
            place = self.knowledge.places.get(again.places[0].id)
            card = " ".join(filter(None, (place.description, place.status, place.address,
                                          place.type))) if place else ""
            if own & self._terms_of([card]):
                return again
        return self._about_the_place_in_view(message, reply, conversation)

    def _not_again(self, message: str, reply: Reply, conversation: Conversation) -> Reply:
        """« combien de projets ? », « ça a commencé quand ? », « et la fabrique numérique ? »
        right after an answer: the same answer again says nothing new. Two follow-ups only:
        a date or a figure asked (the sentences of that answer that give one, for a figure of
        the thing counted; else a short word that it gives none), and « et » with a telling
        word its title lacks (the sentences that have it; else the answer as it was). A
        follow-up that nothing answers gets those sentences too, when there are some."""
        entry = self.knowledge.faq.get(conversation.topic_entry or "")
        words = tokenize(message)
        if entry is None or entry.theme == _ABOUT_ME or len(words) > _SHORT:
            return reply
        again = reply.kind is ReplyKind.ANSWER and reply.entry_id == entry.id and (
            reply.text == entry.answer)
        # a fallback or the FAQ's « Vouliez-vous dire… », not a rule's choices (« pas de budget
        # type… ces réponses peuvent vous aider »)
        unsure = reply.kind is ReplyKind.FALLBACK or (
            reply.kind is ReplyKind.CLARIFY and reply.text == NOT_SURE)
        if not again and not (unsure and conversation.last_entry_id == entry.id):
            return reply
        reading = self._read(message)
        asked = _ASPECTS.get(next((w for w in reading.words if w in _ASPECTS), ""))
        own = {t for t in reading.terms if t not in SCAFFOLDING and t not in _ASKING
               and t != LOCATION_TERM}
        # the words asked that the entry's title does not say, and that say something (not
        # « aide » or « encore », which half the entries use)
        new = {t for t in own - self._terms_of([entry.question])
               if self.index.idf(t) >= _TELLING or (  # or a topic (« et dans le 92 ? »)
                   t in self.normaliser.canonical_words and t not in _QUALIFIERS)}
        # a place's entry: only a date (« Casaco », « depuis quand ? »); its « combien ? » is a
        # price, and the other questions about it are the place card's business
        what_about = (words[:1] == ["et"] and len(words) <= 6 and bool(new)
                      and entry.place is None)
        if entry.place is not None and asked is not _WHEN:
            return reply
        if asked is None and not what_about:
            if not (again and new) or self._one(message, message, Conversation()).entry_id == (
                    entry.id):
                return reply  # asked again in other words (« je cherche les aides du 92 »)
            # « quel taux de remplissage viser ? », « ils ont acheté le bâtiment ? »: a telling
            # word the answer may say in one sentence; if not, and that answer is the one just
            # given (not an older topic kept over a fallback), saying so beats giving it again
            said = self._sentences_giving(entry.answer, own, new, None)
            just_given = conversation.last_kind is ReplyKind.ANSWER and (
                conversation.last_entry_id == entry.id)
            if not said and not just_given:
                return reply
            text = ("Ce qu'en disent mes sources : " + " ".join(said) if said
                    else _NOTHING_MORE)
            return replace(self.answer(entry.id, message, reply.score, reply.candidates),
                           text=text)
        said = self._sentences_giving(entry.answer, own, new, asked)
        if said:
            text = "Ce qu'en disent mes sources : " + " ".join(said)
        elif asked is not None and again and not asked.search(entry.answer):
            # said only when the answer has no date (or no figure) at all, else it comes again:
            # « 161 projets soutenus » answers « combien de lieux financés ? » in other words
            text = ("Ma réponse précédente ne donne pas de date à ce sujet." if asked is _WHEN
                    else "Ma réponse précédente ne donne pas de chiffre à ce sujet.")
        else:
            return reply
        return replace(self.answer(entry.id, message, reply.score, reply.candidates), text=text)

    def _sentences_giving(self, answer: str, own: set[str], new: set[str],
                          asked: re.Pattern[str] | None) -> list[str]:
        """The sentences of ``answer`` that give what is asked, most of the asked words first
        (ties kept, in order); a sentence that points back comes with the one before."""
        sentences = whole_sentences(answer)
        said = []
        for k, sentence in enumerate(sentences):
            terms = self._terms_of([sentence])
            if new and asked is not _WHEN and new.isdisjoint(terms):
                continue  # « combien de capital ? »: a figure, but of no capital
            if asked is not None and not asked.search(sentence):
                continue
            # « Depuis la loi NOTRe, il ne peut plus… »: the sentence before names « il »
            leads = k > 0 and not _POINTING_BACK.isdisjoint(tokenize(sentence)[:8])
            said.append((len(own & terms), (k - 1, k) if leads else (k,)))
        best = max((score for score, _ in said), default=0)
        # each sentence once, in the answer's order (a sentence before may be chosen too)
        chosen = sorted({k for score, ks in said if score == best for k in ks})
        return [sentences[k] for k in chosen]

    def _about_the_place_in_view(self, message: str, reply: Reply,
                                 conversation: Conversation) -> Reply:
        """« il ouvre quand ? », « salles de réunion ? », « financé par qui ? » about the one
        place just shown, that nothing answers: what the sources say of that place, said to
        be all they say, rather than « je n'ai pas de réponse sûre »."""
        shown = conversation.last_places
        place_id = conversation.last_place or (shown[0] if len(shown) == 1 else None)
        place = self.knowledge.places.get(place_id or "")
        if reply.kind is not ReplyKind.FALLBACK or not conversation.places_in_view or (
                place is None):
            return reply
        # about a place (« il ouvre quand ? », « ça existe encore ? »), not « raconte une
        # blague », « et l'aide au logement ? » or « quel temps fait-il ? »
        reading = self._read(message)
        if not set(reading.terms) & self._terms_of([_ABOUT_A_PLACE]) or _POINTING.isdisjoint(
                reading.words):
            return reply  # « subvention CAF » points to nothing: another topic
        card = self._place_details(place, message)
        _, _, rest = card.text.partition("\n")  # its « Voici ce que je sais de … : »
        where = f" ({place.commune or place.area})" if place.commune or place.area else ""
        text = (f"Je n'ai pas de réponse précise à cette question sur {place.name}{where}. "
                "Voici ce que mes sources en disent :")
        return replace(card, text=f"{text}\n{rest}" if rest else text)

    def _said_by(self, entry_id: str) -> frozenset[str]:
        """The terms of an entry's answer, title, keywords and phrasings."""
        entry = self.knowledge.faq[entry_id]
        return self._terms_of([entry.answer, entry.question, *entry.keywords]) | (
            self.index.entry_terms(entry_id))
