"""CSV import: round trips byte for byte, edits one entry only, refuses broken files whole."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge import default_knowledge_path, load_knowledge
from bot.knowledge.cells import uncsv_cell
from bot.knowledge.csv_import import NEW_FAQ_FILE, import_csv
from bot.knowledge.export import FAQ_CSV_COLUMNS, PLACES_CSV_COLUMNS, faq_csv, places_csv

NEW_ANSWER = (
    "Un fab lab est un atelier partagé où l'on fabrique des objets avec des machines pilotées "
    "par ordinateur, comme des imprimantes 3D ou des découpeuses laser. On y vient pour "
    "apprendre, fabriquer et partager des savoir-faire avec d'autres passionnés."
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_knowledge_path(), tmp_path / "knowledge"))


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def rows_of(text: str) -> list[dict[str, str]]:
    return [{k: uncsv_cell(v) for k, v in r.items()}
            for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")]


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def faq_rows(root: Path) -> list[dict[str, str]]:
    return rows_of(faq_csv(load_knowledge(root)))


def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in rows}


def row(rows: list[dict[str, str]], entry_id: str) -> dict[str, str]:
    return next(r for r in rows if r["id"] == entry_id)


def test_export_then_import_changes_no_byte(root: Path, tmp_path: Path) -> None:
    knowledge = load_knowledge(root)
    (tmp_path / "faq.csv").write_text(faq_csv(knowledge), encoding="utf-8")
    (tmp_path / "places.csv").write_text(places_csv(knowledge), encoding="utf-8")
    before = tree_hashes(root)

    for name, table in (("faq.csv", "faq"), ("places.csv", "places")):
        report = import_csv(root, tmp_path / name)
        assert report.ok, report.lines()
        assert report.table == table
        assert not report.changed and report.files == [] and report.kept == []

    assert tree_hashes(root) == before


def test_cli_export_to_folder_then_import_round_trips(root: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_hashes(root)
    assert main(["export", "--knowledge", str(root), "--format", "csv",
                 "-o", str(tmp_path / "out")]) == 0
    for name in ("faq.csv", "places.csv"):
        assert main(["import", "--knowledge", str(root), str(tmp_path / "out" / name)]) == 0
    assert "Aucun changement" in capsys.readouterr().out
    assert tree_hashes(root) == before


def test_edited_answer_changes_only_that_entry(root: Path, tmp_path: Path) -> None:
    rows = faq_rows(root)
    row(rows, "definition-fablab")["answer"] = NEW_ANSWER
    row(rows, "definition-fablab")["checked_on"] = "2026-11-26"
    entry_file = load_knowledge(root).faq["definition-fablab"].file
    target = root.parent / entry_file
    text_before = target.read_text(encoding="utf-8")
    others_before = {k: v for k, v in tree_hashes(root).items() if root / k != target}

    report = import_csv(root, write_csv(tmp_path / "faq.csv", rows, FAQ_CSV_COLUMNS))

    assert report.ok, report.lines()
    assert report.updated == {"definition-fablab": ("answer", "checked_on")}
    assert report.files == [str(target.relative_to(root))]
    assert {k: v for k, v in tree_hashes(root).items() if root / k != target} == others_before

    after = load_knowledge(root)
    assert after.faq["definition-fablab"].answer == NEW_ANSWER
    assert after.faq["definition-fablab"].checked_on == "2026-11-26"
    assert faq_rows(root) == rows  # nothing else moved, in this file or any other

    text_after = target.read_text(encoding="utf-8")
    assert text_after.splitlines()[0] == text_before.splitlines()[0]  # header comment kept
    changed = [line for line in text_after.splitlines() if line not in text_before.splitlines()]
    assert '  checked_on: "2026-11-26"' in changed
    assert "  answer: >-" in text_after.split("id: definition-fablab", 1)[1]
    assert all(len(line) <= 100 for line in changed)  # the new answer is folded like the others


def test_new_list_items_and_removed_optional_field(root: Path, tmp_path: Path) -> None:
    rows = faq_rows(root)
    entry = row(rows, "definition-fablab")
    entry["questions"] += " | C'est quoi un fablab exactement ?"
    entry["keywords"] = ""
    import_csv(root, write_csv(tmp_path / "faq.csv", rows, FAQ_CSV_COLUMNS))
    after = load_knowledge(root).faq["definition-fablab"]
    assert after.questions[-1] == "C'est quoi un fablab exactement ?"
    assert after.keywords == ()
    assert faq_rows(root) == rows


def test_new_entries_go_to_their_theme_file_or_a_new_file(root: Path, tmp_path: Path) -> None:
    rows = faq_rows(root)
    template = row(rows, "definition-fablab")
    in_theme = {**template, "id": "definition-makerspace", "theme": "notions",
                "questions": "Qu'est-ce qu'un makerspace ? | makerspace définition",
                "answer": "Un makerspace est un atelier partagé, proche d'un fab lab.",
                "related": "definition-fablab", "contact": "", "place": ""}
    rows.append(in_theme)
    themes = (root / "themes.yaml").read_text(encoding="utf-8")
    (root / "themes.yaml").write_text(themes + "divers: Questions diverses\n", encoding="utf-8")
    rows.append({**in_theme, "id": "question-diverse", "theme": "divers",
                 "questions": "Une question diverse ?", "related": ""})
    notions = root / "faq" / "notions.yaml"
    notions_before = notions.read_text(encoding="utf-8")

    report = import_csv(root, write_csv(tmp_path / "faq.csv", rows, FAQ_CSV_COLUMNS))

    assert report.ok, report.lines()
    assert report.added == {"definition-makerspace": "faq/notions.yaml",
                            "question-diverse": NEW_FAQ_FILE}
    notions_after = notions.read_text(encoding="utf-8")
    assert notions_after.startswith(notions_before)  # appended, nothing above touched
    assert notions_after[len(notions_before):].startswith("\n- id: definition-makerspace\n")
    assert (root / NEW_FAQ_FILE).read_text(encoding="utf-8").startswith("# FAQ")
    knowledge = load_knowledge(root)
    assert knowledge.faq["definition-makerspace"].file.endswith("faq/notions.yaml")
    assert knowledge.faq["question-diverse"].file.endswith(NEW_FAQ_FILE)
    assert by_id(faq_rows(root)) == by_id(rows)  # file order differs: faq/ is read sorted


def test_places_csv_edit_and_addition(root: Path, tmp_path: Path) -> None:
    rows = rows_of(places_csv(load_knowledge(root)))
    rows[0]["services"] += " | café"
    rows.append({**rows[0], "id": "nouveau-lieu", "name": "Nouveau lieu", "aliases": "",
                 "faq": "", "address": "", "website": ""})
    report = import_csv(root, write_csv(tmp_path / "places.csv", rows, PLACES_CSV_COLUMNS))
    assert report.ok, report.lines()
    assert report.updated == {rows[0]["id"]: ("services",)}
    assert list(report.added) == ["nouveau-lieu"]
    assert rows_of(places_csv(load_knowledge(root))) == rows


def test_missing_rows_are_kept_not_deleted(root: Path, tmp_path: Path) -> None:
    rows = faq_rows(root)
    before = tree_hashes(root)
    report = import_csv(root, write_csv(tmp_path / "faq.csv", rows[1:], FAQ_CSV_COLUMNS))
    assert report.ok and report.kept == [rows[0]["id"]]
    assert any("Absentes du fichier, conservées" in line for line in report.lines())
    assert tree_hashes(root) == before


def test_broken_csv_changes_nothing_and_lists_every_error_with_its_row(
    root: Path, tmp_path: Path
) -> None:
    rows = faq_rows(root)
    rows[0]["theme"] = "theme-inconnu"                          # row 2
    rows[1]["checked_on"] = "31/02/2026"                        # row 3: no such day
    rows[2]["id"] = ""                                          # row 4
    rows[3]["related"] = "entree-fantome"                       # row 5
    rows[4]["sources"] = "Un titre <https://example.org"        # row 6
    rows[5]["answer"] = "Une nouvelle réponse, valide, qui ne doit pas être écrite."
    before = tree_hashes(root)

    report = import_csv(root, write_csv(tmp_path / "faq.csv", rows, FAQ_CSV_COLUMNS))

    assert not report.ok
    assert tree_hashes(root) == before
    located = {(e.row, e.field) for e in report.errors}
    assert located == {(2, "theme"), (3, "checked_on"), (4, "id"), (5, "related"), (6, "sources")}
    lines = report.lines()
    assert "aucun fichier n'a été modifié" in lines[0]
    assert lines[1].startswith("  - ligne 2, colonne « theme » (B), entrée « ")
    assert "theme-inconnu" in lines[1]
    assert "entree-fantome" in lines[4]


@pytest.mark.parametrize(
    "header",
    [
        "id,theme,questions\n",                                         # columns missing
        ",".join(reversed(FAQ_CSV_COLUMNS)) + "\n",                     # reordered
        "identifiant," + ",".join(FAQ_CSV_COLUMNS[1:]) + "\n",          # renamed
    ],
)
def test_wrong_header_changes_nothing(root: Path, tmp_path: Path, header: str) -> None:
    before = tree_hashes(root)
    path = tmp_path / "faq.csv"
    path.write_text(header + "definition-fablab,notions\n", encoding="utf-8")
    report = import_csv(root, path)
    assert not report.ok and report.errors[0].row == 1
    assert "en-tête" in report.errors[0].message
    assert tree_hashes(root) == before


def test_wrong_cell_count_and_duplicate_id_are_reported(root: Path, tmp_path: Path) -> None:
    text = faq_csv(load_knowledge(root))
    lines = text.splitlines()
    path = tmp_path / "faq.csv"
    duplicate = next(line for line in lines[1:] if line.startswith('"definition-fablab";'))
    path.write_text("\n".join([*lines, "un-id;trop;peu", duplicate]) + "\n", encoding="utf-8")
    before = tree_hashes(root)
    report = import_csv(root, path)
    messages = [str(e) for e in report.errors]
    assert len(messages) == 2, messages
    assert "colonnes" in messages[0] and "identifiant déjà utilisé" in messages[1]
    assert tree_hashes(root) == before


def test_semicolon_csv_with_bom_from_a_spreadsheet(root: Path, tmp_path: Path) -> None:
    rows = faq_rows(root)
    row(rows, "definition-fablab")["answer"] = NEW_ANSWER
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FAQ_CSV_COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "faq.csv"
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    report = import_csv(root, path)
    assert report.ok, report.lines()
    assert report.updated == {"definition-fablab": ("answer",)}


def test_dry_run_writes_nothing(root: Path, tmp_path: Path) -> None:
    rows = faq_rows(root)
    row(rows, "definition-fablab")["answer"] = NEW_ANSWER
    before = tree_hashes(root)
    report = import_csv(root, write_csv(tmp_path / "faq.csv", rows, FAQ_CSV_COLUMNS),
                        dry_run=True)
    assert report.ok and report.updated
    assert tree_hashes(root) == before


def test_cli_import_exit_codes(root: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    rows = faq_rows(root)
    row(rows, "definition-fablab")["theme"] = "nulle-part"
    bad = write_csv(tmp_path / "bad.csv", rows, FAQ_CSV_COLUMNS)
    assert main(["import", "--knowledge", str(root), str(bad)]) == 1
    assert "ligne" in capsys.readouterr().err

    row(rows, "definition-fablab")["theme"] = "notions"
    row(rows, "definition-fablab")["answer"] = NEW_ANSWER
    good = write_csv(tmp_path / "good.csv", rows, FAQ_CSV_COLUMNS)
    assert main(["import", "--knowledge", str(root), str(good), "--dry-run"]) == 0
    assert "definition-fablab" in capsys.readouterr().out
    assert load_knowledge(root).faq["definition-fablab"].answer != NEW_ANSWER
    assert main(["import", "--knowledge", str(root), str(good)]) == 0
    assert load_knowledge(root).faq["definition-fablab"].answer == NEW_ANSWER
