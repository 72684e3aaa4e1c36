"""Cues of what a message wants, read before the FAQ is searched.

Each is a small pure function over the folded words (:func:`bot.engine.text.tokenize`), so that
the decision can put intent before place names: « je veux ouvrir un coworking à Colombes » is a
project, not a search; « c'est combien ? » is a price question whatever was said before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine.text import STOP_WORDS, fold, tokenize

_CREATE = re.compile(
    r"^(?:ouvr(?:ir|e|es|ent|ons|ez|irai|ira)?|ouverture|cre(?:er|e|es|ent|ons|ez|ation)|"
    r"mont(?:er|e|es|ent|ons|ez|age)|lanc(?:er|e|es|ent|ons|ez|ement)|"
    r"demarr(?:er|e|es|ons|age)|fond(?:er|e|ons)|amenag(?:er|e|ement)|port(?:er|e|ons|ez))$"
)
_PROJECT_OBJECTS = frozenset({
    "tiers", "lieu", "lieux", "coworking", "coworkings", "fablab", "fablabs", "fab", "lab",
    "espace", "telecentre", "projet", "structure", "atelier", "pepiniere", "makerspace",
    # places that call themselves tiers-lieux (« monter un repair café à Clamart »)
    "repair", "recyclerie", "ressourcerie", "friche", "cafe", "hackerspace",
})
_PROJECT_NOUNS = frozenset({"projet", "projets"})
_PLACE_KINDS = _PROJECT_OBJECTS - {"projet", "structure", "espace", "lieu", "lieux"} | {"tiers"}
_NOT_PROJECT = frozenset({"compte", "porte", "portes", "session", "dossier", "abonnement"})
_PRICE = frozenset({
    "prix", "tarif", "tarifs", "cout", "coute", "coutent", "couter", "cher", "chere", "chers",
    "payer", "paie", "paye", "abonnement", "abonnements", "euros", "euro", "eur", "€",
    "gratuit", "gratuite", "gratuits", "gratuites", "gratuitement", "forfait", "payant",
    "payante", "payants", "payantes",
})
_A_PRICE = re.compile(
    r"(?:co[uû]t\w*|tarif\w*|adh[ée]sion|abonnement)[^.;]{0,50}?\d[\d\s\u202f]*(?:,\d+)?\s?€"
    r"|\d[\d\s\u202f]*(?:,\d+)?\s?€(?:\s?HT)?\s?(?:par|/)\s?(?:mois|jour|an|heure|semaine)"
    r"|\d[\d\s\u202f]*(?:,\d+)?\s?€(?:\s?HT)?\s?(?:le|du|par)\s?m[²2]"  # « 12 € le m² »
)
_FREE = re.compile(r"\bgratuit\w*")
_COUNT_NOUNS = re.compile(r"\bcombien (?:de|d|y a|il y a|existe)\b")
_ENGLISH = frozenset({
    "the", "is", "what", "where", "how", "can", "you", "are", "there", "any", "near", "my",
    "work", "working", "space", "spaces", "third", "place", "places", "find", "do", "does",
    "hello", "hi", "please", "which", "who", "i", "want", "to", "in", "of", "for", "and", "an",
    "speak", "english", "about", "open", "office", "did", "was", "were", "be", "been",
    "could", "would", "should", "will", "your", "own", "we", "our", "it", "this", "that",
    "with", "from", "at", "by", "exactly", "really", "have", "has", "start", "why",
    "much", "many", "cost", "grants", "council", "human", "bot", "or", "project", "funding",
})
_FRENCH = frozenset({
    "le", "la", "les", "un", "une", "des", "est", "et", "je", "vous", "tu", "de", "du", "quoi",
    "pour", "dans", "ou", "qui", "que", "quel", "quelle", "c", "en", "au", "aux", "sur",
})
_QUESTION_START = re.compile(
    r"\s+(?:et|puis|aussi|mais)\s+(?=(?:y a|y en a|ya|est ce|est-ce|existe|ou |où |comment|"
    r"combien|quel|quelle|quels|quelles|qui |quand|pourquoi|c est|c'est|peut on|peut-on|"
    r"puis je|puis-je|a quoi|à quoi)\b)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[?!.;])\s+|\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ«])")
QUESTION_WORDS = frozenset({
    "quoi", "comment", "pourquoi", "combien", "quand", "ou", "qui", "quel", "quelle", "quels",
    "quelles", "kesako", "lequel", "laquelle", "est-ce",
})
# A question without its question mark, as people type them in a chat: a question word (« où »
# is a search's own word), « est-ce que », or an inverted verb (« faut-il », « peut-on »,
# « y a-t-il », « peut on »).
_ASKING = re.compile(
    r"\?|\b(?:" + "|".join(sorted(QUESTION_WORDS - {"ou", "est-ce"})) + r"|est[ -]ce)\b|"
    r"\b[a-z]+-(?:t-)?(?:il|elle|on|ils|elles|je|tu|nous|vous)\b|"
    r"\b(?:peut|peux|faut|doit|dois|puis|existe|a)[ -](?:t[ -])?(?:il|on|je)\b"
)


# The engine's work grows with the message, in every channel (2 000 characters of nonsense cost tens of ms of
# event-loop time, while every other user waits). People put the context first and the question
# last, so a long message keeps its beginning and, above all, its end.
MAX_ENGINE_CHARS = 600
_HEAD_CHARS = 150


def engine_text(text: str) -> str:
    """What the engine reads of a message: all of it up to :data:`MAX_ENGINE_CHARS`, else its
    beginning and its end (where the question usually is), cut at spaces."""
    if len(text) <= MAX_ENGINE_CHARS:
        return text
    head = text[:_HEAD_CHARS].rsplit(" ", 1)[0]
    tail = text[-(MAX_ENGINE_CHARS - _HEAD_CHARS):]
    tail = tail.split(" ", 1)[1] if " " in tail else tail
    return f"{head} … {tail}"


# « merci, et pour financer ? », « super merci, et à Clamart ? »: the thanks open a follow-up
_THANKS_THEN = re.compile(
    r"^\W*(?:(?:super|ok|okay|d'accord|parfait|g[ée]nial|top|tr[èe]s bien|merci"
    r"(?: beaucoup| bien| bcp)?)[\s,!.…]*)+(?=et\s)",
    re.IGNORECASE,
)


# « non je voulais dire Clamart », « pardon, plutôt un fablab »: the previous message corrected
# « merci mais je voulais les montants », « c'est faux, je demande ce que peut faire une
# mairie »: thanks or a complaint that only open the question meant
_CORRECTION = re.compile(
    r"^\W*(?:(?:non|nan|pardon|oups|d[ée]sol[ée]e?|en fait|merci|ok|d'accord|mais|"
    r"c'est faux|c est faux|faux|pas [çc]a|vous n'avez pas (?:bien )?compris(?: ma question)?|"
    r"tu n'as pas (?:bien )?compris(?: ma question)?|vous avez mal compris)[\s,!.…]*)*"
    r"(?:je voulais dire|je veux dire|je voulais|je parlais d[eu']?|plut[ôo]t|je demandais|"
    r"je demande|ma question (?:[ée]tait|portait sur|porte sur|c'est))\s+(?=\w)",
    re.IGNORECASE,
)


_MEANT_LATER = re.compile(
    r"^\W*(?:non|nan|pardon|oups|d[ée]sol[ée]e?)\b.*\b(?:je voulais dire|je veux dire)\s+"
    r"(?P<meant>\w.*)$", re.IGNORECASE)


# « non pas ça », « ce n'est pas ma question », « autre chose ? »: the last reply missed
_REJECTION = re.compile(
    r"^\W*(?:(?:non|nan|bof|hmm?)\b[\s,!.…]*)*(?:(?:ce n'est pas|c'est pas|c pas|pas) "
    r"(?:[çc]a|ce que je (?:cherche|demande|voulais)|ma question|la bonne r[ée]ponse|"
    r"celle[- ]l[àa]|celui[- ]l[àa])|autre chose|d'autres?(?: r[ée]ponses?)?|rien d'autre|"
    r"une autre r[ée]ponse)?[\s,!?.…]*$", re.IGNORECASE)


def rejects_the_reply(text: str) -> bool:
    """« non pas ça », « ce n'est pas ma question », « autre chose ? », or « non » alone."""
    return bool(text.strip()) and bool(_REJECTION.match(text)) and bool(
        re.search(r"\w", text))


