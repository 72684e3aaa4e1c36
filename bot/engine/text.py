"""French text normalisation: the one pipeline applied to both the user's message and the FAQ.

Both sides must go through exactly the same steps, otherwise « télétravail » in a phrasing and
« teletravail » in a message would never meet. The steps, in order:

1. :func:`fold` — Unicode compatibility form, lower case, curly apostrophes → ``'``, ``œ``/``æ``
   spelled out, accents removed, control and zero-width characters dropped.
2. :func:`tokenize` — elisions (l', d', qu'…) stripped, hyphens and punctuation become spaces.
3. SMS forms expanded (« c koi » → « c'est quoi »), then synonyms rewritten to one canonical
   word, stop words removed (question words are kept: they carry intent), Snowball stemming.

Steps 1–2 are pure functions; step 3 needs the vocabulary of the knowledge base and lives in
:class:`Normaliser`.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import snowballstemmer

_APOSTROPHE_MAP = {c: "'" for c in "’‘`´ʼ′"}
_APOSTROPHES = str.maketrans(_APOSTROPHE_MAP)
_APOSTROPHES_LIGATURES = str.maketrans(
    _APOSTROPHE_MAP | {"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae", "ß": "ss"})
# After NFKD, accented Latin text is printable ASCII plus combining accents (U+0300–U+036F, all
# combining but the grapheme joiner U+034F): one regex then drops the accents, which is faster
# than the per-character table below and gives the same text.
_LATIN_WITH_ACCENTS = re.compile(r"[^\x20-\x7e\u0300-\u034e\u0350-\u036f]")
_ACCENTS = re.compile(r"[\u0300-\u034e\u0350-\u036f]+")
# Zero-width and bidirectional marks: invisible, but they would split or glue words.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'")
_WORD = re.compile(r"[a-z0-9/]+")  # what is left between punctuation, spaces and other letters
_MAX_CHARS = 2000
# « Qu'est-ce que X ? » asks for a definition; once elisions and stop words are gone nothing
# would be left of it, so it becomes one word that synonyms.yaml can map (kesako).
_WHAT_IS = re.compile(  # « ce qu'est un fab lab » too, not « ce qu'est devenu le Wic »
    r"\bqu ?'? ?est[ -]?ce (?:que|qu'|qu )|\bce qu ?'? ?(?:est|sont) (?!devenu)(?=\w)"
)
# « des infos sur les fab labs », « parlez-moi du coworking »: a request about a topic, whose
# words are no topic — « infos » alone is the entry about the assistant's own information.
# « plus d'infos sur… » stays (a follow-up asking for more).
_ABOUT = re.compile(
    r"\b(?<!plus d')(?<!plus d )(?<!plus de )(?:infos?|informations?|renseignements?)"
    r" (?:sur|concernant|a propos d|au sujet d)|\bparle[rz]?[ -](?:moi|nous) (?=d)"
)

# Stop words: grammar that carries no topic. Question words (comment, pourquoi, combien, quand,
# où/ou, qui, quoi, quel…) are deliberately absent: « combien » vs « comment » is the whole
# difference between the price question and the how-to question.
STOP_WORDS = frozenset(
    ["a", "à", "ai", "aie", "aient", "aies", "ait", "as", "au", "aux", "avec", "avez", "avoir", "avons", "ayant", "c", "ca", "ce", "ceci", "cela", "celle", "celles", "celui", "ces", "cet", "cette", "ceux", "chez", "d", "dans", "de", "des", "donc", "du", "e", "elle", "elles", "en", "es", "est", "et", "etc", "etaient", "etait", "etant", "ete", "etes", "etre", "eu", "eux", "fait", "faut", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais", "me", "meme", "mes", "moi", "mon", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "par", "pas", "peu", "peut", "peuvent", "peux", "plus", "pour", "s", "sa", "sans", "se", "ses", "si", "sois", "soit", "sommes", "son", "sont", "sous", "suis", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "unes", "uns", "vos", "votre", "vous", "y", "qu", "que", "cest", "sil", "svp", "stp", "merci", "bonjour", "bonsoir", "salut", "hello", "coucou", "svp", "ok", "oui", "non", "vraiment", "tres", "bien", "alors", "aussi", "deja", "encore", "exactement", "franchement", "svp", "plait", "sil-vous-plait", "juste", "trop", "tout", "tous", "toute", "toutes", "quelque", "quelques", "chose", "choses", "genre", "truc", "trucs", "ben", "bah", "euh", "hein", "voila", "voici", "ici", "la-bas", "ya", "y-a-t-il", "t-il", "t-elle",
     # asking politely carries no topic (« pouvez-vous définir… », « je voudrais savoir… »)
     "pouvez", "pourriez", "pourrais", "pourrait", "pouvoir", "pouvons", "puis", "voudrais",
     "voudrait", "voudrions", "aimerais", "aimerait", "souhaiterais", "souhaiterait", "selon",
     "concretement", "dire"]
)
# « ou » (or) and « où » (where) fold to the same word; keep it: « où » matters for places.
STOP_WORDS = STOP_WORDS - {"ou"}
_DETERMINERS = frozenset({
    "un", "une", "le", "la", "les", "des", "mon", "ma", "mes", "notre", "nos", "votre", "vos",
    "son", "sa", "ses", "leur", "ce", "cet", "cette",
})

_stemmer = snowballstemmer.stemmer("french")
_TERM_MEMO = 200_000  # words remembered per normaliser (a few MB; hostile input cannot grow it)


class _DroppedMarks(dict):
    """``str.translate`` table, filled on first sight of each character: combining marks
    (accents once decomposed) and control characters other than newline and tab are dropped.
    Same result as testing every character, without a Python call per character."""

    def __missing__(self, code: int) -> int | None:
        c = chr(code)
        keep = not unicodedata.combining(c) and (c in "\n\t" or unicodedata.category(c)[0] != "C")
        value = code if keep else None
        if code < 0x10000:  # bounded: at most the basic plane is remembered
            self[code] = value
        return value


_DROP_MARKS = _DroppedMarks()


def _fold_slowly(text: str) -> str:
    """:func:`fold` by the Unicode normal forms, for any text. Apostrophes are straightened
    before NFKC too, which would turn « l´école »'s acute accent into a space and an accent."""
    text = unicodedata.normalize("NFKC", (text or "").translate(_APOSTROPHES))[:_MAX_CHARS]
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES_LIGATURES).lower())
    if _LATIN_WITH_ACCENTS.search(text) is None:
        return _ACCENTS.sub("", text)
    return text.translate(_DROP_MARKS)


