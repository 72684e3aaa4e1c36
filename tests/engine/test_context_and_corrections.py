"""Conversations where the words around the question say who asks, thank, or correct: an
elected official's commune, « merci, et pour financer ? », « non, je voulais dire Clamart »."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.compose import for_name, of
from bot.engine.reply import ReplyKind, footer_line
from tests.support.conversation import talk


@pytest.mark.parametrize(("message", "entry_id"), [
    ("je suis élue à Antony, que fait le département pour les tiers lieux ?",
     "role-departement"),
    ("je suis journaliste à Boulogne, combien de tiers-lieux dans le 92 ?",
     "couverture-territoire"),
])
def test_the_commune_of_who_asks_is_no_search(engine: Engine, message: str,
                                              entry_id: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == entry_id
    assert not reply.places


@pytest.mark.parametrize("message", [
    "un coworking à Nanterre ?",
    "y a des tiers lieux à Boulogne ?",
    "il y a un tiers lieu à Sceaux ?",
    "tiers lieux à Clamart",
])
def test_a_search_in_a_commune_is_still_a_search(engine: Engine, message: str) -> None:
    assert engine.reply(message).kind is ReplyKind.PLACES


def test_thanks_that_open_a_follow_up_are_that_follow_up(engine: Engine) -> None:
    replies = talk(engine, "coworking à Boulogne", "super merci, et a Clamart ?")
    assert replies[1].kind is ReplyKind.PLACES and replies[1].commune == "Clamart"
    assert engine.reply("merci et bonne journée").kind is ReplyKind.SMALLTALK


def test_thanks_before_a_question_do_not_swallow_it(engine: Engine) -> None:
    reply = engine.reply("merci, et pour financer ?")
    assert reply.kind is not ReplyKind.SMALLTALK


def test_a_correction_of_the_commune_searches_there(engine: Engine) -> None:
    replies = talk(engine, "coworking a clamar", "non je voulais dire Boulogne", "l'adresse ?")
    assert replies[1].kind is ReplyKind.PLACES
    assert replies[1].commune == "Boulogne-Billancourt"
    assert replies[2].places and replies[2].places[0].id == replies[1].places[0].id


def test_a_rank_beyond_the_list_says_so_and_shows_it_again(engine: Engine) -> None:
    shown, beyond, second = talk(engine, "coworking à Rueil", "le 5e", "le deuxième")
    assert len(shown.places) == 2
    assert beyond.text.startswith("La liste ne compte que 2 lieux")
    assert [p.id for p in beyond.places] == [p.id for p in shown.places]
    assert second.places[0].id == shown.places[1].id


def test_a_date_after_de_is_elided_as_french_writes_it() -> None:
    assert footer_line(["Casaco"], "2019-04").endswith("informations datées d'avril 2019.")
    assert footer_line(["Casaco"], "2019-05").endswith("informations datées de mai 2019.")


@pytest.mark.parametrize(("message", "intent"), [
    ("connard", "insult"),
    ("je ne comprends pas votre réponse", "insult"),  # a complaint: apology and /signaler
    ("tu peux faire quoi ?", "help"),
])
def test_more_small_talk_is_small_talk(engine: Engine, message: str, intent: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.SMALLTALK and reply.smalltalk_intent == intent


def test_how_much_after_a_grant_gives_its_amounts_not_a_desk_price(engine: Engine) -> None:
    grant, amounts = talk(engine, "quelles aides de la région pour créer un tiers-lieu ?",
                          "c'est combien ?")
    assert grant.entry_id == "aide-region"
    assert amounts.entry_id == "aide-region" and "200 000 €" in amounts.text
    assert amounts.text.startswith("Les montants que donnent mes sources")
    desk = talk(engine, "qu'est-ce qu'un tiers-lieu ?", "c'est combien ?")[1]
    assert desk.entry_id == "tarifs"
    # « max » says which amount (it fell back)
    most = talk(engine, "la Région aide les tiers-lieux ?", "c'est combien le montant max ?")[1]
    assert most.entry_id == "aide-region" and "200 000 €" in most.text


def test_two_communes_with_no_place_get_the_nearest(engine: Engine) -> None:
    reply = engine.reply("coworking à Garches ou Vaucresson")
    assert reply.kind is ReplyKind.PLACES
    assert reply.text.startswith(
        "Je ne connais aucun espace de coworking ni à Garches ni à Vaucresson dans mes sources.")
    assert reply.places and all(p.distance_km is not None for p in reply.places)
    distances = [p.distance_km for p in reply.places]
    assert distances == sorted(distances)


@pytest.mark.parametrize("message", ["coworking a nanter", "je cherche un coworking a nanter"])
def test_a_typo_after_a_is_still_the_commune(engine: Engine, message: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Nanterre"


@pytest.mark.parametrize("message", ["?", "...", "!!!"])
def test_punctuation_alone_gets_how_to_ask(engine: Engine, message: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.SMALLTALK and reply.smalltalk_intent == "help"


def test_a_search_without_a_commune_asks_where_then_keeps_the_kind(engine: Engine) -> None:
    asked, found = talk(engine, "je cherche un fablab", "Nanterre")
    assert asked.kind is ReplyKind.CLARIFY
    assert asked.text.startswith("Dans quelle commune des Hauts-de-Seine cherchez-vous ?")
    assert [s.id for s in asked.suggestions] == ["trouver-tiers-lieu"]
    assert found.kind is ReplyKind.PLACES and found.place_type == "fablab"
    assert engine.reply("je cherche un bureau").kind is ReplyKind.CLARIFY


def test_the_hours_of_a_train_are_no_visit_detail(engine: Engine) -> None:
    reply = engine.reply("horaires du RER A")
    assert reply.kind is ReplyKind.FALLBACK
    assert "horaires des lieux" not in reply.text


def test_printing_in_3d_near_a_commune_is_a_search_for_a_fab_lab(engine: Engine) -> None:
    reply = engine.reply("ou imprimer en 3d pres de gennevilliers")
    assert reply.kind is ReplyKind.PLACES and reply.place_type == "fablab"


def test_a_place_of_the_next_commune_does_not_block_the_search(engine: Engine) -> None:
    reply = engine.reply("chatenay malabry tiers lieu")  # Sceaux Smart's entry names Châtenay
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Châtenay-Malabry"


def test_is_it_free_after_the_faclab_says_what_its_entry_says(engine: Engine) -> None:
    reply = talk(engine, "fablab a gennevilliers", "c'est gratuit ?")[1]
    assert reply.entry_id == "faclab-gennevilliers"
    assert "ne donnent pas de tarif" not in reply.text
    assert reply.text.startswith("Ce que mes sources disent des prix du FacLab") and (
        "gratuit" in reply.text)


def test_the_price_of_a_place_is_said_first_not_buried_in_its_description(
        engine: Engine) -> None:
    # after Malakoff's list, Casaco's whole description came back, its price in sentence six
    price = talk(engine, "tiers lieu malakoff", "c combien")[1]
    assert price.entry_id == "casaco" and "250 € HT par mois" in price.text
    assert "67 000 €" not in price.text  # a grant is no price


def test_a_list_asked_with_a_price_names_the_places_whose_sources_give_one(
        engine: Engine) -> None:
    # « ne donnent pas les tarifs actuels de ces lieux » above the FacLab's « gratuit »
    reply = engine.reply("c gratuit le fablab de gennevilliers ?")
    assert "sauf pour le FacLab de Gennevilliers" in reply.text
    assert "prix du FacLab" in engine.reply("prix du FacLab de Gennevilliers").text


def test_a_price_on_a_places_card_is_not_denied(engine: Engine) -> None:
    # « Mes sources ne donnent pas de tarif pour le Toboggan », its card saying 12 € le m²
    price = talk(engine, "le Toboggan", "Combien coûte un espace là-bas ?")[1]
    assert "12 € le m² par mois" in price.text and "ne donnent pas de tarif" not in price.text
    assert [p.id for p in price.places] == ["le-toboggan-malakoff"]


def test_names_that_open_on_a_common_noun_take_its_article() -> None:
    assert of("FacLab de Gennevilliers") == "du FacLab de Gennevilliers"
    assert of("Electrolab") == "de l'Electrolab"
    assert of("Casaco") == "de Casaco"
    assert for_name("Le Trèfle Marcel Sembat") == "le Trèfle Marcel Sembat"
    assert for_name("FacLab de Gennevilliers") == "le FacLab de Gennevilliers"
    assert for_name("La Tréso") == "La Tréso"


def test_are_there_some_after_a_definition_of_a_kind_none_of_which_is_listed(engine: Engine) -> None:
    # of the département, a kind none of which is listed: said, and another place offered
    _, none, other = talk(engine, "c'est quoi un télécentre ?", "et il y en a dans le 92 ?",
                          "Boulogne")
    assert none.text.startswith("Mes sources ne citent pas de télécentres en activité")
    assert other.kind is ReplyKind.PLACES and other.commune == "Boulogne-Billancourt"


def test_a_formal_request_without_question_mark_is_judged_on_the_request(engine: Engine) -> None:
    reply = engine.reply(
        "Madame, Monsieur, en tant qu'adjoint au maire chargé du développement économique de "
        "notre commune, je souhaiterais connaître la politique du Département des Hauts-de-Seine "
        "en matière de tiers-lieux.")
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "role-departement"


def test_places_asked_with_a_price_say_what_the_sources_do_not_give(engine: Engine) -> None:
    reply = engine.reply("courbevoie coworking prix")
    assert reply.kind is ReplyKind.PLACES and reply.places
    assert reply.text.startswith("Mes sources ne donnent pas les tarifs actuels de ces lieux")
    assert reply.suggestions[0].id == "tarifs"
    plain = engine.reply("coworking à Courbevoie")
    assert not plain.text.startswith("Mes sources ne donnent pas")


def test_and_in_another_commune_keeps_the_kind_of_the_list(engine: Engine) -> None:
    listed, there = talk(engine, "un fablab a nanterre", "et à Colombes ?")
    assert listed.place_type == "fablab"
    assert there.place_type == "fablab"
    assert there.text.startswith("Je ne connais aucun fab lab à Colombes")


@pytest.mark.parametrize(("message", "entry_id"), [
    ("Je cherche des financements pour un tiers-lieu associatif à Bois-Colombes",
     "aides-aujourdhui"),
    ("Qu'est-ce que La Défense a à voir avec les tiers-lieux ?", "la-defense"),
])
def test_a_commune_in_a_question_about_something_else_is_no_search(
        engine: Engine, message: str, entry_id: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == entry_id
    assert not reply.places


def test_a_building_to_convert_is_about_premises_not_the_commune_s_places(
        engine: Engine) -> None:
    reply = engine.reply("Il y a une boutique vide en centre-ville de Bagneux, je peux la "
                         "transformer en tiers-lieu ?")
    assert not reply.places
    assert reply.suggestions[0].id == "trouver-locaux"  # offered, not the commune's places


def test_thanks_that_say_what_was_meant_are_that_question(engine: Engine) -> None:
    _, amounts = talk(engine, "la région aide les tiers lieux ?",
                      "merci mais je voulais les montants")
    assert amounts.kind is ReplyKind.ANSWER and amounts.entry_id == "aide-region"
    assert amounts.text.startswith("Les montants que donnent mes sources")
    _, rephrased = talk(engine, "je cherche un coworking",
                        "c'est faux, je demande ce que peut faire une mairie")
    assert "/signaler" not in rephrased.text
    assert engine.reply("merci beaucoup").kind is ReplyKind.SMALLTALK


@pytest.mark.parametrize("message", [
    "numéro de téléphone du département", "vous avez un numéro de téléphone ?",
    "mail du département ?", "je veux parler à quelqu'un",
])
def test_a_phone_or_a_person_asked_for_gets_the_contact_card(engine: Engine,
                                                             message: str) -> None:
    reply = engine.reply(message)
    assert reply.text.startswith("Je ne donne ni numéro de téléphone ni adresse, postale ou e-mail")
    assert reply.contacts
    assert engine.reply("Quel est le numéro de téléphone de la CAF ?").kind is ReplyKind.FALLBACK


def test_a_complaint_stays_a_complaint_however_sure_an_entry_is(engine: Engine) -> None:
    reply = engine.reply("Ça ne répond pas du tout à ma question…")
    assert reply.kind is ReplyKind.SMALLTALK


@pytest.mark.parametrize(("message", "entry"), [
    ("nul ce bot, c'est quoi un fablab ?", "definition-fablab"),
    ("c'est nul, y a des aides ?", "aides-aujourdhui"),
])
def test_a_complaint_before_a_question_leaves_the_question(engine: Engine, message: str,
                                                           entry: str) -> None:
    assert engine.reply(message).entry_id == entry
    assert engine.reply("c'est nul").kind is ReplyKind.SMALLTALK
