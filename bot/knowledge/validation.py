"""Field checks and cross-references of the knowledge files, with precise French errors.

Every problem names its file, line, entry id and field; all of them are collected at once.
"""

from __future__ import annotations

import re
from datetime import date

from bot.knowledge.model import STAFF_CONTACT_ID, FaqEntry, Knowledge, Problem, Source
from bot.knowledge.yamlread import quote_hint

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FACTS_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


def _one_line(text: str) -> str:
    """A hand-written text as it is kept: runs of spaces and line breaks become one space."""
    return " ".join(text.split())


class _Entry:
    """Typed access to one YAML mapping that records problems instead of raising."""

    def __init__(self, data: dict, file: str, problems: list[Problem], label: str | None) -> None:
        self.data, self.file, self.problems = data, file, problems
        self.label = label
        self.line = getattr(data, "line", None)

    def problem(self, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, message, self.label, field_name, self.line))

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.data.get(name)
        if type(value) is not str or not value.strip():  # a non-empty text needs no more checks
            if value is None or (isinstance(value, str) and not value.strip()):
                if required:
                    self.problem(name, "champ obligatoire manquant ou vide")
                return None
            hint = quote_hint(value)
            if hint or not isinstance(value, str | int | float):
                self.problem(name, f"texte attendu : {hint}" if hint else "texte attendu")
                return None
        return _one_line(str(value)) if name != "answer" else str(value).strip()

    def url(self, name: str) -> str | None:
        """An optional web address: it must be absolute, or users get a dead link."""
        value = self.text(name, required=False)
        if value and not value.startswith(("http://", "https://")):
            self.problem(name, "l'adresse du site doit commencer par http:// ou https://")
            return None
        return value

    def coordinates(self) -> tuple[float | None, float | None]:
        """Optional ``lat``/``lon`` (WGS84 degrees): both numbers in range, or neither."""
        lat, lon = self.data.get("lat"), self.data.get("lon")
        if lat is None and lon is None:
            return None, None
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
            self.problem("lat", "lat et lon : deux nombres, ou aucun")
            return None, None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.problem("lat", "lat entre -90 et 90, lon entre -180 et 180 (degrés WGS84)")
            return None, None
        return float(lat), float(lon)

    def texts(self, name: str, required: bool = False, minimum: int = 0) -> tuple[str, ...]:
        value = self.data.get(name)
        if type(value) is list and len(value) >= max(minimum, 1):  # the usual case: texts
            cleaned = tuple(_one_line(v) if type(v) is str else "" for v in value)
            if all(cleaned):  # every one a non-empty text: what the checks below would accept
                return cleaned
        if value is None:
            if required:
                self.problem(name, "champ obligatoire manquant")
            return ()
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            for i, v in enumerate(value, 1):
                hint = quote_hint(v)
                if hint:
                    self.problem(name, f"élément n°{i} : {hint}")
                    return ()
        if not isinstance(value, list) or not all(
            isinstance(v, str | int | float) and str(v).strip() for v in value
        ):
            self.problem(name, "liste de textes non vides attendue")
            return ()
        if len(value) < minimum:
            self.problem(name, f"au moins {minimum} élément(s) attendu(s)")
        return tuple(_one_line(str(v)) for v in value)

    def date_text(self, name: str, full: bool = False) -> str:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problem(name, f"champ manquant : {name} (date "
                               + ("AAAA-MM-JJ" if full else "AAAA, AAAA-MM ou AAAA-MM-JJ, entre guillemets") + ")")
            return ""
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not _FACTS_DATE.match(value.strip()):
            self.problem(
                name,
                "date attendue au format AAAA-MM-JJ"
                if full
                else "date attendue au format AAAA, AAAA-MM ou AAAA-MM-JJ (entre guillemets)",
            )
            return ""
        if full and len(value.strip()) != 10:
            self.problem(name, "date complète attendue (AAAA-MM-JJ)")
        return value.strip()

    def sources(self) -> tuple[Source, ...]:
        value = self.data.get("sources")
        if not value:
            self.problem("sources", "au moins une source est obligatoire")
            return ()
        if not isinstance(value, list):
            self.problem("sources", "liste attendue")
            return ()
        out = []
        for i, item in enumerate(value, 1):
            if isinstance(item, str):
                out.append(Source(title=item, url=item if item.startswith("http") else None))
            elif isinstance(item, dict) and isinstance(item.get("title"), str):
                url = item.get("url")
                if url is not None and not (isinstance(url, str) and url.startswith("http")):
                    self.problem("sources", f"source n°{i} : l'url doit commencer par http")
                    url = None
                out.append(Source(title=_one_line(item["title"]), url=url))
            else:
                self.problem("sources", f"source n°{i} : il faut au moins un titre (title)")
        return tuple(out)

    def unknown_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(str(key), "champ inconnu (faute de frappe ?)")


_FAQ_KEYS = {
    "id", "theme", "audience", "questions", "keywords", "answer", "sources", "facts_date",
    "checked_on", "related", "contact", "place",
}
_PLACE_KEYS = {
    "id", "name", "aliases", "commune", "area", "type", "status", "operator", "description",
    "services", "address", "website", "lat", "lon", "faq", "sources", "facts_date", "checked_on",
}
_CONTACT_KEYS = {"id", "name", "description", "website", "email", "phone", "address", "sources"}


def _checked_id(entry: _Entry, seen: dict[str, str], kind: str) -> str | None:
    raw = entry.data.get("id")
    if not isinstance(raw, str) or not _ID.match(raw):
        entry.problem("id", "identifiant attendu : minuscules, chiffres et tirets (ex. mon-entree)")
        return None
    entry.label = raw
    if raw in seen:
        entry.problem("id", f"identifiant déjà utilisé par une autre {kind} ({seen[raw]})")
        return None
    seen[raw] = f"{entry.file}:{entry.line}"
    return raw


def _cross_check(k: Knowledge, problems: list[Problem]) -> None:
    """References between files: themes, related, contacts, places."""
    for entry in k.faq.values():
        def bad(field_name: str, message: str, entry: FaqEntry = entry) -> None:
            problems.append(Problem(entry.file, message, entry.id, field_name, entry.line))

        if entry.theme and entry.theme not in k.themes:
            bad("theme", f"thème « {entry.theme} » absent de themes.yaml")
        for rid in entry.related:
            if rid not in k.faq:
                bad("related", f"« {rid} » n'est pas une entrée de la FAQ")
            elif rid == entry.id:
                bad("related", "une entrée ne peut pas renvoyer vers elle-même")
        if entry.contact and entry.contact != STAFF_CONTACT_ID and entry.contact not in k.contacts:
            bad("contact", f"« {entry.contact} » absent de contacts.yaml")
        if entry.place and entry.place not in k.places:
            bad("place", f"« {entry.place} » absent de places.yaml")
    for place in k.places.values():
        if place.faq and place.faq not in k.faq:
            problems.append(
                Problem("knowledge/places.yaml", f"« {place.faq} » n'est pas une entrée de la FAQ",
                        place.id, "faq", place.line)
            )
    for area in (c for c in k.communes if c.is_area):
        for name in area.communes:
            known = k.commune(name)
            if known is None or known.is_area:
                problems.append(
                    Problem("knowledge/communes.yaml", f"« {name} » n'est pas une commune",
                            area.name, "communes")
                )
