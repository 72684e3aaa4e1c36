"""The knowledge of December 2026: the 2019 national listing in the directory, what changed
since 2015, and the corrections of the audit (``shared/knowledge-audit-2026-12.md``) — checked so
that they do not come back.
"""

from __future__ import annotations

import csv
import re
import unicodedata

import pytest

from bot.engine import Engine
from bot.knowledge import CLOSED_STATUSES, Knowledge
from bot.knowledge.export import to_json_data
from tests.conftest import SHARED

SOURCES = SHARED / "sources"
LISTING = SOURCES / "cget-tiers-lieux-2019-hauts-de-seine.csv"
SEED = SOURCES / "synthese-prospective-cahier12-p64-65.txt"
pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason="shared/ is not beside the repo")

MAX_SENTENCE_WORDS = 40
MAX_SENTENCES = 6
COPIED_RUN = 8  # words in a row identical to the seed text


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: « 6, Avenue Jean-Jaurès » → « 6 avenue jean jaures »."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def sentences(text: str) -> list[str]:
    # « A+ c'est mieux ! » is a name, not the end of a sentence
    return [s for s in re.split(r"(?<=[.!?…])\s+(?!»)", " ".join(text.split())) if s]


def listing_rows() -> list[dict[str, str]]:
    with LISTING.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def rows_in_the_92() -> list[dict[str, str]]:
    """The rows really in the Hauts-de-Seine with an address (README: one row is in the
    Yvelines, two have neither address nor commune)."""
    return [r for r in listing_rows() if r["CP"].startswith("92") and r["ADRESSE"].strip()]


def answers_and_descriptions(k: Knowledge) -> list[tuple[str, str]]:
    return [(f"faq {e.id}", e.answer) for e in k.faq.values()] + [
        (f"place {p.id}", p.description) for p in k.places.values() if p.description
    ]


# --------------------------------------------------------------------------- spec


def test_the_since_2015_table_of_the_spec_is_covered(knowledge: Knowledge) -> None:
    spec = (SHARED / "knowledge-spec.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `([a-z0-9-]+)` \|", spec, re.MULTILINE)
    assert len(table) == 11
    for entry_id in table:
        entry = knowledge.faq[entry_id]
        assert entry.sources and all(s.url for s in entry.sources), entry_id
        # checked against the sources when written, and again whenever staff re-check them
        assert entry.facts_date and entry.checked_on >= "2026-12-01", entry_id
        assert 8 <= len(entry.questions) <= 40, entry_id  # as many as the older entries at most
    assert knowledge.faq["electrolab"].place == "electrolab"


# --------------------------------------------------------------------------- directory


def place_named(k: Knowledge, name: str, commune: str):
    wanted = fold(name)
    return [
        p for p in k.places.values()
        if p.commune == commune and wanted in {fold(p.name), *(fold(a) for a in p.aliases)}
    ]


def test_every_listing_row_of_the_92_has_its_card_with_the_listing_address(
    knowledge: Knowledge,
) -> None:
    rows = rows_in_the_92()
    assert len(rows) == 39  # of 42: one in Viroflay (78), two without address or commune
    for row in rows:
        cards = place_named(knowledge, row["NOM_TL"], row["NOMCOM"])
        assert len(cards) == 1, row["NOM_TL"]
        place = cards[0]
        assert place.address, place.id
        assert fold(row["ADRESSE"]) in fold(place.address), place.id
        assert row["CP"] in place.address, place.id
        assert any("mission_coworking" in (s.url or "") for s in place.sources), place.id
        assert (place.lat, place.lon) == (float(row["LAT"]), float(row["LONG"])), place.id
        if row["WEB"] and row["WEB"] != "www.lecube.comfr":
            bare = re.sub(r"^(https?://)?(www\.)?", "", row["WEB"]).rstrip("/")
            assert place.website and bare in place.website, place.id


def test_the_malformed_website_is_left_out_not_repaired(knowledge: Knowledge) -> None:
    sites = " ".join(p.website or "" for p in knowledge.places.values())
    assert "lecube" not in sites