# « c'est nul, y a des aides ? », « nul ce bot, c'est quoi un fablab ? »: a complaint, then the
# question it comes with
_COMPLAINT_THEN = re.compile(
    r"^\W*(?:c'est nul|c est nul|t'es nul|t es nul|vous [êe]tes nul|nul(?:le)?(?: ce bot| cet "
    r"assistant| ce truc)?|ce bot est nul|pas terrible|n'importe quoi|bof)[\s,!.…]+"
    r"(?=(?:\S+\s+)+\S*\?\s*$)", re.IGNORECASE)


# « je veux un coworking », « jveu un fablab »: nothing more than a place wanted, as « je
# cherche un coworking » (not « je veux créer un coworking »)
_WANTS_A_PLACE = re.compile(
    r"^\W*(?:(?:je |j'|moi je )?(?:veux|voudrais|aimerais|souhaite|souhaiterais)|jveux?|"
    r"jvoudrais)\s+"
    r"(?=(?:un|une|des)\s+(?:espaces? de )?(?:co-?workings?|bureaux? partag\w*|fab\s?-?labs?|"
    r"t[ée]l[ée]-?centres?|tiers[- ]lieux?)\s*[?!.…]*$)", re.IGNORECASE)


def opened_follow_up(text: str) -> str:
    """The follow-up a thank-you or a correction opens: « merci, et pour financer ? » → « et
    pour financer ? », « non je voulais dire Clamart » → « et Clamart ». Any other text as it
    is; the whole message is small talk when nothing follows the thanks."""
    opening = _THANKS_THEN.match(text) or _COMPLAINT_THEN.match(text)
    if opening:
        return text[opening.end():]
    correction = _CORRECTION.match(text)
    if correction:
        return f"et {text[correction.end():]}"
    wanted = _WANTS_A_PLACE.match(text)
    if wanted:
        return f"je cherche {text[wanted.end():]}"
    # « non pardon à Genevilliers je voulais dire Levallois »: what follows the last « je
    # voulais dire » is what was meant
    meant = _MEANT_LATER.match(text)
    return f"et {meant.group('meant')}" if meant else text


