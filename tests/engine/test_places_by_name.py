"""A place asked for by its name alone, as people do after seeing it in a list: « la tréso »,
« les fabriqueurs », « The Sun Project », a chain's brand (« Morning Coworking »)."""

from __future__ import annotations

import pytest

from bot.engine import Conversation, Engine
from bot.engine.reply import Reply, ReplyKind


def talk(engine: Engine, *messages: str) -> list[Reply]:
    conversation = Conversation()
    return [engine.reply(m, conversation) for m in messages]


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
    two = engine.reply("Le Trèfle")
    assert two.text.startswith(
        "Voici ce que je sais du Trèfle Marcel Sembat et du Trèfle Corentin Celton")


def test_a_question_about_a_named_place_with_an_entry_is_still_that_entry(
        engine: Engine) -> None:
    reply = engine.reply("l'electrolab va fermer ?")
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "electrolab"