def test_no_place_outside_the_92_and_no_personal_contact(knowledge: Knowledge) -> None:
    for place in knowledge.places.values():
        assert "BUROL" not in place.name.upper(), place.id
        for postcode in re.findall(r"\b\d{5}\b", place.address or ""):
            assert postcode.startswith("92"), place.id
        text = " ".join(filter(None, (place.description, place.operator, place.address)))
        assert "@" not in text, place.id
    assert "Viroflay" not in " ".join(p.address or "" for p in knowledge.places.values())


def test_the_places_opened_renamed_or_closed_since_2015_have_their_cards(
    knowledge: Knowledge,
) -> None:
    for name, commune in [
        ("LAC (Lieu Alternatif Cool)", "Sèvres"),
        ("NIDA (Nid d'Idées d'Avenir)", "Issy-les-Moulineaux"),
        ("Fab Lab des Blagis", "Sceaux"),
        ("Le Toboggan", "Malakoff"),
        ("Electrolab", "Nanterre"),
        ("La Tréso", "Malakoff"),
    ]:
        assert place_named(knowledge, name, commune), name
    nextdoor = knowledge.places["nextdoor-issy"]
    assert "Wojo" in nextdoor.description and "2019" in nextdoor.description
    assert "CY Cergy Paris Université" in knowledge.places["faclab-gennevilliers"].operator
    assert knowledge.places["wework-bellini-la-defense"].status == "ferme"


@pytest.mark.parametrize("commune", ["Issy-les-Moulineaux", "Clichy", "Boulogne-Billancourt"])
def test_a_search_in_a_busy_commune_lists_at_least_three_places_there(
    engine: Engine, commune: str
) -> None:
    result = engine.directory.search(engine.knowledge.commune(commune), None)
    here = [p for p in result.local if p.commune == commune]
    assert len(here) >= 3


def test_closed_and_renamed_places_come_after_the_open_ones(engine: Engine) -> None:
    directory, knowledge = engine.directory, engine.knowledge
    for where in ("Issy-les-Moulineaux", "La Défense", "Courbevoie"):
        result = directory.search(knowledge.commune(where), None)
        closed = [p.status in CLOSED_STATUSES for p in result.local]
        assert any(closed), where
        assert closed == sorted(closed), where  # every open place before the first closed one
    nearby = [p.status in CLOSED_STATUSES for p, _ in directory.nearest(48.89, 2.24, limit=60)]
    assert nearby == sorted(nearby)


def test_distances_use_the_place_coordinates_when_the_sources_give_them(engine: Engine) -> None:
    # 10, rue Gaston-Lévy (Sceaux Smart): the nearest card is the one at that very position.
    place, km = engine.directory.nearest(48.777866, 2.28692, limit=1)[0]
    assert place.id == "sceaux-smart" and km == 0.0


def test_the_json_export_carries_the_coordinates(knowledge: Knowledge) -> None:
    [casaco] = [p for p in to_json_data(knowledge)["places"] if p["id"] == "casaco"]
    assert (casaco["lat"], casaco["lon"]) == (48.82161, 2.303004)


# --------------------------------------------------------------------------- style


def test_answers_have_at_most_six_sentences(knowledge: Knowledge) -> None:
    for entry in knowledge.faq.values():
        assert len(sentences(entry.answer)) <= MAX_SENTENCES, entry.id


def test_no_sentence_is_longer_than_forty_words(knowledge: Knowledge) -> None:
    for where, text in answers_and_descriptions(knowledge):
        for sentence in sentences(text):
            assert len(sentence.split()) <= MAX_SENTENCE_WORDS, (where, sentence)


def test_no_run_of_eight_words_is_copied_from_the_seed(knowledge: Knowledge) -> None:
    seed = re.sub(r"-\n", "", SEED.read_text(encoding="utf-8"))  # words cut at line ends
    words = fold(seed).split()
    runs = {" ".join(words[i : i + COPIED_RUN]) for i in range(len(words) - COPIED_RUN + 1)}
    for where, text in answers_and_descriptions(knowledge):
        mine = fold(text).split()
        for i in range(len(mine) - COPIED_RUN + 1):
            assert " ".join(mine[i : i + COPIED_RUN]) not in runs, (where, mine[i : i + COPIED_RUN])


# --------------------------------------------------------------------------- the audit


