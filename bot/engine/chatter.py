"""Small talk inside a message: thanks, greetings and complaints with extra words, and
an error pointed out, which only staff can correct.

Mixed into :class:`bot.engine.decision.Engine`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.engine.confidence import Calibrator
from bot.engine.conversation import Conversation
from bot.engine.geo import Geography
from bot.engine.projects import about_money
from bot.engine.reply import ContactCard, Reply, ReplyKind, Suggestion
from bot.engine.search_cues import SEARCH_TERM
from bot.engine.smalltalk import SmallTalk
from bot.engine.turn import Turn
from bot.knowledge import STAFF_CONTACT_ID, FaqEntry, Knowledge

# Question words that make small talk with extra words a question (« c'est très clair, mais
# combien ça coûte ? »); not « qui » (« merci à vous qui m'avez aidé ») nor « ou ».
_ASKS = frozenset({"comment", "combien", "pourquoi", "quel", "quelle", "quels", "quelles",
                   "quand"})


# asking how to reach someone: a phone, an e-mail, a postal address, a person
_REACH = frozenset({"telephone", "tel", "numero", "mail", "email", "courriel", "joindre",
                    "contacter", "contact", "adresse", "parler", "appeler", "quelqu", "quelquun"})
_THE_DEPARTEMENT = frozenset({"departement", "cd92", "departemental", "conseil"})
_BESIDE_REACH = frozenset({"vous", "avez", "un", "une", "le", "la", "les", "du", "de", "des", "a",
                           "je", "veux", "voudrais", "peux", "comment", "quel", "quelle", "est",
                           "son", "votre", "vos", "hauts", "seine", "general", "personne",
                           "humain", "ou", "y"})
# « qui contacter au département ? », « quel service du département faut-il joindre ? » (not
# « qui contacter ? » alone: in a project, who accompanies it)
_BESIDE_THE_DEPARTEMENT = frozenset({"qui", "au", "il", "faut", "dois", "doit", "on", "service",
                                     "services"})


def _without_quand_meme(words: list[str]) -> list[str]:
    """« merci quand même »: no « quand » that asks when."""
    return [w for i, w in enumerate(words)
            if not (w == "quand" and words[i + 1 : i + 2] == ["meme"])]


_POLITE = frozenset({"ok", "thanks", "greeting", "goodbye"})
REJECTION = "rejection"  # « non pas ça »: the reply's intent, so that no topic is lent to it


class ChatterDecisions:
    """Whether a message is small talk after all, and the replies that say so."""

    knowledge: Knowledge
    smalltalk: SmallTalk
    geo: Geography
    calibrator: Calibrator
    examples: Callable[[], tuple[Suggestion, ...]]  # the Engine's
    _contacts: Callable[[str | None], tuple[ContactCard, ...]]  # Composer's
    _related: Callable[[FaqEntry], tuple[Suggestion, ...]]  # Composer's

    def _smalltalk_beside(self, turn: Turn, text: str) -> str | None:
        """« merci beaucoup, c'est très clair », « bonjour, j'espère que vous allez bien »:
        small talk with extra words, when nothing else in the message has a likely answer."""
        r, best = turn.reading, turn.best
        if r.location is not None or r.named:
            return None
        intent, topical = self.smalltalk.detect_within(text)
        if intent is not None and self.geo.locate(r.words) is not None:
            return None  # « je suis de l'Essonne, ça marche quand même ? » is about where
        if intent is None or not _ASKS.isdisjoint(_without_quand_meme(r.words)):
            return None  # « très clair, mais combien ça coûte ? » asks
        if intent == "greeting" and (r.place_cue or SEARCH_TERM in r.terms
                                     or "definition" in r.terms):
            return None  # « bonjour je cherche un fablab », « bonjour c'est quoi le télétravail ? »
        likely = best is not None and best.probability >= self.calibrator.clarify_at
        if intent in (*_POLITE, "insult") and text.rstrip().endswith("?") and (
                likely or "definition" in r.terms or about_money(r.words)):
            # « ça marche pour une coopérative ? », « merci mais c'est quoi la loi NOTRe ? »,
            # « salut, y a des aides ? »: politeness, then a question (or a complaint, then a
            # question: « nul ce bot, c'est quoi un fablab ? »)
            return None
        # A closing word may come with a sentence (« à bientôt, je repasserai sûrement avec
        # d'autres questions »); a greeting comes before a real question (« Bonjour, quelle
        # aide pour ouvrir un tiers-lieu ? »), which stays that question even when nothing
        # answers it well.
        if intent == "ok" and topical and text.rstrip().endswith("?"):
            return None  # « le coworking aujourd'hui, ça marche ? » asks whether it works
        if intent == "insult" and topical <= 1 and r.place_type is None and (
                "definition" not in r.terms):
            # « ça ne répond pas du tout à ma question… », however sure an entry (not « nul ce
            # bot, c'est quoi un fablab ? », which asks)
            return intent
        weak = best is None or best.probability < self.calibrator.clarify_at
        room = 3 if intent == "greeting" else 6
        return intent if (topical <= 2 and not turn.sure) or (weak and topical <= room) else None

    def _how_to_reach(self, turn: Turn, message: str) -> Reply | None:
        """« numéro de téléphone du département », « vous avez un numéro de téléphone ? », « je
        veux parler à quelqu'un »: the sources' switchboard numbers and e-mails are deliberately
        not used (knowledge/contacts.yaml), so the reply says so and gives the contact card."""
        r = turn.reading
        words = set(r.words)
        if r.named or r.location is not None or len(r.words) > 10 or not words & _REACH:
            return None
        beside = _BESIDE_REACH | (_BESIDE_THE_DEPARTEMENT if words & _THE_DEPARTEMENT else set())
        if not words <= _REACH | _THE_DEPARTEMENT | beside:
            return None  # « le numéro de la CAF », « adresse de Casaco »: something else
        return Reply(
            kind=ReplyKind.SMALLTALK,
            text="Je ne donne ni numéro de téléphone ni adresse, postale ou e-mail : le site "
            "officiel du Département présente ses services et la façon de les joindre. Pour une "
            "question sur les tiers-lieux, écrivez-la ici, ou signalez un manque avec /signaler.",
            question=message,
            smalltalk_intent="contact",
            candidates=turn.candidates,
            contacts=self._contacts(STAFF_CONTACT_ID),
            suggestions=self.examples(),
        )

    def _thanks_in(self, message: str, conversation: Conversation) -> Reply | None:
        """« merci » after an answer: the questions near that answer as buttons, not the same
        example for everyone (« Quel statut juridique choisir… » to a retired visitor)."""
        entry = self.knowledge.faq.get(conversation.topic_entry or "")
        if conversation.last_kind is ReplyKind.PLACES:
            other = "Nanterre" if conversation.last_commune == "Colombes" else "Colombes"
            text = (f"Avec plaisir ! Pour d'autres lieux, écrivez par exemple « et à {other} ? » "
                    "ou « et pour un fab lab ? ».")
            return Reply(kind=ReplyKind.SMALLTALK, text=text, question=message,
                         smalltalk_intent="thanks")
        if entry is None or conversation.last_kind is not ReplyKind.ANSWER:
            return None
        near = self._related(entry)[:3]
        return Reply(kind=ReplyKind.SMALLTALK, question=message, smalltalk_intent="thanks",
                     text="Avec plaisir ! Pour aller plus loin sur ce sujet, voici des questions "
                     "liées." if near else "Avec plaisir ! Une autre question ?",
                     suggestions=near)

    def _smalltalk(self, intent: str, message: str) -> Reply:
        text = self.smalltalk.reply_for(intent, message) or (
            "Je suis là pour répondre à vos questions sur les tiers-lieux des Hauts-de-Seine. "
            "Essayez par exemple : « Qu'est-ce qu'un tiers-lieu ? »"
        )
        return Reply(
            kind=ReplyKind.SMALLTALK,
            text=text,
            question=message,
            smalltalk_intent=intent,
            suggestions=self.examples(),
        )

    def _rejected(self, message: str, conversation: Conversation) -> Reply | None:
        """« non pas ça », « autre chose ? » right after an answer or a list: the other
        entries that answer was chosen among, or how to ask for other places — not « je n'ai
        pas de réponse sûre », nor the same answer again."""
        faq = self.knowledge.faq
        if conversation.last_kind is ReplyKind.ANSWER:
            others = tuple(Suggestion(i, faq[i].question)
                           for i in conversation.last_candidates if i in faq)[:3]
            return Reply(
                kind=ReplyKind.CLARIFY, question=message, suggestions=others,
                smalltalk_intent=REJECTION,
                text=("Désolé. Cherchiez-vous plutôt l'une de ces réponses ? Sinon, reformulez "
                      "votre question en quelques mots.") if others else (
                      "Désolé. Reformulez votre question en quelques mots, ou parcourez les "
                      "sujets avec /themes."))
        if conversation.last_kind is ReplyKind.PLACES:
            return Reply(
                kind=ReplyKind.CLARIFY, question=message, smalltalk_intent=REJECTION,
                text="D'accord. Dites-moi ce que vous cherchez : une autre commune (« et à "
                "Colombes ? »), un autre type de lieu (« et pour un fab lab ? ») ou un autre "
                "lieu de la liste (« le deuxième »).")
        return None

    def _report_invited(self, turn: Turn, message: str) -> Reply:
        """« l'adresse de Casaco est fausse »: the staff can only correct what is reported."""
        about = turn.best.entry_id if turn.best and (
            turn.best.probability >= self.calibrator.clarify_at) else None
        return Reply(
            kind=ReplyKind.SMALLTALK,
            text="Merci de nous le dire. Pour que l'équipe vérifie et corrige, écrivez /signaler "
            "suivi de ce qui est faux ou manque et, si vous l'avez, de la bonne information (par "
            "exemple : « /signaler l'adresse de Casaco a changé » ; pour un lieu absent : son nom, "
            "sa commune et son site).",
            question=message,
            smalltalk_intent="report",
            candidates=turn.candidates,
            suggestions=(Suggestion(about, self.knowledge.faq[about].question),) if about else (),
        )