MORE_DETAILS = re.compile(
    r"\b(?:plus de (?:details?|precisions?|infos?|informations?)|en savoir plus|"
    r"dites m en plus|en dire plus|developpe[zr]?|detaille[zr]?|precise[zr]?|la suite|"
    # « source ? », « d'où vient ce chiffre ? », « c'est de quand ? »: where the answer comes from
    r"sources?|references?|(?:d )?ou vient (?:ce chiffre|cette info\w*|ce|ca)|"
    r"(?:est|ca date) de quand|de quand (?:date|datent)|quelle date)\b"
)


def asks_more_details(words: Sequence[str]) -> bool:
    """« plus de détails », « dites-m'en plus »: a short message asking to go further."""
    return len(words) <= 6 and bool(MORE_DETAILS.search(" ".join(words)))


def creation_intent(words: Sequence[str]) -> bool:
    """« ouvrir / créer / monter / lancer … un tiers-lieu, un coworking, un projet »; « un projet
    de coworking », « notre projet de fab lab »."""
    verbs = [i for i, w in enumerate(words) if _CREATE.match(w) and w not in _NOT_PROJECT]
    if any(_PROJECT_OBJECTS.intersection(words[i + 1 : i + 6]) for i in verbs):
        return True
    return any(w in _PROJECT_NOUNS and _PLACE_KINDS.intersection(words[i + 1 : i + 4])
               for i, w in enumerate(words))


# who employs the user (« mon patron peut-il me payer un coworking ? »)
EMPLOYERS = frozenset({"employeur", "employeurs", "entreprise", "patron", "boite", "societe",
                       "boss", "direction", "rh"})


def price_intent(words: Sequence[str]) -> bool:
    """« c'est combien ? », « quel tarif », « ça coûte cher ? » — not « combien de lieux »."""
    if _PRICE.intersection(words):
        return True
    # « c'est combien ? », « c combien casaco », « ça fait combien » — not « combien Casaco
    # a-t-il reçu » nor « combien de lieux »
    return "combien" in words and len(words) <= 4 and not _COUNT_NOUNS.search(" ".join(words))


def is_price_or_grammar(word: str) -> bool:
    return word in _PRICE or word in STOP_WORDS or word in {"combien", "c", "ca", "fait", "cest"}


def gives_a_price(answer: str) -> bool:
    """An answer that states a price (« un poste coûtait 250 € HT par mois »), not a grant."""
    return bool(_A_PRICE.search(answer))


def price_sentences(text: str) -> list[str]:
    """The sentences of a text that give a price or say it is free (« 12 € le m² par mois »,
    « gratuit, ouvert à tous »): what a price question about that place is answered with."""
    return [s for s in whole_sentences(text) if gives_a_price(s) or _FREE.search(fold(s))]


