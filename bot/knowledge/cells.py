"""Spreadsheet cells that cannot be weaponised, and the French spellings staff type in them.

A CSV cell is a formula in a spreadsheet when it starts with ``= + - @`` or a tab, also after a
``;`` (French Excel's separator), a ``,`` or a line break: every cell the bot writes goes
through :func:`csv_cell`, and :func:`uncsv_cell` takes the guard off again on import, so an
export → import round trip changes nothing. Workbook cells are written as strings (never
formulas) and only lose their control characters (:func:`plain_text`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but \t and \n (handled apart)
_TRIGGER = re.compile(r"(^|[;,\n])(\s*)([=+\-@\t])")
_GUARD = re.compile(r"(^|[;,\n])(\s*)'([=+\-@\t])")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FRENCH_DATE = re.compile(r"^(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})$")


def plain_text(value: object) -> str:
    """``value`` as text without control characters (line breaks kept as ``\\n``)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: no control character, no live formula."""
    text = plain_text(value).replace("\t", " ")
    return _TRIGGER.sub(lambda m: f"{m[1]}{m[2]}'{m[3]}", text)


def uncsv_cell(text: str) -> str:
    """The text :func:`csv_cell` guarded."""
    return _GUARD.sub(lambda m: f"{m[1]}{m[2]}{m[3]}", text)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV French Excel opens in columns: ``;``-separated, every field quoted, CRLF.

    (The UTF-8 BOM is added by whoever writes the file: :data:`CSV_ENCODING`.)
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


CSV_ENCODING = "utf-8-sig"  # with a BOM: Excel then reads accents right


def terminal_text(value: object) -> str:
    """Text safe to print on a terminal: no escape sequence, no bell, one line."""
    return " ".join(_CONTROL.sub(" ", plain_text(value)).split())


# ----------------------------------------------------------------------------- French input


def fold(text: str) -> str:
    """Case-, accent-, hyphen- and spacing-insensitive key (« Fermé » → « ferme »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("'", " ").replace("’", " ").split())


def iso_date(value: object) -> str | None:
    """A spreadsheet date as the knowledge writes it (AAAA-MM-JJ), or None if it is not one.

    Accepts real dates, ISO text, and the French forms JJ/MM/AAAA and MM/AAAA.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if _ISO.match(text):
        return text
    match = _FRENCH_DATE.match(text)
    if not match:
        return None
    day, month, year = match.groups()
    try:
        if day is None:
            date(int(year), int(month), 1)
            return f"{year}-{int(month):02d}"
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


__all__ = [
    "CSV_ENCODING", "csv_cell", "fold", "iso_date", "plain_text", "terminal_text",
    "uncsv_cell", "write_csv",
]
