"""The workbook round trip: export → edit a cell → import, and everything that must refuse."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.knowledge import default_knowledge_path, load_knowledge, yamlfiles
from bot.knowledge.cells import csv_cell, write_csv
from bot.knowledge.csv_import import import_csv
from bot.knowledge.export import faq_csv, places_csv
from bot.knowledge.workbook import export_workbook, import_workbook

NEW_ANSWER = "Un fab lab est un atelier partagé où l'on fabrique des objets avec des machines."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return Path(shutil.copytree(default_knowledge_path(), tmp_path / "knowledge"))


def hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def exported(root: Path, tmp_path: Path, name: str = "connaissances.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(export_workbook(load_knowledge(root)))
    return path


def copied(path: Path, name: str) -> Path:
    """A second copy of a downloaded workbook (what a second export of the same knowledge is)."""
    return Path(shutil.copyfile(path, path.with_name(name)))


def edit(path: Path, sheet: str, entry_id: str, header: str, value: object) -> str:
    """Set one cell (found by its entry id and column header); returns its address."""
    wb = load_workbook(path)
    ws = wb[sheet]
    column = next(c.column for c in ws[1] if c.value == header)
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == entry_id)
    ws.cell(row, column).value = value
    wb.save(path)
    return ws.cell(row, column).coordinate


def test_workbook_layout(root: Path, tmp_path: Path) -> None:
    wb = load_workbook(exported(root, tmp_path))
    assert wb.sheetnames[:4] == ["FAQ", "Lieux", "Contacts", "Lisez-moi"]
    faq = wb["FAQ"]
    headers = [c.value for c in faq[1]]
    for expected in ("id", "question", "autres formulations", "réponse", "thème", "sources",
                     "date des faits", "vérifié le"):
        assert expected in headers
    assert faq.freeze_panes == "A2"
    assert faq.column_dimensions["A"].width >= 20
    validated = {str(dv.sqref).split(":")[0][:1] for dv in faq.data_validations.dataValidation}
    assert validated == {chr(ord("A") + headers.index("thème"))}
    checked = faq.cell(2, headers.index("vérifié le") + 1)
    assert checked.is_date
    lieux = [c.value for c in wb["Lieux"][1]]
    assert {"type", "statut", "commune"} <= set(lieux)
    assert len(wb["Lieux"].data_validations.dataValidation) == 2
    assert wb["Contacts"].max_row == len(load_knowledge(root).contacts) + 1
    assert "Thèmes possibles" in [c.value for c in wb["Lisez-moi"]["A"]]


def test_round_trip_unchanged_writes_nothing(root: Path, tmp_path: Path) -> None:
    before = hashes(root)
    report = import_workbook(root, exported(root, tmp_path))
    assert report.ok, report.lines()
    assert not report.changed and hashes(root) == before


def test_one_edited_cell_changes_one_file_and_keeps_comments(root: Path, tmp_path: Path) -> None:
    path = exported(root, tmp_path)
    edit(path, "FAQ", "definition-fablab", "réponse", NEW_ANSWER)
    before = hashes(root)
    notions_before = (root / "faq/notions.yaml").read_text(encoding="utf-8")
    report = import_workbook(root, path)
    assert report.ok, report.lines()
    after = hashes(root)
    assert [f for f in after if after[f] != before[f]] == ["faq/notions.yaml"]
    text = (root / "faq/notions.yaml").read_text(encoding="utf-8")
    comments = [line for line in notions_before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in text.splitlines() for line in comments)
    assert load_knowledge(root).faq["definition-fablab"].answer == NEW_ANSWER
    again = load_workbook(exported(root, tmp_path, "again.xlsx"))["FAQ"]
    headers = [c.value for c in again[1]]
    row = next(r for r in again.iter_rows(min_row=2, values_only=True)
               if r[0] == "definition-fablab")
    assert row[headers.index("réponse")] == NEW_ANSWER


def test_broken_workbook_changes_nothing_and_names_sheet_row_column(
    root: Path, tmp_path: Path
) -> None:
    path = exported(root, tmp_path)
    theme_cell = edit(path, "FAQ", "definition-fablab", "thème", "theme-inconnu")
    date_cell = edit(path, "Lieux", "casaco", "vérifié le", "31/02/2026")
    before = hashes(root)
    report = import_workbook(root, path)
    assert not report.ok
    assert hashes(root) == before
    text = "\n".join(report.lines())
    assert "aucun fichier n'a été modifié" in text
    assert f"feuille « FAQ », ligne {theme_cell[1:]}, colonne « thème » ({theme_cell[0]})" in text
    assert "theme-inconnu" in text
    assert f"feuille « Lieux », ligne {date_cell[1:]}, colonne « vérifié le » ({date_cell[0]})" in text
    assert "n'est pas une date" in text


def test_a_formula_typed_in_a_cell_is_refused(root: Path, tmp_path: Path) -> None:
    path = exported(root, tmp_path)
    edit(path, "FAQ", "definition-fablab", "réponse", "=HYPERLINK(\"http://x\")")
    report = import_workbook(root, path)
    assert not report.ok and "formule" in "\n".join(report.lines())


def test_stale_workbook_names_the_newer_edits(root: Path, tmp_path: Path) -> None:
    old = exported(root, tmp_path, "old.xlsx")
    newer = copied(old, "newer.xlsx")  # two people download the same export
    edit(newer, "FAQ", "definition-fablab", "réponse", NEW_ANSWER)
    assert import_workbook(root, newer).ok
    edit(old, "FAQ", "definition-fablab", "réponse", "Une autre réponse, plus ancienne.")
    report = import_workbook(root, old, dry_run=True)
    assert report.ok and report.stale
    assert "definition-fablab" in report.stale[0] and "réponse" in report.stale[0]
    assert any("exporté avant des modifications" in line for line in report.lines())
    # An old workbook that leaves the newer edit alone is not stale.
    untouched = exported(root, tmp_path, "fresh.xlsx")
    edit(untouched, "FAQ", "definition-fablab", "vérifié le", date(2026, 12, 1))
    assert import_workbook(root, untouched, dry_run=True).stale == []


def test_cli_refuses_a_stale_workbook_unless_forced(root: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    old = exported(root, tmp_path, "old.xlsx")
    newer = copied(old, "newer.xlsx")  # two people download the same export
    edit(newer, "FAQ", "definition-fablab", "réponse", NEW_ANSWER)
    assert main(["import", str(newer), "--knowledge", str(root)]) == 0
    edit(old, "FAQ", "definition-fablab", "réponse", "Ancienne réponse.")
    before = hashes(root)
    assert main(["import", str(old), "--knowledge", str(root)]) == 1
    assert "--force" in capsys.readouterr().err and hashes(root) == before
    assert main(["import", str(old), "--knowledge", str(root), "--force"]) == 0


def test_french_spreadsheet_spellings_are_accepted_and_normalised(
    root: Path, tmp_path: Path
) -> None:
    path = exported(root, tmp_path)
    edit(path, "Lieux", "casaco", "statut", "Fermé")
    edit(path, "Lieux", "casaco", "commune", "boulogne")
    edit(path, "Lieux", "casaco", "date des faits", "31/12/2016")
    report = import_workbook(root, path)
    assert report.ok, report.lines()
    place = load_knowledge(root).places["casaco"]
    assert (place.status, place.commune, place.facts_date) == (
        "ferme", "Boulogne-Billancourt", "2016-12-31")


def test_csv_accepts_french_spellings_too(root: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(places_csv(load_knowledge(root)).lstrip("\ufeff")),
                               delimiter=";"))
    casaco = next(r for r in rows if r["id"] == "casaco")
    casaco.update(status="fermé", commune="Boulogne", checked_on="01/12/2026")
    path = tmp_path / "places.csv"
    path.write_text(write_csv(list(rows[0]), [list(r.values()) for r in rows]),
                    encoding="utf-8-sig")
    report = import_csv(root, path)
    assert report.ok, report.lines()
    place = load_knowledge(root).places["casaco"]
    assert (place.status, place.commune, place.checked_on) == (
        "ferme", "Boulogne-Billancourt", "2026-12-01")


def test_disk_full_on_the_second_file_changes_nothing(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = exported(root, tmp_path)
    edit(path, "FAQ", "definition-fablab", "réponse", NEW_ANSWER)
    edit(path, "Lieux", "casaco", "statut", "projet")
    real = yamlfiles._temp_copy
    calls = []

    def full_disk(target: Path, text: str) -> Path:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(target, text)

    monkeypatch.setattr(yamlfiles, "_temp_copy", full_disk)
    before = hashes(root)
    report = import_workbook(root, path)
    assert not report.ok and len(calls) == 2
    assert report.lines()[1] == ("  - écriture impossible (disque plein) : aucun fichier n'a été "
                                 "modifié, les connaissances restent celles d'avant")
    assert hashes(root) == before
    assert not [p for p in root.rglob(".*") if p.is_file()]  # no temporary file left
    load_knowledge(root)


def test_a_failed_swap_puts_the_originals_back(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {root / "faq/notions.yaml": "[]\n", root / "places.yaml": "[]\n"}
    real = os.replace
    calls = []

    def failing(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "I/O error")
        real(src, dst)

    before = hashes(root)
    monkeypatch.setattr(yamlfiles.os, "replace", failing)
    with pytest.raises(OSError):
        yamlfiles.write_all_or_nothing(files)
    monkeypatch.setattr(yamlfiles.os, "replace", real)
    assert hashes(root) == before


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="prlimit missing")
def test_disk_full_with_prlimit(root: Path, tmp_path: Path) -> None:
    """A real file-size limit (EFBIG past it): refused in one French line, nothing changed."""
    import subprocess
    import sys

    path = exported(root, tmp_path)
    edit(path, "FAQ", "definition-fablab", "réponse", NEW_ANSWER)
    edit(path, "Lieux", "casaco", "statut", "projet")
    limit = (root / "places.yaml").stat().st_size - 1000
    before = hashes(root)
    result = subprocess.run(
        ["prlimit", f"--fsize={limit}", sys.executable, "-m", "bot", "import", str(path),
         "--knowledge", str(root)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "impossible (disque plein" in result.stderr, result.stderr
    assert hashes(root) == before


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_cells_never_become_formulas(delimiter: str) -> None:
    hostile = ["bonjour\r=cmd|' /C calc'!A0", "bonjour;=cmd|' /C calc'!A0",
               "bonjour,+1", "@SUM(A1)", "\t-2", "a\n=1", "bel\x07esc\x1b[31m"]
    text = write_csv(["message"], [[h] for h in hostile])
    assert "\x07" not in text and "\x1b" not in text and "\r\n" in text
    # Whatever separator a spreadsheet splits on, no cell starts with a trigger.
    for line in text.replace("\r\n", "\n").split("\n"):
        for record in csv.reader([line], delimiter=delimiter):
            for cell in record:
                assert not cell.lstrip('"').lstrip().startswith(("=", "+", "-", "@", "\t")), cell
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [r[0] for r in records[1:]] == [csv_cell(h) for h in hostile]  # one quoted field each
    assert text.count('"') == 2 * len(records)


def test_knowledge_exports_are_guarded(root: Path) -> None:
    knowledge = load_knowledge(root)
    assert faq_csv(knowledge).startswith('"id";"theme"')
    assert csv_cell("=1+1") == "'=1+1"


def test_text_that_looks_like_a_formula_stays_text(root: Path, tmp_path: Path) -> None:
    path = exported(root, tmp_path)
    wb = load_workbook(path)
    ws = wb["FAQ"]
    column = next(c.column for c in ws[1] if c.value == "réponse")
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "definition-fablab")
    ws.cell(row, column).value = "=1+1, voilà ce qu'un tableur calculerait ; ici c'est du texte."
    ws.cell(row, column).data_type = "s"  # typed as text (as Excel does after a leading ')
    wb.save(path)
    assert import_workbook(root, path).ok
    again = exported(root, tmp_path, "again.xlsx")
    cell = load_workbook(again)["FAQ"].cell(row, column)
    assert cell.data_type == "s" and cell.value.startswith("=1+1")
    assert not import_workbook(root, again).changed
    assert faq_csv(load_knowledge(root)).count("'=1+1") == 1  # guarded in the CSV export


def test_a_workbook_that_unzips_to_too_much_is_refused_unread(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.knowledge import workbook

    path = exported(root, tmp_path)
    monkeypatch.setattr(workbook, "MAX_UNZIPPED", 1000)
    report = import_workbook(root, path)
    assert not report.ok and "trop volumineux" in report.lines()[1]


def test_not_a_workbook_is_a_french_error(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "faux.xlsx"
    path.write_bytes(b"PK\x03\x04 pas vraiment un classeur")
    report = import_workbook(root, path)
    assert not report.ok and "classeur illisible" in report.lines()[1]


def test_dry_run_of_a_stale_workbook_shows_the_warning(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = exported(root, tmp_path, "old.xlsx")
    newer = copied(old, "newer.xlsx")  # two people download the same export
    edit(newer, "FAQ", "definition-fablab", "réponse", NEW_ANSWER)
    assert main(["import", str(newer), "--knowledge", str(root)]) == 0
    edit(old, "FAQ", "definition-fablab", "réponse", "Ancienne réponse.")
    capsys.readouterr()
    assert main(["import", str(old), "--knowledge", str(root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "exporté avant des modifications plus récentes" in out and "Simulation" in out


def test_an_older_csv_is_flagged_by_its_checked_on_dates(root: Path, tmp_path: Path) -> None:
    def rows() -> list[dict[str, str]]:
        text = faq_csv(load_knowledge(root)).lstrip("\ufeff")
        return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))

    def write(name: str, records: list[dict[str, str]]) -> Path:
        path = tmp_path / name
        path.write_text(write_csv(list(records[0]), [list(r.values()) for r in records]),
                        encoding="utf-8-sig")
        return path

    old = rows()
    next(r for r in old if r["id"] == "definition-fablab")["checked_on"] = "2020-01-01"
    newer = rows()
    next(r for r in newer if r["id"] == "definition-fablab")["answer"] = NEW_ANSWER
    assert import_csv(root, write("newer.csv", newer)).ok
    report = import_csv(root, write("old.csv", old), dry_run=True)
    assert report.ok and len(report.stale) == 1 and "definition-fablab" in report.stale[0]
