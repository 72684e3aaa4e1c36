"""The fast reading of FAQ files (rapidyaml) gives exactly what PyYAML gives, or declines.

PyYAML reads YAML 1.1, rapidyaml YAML 1.2: every case where they part must end in PyYAML's
reading, with its French messages and lines. Compared here on the shipped files, on hand-picked
traps, and on thousands of generated snippets mixing the traps with ordinary French text.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.knowledge import faqfiles
from bot.knowledge.yamlfast import read_fast, ryml
from bot.knowledge.yamlread import parse

pytestmark = pytest.mark.skipif(ryml is None, reason="rapidyaml is not installed")

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"


def pyyaml_reading(text: str) -> tuple[object, list]:
    problems: list = []
    return parse(text.encode("utf-8"), "knowledge/faq/essai.yaml", problems), problems


def same_as_pyyaml(text: str) -> bool:
    """The fast reading declines, or gives PyYAML's data with PyYAML's lines."""
    fast = read_fast(text)
    if fast is None:
        return True
    slow, problems = pyyaml_reading(text)
    return (not problems and fast == slow
            and [e.line for e in fast] == [getattr(e, "line", None) for e in slow])


def entry(answer: str, extra: str = "") -> str:
    return f"- id: essai\n  theme: notions\n  questions:\n    - Une question ?\n  answer: {answer}\n{extra}"


def test_every_shipped_faq_file_is_read_fast_and_exactly_as_pyyaml_reads_it():
    for path in sorted((KNOWLEDGE / "faq").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = read_fast(text)
        assert fast is not None, f"{path.name} : la lecture rapide a renoncé"
        assert same_as_pyyaml(text), path.name


def test_a_shipped_file_gives_the_same_entries_through_either_reading(monkeypatch):
    paths = sorted((KNOWLEDGE / "faq").glob("*.yaml"))
    fast = [faqfiles.load_faq_file(p, KNOWLEDGE, None) for p in paths]
    monkeypatch.setattr(faqfiles, "read_fast", lambda text: None)
    slow = [faqfiles.load_faq_file(p, KNOWLEDGE, None) for p in paths]
    assert fast == slow
    assert sum(len(f.entries) for f in fast) > 50


@pytest.mark.parametrize("value", [
    "yes", "No", "on", "OFF", "~", "Null", "True", "012", "0x1F", "0b101", "1_000", "3:25",
    ".inf", "-.Inf", ".NaN", "1e3", "12", "1.5", "2026-12-02", "2001-12-14 21:59:43.10 -5",
    "!!str 12", "!!int '12'", "&ancre texte", "*alias", "@arobase", "`accent grave", "%pourcent",
    "] crochet", "} accolade", "[a, ?b]", "[a, :b]", "[a, b] c", "{cle: valeur}",
    ">+5", "|2\n      texte", "'texte' suite", "texte\ttabulé",
])
def test_a_value_the_two_readings_may_read_apart_is_left_to_pyyaml(value):
    assert read_fast(entry(value)) is None


@pytest.mark.parametrize("text", [
    entry("|\n    Bonjour").rstrip("\n"),  # no final line break: ryml would add one to a last block text
    "---\n" + entry("Bonjour"),  # a document marker: ryml makes a list of documents
    entry("Bonjour") + "---\n" + entry("Encore"),
    "%YAML 1.1\n---\n" + entry("Bonjour"),
    entry("Bonjour", "  <<: {theme: notions}\n"),  # a merge key
    entry("Bonjour\r"),
    entry("deux\u2028lignes"),
    entry("nul \x00 caractère"),
    entry("Bonjour", "  1: texte\n"),  # a key PyYAML reads as a number
    entry("Bonjour", "  ? No\n"),
    "  - id: essai\n    answer: indenté\n",  # entries whose lines cannot be told from the dashes
    "[]\n", "texte\n", "- texte\n", "\n",
])
def test_a_file_the_two_readings_may_read_apart_is_left_to_pyyaml(text):
    assert read_fast(text) is None


@pytest.mark.parametrize("value", [
    '"2023"', "'yes'", '"~"', '"12:30"', "'2026-12-02'", "Bienvenue !", "R&D", "15 %",
    "texte # commentaire", "« guillemets français »", "[tous]", "[coworking, fablab]",
    '[mot, "cité", \'l\'\'espace\',\n    suite]',
    "|\n    ligne un\n    ligne deux", ">-\n    plié\n    en deux", "http://exemple.fr/a?b=c#d",
    '"\\u00e9chappé \\" guillemet"', "'l''apostrophe'", "en 2023, puis 2024",
])
def test_ordinary_french_values_are_read_fast_and_as_pyyaml_reads_them(value):
    text = entry(value)
    assert read_fast(text) is not None, value
    assert same_as_pyyaml(text), value


def test_the_entries_keep_the_lines_pyyaml_gives_even_after_comments_and_blank_dashes():
    text = ("# FAQ d'essai\n\n- id: un\n  answer: Premier\n"
            "-\n  id: deux\n  answer: Deuxième\n"
            "- # commentaire\n\n  id: trois\n  answer: Troisième\n"
            "- 'id': quatre\n  answer: Quatrième\n")
    fast = read_fast(text)
    assert [e.line for e in fast] == [3, 6, 10, 12]
    assert same_as_pyyaml(text)


def test_a_broken_file_says_nothing_in_english_on_the_standard_error(capfd, tmp_path):
    faq = tmp_path / "knowledge" / "faq"
    faq.mkdir(parents=True)
    (faq / "casse.yaml").write_text(entry('"guillemet jamais fermé'), encoding="utf-8")
    result = faqfiles.load_faq_file(faq / "casse.yaml", tmp_path / "knowledge", None)
    captured = capfd.readouterr()
    assert "ERROR" not in captured.err and "detected here" not in captured.err
    assert len(result.problems) == 1
    assert "guillemet" in result.problems[0].message and result.problems[0].line


def test_a_file_with_a_problem_gets_the_problems_and_lines_of_pyyaml_reading(tmp_path,
                                                                             monkeypatch):
    faq = tmp_path / "knowledge" / "faq"
    faq.mkdir(parents=True)
    (faq / "f.yaml").write_text(entry("Bonjour") + entry("Bonjour\n  sources: 12"),
                                encoding="utf-8")
    fast = faqfiles.load_faq_file(faq / "f.yaml", tmp_path / "knowledge", None)
    monkeypatch.setattr(faqfiles, "read_fast", lambda text: None)
    slow = faqfiles.load_faq_file(faq / "f.yaml", tmp_path / "knowledge", None)
    assert fast == slow
    assert any(p.line == 6 and p.entry == "essai" for p in fast.problems)


_TRAPS = ["yes", "No", "on", "~", "null", "true", "012", "0x1F", "1_000", "3:25", ".inf",
          ".NaN", "1e3", "1.5", "-2", "+5", "2026-12-02", "2001-12-14 21:59:43.10 -5", "2023",
          "=", "<<", "&a", "*a", "!!str", "!", "@x", "`x", "%x", "|", ">", "-", "?", ":", ",",
          "[", "]", "{", "}", "#", " #c", "'", '"', "''", "\\", "\\t", "\t", "\r", "\x00",
          "\x85", "\u2028", "\ufeff", "\x7f", "---", "...", "\n", "\n  ", "\n- ", "x: y",
          "\\u00e9", "\\N", "\\L"]
_WORDS = ["Bonjour", "tiers-lieu", "coworking", "é", "«", "»", "…", "x", "texte", "a b",
          "http://x.fr/a?b#c", "R&D", "5 %", "Bienvenue !", "l'espace", "en 2023"]


def _snippet(r: random.Random, hostile: float) -> str:
    def atom() -> str:
        return "".join(r.choice(_TRAPS if r.random() < hostile else _WORDS)
                       for _ in range(r.randint(1, 3)))

    def value() -> str:
        a, k = atom(), r.random()
        if k < 0.2:
            return '"' + a.replace('"', '\\"') + '"'
        if k < 0.35:
            return "'" + a.replace("'", "''") + "'"
        if k < 0.45:
            return "|\n      " + a.replace("\n", "\n      ")
        if k < 0.5:
            return f"[{a}, {atom()}]"
        return a

    lines = []
    for i in range(r.randint(1, 3)):
        lines += [f"- id: entree-{i}", f"  answer: {value()}"]
        if r.random() < 0.5:
            lines += ["  questions:"] + [f"    - {value()}" for _ in range(r.randint(1, 2))]
        if r.random() < 0.2:
            lines.append(f"  {atom()}: {value()}")
        if r.random() < 0.1:
            lines.append(r.choice(["# commentaire", "", "---", "-", "  # c", "- # c"]))
    return "\n".join(lines) + r.choice(["\n", "", "\n\n"])


@pytest.mark.parametrize("hostile", [0.1, 0.5])
def test_thousands_of_generated_snippets_read_fast_only_as_pyyaml_reads_them(hostile):
    r = random.Random(20261202)
    accepted = 0
    for _ in range(2500):
        text = _snippet(r, hostile)
        assert same_as_pyyaml(text), repr(text)
        accepted += read_fast(text) is not None
    assert accepted > 100  # the comparison is not empty