UNSUPPORTED_OR_PRESENT_TENSE = [
    "pilotées par ordinateur",
    "échanger des savoir-faire",
    "s'évitent ainsi le trajet",
    "contribuent donc",
    "sortir de l'isolement",
    "davantage que les murs",
    "sous les deux noms",
    "Casaco, à Malakoff, est une",
    "Sceaux Smart est porté",
    "Albert-Kahn sont le laboratoire",
    "loué ses locaux à la ville",
    # jargon the audit asks to avoid
    "montée en compétences",
    "écosystèmes innovants",
    "programmation du lieu",
    "socle",
]


def test_the_audit_findings_do_not_come_back(knowledge: Knowledge) -> None:
    readable = [(w, t) for w, t in answers_and_descriptions(knowledge)] + [
        (f"contact {c.id}", c.description or "") for c in knowledge.contacts.values()
    ] + [(f"place {p.id}", p.operator or "") for p in knowledge.places.values()]
    for where, text in readable:
        for phrase in UNSUPPORTED_OR_PRESENT_TENSE:
            assert phrase not in text, (where, phrase)
        assert not ("3 531 189" in text and "2011" in text), where  # the total is for 2010–2015
    assert knowledge.places["sceaux-smart"].operator != "association Sceaux Smart"
    for entry_id in ("statut-juridique", "definition-scic", "accompagnement-contact"):
        assert knowledge.faq[entry_id].contact != "cress-idf", entry_id
    assert all(s.url for s in knowledge.contacts["france-travail"].sources)


# The audit's « sources missing from an entry »: (entry, a piece of the URL that must be cited).
MISSING_SOURCES = [
    ("origine-notion", "trois-experimentations"),
    ("origine-notion", "typologie-des-tiers-lieux"),
    ("types-tiers-lieux", "makertour.fr/fr/workshops/faclab"),
    ("types-tiers-lieux", "kelnews.fr"),
    ("avantages-usagers", "page31.html"),
    ("avantages-usagers", "lelabo-ess.org"),
    ("la-defense", "marie-celie-guillaume"),
    ("animation-communaute", "page30.html"),
    ("experimentation", "doczz.fr/doc/2359361"),
    ("tour-france-teletravail", "trois-experimentations"),
    ("tour-france-teletravail", "quels-tiers-lieux-pour-les-hauts-de-seine"),
    ("neo-nomade", "trois-experimentations"),
    ("neo-nomade", "quels-tiers-lieux-pour-les-hauts-de-seine"),
    ("emploi-rsa", "gref-bretagne"),
    ("services-complementaires", "gref-bretagne"),
]


@pytest.mark.parametrize(("entry_id", "url_part"), MISSING_SOURCES)
def test_the_sources_the_audit_found_missing_are_cited(
    knowledge: Knowledge, entry_id: str, url_part: str
) -> None:
    assert any(url_part in (s.url or "") for s in knowledge.faq[entry_id].sources)
    assert any("Albert-Kahn" in s.title and "présentation" in s.title
               for s in knowledge.faq["entretiens-albert-kahn"].sources)


def test_the_undated_press_article_is_not_cited_as_2014(knowledge: Knowledge) -> None:
    for entry in knowledge.faq.values():
        for source in entry.sources:
            if "trois-experimentations" in (source.url or ""):
                assert not source.title.endswith("(2014)"), entry.id


def test_no_answer_mentions_a_year_after_its_facts_date(knowledge: Knowledge) -> None:
    """facts_date is the date of the newest fact used (the audit found 11 that were not)."""
    for entry in knowledge.faq.values():
        newest = int(entry.facts_date[:4])
        text = re.sub(r"d'ici (la fin de )?\d{4}", "", entry.answer)  # a target is no fact
        for year in re.findall(r"\b(?:19|20)\d{2}\b", text):
            assert int(year) <= newest, (entry.id, year, entry.facts_date)


def test_where_things_may_have_changed_the_answer_routes_to_the_official_page(
    knowledge: Knowledge,
) -> None:
    routes = {
        "aide-region": "iledefrance.fr/appel-projets-aide-la-creation-de-tiers-lieux",
        "progress-ess": "hauts-de-seine.fr",
        "teletravail-cadre": "service-public.fr",
        "hors-hauts-de-seine": "francetierslieux.fr",
    }
    for entry_id, route in routes.items():
        assert route in knowledge.faq[entry_id].answer, entry_id
    assert "dépassent ce que je sais" in knowledge.faq["teletravail-cadre"].answer
