"""The normaliser's fast paths give exactly what the straightforward code gives."""

from __future__ import annotations

import random
import unicodedata

from bot.engine import text as t
from bot.engine.text import Normaliser, fold, tokenize
from bot.knowledge import Knowledge

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae", "ß": "ss"})


def reference_fold(value: str) -> str:
    value = unicodedata.normalize("NFKC", (value or "").translate(t._APOSTROPHES))[:2000]
    value = t._INVISIBLE.sub("", value)
    value = value.translate(t._APOSTROPHES).translate(_LIGATURES).lower()
    value = unicodedata.normalize("NFKD", value)
    return "".join(c for c in value if not unicodedata.combining(c)
                   and (c in "\n\t" or unicodedata.category(c)[0] != "C"))


def test_fold_matches_the_character_by_character_definition() -> None:
    rng = random.Random(5)
    samples = ["Élève\x1b à l'œuvre\n\tok", "é" * 3000, "", "PLAIN ascii `quote` \x07", "ǅ ﬁ ① Ⅻ",
               "Ça coûte ‘cher’ à Sèvres", "e\u0301\u034f\u036f x", "ÉCOLE\u00a0ŒUVRE", "naïve\tcafé"]
    for _ in range(3000):
        samples.append("".join(chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0, 0x2FFF),
                                               rng.randint(0x1F000, 0x1FAFF),
                                               rng.randint(0x300, 0x36F), rng.randint(0xC0, 0xFF)]))
                               for _ in range(rng.randint(0, 20))))
    table = t._TABLE_CHARS  # French text, folded by one table: every character and mixes
    samples += list(table) + ["".join(rng.choice(table) for _ in range(rng.randint(1, 60)))
                              for _ in range(3000)]
    samples += ["…" * t._TABLE_LENGTH, "é" * t._TABLE_LENGTH + "x", "…" * (t._TABLE_LENGTH + 1)]
    for sample in samples:
        assert fold(sample) == reference_fold(sample), repr(sample)


def test_synonym_rewrite_matches_the_regex(knowledge: Knowledge) -> None:
    n = Normaliser(knowledge.sms, knowledge.terms)
    assert n._synonym_re is not None and n._by_first is not None
    texts = [q for e in knowledge.faq.values() for q in (*e.questions, *e.keywords, e.answer)]
    keys, words = list(n._synonyms), [w for text in texts for w in tokenize(text)]
    rng = random.Random(3)
    for _ in range(5000):
        parts = [rng.choice(keys) if rng.random() < 0.4 else rng.choice(words)
                 for _ in range(rng.randint(1, 8))]
        texts.append(" ".join(parts) if rng.random() < 0.8 else "/".join(parts))
    for text in texts:
        tokens = n.expand(tokenize(text))
        if tokens:
            expected = n._synonym_re.sub(lambda m: n._synonyms[m.group(0)], " ".join(tokens))
            assert n.rewrite_synonyms(tokens) == expected.split(), text
