"""A place asked for by its name alone, as people do after seeing it in a list: « la tréso »,
« les fabriqueurs », « The Sun Project », a chain's brand (« Morning Coworking »)."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.reply import ReplyKind
from tests.support.conversation import talk


@pytest.mark.parametrize(("message", "name"), [
    ("la tréso", "La Tréso"),
    ("les fabriqueurs", "Les Fabriqueurs"),  # not the Fabriques de territoire label
    ("Fab Lab des Blagis", "Fab Lab des Blagis"),  # not the definition of a fab lab
    ("le Fab Lab des Blagis c'est quoi ?", "Fab Lab des Blagis"),
    ("Start-way Montrouge", "Start-way Montrouge"),  # « start » is no « créer » here
    ("sun project courbevoie", "The Sun Project"),
])
def test_a_place_named_alone_gets_its_card(engine: Engine, message: str, name: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.PLACES
    assert [p.name for p in reply.places] == [name]


@pytest.mark.parametrize("message", [
    "The Sun Project", "The Sun Project courbevoie", "Time Work Space puteaux",
])
def test_an_english_place_name_is_no_english_message(engine: Engine, message: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.PLACES
    assert "French only" not in reply.text


def test_a_name_from_the_list_just_shown_gets_its_card(engine: Engine) -> None:
    listed, named = talk(engine, "tiers lieu malakoff", "la tréso")
    assert "La Tréso" in [p.name for p in listed.places]
    assert [p.name for p in named.places] == ["La Tréso"]


def test_a_chain_s_brand_lists_its_branches(engine: Engine) -> None:
    reply = engine.reply("Morning Coworking c'est quoi ?")
    assert reply.kind is ReplyKind.PLACES and len(reply.places) >= 5
    assert all(p.name.startswith("Morning") for p in reply.places)
    assert reply.text.startswith(f"Je connais {len(reply.places)} lieux de ce nom")
    two = engine.reply("Trèfle Marcel Sembat et Trèfle Corentin Celton")
    assert two.text.startswith(
        "Voici ce que je sais du Trèfle Marcel Sembat et du Trèfle Corentin Celton")


def test_a_question_about_a_named_place_with_an_entry_is_still_that_entry(
        engine: Engine) -> None:
    reply = engine.reply("l'electrolab va fermer ?")
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "electrolab"


def test_the_kind_asked_comes_soon_when_the_commune_has_none(engine: Engine) -> None:
    reply = engine.reply("fablab Boulogne")
    assert reply.places[0].commune == "Boulogne-Billancourt"  # the commune's places first…
    assert [p.type for p in reply.places[2:]] == ["fablab"] * (len(reply.places) - 2)
    assert "Voici 2 des " in reply.text and "puis les fab labs les plus proches" in reply.text
    assert "« tiers-lieux à Boulogne-Billancourt » pour tous" in reply.text


def test_a_closed_place_is_no_place_to_go(engine: Engine) -> None:
    listed = engine.reply("un coworking à la défense svp")
    assert listed.places and all(p.status != "ferme" and "WeWork" not in p.name
                                 for p in listed.places)
    assert engine.reply("WeWork Bellini").places[0].name.startswith("WeWork")  # still its card


def test_a_greeting_before_a_search_is_that_search(engine: Engine) -> None:
    asked, listed = talk(engine, "bonjour je cherche un fablab", "a nanterre")
    assert asked.kind is ReplyKind.CLARIFY and "Dans quelle commune" in asked.text
    assert listed.kind is ReplyKind.PLACES and listed.places[0].type == "fablab"


def test_a_place_s_contact_agrees_with_its_card(engine: Engine) -> None:
    reply = engine.reply("Sceaux Smart c'est toujours ouvert ?")
    assert all("ni adresse ni site" not in (c.description or "") for c in reply.contacts)


def test_lieux_alone_asks_for_the_commune(engine: Engine) -> None:
    reply = engine.reply("/lieux")
    assert reply.kind is ReplyKind.CLARIFY and "Dans quelle commune" in reply.text
    assert engine.reply("/lieux Malakoff").commune == "Malakoff"


@pytest.mark.parametrize(("message", "detail"), [
    ("y a du wifi ?", "le wifi"),
    ("accessible en fauteuil roulant ?", "l'accès en fauteuil roulant"),
    ("je suis en fauteuil roulant, les coworkings sont accessibles ?",
     "l'accès en fauteuil roulant"),
    ("il y a un parking ?", "le stationnement"),
])
def test_a_visit_detail_asked_of_no_place_is_said_honestly(engine: Engine, message: str,
                                                           detail: str) -> None:
    reply = engine.reply(message)
    assert reply.text.startswith(f"Mes sources ne donnent pas d'information sur {detail}")
    assert "« coworking à Nanterre »" in reply.text


@pytest.mark.parametrize(("follow_up", "detail"), [
    ("salle de réu ?", "d'information sur les salles de réunion"),
    ("et le tel ?", "de numéro de téléphone"),
    ("faut s'inscrire ?", "les conditions d'inscription"),
])
def test_a_visit_detail_after_a_list_is_said_of_the_place_in_view(
        engine: Engine, follow_up: str, detail: str) -> None:
    listed, reply = talk(engine, "un coworking à Montrouge", follow_up)
    place = listed.places[0]
    assert reply.text.startswith(f"Mes sources ne donnent pas {detail}")
    assert place.name in reply.text.split("\n")[0] and reply.places[0].id == place.id


def test_who_runs_a_place_is_said_not_given_with_its_card(engine: Engine) -> None:
    reply = engine.reply("Qui dirige l'Electrolab ?")
    assert reply.text.startswith("Mes sources ne donnent pas le nom des responsables de "
                                 "l'Electrolab")
    assert reply.places and reply.places[0].name == "Electrolab"


def test_a_meeting_room_in_a_commune_is_a_search_naming_the_places_that_have_one(
        engine: Engine) -> None:
    reply = engine.reply("salle de reunion a issy")  # fell back: no workspace word
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Issy-les-Moulineaux"
    malakoff = engine.reply("coworking avec salle de réunion à Malakoff")
    first = malakoff.text.split("\n")[0]  # Casaco's entry speaks of its meeting rooms
    assert first.startswith("Mes sources ne donnent pas d'information sur les salles de réunion")
    assert "sauf pour Casaco" in first


def test_open_when_is_the_hours_and_opened_when_a_date(engine: Engine) -> None:
    _, hours = talk(engine, "un fab lab à Malakoff", "c'est ouvert quand ?")
    assert hours.text.startswith("Mes sources ne donnent pas les horaires")
    # the LAC's card says « ouvert en semaine aux heures de bureau »: no « pas les horaires »
    _, lac = talk(engine, "c'est quoi le LAC à Sèvres ?", "c'est ouvert quand ?")
    assert not lac.text.startswith("Mes sources ne donnent pas les horaires")
    _, since = talk(engine, "Qu'est-ce que Casaco ?", "ça a ouvert quand ?")
    assert not since.text.startswith("Mes sources ne donnent pas les horaires")


def test_joining_a_network_is_no_visit_detail_of_the_places(engine: Engine) -> None:
    _, reply = talk(engine, "c'est quoi France Tiers-Lieux ?", "comment adhérer ?")
    assert "conditions d'inscription des lieux" not in reply.text
    assert not engine.reply("un tel lieu existe à Nanterre ?").text.startswith(
        "Mes sources ne donnent pas de numéro")


@pytest.mark.parametrize("message", ["allocation handicap MDPH 92", "transport scolaire handicap"])
def test_a_word_of_a_visit_detail_in_another_request_is_no_visit_detail(
        engine: Engine, message: str) -> None:
    # each got « Mes sources ne donnent pas d'information sur l'accès en fauteuil roulant… »
    assert not engine.reply(message).text.startswith("Mes sources ne donnent pas"), message


def test_services_a_project_offers_are_no_visit_detail(engine: Engine) -> None:
    reply = engine.reply("cest koi le minimum a avoir ds un coworking wifi imprimante ?")
    assert not reply.text.startswith("Mes sources ne donnent pas")
    home = engine.reply("Mon wifi ne marche plus à la maison, comment réinitialiser ma box ?")
    assert home.kind is ReplyKind.FALLBACK


def test_a_typo_in_the_kind_of_place_still_searches_for_it(engine: Engine) -> None:
    reply = engine.reply("cowoking issy les moulino")
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Issy-les-Moulineaux"
    assert reply.place_type == "coworking"


def test_a_project_asking_for_grants_offers_today_s_grants(engine: Engine) -> None:
    reply = engine.reply("Je veux monter un tiers-lieu à Gennevilliers : quelles subventions et "
                         "qui contacter ?")
    assert reply.entry_id == "creer-tiers-lieu"
    assert "aides-aujourdhui" in [s.id for s in reply.suggestions[:2]]


@pytest.mark.parametrize(("message", "commune"), [
    ("est ce qu'il y a un fab lab a puto", "Puteaux"),
    ("coworking kolomb", "Colombes"),
])
def test_a_commune_written_as_it_sounds_is_that_commune(engine: Engine, message: str,
                                                        commune: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.PLACES and reply.commune == commune
    assert reply.text.startswith(f"Je pense que vous parlez de {commune}")
    assert engine.reply("coworking a rouen").kind is not ReplyKind.PLACES


def test_near_home_comes_first_when_the_letter_says_where_home_is(engine: Engine) -> None:
    reply = engine.reply(
        "Bonjour, je suis salarié d'une entreprise située à La Défense et je peux télétravailler "
        "deux jours par semaine. Mon domicile à Antony est petit et je souhaiterais un espace "
        "de travail partagé à proximité, que mon employeur pourrait prendre en charge. "
        "Pourriez-vous m'indiquer les lieux existants ?")
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Antony"
    assert reply.text.startswith("Voici les lieux que je connais autour d'Antony et La Défense")
    assert reply.places[0].commune != "Courbevoie"  # Antony has none: its nearest come first
    assert "teletravail-cadre" in [s.id for s in reply.suggestions]


def test_two_communes_with_nothing_known_still_say_so(engine: Engine) -> None:
    reply = engine.reply("j'habite à Garches et je travaille à Vaucresson, un coworking ?")
    assert "ni à Garches ni à Vaucresson" in reply.text


@pytest.mark.parametrize("message", [
    "combien de fab labs dans le département",
    "je cherche une imprimante 3D en accès libre dans le 92",
    "les fablabs des hauts-de-seine",
    # sure of the definition of a fab lab, which names only the one of 2014 at Gennevilliers
    "les fab labs du 92",
    "salut, j'ai besoin d'une imprimante 3D pour un projet perso, ya un fablab dans le 92 ?",
])
def test_a_kind_the_directory_has_few_of_is_listed_for_the_whole_departement(
        engine: Engine, message: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.PLACES and len(reply.places) >= 5
    assert {p.type for p in reply.places} == {"fablab"}
    assert reply.text.startswith(f"Mes sources citent {len(reply.places)} fab labs dans les "
                                 "Hauts-de-Seine")


def test_a_kind_it_has_none_of_in_the_92_is_said_with_what_it_is(engine: Engine) -> None:
    reply = engine.reply("ya til un telecentre dans le 92")  # the definition alone, as if some
    assert reply.entry_id == "definition-telecentre"
    assert reply.text.startswith("Mes sources ne citent pas de télécentres en activité dans les "
                                 "Hauts-de-Seine.")


def test_a_kind_it_has_many_of_still_asks_for_the_commune(engine: Engine) -> None:
    assert engine.reply("je cherche un coworking dans le 92").kind is not ReplyKind.PLACES
    # and a definition asked of the 92 is still the definition
    assert engine.reply("qu'est-ce qu'un fab lab dans le 92 ?").entry_id == "definition-fablab"


def test_the_lac_of_sevres_by_its_short_name(engine: Engine) -> None:
    reply = engine.reply("C'est quoi le LAC à Sèvres ?")
    assert [p.id for p in reply.places] == ["lac-sevres"]


def test_a_repair_cafe_in_a_commune_is_a_project(engine: Engine) -> None:
    reply = engine.reply("Je veux monter un repair café à Clamart")
    assert reply.entry_id == "creer-tiers-lieu" and reply.commune == "Clamart"


def test_a_kind_the_directory_has_none_of_is_said_so_not_mislabelled(engine: Engine) -> None:
    reply = engine.reply("télécentre à Nanterre")
    assert reply.text.startswith("Mon annuaire ne compte aucun télécentre dans les Hauts-de-Seine")
    assert "les télécentres les plus proches" not in reply.text
    assert reply.places and reply.places[0].commune == "Nanterre"


def test_a_distance_is_given_only_from_a_place_s_own_position(engine: Engine) -> None:
    """The business centres the Cahier n°12 names have no address: « à environ 1 km » of a
    station, measured from their commune's centre, was made up. They come after the places at
    a known spot, with no distance."""
    reply = engine.reply("Je cherche un espace de travail près du métro Pont de Sèvres")
    known = engine.knowledge.places
    for card in reply.places:
        place = known[card.id]
        assert (card.distance_km is None) == (place.lat is None)
    assert all(known[c.id].address for c in reply.places[:4])


def test_name_only_places_close_a_commune_s_list(engine: Engine) -> None:
    reply = engine.reply("coworking à Boulogne-Billancourt")
    statuses = [(card.status == "inconnu" and not card.address) for card in reply.places]
    assert statuses == sorted(statuses)  # the known-by-name-only ones last


def test_a_branch_called_by_its_brand_and_commune_is_that_branch(engine: Engine) -> None:
    # « regus boulogne » fell back though Regus (Boulogne-Billancourt) is listed (QA20, QA22)
    assert [p.id for p in engine.reply("regus boulogne").places] == ["regus-boulogne"]
    assert [p.id for p in engine.reply("Multiburo La Défense").places] == [
        "multiburo-la-defense"]


def test_none_of_a_feminine_kind_agrees(engine: Engine) -> None:
    assert "aucune pépinière d'entreprises" in engine.reply("pépinière à Nanterre").text
    assert "aucun fab lab à Meudon" in engine.reply("fablab à Meudon").text
