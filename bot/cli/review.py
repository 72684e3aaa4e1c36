"""The review queue as a spreadsheet staff fill in: exported with French headers, and its
« décision » column imported back (attach the question to an entry, or dismiss it).

The import checks every row first and changes nothing if one is wrong, like the knowledge
import; each error names its row and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from bot.knowledge import Knowledge
from bot.knowledge.cells import fold, plain_text, uncsv_cell, write_csv
from bot.storage import ReviewGroup, ReviewItem

COLUMNS = ("n°", "nombre", "dernière fois", "motif", "raison du 👎", "entrée proposée ou donnée",
           "score", "message", "décision", "entrée à rattacher")
DECISIONS = ("rattacher", "ignorer", "traité")
_REASONS = {"unanswered": "sans réponse", "low_confidence": "réponse incertaine",
            "report": "signalement"}
SHEET = "À relire"


def _motif(group: ReviewGroup) -> str:
    return "pas utile (👎)" if group.note else _REASONS.get(group.reason, group.reason)


def _row(group: ReviewGroup) -> list[object]:
    return [group.item_id, group.count, group.last_seen[:16].replace("T", " "), _motif(group),
            group.note or "", group.suggested_id or "", f"{group.score:.0f}", group.message,
            "", ""]


def review_csv(groups: list[ReviewGroup]) -> str:
    """The queue as a CSV for French Excel (``;``, every cell guarded)."""
    return write_csv(COLUMNS, (_row(g) for g in groups))


def review_workbook(groups: list[ReviewGroup]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for col, name in enumerate(COLUMNS, 1):
        ws.cell(row=1, column=col, value=name).font = Font(bold=True)
    for row, group in enumerate(groups, 2):
        for col, value in enumerate(_row(group), 1):
            cell = ws.cell(row=row, column=col)
            if isinstance(value, int):
                cell.value = value
            else:
                cell.value = plain_text(value)
                cell.data_type = "s"  # never a formula
    for letter, width in zip("ABCDEFGHIJ", (8, 8, 17, 20, 20, 28, 7, 70, 12, 28), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    choice = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"',
                            allow_blank=True)
    ws.add_data_validation(choice)
    choice.add("I2:I5000")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class Decision:
    row: int
    item_id: int
    action: str  # "accepted" (attach, or a report dealt with) | "dismissed"
    entry_id: str | None = None


@dataclass
class Decisions:
    decisions: list[Decision] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows of a review CSV or workbook, by French header; or errors."""
    try:
        data = path.read_bytes()
    except OSError:
        return [], [f"fichier illisible : {path}"]
    if data[:4] == b"PK\x03\x04":
        try:
            ws = load_workbook(io.BytesIO(data)).worksheets[0]
        except Exception:  # a damaged workbook: openpyxl raises many kinds
            return [], ["classeur illisible : enregistrez-le au format Excel (.xlsx)"]
        table = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
    else:
        text = data.decode("utf-8-sig", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        table = [[uncsv_cell(c) for c in r]
                 for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if not table or [fold(h) for h in table[0][:len(COLUMNS)]] != [fold(c) for c in COLUMNS]:
        return [], ["ligne 1 : en-tête inattendu, partez d'un export de « review »"]
    rows = [(n, dict(zip(COLUMNS, r, strict=False))) for n, r in enumerate(table[1:], 2)]
    return rows, []


def decide(rows: list[tuple[int, dict[str, str]]], items: dict[int, ReviewItem | None],
           knowledge: Knowledge) -> Decisions:
    """Every filled « décision » cell, checked against the queue and the FAQ."""
    out = Decisions()
    for number, row in rows:
        decision = fold(row.get("décision") or "")
        if not decision:
            continue
        where = f"ligne {number}"
        try:
            item_id = int(float(row.get("n°") or ""))
        except ValueError:
            out.errors.append(f"{where}, colonne « n° » : numéro attendu")
            continue
        item = items.get(item_id)
        if item is None:
            out.errors.append(f"{where}, colonne « n° » : question n°{item_id} inconnue")
            continue
        if item.status != "open":
            continue  # already decided (in Telegram, or an earlier import): nothing to do
        if decision in ("ignorer", "ignore"):
            out.decisions.append(Decision(number, item_id, "dismissed"))
        elif decision in ("traite", "fait") and item.reason == "report":
            out.decisions.append(Decision(number, item_id, "accepted"))
        elif decision in ("rattacher", "ajouter", "attacher"):
            entry = (row.get("entrée à rattacher") or "").strip() or (
                None if item.note else item.suggested_id)
            if item.reason == "report":
                out.errors.append(f"{where}, colonne « décision » : un signalement ne se "
                                  "rattache pas, écrivez « traité » ou « ignorer »")
            elif not entry:
                out.errors.append(f"{where}, colonne « entrée à rattacher » : indiquez l'id "
                                  "d'une entrée de la FAQ")
            elif entry not in knowledge.faq:
                out.errors.append(f"{where}, colonne « entrée à rattacher » : « {entry} » "
                                  "n'est pas une entrée de la FAQ")
            else:
                out.decisions.append(Decision(number, item_id, "accepted", entry))
        else:
            out.errors.append(f"{where}, colonne « décision » : « {row.get('décision')} » "
                              f"inconnu (possibles : {', '.join(DECISIONS)})")
    return out


__all__ = ["COLUMNS", "Decision", "Decisions", "decide", "read_rows", "review_csv",
           "review_workbook"]
