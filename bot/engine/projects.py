"""Decisions about projects and prices: « je veux ouvrir un coworking à Colombes » is a project
before it is a place search, « combien coûte l'ouverture d'un coworking ? » is no desk price,
« c combien casaco » is the price of that place.

Mixed into :class:`bot.engine.decision.Engine`, like :class:`bot.engine.where.WhereDecisions`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot.engine.compose import Composer, at
from bot.engine.confidence import Calibrator
from bot.engine.conversation import Conversation
from bot.engine.geofiles import Spot
from bot.engine.intents import EMPLOYERS, is_price_or_grammar, whole_sentences
from bot.engine.matching import SCAFFOLDING
from bot.engine.places import Directory
from bot.engine.reading import Reading
from bot.engine.reply import Reply, ReplyKind, Suggestion
from bot.engine.search_cues import names_a_workspace
from bot.engine.text import fold, tokenize
from bot.engine.turn import DEFINITION_PREFIX, Turn
from bot.engine.visits import PRICE_ENTRY
from bot.knowledge import Place

PROJECT_ENTRY = "creer-tiers-lieu"
_COST_OF_A_PROJECT = ("modele-economique", "aides-aujourdhui", "creer-tiers-lieu")
_PROJECT_CHOICES = ("creer-tiers-lieu", "accompagnement-contact", "aides-aujourdhui")
_GRANTS_ENTRY = "aides-aujourdhui"
_ABOUT_GRANTS = frozenset({"subvention", "subventions", "aide", "aides", "financer", "financement",
                           "financements", "subventionner", "argent", "sous"})


@dataclass(frozen=True, slots=True)
class GrantDetail:
    """One thing asked of a grant just discussed: how it is asked, how its answer would say
    it, and what to say when it does not."""

    asked: re.Pattern[str]  # over the folded words of a short follow-up
    given: re.Pattern[str]  # over the answer's sentences
    missing: str
    # a sentence saying it ended (« suspendu après la loi NOTRe »): then it, and what followed,
    # are the answer — not « l'appel était ouvert toute l'année » of 2014
    ended: re.Pattern[str] | None = None


_GRANT_DETAILS = (
    GrantDetail(  # « jusqu'à quand ? »
        re.compile(r"\b(?:jusqu a quand|quand|date limite|dates? de cloture|deadline|delais?|"
                   r"avant quelle date|cloture)\b"),
        re.compile(r"cl[oô]tur|jusqu'au|date limite|au plus tard|avant le \d", re.I),
        "Mes sources ne donnent pas de date limite : vérifiez ce qui est ouvert sur les pages "
        "citées ci-dessous."),
    GrantDetail(  # « c'est cumulable ? »
        re.compile(r"\b(?:cumul\w*|en meme temps|les deux|combiner|additionner)\b"),
        re.compile(r"cumul|en plus de|s'ajout|compl[ée]t", re.I),
        "Mes sources ne disent pas si ces aides se cumulent : posez la question au financeur "
        "(pages citées ci-dessous)."),
    GrantDetail(  # « comment je candidate ? », « on dépose le dossier où ? »
        re.compile(r"\b(?:comment (?:je |on |nous )?(?:candidat\w*|postul\w*|depos\w*|"
                   r"inscri\w*|fai(?:s|t|re) (?:la |une )?demande)|ou (?:je |on )?(?:candidat\w*|"
                   r"postul\w*|depos\w*)|(?:le |un |quel )?dossier\w*|candidature|"
                   r"demarches? (?:a suivre|pour candidater))\b"),
        # how one applies, not how many did (« 13 projets sur 29 candidatures »)
        re.compile(r"dossier|d[ée]pos|plateforme|en ligne|formulaire|(?:candidater|postuler) "
                   r"(?:sur|aupr[eè]s|via)", re.I),
        "Mes sources ne décrivent pas la démarche de candidature : elle se fait auprès du "
        "financeur, sur les pages citées ci-dessous."),
    GrantDetail(  # « c'est encore ouvert ? », « toujours d'actualité ? »
        re.compile(r"\b(?:(?:encore|toujours|deja) (?:ouvert|ouverte|en cours|d actualite|"
                   r"possible|valable|postuler|candidater|deposer)|"
                   r"(?:c est|c etait) (?:fini|termine|clos|ferme)|"
                   r"ca existe (?:encore|toujours)|(?:est il|est elle) (?:ouvert|ouverte))\b"),
        # whether it is open now (not « son ancien appel… a été suspendu », about another one)
        re.compile(r"\bouvert|session|en cours|ne dit pas si|ne disent pas si", re.I),
        "Mes sources ne disent pas si c'est ouvert aujourd'hui : vérifiez sur les pages citées "
        "ci-dessous.",
        re.compile(r"\b(?:suspendu|suspendue|supprimée?|arrêtée?|clos|close|a pris fin|"
                   r"n'existe plus|pris le relais)\b", re.I)),
    GrantDetail(  # « j'y ai droit ? », « et pour une asso ? », « qui peut candidater ? »
        re.compile(r"\b(?:eligible\w*|droit|qui peut|qui peuvent|pour (?:une|les) "
                   r"(?:asso|associations?|entreprises?|sas|sarl|communes?|collectivites?)|"
                   r"si je suis (?:une|un) \w+)\b"),
        re.compile(r"associations?|entreprises?|ESUS|structures|collectivit|communes?|[ée]ligib|"
                   r"r[ée]serv", re.I),
        "Mes sources ne précisent pas qui peut en bénéficier : vérifiez les conditions sur les "
        "pages citées ci-dessous."),
)
_GRANT_THEMES = frozenset({"departement", "porteurs"})  # where grants and calls are
_FIGURES = re.compile(r"(?<![°\w])(?!(?:1[89]|20)\d\d\b)\d[\d\s\u202f]*(?:,\d+)?\s?(?:%|millions?|personnes|salariés|lieux|tiers-lieux)")  # not a year
_EUROS = re.compile(r"\d[\d\s\u202f]*(?:,\d+)?\s?(?:€|euros?\b)|millions? d'euros")
# the place just discussed, pointed back to (« combien ils ont eu de subvention ? »)
_THEY = frozenset({"il", "ils", "elle", "elles", "leur", "leurs", "y", "lieu"})
_A_GRANT = re.compile(r"\b(?:subvention|aide|financ|soutenu|laureat|dotation)")
# « c'est combien le montant max ? »: which amount, not of what
_WHICH_AMOUNT = "max maxi maximum maximal plafond minimum mini total exact"


class ProjectDecisions(Composer):
    """Projects in a commune, what a project costs, and prices."""

    calibrator: Calibrator
    _kind_vocabulary: Callable[[], frozenset[str]]  # SearchDecisions'
    directory: Directory
    _read: Callable[[str], Reading]  # the Engine's
    _turn: Callable[[Reading], Turn]  # the Engine's
    _terms_of: Callable[[Iterable[str]], frozenset[str]]  # SearchDecisions'
    _place_in_view: Callable[[Reading, Conversation], Place | None]  # WhereDecisions'

    def _faq_decision(self, turn: Turn, message: str) -> Reply:
        raise NotImplementedError

    def _project(self, turn: Turn, message: str) -> Reply:
        """« je veux ouvrir un coworking à Colombes »: a project, the commune remembered."""
        r, best = turn.reading, turn.best
        # The commune pulls up the entries of its own places (« monter fablab nanterre » →
        # the Electrolab); a project that names no place is about the project.
        of_a_place = (best is not None and not r.named
                      and self.knowledge.faq[best.entry_id].place is not None)
        if of_a_place and PROJECT_ENTRY in self.knowledge.faq:
            score = next((c.score for c in turn.candidates if c.id == PROJECT_ENTRY),
                         turn.candidates[0].score if turn.candidates else 0.0)
            reply = self.answer(PROJECT_ENTRY, message, score, turn.candidates)
        elif turn.sure or (best is not None and best.entry_id == PROJECT_ENTRY):
            reply = self._faq_decision(replace(turn, sure=True), message)
        else:
            reply = self._faq_decision(turn, message)
            if reply.kind is ReplyKind.FALLBACK:  # « un projet de tiers-lieu à Colombes »
                where = f" {at(r.location.name)}" if r.location else ""
                # money asked (« nous cherchons des financements pour les travaux… »): today's
                # grants first, then what the message itself points to (the Région, the
                # Fabriques de territoire…), then the steps
                likely = [j.entry_id for j in turn.judged[:3]
                          if j.probability >= self.calibrator.clarify_at / 3]
                ids = ((_GRANTS_ENTRY, *likely, *_PROJECT_CHOICES) if about_money(r.words)
                       else (*_PROJECT_CHOICES, *likely))
                reply = self._choices(turn, message, f"Pour votre projet{where}, ces réponses "
                                      "peuvent vous aider :", tuple(dict.fromkeys(ids))[:4])
        if reply.entry_id == PROJECT_ENTRY and not _ABOUT_GRANTS.isdisjoint(r.words):
            reply = self._grants_first(reply)  # « …à Gennevilliers : quelles subventions ? »
        return replace(reply, commune=r.location.name if r.location else None)

    def _grants_first(self, reply: Reply) -> Reply:
        grants = self.knowledge.faq.get(_GRANTS_ENTRY)
        if grants is None:
            return reply
        rest = tuple(s for s in reply.suggestions if s.id != grants.id)
        return replace(reply, suggestions=(Suggestion(grants.id, grants.question), *rest)[:4])

    def _money_for_a_kind(self, turn: Turn) -> Turn:
        """« Quelle aide pour un télécentre ? », « quel budget pour ouvrir un fablab ? »: money
        for a kind of place is no definition of that kind. Judged as if the message said
        « tiers-lieu », the grants or the economic model come first."""
        r, best = turn.reading, turn.best
        if best is None or not best.entry_id.startswith(DEFINITION_PREFIX) or r.place_type is None or (
                not about_money(r.words)):
            return turn
        spans = self.directory.type_finder.find(r.words, fuzzy=False)
        words = list(r.words)
        for f in reversed(spans):
            words[f.start:f.end] = ["tiers-lieu"]
        generic = self._turn(self._read(" ".join(words)))
        if generic.best is not None and not generic.best.entry_id.startswith(DEFINITION_PREFIX):
            return generic
        return replace(turn, sure=False)

    def _choices(self, turn: Turn, message: str, text: str, ids: tuple[str, ...]) -> Reply:
        faq = self.knowledge.faq
        return Reply(
            kind=ReplyKind.CLARIFY,
            text=text,
            question=message,
            score=turn.candidates[0].score if turn.candidates else 0.0,
            candidates=turn.candidates,
            suggestions=tuple(Suggestion(i, faq[i].question) for i in ids if i in faq),
        )

    def _cost_of_a_project(self, turn: Turn, message: str) -> Reply:
        """« combien coûte l'ouverture d'un coworking ? »: no source gives a budget; the
        entries on the economic model, today's grants and the steps of a project are offered
        (not the prices of a desk)."""
        return self._choices(turn, message, "Mes sources ne donnent pas de budget type pour "
                             "ouvrir un lieu. Ces réponses peuvent vous aider :",
                             _COST_OF_A_PROJECT)

    def _amounts_of(self, entry_id: str | None, turn: Turn, message: str) -> Reply | None:
        """« c'est combien ? » right after an answer on a grant: the amounts that answer gives
        (« jusqu'à 40 % … 200 000 € »), not the price of a desk. Only a bare price question,
        and only when that answer states amounts."""
        entry = self.knowledge.faq.get(entry_id or "")
        # « c'est combien le montant max ? »: « max » says which amount, not of what
        said = set(turn.reading.terms) - self._terms_of([_WHICH_AMOUNT])
        if entry is None or entry.id == PRICE_ENTRY or len(said) > 2:
            return None
        # amounts are in euros (« 51 % des tiers-lieux sont des associations » is a share)
        amounts = [s for s in whole_sentences(entry.answer) if _EUROS.search(s)]
        if not amounts and entry.id == PROJECT_ENTRY:
            # « je monte un tiers-lieu… », « combien ? »: a project's « how much » is its grants
            return self._amounts_of(_GRANTS_ENTRY, turn, message)
        if not amounts and entry.theme in _POLICY_THEMES:
            # « c'était quoi l'expérimentation de 2014 ? », « combien ça a coûté ? »: no desk
            reply = self.answer(entry.id, message, 100.0, turn.candidates)
            return replace(reply, text="Mes sources ne donnent pas de montant à ce sujet.")
        if not amounts:
            # « teletravail chiffres », « combien ? »: figures, not prices — the answer, whose
            # sentence with a figure the follow-up focus then picks (not the price of a desk)
            figures = ("combien" in turn.reading.words and entry.place is None
                       and entry.id != PRICE_ENTRY and _FIGURES.search(entry.answer))
            return self.answer(entry.id, message, 100.0, turn.candidates) if figures else None
        reply = self.answer(entry.id, message, 100.0, turn.candidates)
        return replace(reply, text="Les montants que donnent mes sources : " + " ".join(amounts))

    def _grant_of_the_place(self, turn: Turn, message: str,
                            conversation: Conversation) -> Reply | None:
        """« combien ils ont eu de subvention ? » right after Casaco: the grant its entry gives
        (67 000 € in 2014), not the Département's grants of today."""
        r = turn.reading
        if r.location is not None or len(r.words) > 10 or _ABOUT_GRANTS.isdisjoint(r.words):
            return None
        place = self._place_in_view(r, conversation)
        if place is None or (not r.named and _THEY.isdisjoint(r.words)):
            return None
        entry = self.knowledge.faq.get(place.faq or "")
        if entry is None:
            return None
        grants = [s for s in whole_sentences(entry.answer) if _A_GRANT.search(fold(s))]
        amounts = [s for s in grants if _EUROS.search(s)]
        if not grants:
            return None
        text = "Ce qu'en disent mes sources : " + " ".join(amounts or grants)
        if not amounts:  # « le Département l'a subventionné » (Sceaux Smart), no sum given
            text += " Elles n'en donnent pas le montant."
        return replace(self.answer(entry.id, message, 100.0, turn.candidates), text=text)

    def _funder_entry(self, r: Reading) -> str | None:
        """The entry on the grants of the Région or the State, when a message names one."""
        entry_id = (_REGION_ENTRY if "region" in r.terms else _STATE_ENTRY if "etat" in r.terms
                    else None)
        return entry_id if entry_id in self.knowledge.faq else None

    def _grants_hub(self, turn: Turn, message: str) -> Reply | None:
        """« quelles aides ? », « subventions ? », « aides du département ? », « subvention fab
        lab »: a short message that says only « grants » (and of what or whose) is about the
        grants of today, or the Région's when it names the Région — not a fallback, and not
        the Département's grants of 2011–2015."""
        r = turn.reading
        if turn.sure or r.location is not None or r.named or len(r.words) > 10:
            return None
        funder_helps = "aider" in r.words and not _FUNDERS.isdisjoint(r.terms)
        if _ABOUT_GRANTS.isdisjoint(r.words) and not funder_helps:
            return None  # « un tiers-lieu peut m'aider ? » is no grant, « le Département peut
            # m'aider ? » asks for one
        grant_terms, whose = self._grant_vocabulary()
        content = set(r.terms) - SCAFFOLDING
        if not content <= grant_terms | whose | self._kind_vocabulary():
            return None
        entry_id = self._funder_entry(r) or _GRANTS_ENTRY
        if entry_id not in self.knowledge.faq:
            return None
        return self.answer(entry_id, message, turn.confidence_in(entry_id), turn.candidates)

    def _now_not_then(self, turn: Turn, message: str) -> Reply | None:
        """« y a-t-il des appels à projets en ce moment ? », « le Département finance-t-il
        encore des tiers-lieux ? »: the entries on the Département's grants and call of
        2010–2015 answer « then » (« C'était un appel à projets lancé en 2011… »); a message
        that says « now », or names a year after them (« …en 2025 ? »), asks about today's
        grants — whose answer also says what became of the old ones."""
        r, best = turn.reading, turn.best
        later = any(w.isdigit() and len(w) == 4 and _AFTER_THEM <= int(w) <= 2100
                    and r.words[i - 1:i] != ["avant"] for i, w in enumerate(r.words))
        if best is None or best.entry_id not in _PAST_GRANTS or not (_NOW in r.terms or later) or (
                r.location is not None or r.named or _GRANTS_ENTRY not in self.knowledge.faq):
            return None
        if turn.sure and _THE_OLD_CALL in r.terms:
            return None  # « l'appel à projets ESS existe-t-il encore ? »: its own answer says
        return self.answer(_GRANTS_ENTRY, message, turn.confidence_in(_GRANTS_ENTRY),
                           turn.candidates)

    def _grants_outside(self, spot: Spot, turn: Turn, message: str) -> Reply | None:
        """« …ouvrir un makerspace à Montreuil, la Région peut nous aider ? »: a commune of the
        Île-de-France outside the 92 and money asked. The directory stops at the 92, the
        Région's call does not: its answer, after a word on the commune."""
        words = turn.reading.words
        asks_help = "region" in turn.reading.terms and not _HELP.isdisjoint(words)
        if spot.departement not in _ILE_DE_FRANCE or not (about_money(words) or asks_help) or (
                _REGION_ENTRY not in self.knowledge.faq):
            return None
        reply = self.answer(_REGION_ENTRY, message, turn.confidence_in(_REGION_ENTRY),
                            turn.candidates)
        return replace(reply, text=(
            f"{spot.name} n'est pas dans les Hauts-de-Seine ({spot.departement}) : je n'y "
            "connais pas de lieux, mais l'appel à projets de la Région vaut pour toute "
            f"l'Île-de-France.\n{reply.text}"))

    def _contact_for_a_project(self, turn: Turn, topic_entry: str | None,
                               message: str) -> Reply | None:
        """« qui contacter ? » in a project's conversation: who accompanies projects, not a
        « Vouliez-vous dire » whose first button is the same question."""
        entry = self.knowledge.faq.get(topic_entry or "")
        r = turn.reading
        if entry is None or "porteurs" not in entry.audience or len(r.words) > 6 or (
                not set(r.terms) & _CONTACT or not set(r.terms) <= _CONTACT | {"qui", "je", "peux"}):
            return None
        if _PROJECT_CONTACT_ENTRY not in self.knowledge.faq:
            return None
        return self.answer(_PROJECT_CONTACT_ENTRY, message,
                           turn.confidence_in(_PROJECT_CONTACT_ENTRY), turn.candidates)

    def _grant_vocabulary(self) -> tuple[frozenset[str], frozenset[str]]:
        """The terms of the grant words and of their companions, worked out once."""
        found = self.__dict__.get("_grant_words")
        if found is None:
            found = self._grant_words = (self._terms_of(sorted(_ABOUT_GRANTS)),
                                         self._terms_of(_WHOSE.split()))
        return found

    def _grant_detail(self, entry_id: str | None, turn: Turn, message: str) -> Reply | None:
        """« jusqu'à quand ? », « c'est cumulable ? », « et pour une asso ? » right after an
        answer on a grant or a call: what that answer says of it, or that the sources do not
        say (with the answer's pages to check)."""
        entry = self.knowledge.faq.get(entry_id or "")
        detail = grant_detail_asked(turn.reading.words)
        if entry is None or detail is None or entry.place is not None or (
                entry.theme not in _GRANT_THEMES or not _EUROS.search(entry.answer)):
            return None  # no grant, no call (a place, the prices): nothing to apply for
        sentences = whole_sentences(entry.answer)
        end = next((i for i, s in enumerate(sentences) if detail.ended and detail.ended.search(s)
                    and "ancien" not in s), None)  # « son ancien appel… » is another one
        said = sentences[end:] if end is not None else [
            s for s in sentences if detail.given.search(s)]
        reply = self.answer(entry.id, message, 100.0, turn.candidates)
        return replace(reply, text=("Ce que disent mes sources : " + " ".join(said)) if said
                       else detail.missing)

    def _employer_pays(self, turn: Turn, message: str) -> Reply | None:
        """« mon patron peut-il me payer un coworking ? », « l'entreprise peut-elle prendre en
        charge mes jours en coworking ? »: who pays is the frame of telework, not the price of
        a desk."""
        words = set(turn.reading.words)
        if words.isdisjoint(EMPLOYERS) or words.isdisjoint(_PAYS) or (
                _TELEWORK_FRAME not in self.knowledge.faq):
            return None
        return self.answer(_TELEWORK_FRAME, message, turn.confidence_in(_TELEWORK_FRAME),
                           turn.candidates)

    def _about_prices(self, turn: Turn) -> bool:
        """« c'est combien ? » alone, or the price of a workspace that the price entry could
        answer — not « combien coûte la cantine au collège » (no workspace named)."""
        if len(turn.reading.terms) <= 2:
            return True
        if not _PREMISES.isdisjoint(turn.reading.words):  # the rent of premises, not of a desk
            return False
        if not names_a_workspace(turn.reading):  # « la cantine au collège »: something else
            return False
        return any(j.entry_id == PRICE_ENTRY and j.probability >= self.calibrator.clarify_at
                   for j in turn.judged[:3])

    def _about_a_place(self, turn: Turn) -> bool:
        """« c combien casaco », « prix casaco »: the price of a place and nothing else (not
        « Intencity adresse et tarifs », which its own entry answers)."""
        r = turn.reading
        named = {w for p in r.named for name in (p.name, *p.aliases) for w in tokenize(name)}
        rest = [w for w in r.words if w not in named and not is_price_or_grammar(w)]
        return bool(r.named) and not rest


_PREMISES = frozenset({"loyer", "loyers", "local", "locaux", "bail", "batiment", "immobilier"})
_TELEWORK_FRAME = "teletravail-cadre"
_PAYS = frozenset({"payer", "paie", "paye", "payent", "rembourse", "rembourser", "remboursement",
                   "charge", "financer", "finance", "offrir"})
_POLICY_THEMES = frozenset({"departement", "experimentation", "hauts-de-seine", "porteurs"})
_REGION_ENTRY = "aide-region"
_STATE_ENTRY = "politique-nationale"
_FUNDERS = frozenset({"departement", "region", "etat", "mairie"})  # canonical words
_HELP = frozenset({"aider", "aide", "aident", "soutenir", "soutient", "accompagner"})
_ILE_DE_FRANCE = frozenset({"Paris", "Seine-et-Marne", "Yvelines", "Essonne", "Seine-Saint-Denis",
                            "Val-de-Marne", "Val-d'Oise"})
_PAST_GRANTS = ("appel-projets-ess", "financement-departement")  # the Département's, 2010–2015
_THE_OLD_CALL = "ess"  # canonical word of synonyms.yaml: the call of 2010–2015 named as such
_AFTER_THEM = 2016  # the first year after the Département's grants of 2010–2015
_NOW = "aujourdhui"  # canonical word of synonyms.yaml for aujourd'hui, en ce moment, encore…
_PROJECT_CONTACT_ENTRY = "accompagnement-contact"
_CONTACT = frozenset({"contact", "adress", "joindr", "interlocuteur"})
# whose grants, for whom, when: the other words a « grants » message may have
_WHOSE = ("departement region cd92 92 public publique publiques quel quelle quelles actuel "
          "actuelles aujourdhui asso association associations associatif associative "
          "entreprise entreprises commune communes mon ma notre projet y a ya existe existent "
          "il qui peut peuvent obtenir demander trouver combien jusqu montant maximum max "
          "plafond "
          # « et en termes de financement ? », « côté subventions ? », « et après, des aides ? »
          "terme termes niveau cote question apres ensuite avoir aider "
          # what a grant pays for (« des aides pour l'aménagement ? »)
          "amenagement travaux investissement equipement equipements materiel machines")
_MONEY = _ABOUT_GRANTS | {"budget", "cout", "coute", "couter", "investissement", "montant",
                          "montants", "loyer"}


def about_money(words: list[str]) -> bool:
    """« quelle aide… », « quel budget… », « combien coûte le loyer… »: money for a project."""
    return not _MONEY.isdisjoint(words)


_COSTS = frozenset({"budget", "budgets", "argent", "cout", "coute", "couter", "investissement"})
_STARTING = frozenset({"demarrer", "demarrage", "ouvrir", "ouverture", "lancer", "lancement",
                       "creer", "creation", "monter", "commencer"})
_AMOUNT_WORDS = frozenset({"montant", "montants", "plafond", "plafonds", "budget", "budgets",
                           "argent", "enveloppe", "sous", "millions"})


def starting_costs(words: list[str]) -> bool:
    """« et le budget pour démarrer ? », « combien d'argent pour lancer ? »: what opening
    costs, asked in a few words."""
    return len(words) <= 8 and not _STARTING.isdisjoint(words) and not _COSTS.isdisjoint(words)


def asks_amounts(words: list[str]) -> bool:
    """« et les montants ? », « et le budget ? », « combien d'argent ? »: the amounts of the grant
    or the policy just discussed."""
    # « et le budget pour démarrer ? » is what opening costs, not a grant's amounts
    return len(words) <= 6 and not _AMOUNT_WORDS.isdisjoint(words) and _STARTING.isdisjoint(words)


def grant_detail_asked(words: list[str]) -> GrantDetail | None:
    """The detail of a grant a short follow-up asks about, if any."""
    if len(words) > 8:
        return None
    text = " ".join(words)
    return next((d for d in _GRANT_DETAILS if d.asked.search(text)), None)
