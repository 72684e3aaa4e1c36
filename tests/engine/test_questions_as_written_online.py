"""Questions as people write them on forums and FAQ pages (a tester's finds, reworded): who
pays for a coworking, a name the directory does not know, the regional network, figures."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.reply import ReplyKind


@pytest.mark.parametrize("message", [
    "mon patron peut-il me payer un coworking ?",
    "Télétravail : peut-on demander à sa boîte de payer un espace de coworking ?",
])
def test_who_pays_for_a_coworking_is_the_frame_of_telework(engine: Engine, message: str) -> None:
    reply = engine.reply(message)
    assert reply.entry_id == "teletravail-cadre"
    assert engine.reply("combien coûte un coworking pour une entreprise ?").entry_id == "tarifs"


def test_the_telework_answer_does_not_open_on_a_yes(engine: Engine) -> None:
    """« Oui : » read as a yes to whatever was asked (« pourquoi ? », « qui paie ? »)."""
    reply = engine.reply("Peut-on télétravailler dans un tiers-lieu ?")
    assert reply.entry_id == "teletravail-tiers-lieu" and not reply.text.startswith("Oui")


def test_a_place_name_unknown_in_a_known_commune_lists_what_is_known(engine: Engine) -> None:
    reply = engine.reply("Y a-t-il un Stop & Work à Bourg-la-Reine ?")
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Bourg-la-Reine"
    assert engine.reply("y a-t-il une piscine à Nanterre ?").kind is not ReplyKind.PLACES


def test_a_search_is_not_answered_by_a_place_it_does_not_name(engine: Engine) -> None:
    """Sceaux Smart's entry has a phrasing about Châtenay-Malabry: a search there lists the
    nearest places (Sceaux Smart among them), it is not Sceaux Smart's story."""
    reply = engine.reply("chatenay malabry coworking")
    assert reply.kind is ReplyKind.PLACES and "Sceaux Smart" in [p.name for p in reply.places]
    assert engine.reply("Qu'est-ce que le fab lab de Gennevilliers ?").entry_id == (
        "faclab-gennevilliers")


def test_the_regional_network_is_known_by_its_name(engine: Engine) -> None:
    # « A+ » alone is a goodbye; « A+ c'est mieux ! » is the network of the Île-de-France
    words = engine.normaliser("le réseau A+ c'est mieux")
    assert "apluscestmieux" in words
    reply = engine.reply("c'est quoi le réseau A plus c'est mieux ?")
    assert reply.kind in (ReplyKind.ANSWER, ReplyKind.CLARIFY)
    assert reply.candidates[0].id == "france-tiers-lieux"


def test_the_question_after_a_long_lead_in_and_a_colon_is_judged(engine: Engine) -> None:
    reply = engine.reply("Depuis que le mot est à la mode, les habitants de notre quartier nous "
                         "demandent souvent : qu'est-ce qu'un tiers-lieu ?")
    assert reply.entry_id == "definition-tiers-lieu"
    # a heading before the colon is the question's own subject
    sure = engine.reply("En 2014, le Département a testé une démarche expérimentale sur les "
                        "tiers-lieux : qu'est-ce qui a été fait concrètement ?")
    assert sure.entry_id == "experimentation"


def test_a_closed_place_named_by_its_operator_says_it_closed(engine: Engine) -> None:
    reply = engine.reply("WeWork ouvre-t-il un centre de coworking à La Défense ?")
    assert [p.name for p in reply.places] == ["WeWork Bellini (La Défense)"]
    assert "fermé" in reply.places[0].status_label


@pytest.mark.parametrize("message", ["y a un appel à projets tiers lieux en ce moment ?",
                                     "Le Département a-t-il un appel à projets tiers-lieux en 2025 ?"])
def test_a_call_asked_now_is_not_answered_by_the_call_of_2011(engine: Engine, message: str) -> None:
    reply = engine.reply(message)
    assert reply.entry_id == "aides-aujourdhui" and not reply.text.startswith("C'était")


def test_the_apostrophe_of_aujourd_hui_typed_as_a_space_is_one(engine: Engine) -> None:
    """« hui » alone is no word of the knowledge: it counted as an unknown word."""
    reply = engine.reply("le département aide-t-il les tiers-lieux aujourd hui ?")
    assert reply.kind == "answer" and reply.entry_id == "aides-aujourdhui"


def test_the_telework_frame_says_what_it_says_of_accidents_and_coworking_fees(
        engine: Engine) -> None:
    reply = engine.reply("mon patron doit payer mon coworking si je télétravaille ?")
    assert reply.entry_id == "teletravail-cadre"
    assert "aucun texte trouvé n'oblige l'employeur" in reply.text
    assert "accident du travail" in reply.text


@pytest.mark.parametrize(("message", "entry"), [
    ("le département peut m'aider ?", "aides-aujourdhui"),
    ("la région peut m'aider ?", "aide-region"),
    ("il y a des aides pour l'aménagement ?", "aides-aujourdhui"),
])
def test_a_funder_asked_for_help_is_asked_for_grants(engine: Engine, message: str,
                                                      entry: str) -> None:
    assert engine.reply(message).entry_id == entry
    assert engine.reply("un tiers lieu peut m'aider ?").entry_id != "aides-aujourdhui"


def test_looking_for_a_kind_is_a_search_even_when_its_definition_is_sure(engine: Engine) -> None:
    search = engine.reply("Je cherche un télécentre")
    assert search.kind is ReplyKind.CLARIFY and "Dans quelle commune" in search.text
    assert engine.reply("je cherche ce qu'est un fablab").entry_id == "definition-fablab"


def test_near_home_when_the_message_says_where_home_is(engine: Engine) -> None:
    reply = engine.reply("Bonjour ! Je suis salariée chez un grand groupe à La Défense et mon "
                         "employeur accepte le télétravail en tiers-lieu. J'habite à Colombes. "
                         "Qu'est-ce qui existe près de chez moi ?")
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Colombes"


def test_figures_asked_of_a_kind_in_a_commune_are_no_search(engine: Engine) -> None:
    reply = engine.reply("je fais un mémoire sur le coworking à La Défense, il y a des chiffres ?")
    assert reply.kind is not ReplyKind.PLACES
    assert {"la-defense", "chiffres-tiers-lieux"} <= {s.id for s in reply.suggestions}


@pytest.mark.parametrize("message", ["Les fab labs sont-ils gratuits ?",
                                     "les coworkings sont ils gratuits"])
def test_free_in_the_plural_is_a_price_question(engine: Engine, message: str) -> None:
    # « gratuits » fell back where « c'est gratuit ? » got the prices (the FacLab free)
    reply = engine.reply(message)
    assert reply.entry_id == "tarifs" and "gratuit" in reply.text, message
