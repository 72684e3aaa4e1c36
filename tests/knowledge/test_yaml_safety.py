"""Hostile or clumsy YAML: refused fast, in French, at the right line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from tests.support.mini_knowledge import FAQ, write_knowledge

BOMB = textwrap.dedent("""\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(path)
    return [str(p) for p in info.value.problems]


def test_an_alias_bomb_is_refused_under_a_memory_limit(tmp_path: Path) -> None:
    # Expanded, the bomb is 9⁹ nodes: it could not fit in 400 MB nor finish within the
    # subprocess's timeout. Refused before any expansion, it is a plain French problem.
    root = write_knowledge(tmp_path, themes_yaml=BOMB)
    script = textwrap.dedent(f"""\
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (400 * 2**20, 400 * 2**20))
        from bot.knowledge import KnowledgeError, load_knowledge
        try:
            load_knowledge({str(root)!r})
        except KnowledgeError as exc:
            print(exc)
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    messages = done.stdout.splitlines()
    assert any("knowledge/themes.yaml:1:" in m and "alias" in m for m in messages), messages


def test_a_single_anchor_is_refused_with_its_line(tmp_path: Path) -> None:
    faq = FAQ.replace("  theme: notions\n", "  theme: &t notions\n", 1)
    [problem] = problems_of(write_knowledge(tmp_path, faq__notions_yaml=faq))
    assert problem.startswith("knowledge/faq/notions.yaml:3:") and "ancres et alias" in problem


def test_deep_nesting_is_refused_without_recursion_error(tmp_path: Path) -> None:
    deep = "[" * 20_000 + "]" * 20_000 + "\n"
    [problem] = problems_of(write_knowledge(tmp_path, synonyms_yaml=deep))
    assert "imbrication trop profonde" in problem
    block = "".join(" " * i + "- \n" for i in range(0, 200))  # block style, no brackets
    [problem] = problems_of(write_knowledge(tmp_path, smalltalk_yaml=block))
    assert "imbrication trop profonde" in problem


def test_a_directory_named_like_a_faq_file_is_a_french_problem(tmp_path: Path) -> None:
    root = write_knowledge(tmp_path)
    (root / "faq" / "x.yaml").mkdir()
    [problem] = problems_of(root)
    assert problem.startswith("knowledge/faq/x.yaml") and "dossier" in problem


def test_an_unreadable_file_is_a_french_problem(tmp_path: Path, monkeypatch) -> None:
    root = write_knowledge(tmp_path)
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "places.yaml":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    [problem] = problems_of(root)
    assert problem.startswith("knowledge/places.yaml") and "droits d'accès" in problem


def test_non_utf8_file_is_located(tmp_path: Path) -> None:
    root = write_knowledge(tmp_path)
    (root / "themes.yaml").write_bytes("notions: ok\nautre: caf\xe9\n".encode("latin-1"))
    [problem] = problems_of(root)
    assert problem.startswith("knowledge/themes.yaml:2:") and "UTF-8" in problem


@pytest.mark.parametrize(("written", "shown"), [("yes", "booléen"), ("off", "booléen"),
                                                 ("12:30", "750")])
def test_yaml_11_surprises_in_phrasings_get_a_hint_to_quote(tmp_path: Path, written: str,
                                                              shown: str) -> None:
    faq = FAQ.replace("    - définition tiers-lieu\n", f"    - {written}\n")
    [problem] = problems_of(write_knowledge(tmp_path, faq__notions_yaml=faq))
    assert "questions" in problem and shown in problem and "guillemets" in problem
    faq = FAQ.replace("    - définition tiers-lieu\n", f'    - "{written}"\n')
    assert load_knowledge(write_knowledge(tmp_path, faq__notions_yaml=faq)).faq[
        "definition-tiers-lieu"].questions[1] == written


def test_a_colon_in_a_phrasing_gets_a_hint_to_quote(tmp_path: Path) -> None:
    faq = FAQ.replace("    - définition tiers-lieu\n",
                      "    - Horaires : est-ce ouvert le dimanche ?\n")
    [problem] = problems_of(write_knowledge(tmp_path, faq__notions_yaml=faq))
    assert "« : »" in problem and "guillemets" in problem and "Horaires" in problem


def test_a_phrasing_starting_with_a_quotation_gets_a_hint(tmp_path: Path) -> None:
    faq = FAQ.replace("    - définition tiers-lieu\n", '    - "Tiers-lieu" veut dire quoi ?\n')
    [problem] = problems_of(write_knowledge(tmp_path, faq__notions_yaml=faq))
    assert problem.startswith("knowledge/faq/notions.yaml:6: Erreur de syntaxe YAML dans "
                              "faq/notions.yaml, ligne 6 :")
    assert "guillemets" in problem


def test_a_forgotten_closing_quote_is_one_message_at_its_line(tmp_path: Path) -> None:
    faq = FAQ.replace("    - définition tiers-lieu\n", '    - "définition tiers-lieu\n')
    other = FAQ.replace("definition-tiers-lieu", "autre-entree").replace(
        "definition-fablab", "autre-fablab").replace("[autre-fablab]", "[definition-fablab]")
    root = write_knowledge(tmp_path, faq__notions_yaml=faq, faq__autres_yaml=other)
    places = (root / "places.yaml").read_text(encoding="utf-8") + "  faq: definition-fablab\n"
    (root / "places.yaml").write_text(places, encoding="utf-8")
    [problem] = problems_of(root)  # no « n'est pas une entrée de la FAQ » from the others
    assert problem.startswith("knowledge/faq/notions.yaml:6: Erreur de syntaxe YAML dans "
                              "faq/notions.yaml, ligne 6 :"), problem
    assert "guillemet" in problem


def test_a_missing_facts_date_says_missing(tmp_path: Path) -> None:
    faq = FAQ.replace('  facts_date: "2017"\n', "")
    [problem] = problems_of(write_knowledge(tmp_path, faq__notions_yaml=faq))
    assert "champ manquant : facts_date" in problem


def test_wrong_types_everywhere_never_raise(tmp_path: Path) -> None:
    cases = {
        "themes_yaml": "notions: [a, b]\n",
        "synonyms_yaml": "terms: {fablab: [yes]}\nsms: {koi: [quoi]}\n",
        "smalltalk_yaml": "greeting: 12\n",
        "communes_yaml": "communes: 3\n",
        "places_yaml": "- id: casaco\n  name: {a: b}\n  sources: 3\n",
        "contacts_yaml": "{a: b}\n",
        "learned_yaml": "- 3\n- {id: [x], question: {a: b}}\n",
    }
    for name, text in cases.items():
        problems = problems_of(write_knowledge(tmp_path / name, **{name: text}))
        assert problems and not any("erreur inattendue" in p for p in problems), (name, problems)


def test_a_broken_themes_file_is_one_error_not_one_per_entry(tmp_path: Path) -> None:
    [problem] = problems_of(write_knowledge(tmp_path, themes_yaml="notions: [Comprendre\n"))
    assert problem.startswith("knowledge/themes.yaml:1: Erreur de syntaxe YAML dans themes.yaml")


def test_a_boolean_coordinate_is_refused(tmp_path: Path) -> None:
    communes = "communes:\n  - {name: Malakoff, lat: yes, lon: 2.30}\n  - {name: Nanterre}\n" \
               "areas:\n  - {name: La Défense, communes: [Nanterre]}\n"
    [problem] = problems_of(write_knowledge(tmp_path, communes_yaml=communes))
    assert "lat et lon" in problem


@pytest.mark.parametrize(("line", "said"), [
    ("    - Horaires : est-ce ouvert : le dimanche ?\n", "« : » suivi d'un espace"),
    ("\t- définition tiers-lieu\n", "tabulation interdite"),
])
def test_common_syntax_mistakes_are_said_in_french_at_their_line(tmp_path: Path, line: str,
                                                                  said: str) -> None:
    faq = FAQ.replace("    - définition tiers-lieu\n", line)
    [problem] = problems_of(write_knowledge(tmp_path, faq__notions_yaml=faq))
    assert problem.startswith("knowledge/faq/notions.yaml:6: Erreur de syntaxe YAML dans "
                              "faq/notions.yaml, ligne 6 :") and said in problem, problem
