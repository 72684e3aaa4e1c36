"""Short follow-ups that lean on what was just said: « Electrolab » then « ils vont fermer ? »,
« c'est quoi PROGR'ESS » then « comment candidater ? », and what they must not lean on."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.reply import ReplyKind
from tests.support.conversation import talk


def test_a_follow_up_about_the_entry_just_answered_gets_it(engine: Engine) -> None:
    *_, closing = talk(engine, "Electrolab", "ils vont fermer ?")
    assert closing.kind is ReplyKind.ANSWER and closing.entry_id == "electrolab"
    *_, grant = talk(engine, "Casaco", "c'est où ?", "ils ont eu combien du département ?")
    assert grant.entry_id == "casaco"


def test_a_grant_s_follow_ups_stay_on_the_grant(engine: Engine) -> None:
    _, scope, amount, how = talk(engine, "c'est quoi PROGR'ESS", "c'est pour les tiers lieux ?",
                                 "combien ?", "comment candidater ?")
    assert [r.entry_id for r in (scope, how)] == ["progress-ess", "progress-ess"]
    assert "15 000 €" in amount.text and "Casaco" not in amount.text


def test_a_question_the_assistant_was_unsure_of_is_context_for_the_next(engine: Engine) -> None:
    first, second = talk(engine, "je suis en recherche d'emploi", "un tiers lieu peut m'aider ?")
    assert first.kind is ReplyKind.CLARIFY
    assert second.kind is ReplyKind.ANSWER and second.entry_id == "emploi-rsa"


def test_a_place_s_card_answers_a_follow_up_its_card_speaks_of(engine: Engine) -> None:
    *_, card = talk(engine, "fab lab à Sceaux", "le Fab Lab des Blagis c'est quoi ?",
                    "c'est ouvert à tous ?")
    assert [p.name for p in card.places] == ["Fab Lab des Blagis"]


def test_a_new_subject_does_not_lean_on_the_last_one(engine: Engine) -> None:
    *_, contact = talk(engine, "le département subventionne encore les tiers lieux ?",
                       "qui je peux contacter pour une interview ?")
    assert contact.kind is not ReplyKind.ANSWER or contact.entry_id != "aides-aujourdhui"
    *_, command = talk(engine, "la tréso", "/themes")
    assert not command.places
    *_, state = talk(engine, "le département finance-t-il les tiers-lieux ?", "et l'état ?")
    assert state.entry_id != "financement-departement"


def test_the_grant_stays_the_topic_over_a_question_with_no_answer(engine: Engine) -> None:
    *_, amount = talk(engine, "C'est quoi PROGR'ESS ?", "je suis une SAS, j'y ai droit ?",
                      "combien ?")
    assert amount.entry_id == "progress-ess" and "15 000 €" in amount.text
    assert "Casaco" not in amount.text


def test_a_deadline_is_the_one_the_call_gives_or_none_said_honestly(engine: Engine) -> None:
    _, when = talk(engine, "C'est quoi PROGR'ESS ?", "jusqu'à quand ?")
    assert when.entry_id == "progress-ess" and "31 décembre" in when.text
    _, region = talk(engine, "la région aide les tiers lieux ?", "jusqu'à quand ?")
    assert region.text.startswith("Mes sources ne donnent pas de date limite")
    assert region.sources  # the pages where to check
    assert engine.reply("jusqu'à quand ?").kind is ReplyKind.FALLBACK  # nothing to go on


def test_answers_lead_with_what_is_asked(engine: Engine) -> None:
    region = engine.reply("La Région a-t-elle atteint son objectif de 1000 tiers-lieux ?")
    assert not region.text.startswith("Oui")
    count = engine.reply("Combien y a-t-il de tiers-lieux dans les Hauts-de-Seine ?")
    assert "quarantaine" in count.text.split(".")[1]


def test_money_for_a_kind_of_place_is_no_definition_of_it(engine: Engine) -> None:
    aid = engine.reply("Quelle aide pour un télécentre ?")
    assert aid.entry_id != "definition-telecentre"
    assert aid.entry_id == "aides-aujourdhui" or aid.suggestions[0].id == "aides-aujourdhui"
    budget = engine.reply("quel budget pour ouvrir un fablab ? imprimante 3d, découpe laser...")
    assert budget.entry_id != "definition-fablab"
    assert engine.reply("c'est quoi un fablab ?").entry_id == "definition-fablab"


def test_the_rent_of_premises_is_no_desk_price(engine: Engine) -> None:
    reply = engine.reply("combien coûte le loyer d'un local pour un coworking dans le 92")
    assert reply.kind is not ReplyKind.ANSWER
    assert "trouver-locaux" in [s.id for s in reply.suggestions]


def test_and_for_another_kind_asks_the_same_question_of_it(engine: Engine) -> None:
    _, model = talk(engine, "Quel modèle économique pour un tiers-lieu ?", "et pour un fab lab ?")
    assert model.entry_id == "modele-economique"
    _, definition = talk(engine, "c'est quoi un télécentre ?", "et pour un fablab ?")
    assert definition.entry_id == "definition-fablab"
    _, not_casaco = talk(engine, "casaco", "et pour un fablab ?")
    assert not_casaco.entry_id != "casaco"


def test_where_the_user_said_they_live_is_remembered(engine: Engine) -> None:
    _, near = talk(engine, "Je suis salarié à La Défense et j'habite Rueil",
                   "je veux télétravailler près de chez moi")
    assert near.kind is ReplyKind.PLACES and near.commune == "Rueil-Malmaison"
    assert near.places[0].type != "fablab"  # somewhere to work before a workshop
    *_, there = talk(engine, "Qu'est-ce que La Défense a à voir avec les tiers-lieux ?",
                     "qui gère le quartier ?", "il y a des coworkings ?")
    assert there.kind is ReplyKind.PLACES and there.commune == "La Défense"


def test_a_place_stays_in_view_over_a_question_with_no_answer(engine: Engine) -> None:
    *_, where = talk(engine, "Qu'est-ce que Sceaux Smart ?", "qui le finance ?", "c'est où ?")
    assert [p.name for p in where.places] == ["Sceaux Smart"]


def test_who_may_apply_and_whether_grants_add_up_are_said_or_said_unknown(
        engine: Engine) -> None:
    _, who = talk(engine, "C'est quoi PROGR'ESS ?", "je suis une SAS, j'y ai droit ?")
    assert who.entry_id == "progress-ess" and "ESUS" in who.text
    _, cumul = talk(engine, "la région aide les tiers lieux ?", "c'est cumulable ?")
    assert cumul.text.startswith("Mes sources ne disent pas si ces aides se cumulent")


def test_the_other_question_of_a_message_is_pointed_to(engine: Engine) -> None:
    reply = engine.reply("Combien de tiers-lieux dans le 92 et qui les finance ?")
    assert reply.entry_id == "couverture-territoire"
    offered = reply.suggestions[0]
    assert offered.id == "aides-aujourdhui"
    assert f"Pour votre autre question, voyez « {offered.question} » ci-dessous." in reply.text


def test_a_project_asking_for_money_offers_grants_first(engine: Engine) -> None:
    reply = engine.reply("Je porte un projet de tiers-lieu à Bois-Colombes et nous cherchons des "
                         "financements pour les travaux, pouvez-vous nous orienter ?")
    assert reply.text.startswith("Pour votre projet à Bois-Colombes")
    assert reply.suggestions[0].id == "aides-aujourdhui"
    steps = engine.reply("Nous avons un projet de tiers-lieu à Bois-Colombes, pouvez-vous nous "
                         "orienter ?")
    assert steps.suggestions[0].id != "aides-aujourdhui"  # no money asked: the steps first


def test_the_year_the_knowledge_was_checked_means_today(engine: Engine) -> None:
    reply = engine.reply("subvention cd92 tiers lieu 2026 ?")  # was the grants of 2011–2015
    assert reply.entry_id == "aides-aujourdhui"


@pytest.mark.parametrize(("message", "entry_id"), [
    ("quelles aides ?", "aides-aujourdhui"),
    ("subventions ?", "aides-aujourdhui"),  # not the Département's grants of 2011–2015
    ("aides du département ?", "aides-aujourdhui"),
    ("subvention fab lab", "aides-aujourdhui"),
    ("aides de la région ?", "aide-region"),
    ("et pour une asso il y a des subventions ?", "aides-aujourdhui"),
])
def test_a_message_that_only_says_grants_gets_today_s_grants(engine: Engine, message: str,
                                                             entry_id: str) -> None:
    reply = engine.reply(message)
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == entry_id


def test_a_project_s_how_much_and_whom_to_contact(engine: Engine) -> None:
    _, grants, amounts, contact = talk(
        engine, "Je monte un tiers-lieu à Gennevilliers, par où commencer ?", "quelles aides ?",
        "combien ?", "qui contacter ?")
    assert grants.entry_id == "aides-aujourdhui"
    assert "15 000 €" in amounts.text and "Casaco" not in amounts.text
    assert contact.kind is ReplyKind.ANSWER and contact.entry_id == "accompagnement-contact"
    _, project_amounts = talk(engine, "je monte un tiers-lieu à Marnes-la-Coquette", "combien ?")
    assert project_amounts.entry_id == "aides-aujourdhui"


@pytest.mark.parametrize("message", ["j'habite à Vanves", "je vis à Clamart"])
def test_where_one_lives_alone_gets_the_places_there(engine: Engine, message: str) -> None:
    assert engine.reply(message).kind is ReplyKind.PLACES


def test_where_one_lives_then_a_definition_gets_the_definition(engine: Engine) -> None:
    reply = engine.reply("j'habite à Vanves, c'est quoi un tiers lieu ?")
    assert reply.kind is ReplyKind.ANSWER and reply.entry_id == "definition-tiers-lieu"


def test_small_talk_words_before_a_question_or_a_complaint(engine: Engine) -> None:
    assert engine.reply("ça marche pour une coopérative ?").kind is not ReplyKind.SMALLTALK
    assert engine.reply("bonjour c'est quoi le télétravail ?").kind is not ReplyKind.SMALLTALK
    complaint = engine.reply("merci mais c'est pas ce que je demandais")
    assert complaint.kind is ReplyKind.SMALLTALK and not complaint.text.startswith("De rien")
    assert engine.reply("ça marche, merci !").kind is ReplyKind.SMALLTALK


def test_a_rank_is_of_the_last_list_even_of_one_place(engine: Engine) -> None:
    *_, colombes, second = talk(engine, "quels sont les tiers-lieux à Bois-Colombes ?",
                                "et à La Garenne-Colombes ?", "et à Colombes ?", "le deuxième")
    assert len(colombes.places) == 1
    assert second.places[0].id == colombes.places[0].id
    assert "ne compte qu'un lieu" in second.text


def test_a_chain_named_after_a_commune_s_list_is_its_branch_there(engine: Engine) -> None:
    _, morning, where = talk(engine, "je cherche un coworking à Puteaux", "Morning Coworking",
                             "c'est où ?")
    assert [p.commune for p in morning.places] == ["Puteaux"]
    assert where.places[0].commune == "Puteaux"


def test_what_it_is_after_a_list_is_no_list_again(engine: Engine) -> None:
    _, what = talk(engine, "fablab à Levallois", "et c'est quoi une imprimante 3D ?")
    assert not what.places


def test_a_question_nothing_answers_about_the_place_shown_gets_what_is_known(
        engine: Engine) -> None:
    *_, when = talk(engine, "fab lab à Sceaux", "le Fab Lab des Blagis c'est quoi ?",
                    "il ouvre quand ?")
    assert when.text.startswith("Je n'ai pas de réponse précise à cette question sur Fab Lab "
                                "des Blagis (Sceaux)")
    assert [p.name for p in when.places] == ["Fab Lab des Blagis"]
    _, unrelated = talk(engine, "coworking à Boulogne", "quel temps fait-il demain ?")
    assert not unrelated.text.startswith("Je n'ai pas de réponse précise")  # a list: no one place
    *_, joke, housing = talk(engine, "brissard loft", "raconte une blague", "et l'aide au logement ?")
    assert not joke.places and not housing.places  # no question about the place: not its card


def test_is_it_paid_after_a_definition_is_about_prices(engine: Engine) -> None:
    _, paid = talk(engine, "c koi un tiers lieu", "ok et c payant ?")
    assert paid.entry_id == "tarifs"


@pytest.mark.parametrize("message", ["adresse de Casaco", "Casaco c'est où exactement ?"])
def test_where_a_place_with_an_entry_is_gets_its_card_not_its_story(engine: Engine,
                                                                    message: str) -> None:
    reply = engine.reply(message)
    assert [p.name for p in reply.places] == ["Casaco"]
    assert reply.places[0].address
    assert engine.reply("casaco").entry_id == "casaco"


def test_a_correction_that_names_the_wrong_commune_first(engine: Engine) -> None:
    *_, meant = talk(engine, "Qu'est-ce qu'un fablab ?", "y en a à Gennevilliers ?",
                     "non pardon à Genevilliers je voulais dire Levallois")
    assert meant.kind is ReplyKind.PLACES and meant.commune == "Levallois-Perret"


def test_how_much_after_a_policy_answer_is_no_desk_price(engine: Engine) -> None:
    _, cost = talk(engine, "c'était quoi l'expérimentation de 2014 ?", "combien ça a coûté ?")
    assert cost.text == "Mes sources ne donnent pas de montant à ce sujet."
    *_, grants = talk(engine, "On veut transformer un local vide à Colombes en tiers-lieu",
                      "qui peut financer ?", "combien ?")
    assert "15 000 €" in grants.text
    _, price = talk(engine, "c koi un tiers lieu", "c'est combien ?")
    assert price.entry_id == "tarifs"  # what a desk costs, after what a tiers-lieu is


def test_some_of_them_in_a_commune_after_a_definition_keeps_the_kind(engine: Engine) -> None:
    _, there = talk(engine, "c'est quoi un fablab ?", "y en a à Nanterre ?")
    assert there.kind is ReplyKind.PLACES and there.places[0].type == "fablab"


def test_and_after_an_answer_about_2014_is_what_came_after_2015(engine: Engine) -> None:
    _, after = talk(engine, "c'était quoi l'expérimentation de 2014 ?", "et après ?")
    assert after.entry_id == "politique-apres-2015"
    _, region = talk(engine, "la région aide les tiers lieux ?", "et après ?")
    assert region.entry_id != "politique-apres-2015"  # the Région's answer is of 2022


@pytest.mark.parametrize("message", [
    "y'a des sous ?",  # the « a » of « y a » was the goodbye « a+ »
    "merci mais c'est quoi la loi NOTRe ?",
    "salut, y a des aides ?",
    "au revoir, ah non, une question : c'est quoi un fablab ?",
])
def test_politeness_before_a_question_is_not_the_whole_message(engine: Engine,
                                                               message: str) -> None:
    assert engine.reply(message).kind is not ReplyKind.SMALLTALK
    assert engine.reply("salut ! ça roule ?").kind is ReplyKind.SMALLTALK


def test_a_grant_s_details_and_amounts_only_after_a_grant(engine: Engine) -> None:
    _, when = talk(engine, "casaco", "il ouvre quand ?")
    assert "date limite" not in when.text  # Casaco got 67 000 €, but is no call for projects
    _, shares = talk(engine, "quel statut juridique ?", "combien ?")
    assert "51 %" not in shares.text  # a share is no amount
    _, after_prices = talk(engine, "combien coûte un coworking ?", "jusqu'à quand ?")
    assert "date limite" not in after_prices.text
    assert "15 000 €" in engine.reply("subvention jusqu'à combien ?").text


def test_word_collisions_with_place_names(engine: Engine) -> None:
    assert not engine.reply("le trèfle à quatre feuilles").places
    assert not engine.reply("le lac d'Enghien est-il pollué ?").places
    assert [p.name for p in engine.reply("la tréso c'est un fablab ?").places] == ["La Tréso"]


def test_a_closed_place_s_hours_say_it_closed(engine: Engine) -> None:
    assert engine.reply("wework la défense horaires").text.startswith(
        "D'après mes sources, ce lieu a fermé")


@pytest.mark.parametrize(("command", "start"), [
    ("/themes", "Voici les thèmes que je connais"),
    ("/signaler", "Écrivez votre signalement après la commande"),
])
def test_commands_in_a_channel_without_them(engine: Engine, command: str, start: str) -> None:
    assert engine.reply(command).text.startswith(start)


def test_a_year_far_ahead_is_no_today(engine: Engine) -> None:
    assert engine.reply("tiers-lieux en 2030").entry_id != "chiffres-tiers-lieux"


@pytest.mark.parametrize(("message", "entry_id"), [
    ("j'habite à Nanterre, y a des subventions pour mon asso ?", "aides-aujourdhui"),
    ("j'habite à Colombes, qui contacter pour monter un projet ?", "accompagnement-contact"),
])
def test_the_question_after_where_one_lives_is_the_question(engine: Engine, message: str,
                                                           entry_id: str) -> None:
    assert engine.reply(message).entry_id == entry_id
    assert engine.reply("j'habite à Nanterre, y a un coworking ?").kind is ReplyKind.PLACES


def test_how_to_apply_is_not_how_many_applied(engine: Engine) -> None:
    *_, how = talk(engine, "c'est quoi PROGR'ESS", "comment candidater ?")
    assert "candidatures" not in how.text  # « 13 projets sur 29 candidatures » is no procedure
