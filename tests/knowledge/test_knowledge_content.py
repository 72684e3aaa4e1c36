"""The shipped knowledge: complete, dated, sourced — and nothing invented.

Every URL, e-mail address, phone number, year and euro amount that a user can read must also
appear in ``shared/sources/``: the assistant speaks for a public body and must not make up a
contact or a figure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import PLACE_TYPES, Knowledge
from tests.conftest import SHARED

SPEC = SHARED / "knowledge-spec.md"
SOURCES = SHARED / "sources"
pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason="shared/ is not beside the repo")

URL = re.compile(r"https?://[^\s<>\"')»]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+33[\s.]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
EURO = re.compile(r"(\d[\d\s\u202f\u00a0.,]*)\s*(?:k\s*)?(?:€|euros?\b)", re.IGNORECASE)


def spec_ids() -> list[str]:
    """The ids of the spec's lists (« - `id` — … ») and of its « Since 2015 » table."""
    spec = SPEC.read_text(encoding="utf-8")
    return re.findall(r"^- `([a-z0-9-]+)` —", spec, re.MULTILINE) + re.findall(
        r"^\| `([a-z0-9-]+)` \|", spec, re.MULTILINE
    )


def sources_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*")))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def bare_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/.,;")


def readable_texts(k: Knowledge) -> list[tuple[str, str]]:
    """(where, text) for everything a user can read."""
    out = [(f"faq {e.id}", e.answer) for e in k.faq.values()]
    for p in k.places.values():
        fields = (p.name, p.description, p.operator, p.address, p.website, *p.services)
        out += [(f"place {p.id}", f) for f in fields if f]
    for c in k.contacts.values():
        fields = (c.name, c.description, c.website, c.email, c.phone, c.address)
        out += [(f"contact {c.id}", f) for f in fields if f]
    return out


def test_every_spec_id_exists(knowledge: Knowledge) -> None:
    missing = [i for i in spec_ids() if i not in knowledge.faq]
    assert len(spec_ids()) >= 61
    assert missing == []


def test_every_entry_is_sourced_dated_and_has_enough_phrasings(knowledge: Knowledge) -> None:
    for entry in knowledge.faq.values():
        assert entry.sources, entry.id
        assert entry.facts_date and entry.checked_on, entry.id
        assert len(entry.questions) >= 6, entry.id
        assert 1 <= entry.answer.count(".") + entry.answer.count("?") + entry.answer.count("!")
    for place in knowledge.places.values():
        assert place.sources and place.facts_date and place.checked_on, place.id
        assert place.type in PLACE_TYPES


def test_urls_emails_and_phones_come_from_the_sources(knowledge: Knowledge) -> None:
    source = sources_text()
    # The national listing gives some websites without their scheme (« www.kwerk.fr »).
    bare_sites = re.findall(r"\bwww\.[^\s,<>\"')»]+", source)
    source_urls = {bare_url(u) for u in URL.findall(source) + ["http://" + s for s in bare_sites]}
    source_digits = digits(source)
    for where, text in readable_texts(knowledge):
        for url in URL.findall(text):
            assert any(s.startswith(bare_url(url)) for s in source_urls), (where, url)
        for email in EMAIL.findall(text):
            assert email in source, (where, email)
        for phone in PHONE.findall(text):
            assert digits(phone) in source_digits, (where, phone)


def test_years_and_euro_amounts_come_from_the_sources(knowledge: Knowledge) -> None:
    source = sources_text()
    years = set(YEAR.findall(source))
    amounts = {digits(m) for m in EURO.findall(source)} | {
        digits(m) for m in re.findall(r"\d[\d,.\s]*\d", source)
    }
    for where, text in readable_texts(knowledge):
        for year in YEAR.findall(text):
            assert year in years, (where, year)
        for amount in EURO.findall(text):
            assert digits(amount) in amounts, (where, amount)


def test_facts_hygiene(knowledge: Knowledge) -> None:
    everything = "\n".join(text for _, text in readable_texts(knowledge))
    assert "John Florida" not in everything
    assert "Rolland" not in everything
    assert "Richard Florida" in knowledge.faq["classe-creative"].answer
    assert "Intencity" in knowledge.faq["intencity"].answer
    assert "juin 2014" in knowledge.faq["tour-france-teletravail"].answer
    assert "mai 2014" not in knowledge.faq["tour-france-teletravail"].answer
    assert "NOTRe" in knowledge.faq["politique-apres-2015"].answer
    assert "Paris La Défense" in knowledge.faq["gestion-la-defense"].answer


def test_no_staff_contact_is_invented(knowledge: Knowledge) -> None:
    assert "equipe" not in knowledge.contacts  # the deployment sets it in its configuration


def test_directory_covers_the_places_of_the_fact_sheet(knowledge: Knowledge) -> None:
    names = " ".join(p.name for p in knowledge.places.values()).lower()
    for expected in ("casaco", "sceaux smart", "jokkolabs", "faclab", "intencity", "nextdoor",
                     "kwerk", "sun project", "château de nanterre", "tréso"):
        assert expected in names, expected
    communes = {c.name for c in knowledge.communes if not c.is_area}
    assert len(communes) == 36
    assert all(p.commune in communes for p in knowledge.places.values() if p.commune)


def test_answers_are_short_and_use_vouvoiement(knowledge: Knowledge) -> None:
    for entry in knowledge.faq.values():
        assert len(entry.answer) <= 1200, entry.id
        assert not re.search(r"\b(tu|te|ton|ta|tes)\b", entry.answer), entry.id


def test_knowledge_path_is_repo_or_package() -> None:
    from bot.knowledge import default_knowledge_path

    assert (default_knowledge_path() / "faq").is_dir()
    assert Path(default_knowledge_path()).name in {"knowledge", "_knowledge"}
