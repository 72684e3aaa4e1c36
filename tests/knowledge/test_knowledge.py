"""Loading the knowledge: staff get one precise message per problem, never a traceback."""

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from tests.support.mini_knowledge import FAQ, write_knowledge


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(path)
    return [str(p) for p in info.value.problems]


def test_valid_knowledge_loads_typed_entries(tmp_path: Path) -> None:
    k = load_knowledge(write_knowledge(tmp_path))
    entry = k.faq["definition-tiers-lieu"]
    assert entry.question == "Qu'est-ce qu'un tiers-lieu ?"
    assert entry.facts_date == "2014-12" and entry.checked_on == "2026-11-25"
    assert entry.related == ("definition-fablab",)
    assert k.places["casaco"].commune == "Malakoff"
    assert k.commune("La Défense").is_area


def test_missing_field_is_reported_with_file_line_entry_and_field(tmp_path: Path) -> None:
    broken = FAQ.replace("  answer: Un fab lab est un atelier de fabrication partagé.\n", "")
    problems = problems_of(write_knowledge(tmp_path, faq__notions_yaml=broken))
    assert len(problems) == 1
    assert problems[0].startswith("knowledge/faq/notions.yaml:15:")
    assert "definition-fablab" in problems[0] and "answer" in problems[0]


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    broken = (
        FAQ.replace("theme: notions", "theme: inconnu", 1)
        .replace("related: [definition-fablab]", "related: [nexiste-pas]")
        .replace('facts_date: "2017"', "facts_date: hier")
    )
    problems = problems_of(write_knowledge(tmp_path, faq__notions_yaml=broken))
    text = "\n".join(problems)
    assert "inconnu" in text and "nexiste-pas" in text and "facts_date" in text
    assert len(problems) == 3


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    problems = problems_of(write_knowledge(tmp_path, faq__notions_yaml=FAQ + "- id: [oops\n"))
    assert len(problems) == 1 and "Erreur de syntaxe YAML dans faq/notions.yaml, ligne 23 :" in problems[0]
    assert problems[0].startswith("knowledge/faq/notions.yaml:")


def test_duplicate_ids_and_unknown_fields_are_caught(tmp_path: Path) -> None:
    broken = FAQ.replace("id: definition-fablab", "id: definition-tiers-lieu").replace(
        "  checked_on: \"2026-11-25\"\n  related", "  checked_on: \"2026-11-25\"\n  anwser: x\n  related"
    )
    text = "\n".join(problems_of(write_knowledge(tmp_path, faq__notions_yaml=broken)))
    assert "déjà utilisé" in text and "anwser" in text


def test_place_in_unknown_commune_and_reserved_contact_id(tmp_path: Path) -> None:
    root = write_knowledge(
        tmp_path,
        places_yaml="- {id: x, name: X, commune: Paris, type: bar, status: ouvert, "
        "sources: [{title: s}], facts_date: '2014', checked_on: '2026-11-25'}\n",
        contacts_yaml="- {id: equipe, name: Nous, sources: [{title: s}]}\n",
    )
    text = "\n".join(problems_of(root))
    assert "Paris" in text and "« bar » inconnu" in text and "equipe" in text


def test_missing_folder_is_an_error_not_a_crash(tmp_path: Path) -> None:
    assert "introuvable" in problems_of(tmp_path / "nope")[0]


def _place_with(coordinates: str) -> str:
    return ("- {id: x, name: X, commune: Malakoff, type: coworking, status: ouvert, "
            f"{coordinates}sources: [{{title: s}}], facts_date: '2019', checked_on: '2026-11-25'}}\n")


def test_place_coordinates_are_optional_numbers_in_range(tmp_path: Path) -> None:
    k = load_knowledge(write_knowledge(tmp_path, places_yaml=_place_with("lat: 48.82161, lon: 2.303004, ")))
    assert (k.places["x"].lat, k.places["x"].lon) == (48.82161, 2.303004)
    assert load_knowledge(write_knowledge(tmp_path, places_yaml=_place_with(""))).places["x"].lat is None


@pytest.mark.parametrize(
    ("coordinates", "message"),
    [
        ("lat: 48.8, ", "deux nombres, ou aucun"),  # both or neither
        ("lat: '48.8', lon: 2.3, ", "deux nombres, ou aucun"),
        ("lat: 48.8, lon: 248.8, ", "lon entre -180 et 180"),
        ("lat: 95, lon: 2.3, ", "lat entre -90 et 90"),
    ],
)
def test_bad_place_coordinates_are_reported(tmp_path: Path, coordinates: str, message: str) -> None:
    [problem] = problems_of(write_knowledge(tmp_path, places_yaml=_place_with(coordinates)))
    assert message in problem and "« x »" in problem and "lat" in problem
