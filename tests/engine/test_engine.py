"""The engine as a user meets it: which entry answers, when it hesitates, when it says no."""

from __future__ import annotations

import pytest

from bot.config import ContactConfig
from bot.engine import Conversation, Engine
from bot.engine.reply import ReplyKind
from bot.knowledge import Knowledge


def kind_and_id(engine: Engine, message: str) -> tuple[ReplyKind, str | None]:
    reply = engine.reply(message)
    return reply.kind, reply.entry_id


@pytest.mark.parametrize(
    ("message", "entry_id"),
    [
        ("C koi un tiers lieu ??", "definition-tiers-lieu"),
        ("fablab c koi", "definition-fablab"),
        ("combien ca coute un bureau en coworking par mois", "tarifs"),
        ("pk les grandes boites hesitent a utiliser des tiers lieux", "freins-entreprises"),
        ("quel statut juridique pour ouvrir un coworking", "statut-juridique"),
        ("c quoi une scic", "definition-scic"),
        ("CASACO ?", "casaco"),
        ("jokolab c quoi", "jokkolabs"),
        ("vous etes un robot ?", "a-propos-assistant"),
        ("que faites vous de mes donnees personnelles", "donnees-personnelles"),
        ("la loi notre a changé quoi pour le departement", "politique-apres-2015"),
    ],
)
def test_sloppy_questions_get_the_right_answer(engine: Engine, message: str, entry_id: str) -> None:
    assert kind_and_id(engine, message) == (ReplyKind.ANSWER, entry_id)


@pytest.mark.parametrize(
    "message",
    [
        "Quelle est la capitale du Pérou ?",
        "Comment refaire ma carte d'identité ?",
        "horaires de la piscine de Vanves",
        "Le Département aide-t-il à payer la cantine du collège ?",
        # the price of something other than a workspace
        "Combien coûte la cantine au collège ?",
        "Combien coûte la cantine au collège dans les Hauts-de-Seine ?",
        "prix du ticket de métro ?",
        "recette de la tarte tatin",
        "quoi ?",
        "comment ?",
    ],
)
def test_out_of_scope_questions_are_never_answered(engine: Engine, message: str) -> None:
    assert engine.reply(message).kind is not ReplyKind.ANSWER


def test_an_answer_carries_sources_date_related_buttons_and_contact(engine: Engine) -> None:
    reply = engine.reply("Qu'est-ce qu'un tiers-lieu ?")
    assert reply.sources and reply.facts_date
    assert reply.suggestions and all(s.id in engine.knowledge.faq for s in reply.suggestions)
    assert "Source" in reply.footer


def test_fallback_is_honest_and_offers_themes_and_a_contact(engine: Engine) -> None:
    reply = engine.reply("Quel temps fera-t-il demain ?")
    assert reply.kind is ReplyKind.FALLBACK
    assert "pas de réponse sûre" in reply.text
    assert reply.themes and reply.contacts


def test_staff_contact_is_shown_only_when_configured(knowledge: Knowledge) -> None:
    without = Engine(knowledge).reply("Qui contacter pour être accompagné dans mon projet ?")
    assert all(c.id != "equipe" for c in without.contacts)
    staffed = Engine(knowledge, ContactConfig(name="Mission tiers-lieux", email="x@example.org"))
    reply = staffed.reply("Qui contacter pour être accompagné dans mon projet ?")
    assert reply.contacts[0].email == "x@example.org"


@pytest.mark.parametrize(
    ("message", "commune", "first_in"),
    [
        ("coworking a malakoff ?", "Malakoff", "Malakoff"),
        ("fablab genevilliers", "Gennevilliers", "Gennevilliers"),
        ("bureau partagé vers la defense", "La Défense", "La Défense"),
        ("un espace de travail a issy", "Issy-les-Moulineaux", "Issy-les-Moulineaux"),
        ("je cherche un coworking sur boulogne", "Boulogne-Billancourt", "Boulogne-Billancourt"),
    ],
)
def test_place_searches_list_local_places_first(
    engine: Engine, message: str, commune: str, first_in: str
) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.PLACES and reply.commune == commune
    assert first_in in (reply.places[0].commune, reply.places[0].area)


def test_commune_without_known_place_says_so_and_offers_the_nearest(engine: Engine) -> None:
    reply = engine.reply("un coworking a Antony ?")
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Antony"
    assert "aucun" in reply.text and "Antony" in reply.text
    assert reply.places and all(p.distance_km is not None for p in reply.places)


def test_type_filter_puts_that_type_first(engine: Engine) -> None:
    reply = engine.reply("un fablab à Gennevilliers")
    assert reply.place_type == "fablab" and reply.places[0].type == "fablab"


def test_named_place_wins_over_commune_search(engine: Engine) -> None:
    assert kind_and_id(engine, "le faclab de gennevilliers c'est quoi") == (
        ReplyKind.ANSWER,
        "faclab-gennevilliers",
    )
    reply = engine.reply("kwerk boulogne")
    assert reply.kind is ReplyKind.PLACES and "Kwerk" in reply.places[0].name


def test_faq_question_naming_a_commune_is_still_the_faq(engine: Engine) -> None:
    reply = engine.reply("On ouvre un tiers-lieu à Vanves : quels services minimum proposer ?")
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, "services-minimum")


def test_follow_ups_use_the_conversation(engine: Engine) -> None:
    conversation = Conversation()
    first = engine.reply("un coworking à Malakoff ?", conversation)
    assert first.kind is ReplyKind.PLACES
    second = engine.reply("et à Nanterre ?", conversation)
    assert (second.kind, second.commune) == (ReplyKind.PLACES, "Nanterre")
    third = engine.reply("et pour un fablab ?", conversation)
    assert (third.kind, third.commune, third.place_type) == (ReplyKind.PLACES, "Nanterre", "fablab")


def test_more_details_after_an_answer(engine: Engine) -> None:
    conversation = Conversation()
    engine.reply("c'est quoi casaco", conversation)
    reply = engine.reply("plus de détails", conversation)
    assert (reply.kind, reply.entry_id) == (ReplyKind.ANSWER, "casaco")
    assert reply.places and reply.places[0].id == "casaco"


@pytest.mark.parametrize(
    ("message", "intent"),
    [("Bonjour", "greeting"), ("slt", "greeting"), ("merci beaucoup !", "thanks"),
     ("a+", "goodbye"), ("t'es nul", "insult"), ("/start", "greeting"), ("/help", "help"),
     ("Salut, ça va ?", "how_are_you")],
)
def test_small_talk(engine: Engine, message: str, intent: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.SMALLTALK and reply.smalltalk_intent == intent
    assert reply.text and reply.suggestions  # always a way forward


def test_greeting_with_a_question_answers_the_question(engine: Engine) -> None:
    assert kind_and_id(engine, "Bonjour, c'est quoi un fab lab ?") == (
        ReplyKind.ANSWER,
        "definition-fablab",
    )


@pytest.mark.parametrize(
    "message",
    ["", "   ", "\x00\x01\x02", "😀😀😀", "<script>alert(1)</script>", "'; DROP TABLE faq; --",
     "a" * 10_000, "\u202eRTL\u200f text\u200b", "**gras** _italique_ [lien](http://x)", "/",
     "/inconnue", "?" * 50, "tiers-lieu " * 2000],
)
def test_any_message_gets_a_sensible_reply(engine: Engine, message: str) -> None:
    reply = engine.reply(message)
    assert reply.text.strip()
    assert reply.to_json()["kind"] in {"answer", "clarify", "places", "smalltalk", "fallback"}