# Usual French text (printable ASCII, accented Latin letters, French punctuation) folds one
# character at a time: no character of this set composes with its neighbours under NFKC/NFKD, so
# one ``str.translate`` by a table of each character's own fold gives the same text as the two
# normal forms, four times faster (a tenth of a cold start at 10 000 entries was folding).
_TABLE_CHARS = "".join(
    chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x180)) if unicodedata.combining(chr(c)) == 0
) + "’‘´ʼ′«»“”„…–—\u00a0\u202f"
_BY_CHARACTER = str.maketrans({c: _fold_slowly(c) for c in _TABLE_CHARS})
_NOT_IN_TABLE = re.compile("[^" + re.escape(_TABLE_CHARS) + "]")
_TABLE_LENGTH = _MAX_CHARS // 3  # « … » becomes three characters before the cut


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophe-normalised text (no other change); cached, as every
    message is folded by several readers (small talk, places, the index)."""
    if text and text.isascii():  # both Unicode normal forms leave ASCII as it is
        if "`" not in text and text.isprintable():  # nothing to translate
            return text[:_MAX_CHARS].lower()
        return text[:_MAX_CHARS].translate(_APOSTROPHES).lower().translate(_DROP_MARKS)
    if len(text) <= _TABLE_LENGTH and _NOT_IN_TABLE.search(text) is None:
        return text.translate(_BY_CHARACTER)
    return _fold_slowly(text)


_GLUED = {"aujourd'hui": "aujourdhui", "quelqu'un": "quelquun", "presqu'ile": "presquile"}
_GLUED_RE = re.compile("|".join(map(re.escape, _GLUED)))


def tokenize(text: str) -> list[str]:
    """Words of the folded text: elisions stripped, hyphens and punctuation split."""
    return _split_folded(fold(text))


def _split_folded(text: str) -> list[str]:
    """:func:`tokenize` of a text already folded (folding twice gives the same text)."""
    if "'" in text:  # no apostrophe, no elision (most words of most texts)
        text = _GLUED_RE.sub(lambda m: _GLUED[m.group(0)], text)
        text = _ELISION.sub(" ", text)
    return _WORD.findall(text)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball French stem; digits and very short words are kept as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _stemmer.stemWord(word)


_PLAIN = re.compile(r"[a-z0-9/_ ]*")
_PLAIN_WORDS = re.compile(r"[a-z0-9_]+(?: [a-z0-9_]+)*")
_PIECE = re.compile(r"[^ /]+")
_MEMOS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {}


def shared_memo(fingerprint: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """The phrasing memo of one synonyms/SMS configuration; only the latest two are kept."""
    if fingerprint not in _MEMOS:
        while len(_MEMOS) >= 2:
            del _MEMOS[next(iter(_MEMOS))]
        _MEMOS[fingerprint] = {}
    return _MEMOS[fingerprint]


class Normaliser:
    """The configurable half of the pipeline: SMS forms, synonyms, stop words, stems.

    ``sms`` maps one typed token to its full form; ``synonyms`` maps a canonical word to its
    variants (possibly several words). Both come from ``knowledge/synonyms.yaml``.
    """

    def __init__(
        self,
        sms: Mapping[str, str] | None = None,
        synonyms: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.sms = {fold(k).strip(): tuple(tokenize(v)) for k, v in (sms or {}).items()}
        pairs: dict[str, str] = {}
        for canonical, variants in (synonyms or {}).items():
            target = "_".join(tokenize(canonical))
            for variant in (*variants, canonical):
                key = " ".join(tokenize(variant))
                if key and key != target:
                    pairs.setdefault(key, target)
        self._synonyms = pairs
        self._synonym_re = (
            re.compile(
                r"(?<![a-z0-9_])(?:"
                + "|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True))
                + r")(?![a-z0-9_])"
            )
            if pairs
            else None
        )
        # The same rewrite without the regex, word by word, for the usual text (lower-case
        # letters, digits, spaces): a variant can only start where a word starts.
        self._by_first: dict[str, list[str]] | None = {}
        for key in sorted(pairs, key=len, reverse=True):
            if "/" in key or not _PLAIN.fullmatch(key):
                self._by_first = None
                break
            self._by_first.setdefault(key.split(" ", 1)[0], []).append(key)
        # by first word: the variants' lengths, longest first, each with its variants as tuples
        # (one look-up per length where a variant could start, not one comparison per variant)
        by_length: dict[str, dict[int, dict[tuple[str, ...], str]]] = {}
        for first, keys in (self._by_first or {}).items():
            for key in keys:
                parts = tuple(key.split(" "))
                by_length.setdefault(first, {}).setdefault(len(parts), {})[parts] = pairs[key]
        self._by_first_token = {
            first: sorted(lengths.items(), reverse=True) for first, lengths in by_length.items()
        }
        self.canonical_words = frozenset(pairs.values())
        # A variant « verb + determiner » (« ouvrir un », « monter une ») also holds when the
        # determiner is left out before a word of the vocabulary: people write « ouvrir
        # coworking colombes ». The verb alone is not mapped (« Casaco ouvre quand ? »). Only
        # for a canonical word with several such verbs: one alone is a name (« loi NOTRe »).
        verbs: dict[str, dict[str, None]] = defaultdict(dict)
        for key, target in pairs.items():
            parts = key.split(" ")
            if len(parts) == 2 and parts[0].isalpha() and parts[1] in _DETERMINERS:
                verbs[target][parts[0]] = None
        self._before_canonical = {
            verb: target for target, found in verbs.items() if len(found) >= 2
            for verb in found if verb not in pairs
        }
        # Single-word variants also match through their stem, so that listing « monter »
        # covers « montons » and « monté » too. A stem claimed by two canonical words is
        # ambiguous and left alone.
        by_stem: dict[str, set[str]] = defaultdict(set)
        for key, target in pairs.items():
            if " " not in key and key.isalpha():
                by_stem[stem(key)].add(target)
        self._stem_synonyms = {s: next(iter(t)) for s, t in by_stem.items() if len(t) == 1}
        # each rewritten word's term ("" for a stop word), filled as words are first seen:
        # one dictionary look-up per word instead of the stop-word, canonical and stem checks
        self._term_of: dict[str, str] = {}
        # see in_usual_words: the phrasings' words as one text, the variants of each meaning,
        # and the usual variant of each meaning met so far
        self._corpus: str | None = None
        self._variants: dict[str, list[str]] = {}
        self._usual: dict[str, str] = {}
        self.fingerprint = hashlib.sha256(
            repr((sorted(self.sms.items()), sorted(pairs.items()))).encode()
        ).hexdigest()
        self._memo = shared_memo(self.fingerprint)

    def phrasing(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A knowledge phrasing's words and distinct stems, memoised: rebuilding the index after
        a reload normalises only new texts. The memo is shared by every normaliser with the
        same SMS forms and synonyms (an engine rebuilt from the same synonyms.yaml reuses it)."""
        found = self._memo.get(text)
        if found is None:
            words = tuple(map(sys.intern, self.words(text)))
            stems = tuple(map(sys.intern, dict.fromkeys(self.terms(words))))
            found = self._memo[text] = (words, stems)
        return found

    def phrasing_words(self, text: str) -> tuple[str, ...]:
        """A knowledge phrasing's words (memoised, see :meth:`phrasing`)."""
        return self.phrasing(text)[0]

    @property
    def memo(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        return self._memo

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_memo"]  # shared, and rebuilt on demand: not part of a pickled engine
        state.update(_corpus=None, _variants={}, _usual={})  # rebuilt when first needed
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._memo = shared_memo(self.fingerprint)

    def in_usual_words(self, words: list[str], phrasings: Iterable[Sequence[str]]) -> list[str]:
        """Each variant replaced by the variant of its meaning that ``phrasings`` (word lists)
        use most: « third place » → « tiers lieu », « remote working » → « teletravail ».
        For a message in English, whose words the character n-grams of the second opinion
        would otherwise never meet. ``phrasings`` is read once per normaliser, and each
        meaning's variants are counted the first time a message needs it."""
        if self._corpus is None:
            # every word between two spaces of its own: « str.count » then finds each use of a
            # variant, even right after another one
            self._corpus = " " + "  ".join("  ".join(p) for p in phrasings) + " "
            by_target: dict[str, list[str]] = defaultdict(list)
            for key, target in self._synonyms.items():
                if target:
                    by_target[target].append(key)
            self._variants = by_target
        out: list[str] = []
        for token in self.rewrite_synonyms(list(words)):
            out.extend(self._usual_variant(token).split(" "))
        return out

    def _usual_variant(self, token: str) -> str:
        keys = self._variants.get(token)
        if not keys:  # not a canonical word: left as typed, and not remembered (a message's
            return token  # words must not grow the normaliser)
        found = self._usual.get(token)
        if found is None:  # the canonical word may be the usual form itself (« coworking »)
            corpus = self._corpus or ""
            counts = {k: corpus.count(" " + k.replace(" ", "  ") + " ") for k in (*keys, token)}
            best = max(counts, key=lambda k: (counts[k], -len(k), k))
            found = self._usual[token] = best if counts[best] else token
        return found

    def expand(self, tokens: Iterable[str]) -> list[str]:
        """SMS forms spelled out (« pk » → « pourquoi »)."""
        sms = self.sms
        if not isinstance(tokens, list):
            tokens = list(tokens)
        if sms.keys().isdisjoint(tokens):  # most texts: nothing to spell out
            return tokens
        out: list[str] = []
        for token in tokens:
            out.extend(sms.get(token, (token,)))
        return out

    def rewrite_synonyms(self, tokens: list[str]) -> list[str]:
        """Every variant replaced by its canonical word (longest variant first)."""
        if not self._synonym_re or not tokens:
            return tokens
        text = " ".join(tokens)
        if self._by_first is not None:
            # words of letters and digits, one space between each: compared word by word
            if _PLAIN_WORDS.fullmatch(text) and text.count(" ") == len(tokens) - 1:
                return self._rewrite_words(tokens)
            if _PLAIN.fullmatch(text):
                return self._rewrite_plain(text).split()
        text = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], text)
        return text.split()

    def _rewrite_words(self, tokens: list[str]) -> list[str]:
        """:meth:`_rewrite_plain` on words that hold no space or slash: whole words compared,
        only where a variant can start; the words in between are copied as slices."""
        table = self._by_first_token
        starts = [i for i, token in enumerate(tokens) if token in table]
        if not starts:
            return tokens
        out: list[str] = []
        done = 0  # tokens before this are in ``out``
        for i in starts:
            if i < done:
                continue  # inside the variant just rewritten
            for length, variants in table[tokens[i]]:
                target = variants.get(tuple(tokens[i:i + length]))
                if target is not None:
                    out += tokens[done:i]
                    if target:
                        out.append(target)
                    done = i + length
                    break
        out += tokens[done:]
        return out

    def _rewrite_plain(self, text: str) -> str:
        """What the synonym regex does, for text of ``[a-z0-9/_ ]`` only: at each word start
        (after a space, a slash or the start), the longest variant that ends at a word end."""
        assert self._by_first is not None
        if self._by_first.keys().isdisjoint(_PIECE.findall(text)):
            return text  # no variant starts with any of its words
        out: list[str] = []
        pos, n = 0, len(text)
        for piece in _PIECE.finditer(text):
            start = piece.start()
            if start < pos:
                continue
            for key in self._by_first.get(piece.group(), ()):
                end = start + len(key)
                if text.startswith(key, start) and (end == n or text[end] in " /"):
                    out.append(text[pos:start])
                    out.append(self._synonyms[key])
                    pos = end
                    break
        out.append(text[pos:])
        return "".join(out)

    def words(self, text: str) -> list[str]:
        """Folded, SMS-expanded tokens (before synonyms): what typo correction works on."""
        folded = fold(text)
        if "qu" in folded:  # every form _WHAT_IS knows has it
            folded = _WHAT_IS.sub(" kesako ", folded)
        if "parle" in folded or "info" in folded or "renseign" in folded:
            folded = _ABOUT.sub(" ", folded)
        return self.expand(_split_folded(folded))

    def terms(self, words: Iterable[str]) -> list[str]:
        """From corrected words to the stems that the index compares."""
        rewritten = self.rewrite_synonyms(list(words))
        before = self._before_canonical
        if before and not before.keys().isdisjoint(rewritten):
            canonical = self.canonical_words
            rewritten = [
                before[w] if w in before and i + 1 < len(rewritten)
                and rewritten[i + 1] in canonical and rewritten[i + 1] != before[w] else w
                for i, w in enumerate(rewritten)
            ]
        term_of = self._term_of
        out = []
        for w in rewritten:
            term = term_of.get(w)
            if term is None:
                term = self._term(w)
                if len(term_of) < _TERM_MEMO:
                    term_of[w] = term
            if term:
                out.append(term)
        return out

    def _term(self, word: str) -> str:
        """One rewritten word's term: "" for grammar, the canonical word, else its stem."""
        if (word in STOP_WORDS or len(word) <= 1) and not word.isdigit():
            return ""
        if word in self.canonical_words:
            return word
        stemmed = stem(word)
        return self._stem_synonyms.get(stemmed, stemmed)

    def __call__(self, text: str) -> list[str]:
        return self.terms(self.words(text))