def looks_english(words: Sequence[str]) -> bool:
    """A message written in English (three words at least, mostly English grammar words)."""
    if len(words) < 3:
        return False
    english = sum(w in _ENGLISH for w in words)
    french = sum(w in _FRENCH for w in words)
    return english >= max(2, len(words) * 0.4) and french <= english / 3


# English grammar words: in an English message they are unknown words that would sink every
# candidate; the content words left are matched through synonyms.yaml's few English variants.
_ENGLISH_GRAMMAR = frozenset({
    "the", "is", "are", "was", "were", "be", "been", "can", "could", "would", "should", "will",
    "do", "does", "did", "you", "your", "i", "me", "my", "own", "we", "our", "there", "any", "to",
    "in", "of", "for", "and", "an", "a", "it", "its", "this", "that", "these", "those", "with",
    "from", "on", "at", "by", "please", "hi", "hello", "like", "know", "tell", "about",
    "exactly", "really", "now", "get", "some", "have", "has", "here", "us", "or", "if", "give",
    "ever", "still", "am", "much", "many", "available", "possible", "anyone", "someone",
    "space", "spaces",  # « coworking space » is a coworking; « a space » alone says nothing more
})


# English words that French uses too (« open space »): translated in an English message only,
# not in synonyms.yaml's SMS forms, which apply to every message
_ENGLISH_ONLY = {"open": "ouvrir", "opening": "ouverture", "exist": "existent", "exists": "existe",
                 "today": "aujourd'hui", "nowadays": "aujourd'hui"}
_HOW_MANY = re.compile(r"\bhow (?:many|much)\b", re.IGNORECASE)  # one French word, not two
# « what grants… », « which places… » ask which ones (« quels »); « what is… » and the
# telegraphic « what third place » ask what it is
_WHAT_NOUN = re.compile(r"\b(?:what(?=\s+(?!is\b|does\b|means\b)[a-z]+s\b)|which)\b",
                        re.IGNORECASE)


def without_english_grammar(text: str) -> str:
    """« How do I start my own coworking? » → « How start coworking »: what can be matched."""
    text = _WHAT_NOUN.sub("quels", _HOW_MANY.sub("combien", text))
    words = (_ENGLISH_ONLY.get(w, w) for w in tokenize(text))
    return " ".join(w for w in words if w not in _ENGLISH_GRAMMAR)


def split_questions(text: str) -> list[str]:
    """The questions of one message: « c quoi un fablab et y en a un à Nanterre ? », « Qu'est-ce
    qu'un télécentre ? Combien ça coûte ? » (a question mark, or a question's first words)."""
    parts = [
        part.strip()
        for sentence in text.split("?") if len(sentence.split()) >= 2
        for part in _QUESTION_START.split(sentence) if part and part.strip()
    ]
    return parts if len(parts) >= 2 else [text]


_WRONG = re.compile(
    r"\b(?:est|sont|c est|semble|semblent) (?:pas )?(?:faux|fausse|fausses|erronee?s?|obsoletes?|"
    r"perimee?s?|inexacte?s?)\b|\bn est plus (?:a jour|valable|exacte?)\b|\bvous vous trompez\b"
    r"|\btu te trompes\b|\bil y a une erreur\b|\bune erreur (?:dans|sur)\b"
    # a place missing, a site or a place that is no more (« il manque mon coworking »)
    r"|\bil manque\b|\bn (?:est|apparait|figure) pas (?:dans|sur) (?:votre|ta|la) "
    r"(?:liste|annuaire|base|carte)\b|\b(?:ne marche|ne fonctionne|marche) (?:pas|plus)\b"
    r"|\b(?:c etait|etait|est|a) (?:definitivement )?ferme\b"
)


def claims_an_error(text: str) -> bool:
    """« l'adresse de Casaco est fausse », « votre info sur Kwerk n'est plus à jour »: a report,
    not a question (« vos informations sont-elles à jour ? » asks)."""
    folded = " ".join(re.findall(r"[a-z0-9]+", fold(text)))  # « n'est » keeps its « n »
    return bool(_WRONG.search(folded)) and not asks_something(text)


# « comment faire ajouter mon coworking à votre liste ? », « notre fab lab n'apparaît pas chez
# vous »: a place's manager asks how to be listed (folded words)
_A_PLACE = (r"\b(?:mon|notre|ma|un|le|ce|nouveau|notre nouveau) (?:tiers lieux?|coworking|fablab|"
            r"fab lab|espace|lieu|atelier|telecentre|structure|etablissement)\b")
_LISTED = r"\b(?:referenc\w*|figur\w*|apparai\w*|apparait|recens\w*|repertori\w*)"
_ADDED = r"\b(?:ajout\w*|rajout\w*|inscri\w*|integr\w*)"
_YOUR_LIST = (r"\b(?:liste|listes|annuaire|repertoire|base|carte|vos lieux|vos reponses|"
              r"votre site|chez vous|dans vos|l assistant|votre assistant|votre bot|le bot)\b")
_ADD_A_PLACE = re.compile(
    rf"(?={_A_PLACE})(?=.*{_LISTED})|(?=.*{_A_PLACE})(?=.*{_ADDED})(?=.*{_YOUR_LIST})"
    r"|\blieux? manquants?\b|\b(?:il|y) manque (?:un|des|mon|notre) (?:lieu|tiers lieu|"
    r"coworking|fablab|fab lab)\b"
    # « nous voudrions figurer dans votre liste », « comment signaler un lieu que vous ne
    # connaissez pas ? »
    rf"|\b(?:nous|je|on) (?:voudrions|voudrais|voudrait|voulons|veux|souhaitons|souhaite|"
    rf"souhaiterions|souhaiterais|aimerions|aimerais) (?:bien )?(?:etre |y )?{_LISTED}"
    r"|\bsignaler (?:un|une|des|mon|notre|ce|cet|nouveau) (?:nouveau )?(?:lieu|lieux|tiers lieux?|"
    r"coworking|fablab|fab lab|espace|endroit)\b")


def wants_a_place_listed(words: Sequence[str]) -> bool:
    """A place's manager asks how to get it listed: /signaler is the way in, as for an error
    pointed out (:func:`claims_an_error`), not a search of its commune."""
    return bool(_ADD_A_PLACE.search(" ".join(words)))


def asks_something(text: str) -> bool:
    """The message asks a question (« J'habite Rueil, faut-il être entrepreneur… »), rather than
    only naming what it looks for (« fab lab a antony pr decouper du bois »)."""
    return _ASKING.search(fold(text)) is not None


# « …, je souhaiterais connaître la politique du Département » : a request asks, without « ? »
_REQUEST = re.compile(
    r"\b(?:je (?:souhaiterais|souhaite|voudrais|voulais|aimerais)|j['’]aimerais|"
    r"pourriez[ -]vous|pouvez[ -]vous)\s+(?:m['’]indiquer|me dire|me pr[ée]ciser|"
    r"conna[iî]tre|savoir|comprendre|en savoir plus sur)\b",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, at « . ; ! ? » followed by a space (not inside « »), and at
    line breaks."""
    return _quotes_kept(_SENTENCE.split(text))


def whole_sentences(text: str) -> list[str]:
    """The sentences of an answer: at « . ! ? » before a capital (not at « ; », whose halves
    are no sentences), « A+ c'est mieux ! » kept inside one."""
    return _quotes_kept(_SENTENCE_END.split(text))


def _quotes_kept(pieces: Sequence[str]) -> list[str]:
    """Pieces glued back where a « … » was cut open (« A+ c'est mieux ! » is a name)."""
    out: list[str] = []
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if out and out[-1].count("«") > out[-1].count("»"):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def question_sentence(text: str) -> str | None:
    """In a long message (context first, then the question), the sentence that asks: the last
    with a question mark, else a request from its verb on (« je souhaiterais connaître… »),
    else the last sentence."""
    sentences = split_sentences(text)
    if len(text.split()) < 16:
        return None
    if not any(s.endswith("?") for s in sentences):
        request = list(_REQUEST.finditer(text))
        if request and request[-1].start() > 0:
            chosen = text[request[-1].start():].strip()
            if len(chosen.split()) >= 4:
                return chosen
    if len(sentences) < 2:
        return None
    asking = [s for s in sentences if s.endswith("?")]
    chosen = asking[-1] if asking else sentences[-1]
    return chosen if len(chosen.split()) >= 3 and chosen != text.strip() else None


def after_the_colon(text: str) -> str | None:
    """« Depuis que le mot est à la mode, des habitants nous demandent : qu'est-ce qu'un
    tiers-lieu ? »: the question after a long lead-in and a colon, in the last sentence (not
    « Télétravail : peut-on demander… », whose short heading is part of the question)."""
    sentences = split_sentences(text)
    head, colon, tail = (sentences[-1] if sentences else "").rpartition(":")
    tail = tail.strip()
    if colon and len(head.split()) >= 8 and len(tail.split()) >= 3 and tail.endswith("?"):
        return tail
    return None


