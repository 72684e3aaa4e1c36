"""Follow-ups a tester found misread in long conversations: the place search goes on, the grant
just discussed is asked about, a rejected reply leads somewhere, a « now » is not a « then »."""

from __future__ import annotations

import pytest

from bot.engine import Conversation, Engine
from bot.engine.reply import ReplyKind
from tests.support.conversation import talk


def test_and_at_la_defense_after_a_list_is_a_search_there(engine: Engine) -> None:
    """La Défense has its own entry (its history): after a list, « et à la Défense ? » asks
    for its places, of the kind searched."""
    _, there = talk(engine, "un coworking à Nanterre", "et à la Défense ?")
    assert there.kind is ReplyKind.PLACES and there.commune == "La Défense"
    assert {p.type for p in there.places} <= {"coworking", "centre-affaires"}  # workspaces
    alone = engine.reply("et à la Défense, pourquoi s'intéresse-t-on aux tiers-lieux ?")
    assert alone.kind is not ReplyKind.PLACES


def test_the_price_asked_after_a_list_is_that_of_the_kind_asked(engine: Engine) -> None:
    """No fab lab in Boulogne: two of its coworkings come first, then the nearest fab labs;
    « c'est combien ? » is about the first fab lab, not about a coworking."""
    *_, listed, price = talk(engine, "un fablab à Issy", "et à Boulogne ?", "c'est combien ?")
    first_fab_lab = next(p for p in listed.places if p.type == "fablab")
    assert listed.places[0].type == "coworking"
    assert [p.name for p in price.places] == [first_fab_lab.name]


def test_another_day_after_the_opening_hours_is_the_same_question(engine: Engine) -> None:
    _, saturday, sunday = talk(engine, "Electrolab", "c'est ouvert le samedi ?", "et le dimanche ?")
    assert sunday.kind is saturday.kind and sunday.text.startswith("Mes sources ne donnent pas "
                                                                   "les horaires")


@pytest.mark.parametrize("follow_up", ["et en termes de financement ?",
                                       "et après pour avoir des subventions ?"])
def test_money_asked_in_passing_is_today_s_grants(engine: Engine, follow_up: str) -> None:
    *_, money = talk(engine, "je veux créer une association pour un tiers lieu à Bagneux",
                     follow_up)
    assert money.entry_id == "aides-aujourdhui"


def test_how_to_apply_and_whether_it_is_open_are_asked_of_the_grant(engine: Engine) -> None:
    grant, apply, still_open = talk(engine, "quelles aides de la région pour un tiers lieu ?",
                                    "comment je candidate ?", "c'est encore ouvert ?")
    assert {grant.entry_id, apply.entry_id, still_open.entry_id} == {"aide-region"}
    assert "mesdemarches.iledefrance.fr" in apply.text  # where the 2021 files were filed
    assert "session" in still_open.text and len(still_open.text) < len(grant.text) / 2


def test_calls_for_projects_right_now_are_today_s_not_those_of_2011(engine: Engine) -> None:
    now = engine.reply("y a t il des appels à projets en ce moment pour les tiers lieux dans "
                       "les hauts de seine ?")
    assert now.entry_id == "aides-aujourdhui"
    then = engine.reply("l'appel à projets du département c'était quand ?")
    assert then.entry_id == "appel-projets-ess"


def test_still_true_after_an_answer_about_2014_is_what_came_after(engine: Engine) -> None:
    *_, since = talk(engine, "c'était quoi l'expérimentation de 2014 ?",
                     "c'est toujours d'actualité ?")
    assert since.entry_id == "politique-apres-2015"


def test_a_rejected_answer_offers_the_others_it_was_chosen_among(engine: Engine) -> None:
    answer, rejected = talk(engine, "quel statut pour un tiers lieu ?", "non pas ça")
    assert rejected.kind is ReplyKind.CLARIFY and rejected.suggestions
    assert answer.entry_id not in {s.id for s in rejected.suggestions}
    assert {s.id for s in rejected.suggestions} <= {c.id for c in answer.candidates}
    _, other = talk(engine, "quel statut pour un tiers lieu ?", "autre chose ?")
    assert other.entry_id is None and other.suggestions


def test_a_rejected_list_says_how_to_ask_for_other_places(engine: Engine) -> None:
    *_, rejected = talk(engine, "un coworking à Nanterre", "non pas ça")
    assert rejected.kind is ReplyKind.CLARIFY and "et à Colombes ?" in rejected.text


def test_a_kind_given_after_where_is_asked_keeps_the_search_going(engine: Engine) -> None:
    asked, kind, commune = talk(engine, "je cherche", "un coworking", "Nanterre")
    assert asked.kind is kind.kind is ReplyKind.CLARIFY
    assert "Dans quelle commune" in kind.text and kind.entry_id is None
    assert commune.kind is ReplyKind.PLACES and commune.commune == "Nanterre"


def test_whom_to_contact_at_the_departement_is_its_contact_card(engine: Engine) -> None:
    reply = engine.reply("qui contacter au département ?")
    assert reply.contacts and reply.contacts[0].name == "Département des Hauts-de-Seine"
    assert engine.reply("qui contacter ?").kind is ReplyKind.CLARIFY  # in a project, who helps


def test_whether_coworking_works_is_a_question_not_an_ok(engine: Engine) -> None:
    assert engine.reply("le coworking aujourd'hui ça marche ?").kind is not ReplyKind.SMALLTALK
    assert engine.reply("ok ça marche merci").kind is ReplyKind.SMALLTALK


def test_a_date_or_a_figure_asked_after_an_answer_is_that_sentence(engine: Engine) -> None:
    """« combien de projets ? », « ça a commencé quand ? » right after the Curious Lab': the
    sentence that gives it, not the whole answer again."""
    answer, how_many, since_when = talk(engine, "c'est quoi le Curious Lab' ?",
                                        "combien de projets ?", "ça a commencé quand ?")
    assert answer.entry_id == how_many.entry_id == since_when.entry_id == "curious-lab"
    assert "25 projets" in how_many.text and len(how_many.text) < len(answer.text) / 2
    assert "2019" in since_when.text and len(since_when.text) < len(answer.text)


def test_a_new_word_after_an_answer_is_looked_for_in_it(engine: Engine) -> None:
    *_, digital = talk(engine, "c'est quoi une fabrique de territoire ?",
                       "et la fabrique numérique de territoire ?")
    assert digital.entry_id == "fabriques-de-territoire" and "numérique" in digital.text
    assert digital.text.startswith("Ce qu'en disent mes sources")


def test_no_figure_is_said_missing_when_the_answer_has_figures(engine: Engine) -> None:
    """« combien de capital ? »: the answer has figures (41 associés), of no capital, and maybe
    the one asked in other words: no « ne donne pas de chiffre », the answer as it is."""
    answer, capital = talk(engine, "c'est quoi une SCIC ?", "la SCIC demande combien de capital ?")
    assert capital.entry_id == answer.entry_id == "definition-scic"
    assert capital.text == answer.text
    # an answer with no figure at all says so
    answer, how_many = talk(engine, "c'est quoi un tiers-lieu ?", "il y en a combien ?")
    if how_many.entry_id == answer.entry_id and not any(c.isdigit() for c in answer.text):
        assert how_many.text == "Ma réponse précédente ne donne pas de chiffre à ce sujet."


def test_a_sentence_that_points_back_comes_with_the_one_before(engine: Engine) -> None:
    *_, since = talk(engine, "le département aide encore les tiers lieux ?",
                     "depuis quand il ne peut plus ?")
    if since.text.startswith("Ce qu'en disent mes sources"):
        assert "Département" in since.text  # not « il ne peut plus » without its subject


def test_how_to_start_after_the_steps_is_not_cut_to_a_sentence(engine: Engine) -> None:
    _, start = talk(engine, "je veux ouvrir un coworking à Colombes", "par où je commence ?")
    assert not start.text.startswith("Ce qu'en disent mes sources")
    assert "Pour rappel" not in start.text
    again = talk(engine, "c'est quoi une SCIC ?", "c'est quoi une SCIC ?")
    assert again[1].text == again[0].text  # the same question twice: the same answer


def test_thanks_after_an_answer_offers_what_is_near_it(engine: Engine) -> None:
    answer, thanks = talk(engine, "c'est quoi un fablab ?", "merci")
    assert thanks.kind is ReplyKind.SMALLTALK and thanks.suggestions
    assert "statut juridique" not in thanks.text  # not the same example for everyone
    assert {s.id for s in thanks.suggestions} <= {s.id for s in answer.suggestions}
    *_, after_a_list = talk(engine, "coworking à Nanterre", "merci beaucoup")
    assert "et à Colombes ?" in after_a_list.text


def test_the_money_asked_after_an_answer_is_that_answer_s(engine: Engine) -> None:
    """« combien d'argent ? » after the State's policy: its millions, not the Département's
    grants; « et le budget ? » after the Région's call: its amounts."""
    *_, state = talk(engine, "que fait l'État pour les tiers-lieux ?", "combien d'argent ?")
    assert state.entry_id == "politique-nationale" and "110 millions" in state.text
    *_, region = talk(engine, "quelles aides de la région ?", "et le budget ?")
    assert region.entry_id == "aide-region" and region.text.startswith("Les montants")


def test_source_asked_after_an_answer_lists_its_sources_and_their_date(engine: Engine) -> None:
    answer, sources = talk(engine, "quelles aides de la région ?", "source ?")
    assert sources.entry_id == answer.entry_id and "informations datées" in sources.text
    assert all(s.title in sources.text for s in answer.sources)


def test_around_a_list_are_the_nearest_places_not_shown_yet(engine: Engine) -> None:
    listed, around = talk(engine, "coworking à Sceaux", "et à côté ?")
    assert around.kind is ReplyKind.PLACES and around.places
    assert not {p.id for p in listed.places} & {p.id for p in around.places}
    assert "Autour de Sceaux" in around.text


def test_where_they_are_after_a_place_s_answer_is_its_card(engine: Engine) -> None:
    *_, where = talk(engine, "Casaco", "ils sont où ?")
    assert [p.name for p in where.places] == ["Casaco"] and where.places[0].address


def test_some_there_already_after_a_project_lists_that_commune(engine: Engine) -> None:
    *_, existing = talk(engine, "je veux ouvrir un coworking à La Défense", "il y en a déjà ?")
    assert existing.kind is ReplyKind.PLACES and existing.commune == "La Défense"


def test_and_in_the_92_after_the_figures_is_the_92_s_figure(engine: Engine) -> None:
    *_, local = talk(engine, "combien de tiers lieux en France ?", "et dans le 92 ?")
    assert local.entry_id == "chiffres-tiers-lieux" and "Hauts-de-Seine" in local.text
    assert local.text.startswith("Ce qu'en disent mes sources")


def test_the_budget_to_start_after_a_grant_is_what_opening_costs(engine: Engine) -> None:
    *_, start = talk(engine, "c'est quoi PROGR'ESS ?", "et le budget pour démarrer ?")
    assert start.text.startswith("Mes sources ne donnent pas de budget type pour ouvrir un lieu")


def test_a_station_named_by_its_commune_is_a_search_there(engine: Engine) -> None:
    reply = engine.reply("gare de rueil")
    assert reply.kind is ReplyKind.PLACES and reply.commune == "Rueil-Malmaison"


def test_thanks_after_a_list_suggests_another_commune_than_that_one(engine: Engine) -> None:
    *_, thanks = talk(engine, "coworking à Colombes", "merci")
    assert "et à Colombes ?" not in thanks.text


def test_a_bare_follow_up_after_a_choice_is_about_its_first_choice(engine: Engine) -> None:
    """« combien ? » right after a « Vouliez-vous dire… » on the Région's aid: its amounts, not
    the price of a desk."""
    menu, amounts, until = talk(engine, "projet tiers lieu rueil malmaison aides region",
                                "combien ?", "jusqu'à quand ?")
    if menu.kind is ReplyKind.CLARIFY and menu.suggestions[0].id == "aide-region":
        assert amounts.entry_id == until.entry_id == "aide-region"
        assert amounts.text.startswith("Les montants")


def test_a_button_pressed_after_a_choice_is_the_topic_of_the_next_follow_up(
        engine: Engine) -> None:
    """« le departement finance mon coworking ? », the 2nd choice pressed, then « combien ? »:
    the amounts of the choice pressed, not of the first one offered."""
    conversation = Conversation()
    menu = engine.reply("le departement finance mon coworking ?", conversation)
    if menu.kind is not ReplyKind.CLARIFY or len(menu.suggestions) < 2:
        return
    chosen = engine.answer(menu.suggestions[1].id)  # what a channel does for a button
    conversation.remember(chosen)
    amounts = engine.reply("combien ?", conversation)
    assert amounts.entry_id == chosen.entry_id


@pytest.mark.parametrize(("first", "then"), [("progress", "combien ?"),
                                             ("que fait l'État pour les tiers-lieux ?", "combien ?"),
                                             ("quelles aides de la région ?",
                                              "c'est encore ouvert ?")])
def test_a_detail_taken_from_an_answer_is_never_half_a_sentence(engine: Engine, first: str,
                                                                  then: str) -> None:
    *_, detail = talk(engine, first, then)
    assert not detail.text.rstrip().endswith(";")


def test_how_many_after_figures_is_a_figure_not_a_price(engine: Engine) -> None:
    *_, how_many = talk(engine, "teletravail chiffres", "combien ?")
    assert how_many.entry_id != "tarifs" and "€" not in how_many.text


def test_where_they_are_after_a_list_shows_all_of_them(engine: Engine) -> None:
    listed, where = talk(engine, "coworking à Nanterre", "ils sont où ?")
    assert [p.id for p in where.places] == [p.id for p in listed.places]


def test_since_when_after_a_place_s_answer_is_its_date(engine: Engine) -> None:
    *_, since = talk(engine, "Casaco", "depuis quand ?")
    assert since.entry_id == "casaco" and "2014" in since.text
    assert since.text.startswith("Ce qu'en disent mes sources")


def test_a_follow_up_the_answer_just_given_says_nothing_of_is_not_given_it_again(
        engine: Engine) -> None:
    """« qui a participé ? » right after the workshop: the same answer word for word says
    nothing new; that nothing more is known, with the questions and contact beside it, does."""
    answer, who = talk(engine, "c'était quoi l'atelier du 19 septembre ?", "qui a participé ?")
    assert who.entry_id == answer.entry_id and who.text != answer.text
    assert who.text.startswith(("Ma réponse précédente dit tout", "Ce qu'en disent mes sources"))
    # the same question asked again in other words gets its answer again
    answer, again = talk(engine, "le département aide-t-il les tiers-lieux aujourd'hui ?",
                         "je cherche les aides du département 92")
    assert again.entry_id == answer.entry_id and again.text == answer.text


def test_a_sentence_and_the_one_it_points_back_to_are_each_said_once(engine: Engine) -> None:
    """Two chosen sentences, the second pointing back (« il ne peut plus… ») to the first, gave
    the first twice."""
    answer, year = talk(engine, "C'est quoi la loi NOTRe et quel rapport avec les tiers-lieux ?",
                        "en quelle année ?")
    assert year.entry_id == answer.entry_id and year.text.startswith("Ce qu'en disent mes sources")
    sentences = [s for s in year.text.removeprefix("Ce qu'en disent mes sources : ").split(". ")]
    assert len(sentences) == len(set(sentences)), year.text


def test_a_grant_asked_of_the_place_just_shown_is_its_grant(engine: Engine) -> None:
    """« combien ils ont eu de subvention ? » after Casaco got « Les sources ne décrivent aucune
    subvention du Département… », against the 67 000 € just given."""
    _, grant, members = talk(engine, "Qu'est-ce que Casaco ?", "combien ils ont eu de subvention ?",
                             "et combien de membres ?")
    assert grant.entry_id == "casaco" and "67 000 €" in grant.text
    assert "conditions d'inscription" not in members.text  # a figure asked, not how to join
    # a grant its entry gives without a sum: said so, not today's grants of the Département
    *_, sceaux = talk(engine, "Qu'est-ce que Sceaux Smart ?", "ils ont eu combien de subvention ?")
    assert sceaux.entry_id == "sceaux-smart" and sceaux.text.endswith(
        "Elles n'en donnent pas le montant.")


def test_the_budget_of_a_funder_named_is_that_funder_s_amounts(engine: Engine) -> None:
    """« et le budget de l'État ? » after figures on the 92 said « pas de montant », while the
    State's 110 and 130 millions are known."""
    *_, budget = talk(engine, "c'est quoi les Fabriques de territoire ?",
                      "combien dans les Hauts-de-Seine ?", "et le budget de l'état ?")
    assert budget.entry_id == "politique-nationale" and "110 millions d'euros" in budget.text


def test_and_today_after_an_answer_is_the_latest_it_gives_not_today_s_grants(
        engine: Engine) -> None:
    """« et aujourd'hui ? » got « Les sources ne décrivent aucune subvention du Département… »
    after Casaco, the Wic or the counts, whatever the topic."""
    for first in ("combien y a-t-il de tiers-lieux en France ?", "c'était quoi le Wic ?"):
        answer, now = talk(engine, first, "et aujourd'hui ?")
        assert now.entry_id == answer.entry_id, first
        assert now.text.startswith("Le plus récent que donnent mes sources : ")
    # an answer about 2014 is followed by what came after 2015, as before
    *_, after = talk(engine, "c'était quoi l'expérimentation de 2014 ?", "et aujourd'hui ?")
    assert after.entry_id == "politique-apres-2015"


def test_a_figure_in_words_is_a_figure(engine: Engine) -> None:
    """« une quarantaine de lieux »: « combien de lieux ? » got « Ma réponse précédente ne donne
    pas de chiffre à ce sujet »."""
    *_, count = talk(engine, "je suis journaliste, que s'est-il passé en 2014 avec les "
                     "tiers-lieux dans les Hauts-de-Seine ?", "combien de lieux ?")
    assert "quarantaine" in count.text and "ne donne pas de chiffre" not in count.text


def test_who_runs_the_place_just_shown_is_its_operator(engine: Engine) -> None:
    """« Qui s'en occupe ? » after the FacLab fell back; the card names its university."""
    *_, who = talk(engine, "Qu'est-ce que le FacLab de Gennevilliers ?", "Qui s'en occupe ?")
    assert who.entry_id == "faclab-gennevilliers" and "Université de Cergy-Pontoise" in who.text
    *_, runs = talk(engine, "le Toboggan", "qui le gère ?")
    assert runs.text == ("Mes sources ne donnent pas le nom des responsables du Toboggan, mais "
                         "disent qui gère ce lieu : La Tréso, pour la Ville de Malakoff.")


def test_is_it_still_there_is_the_places_dated_status(engine: Engine) -> None:
    """« ça existe encore ? » after Casaco gave its whole description again."""
    *_, still = talk(engine, "Qu'est-ce que Casaco ?", "ça existe encore ?")
    assert still.entry_id == "casaco"
    assert still.text.startswith("D'après mes sources de 2019, ce lieu était ouvert ; il a pu "
                                 "fermer depuis")
    *_, listed = talk(engine, "fab lab à Malakoff", "Ça existe encore ?")
    assert len(listed.places) == 1 and "ce lieu était ouvert" in listed.text  # the first listed


def test_a_detail_its_entry_gives_is_that_sentence_not_the_whole_entry(engine: Engine) -> None:
    reply = engine.reply("combien coute l'adhesion a l'electrolab")
    assert reply.text.startswith("Ce qu'en disent mes sources : En 2018, l'adhésion coûtait")


@pytest.mark.parametrize("definition", ["qu'est-ce qu'un télécentre ?", "c koi un telecentre"])
def test_some_in_the_92_after_a_kind_none_of_which_is_listed(engine: Engine,
                                                             definition: str) -> None:
    """« Il y en a dans le 92 ? » after what a télécentre is asked for a commune, or gave a
    menu; « telecentre 92 » alone said there is none."""
    for follow_up in ("Il y en a dans le 92 ?", "ya en dans le 92 ?"):
        *_, reply = talk(engine, definition, follow_up)
        assert reply.text.startswith("Mes sources ne citent pas de télécentres en activité dans "
                                     "les Hauts-de-Seine.")
    *_, fablabs = talk(engine, "qu'est-ce qu'un fab lab ?", "il y en a dans le département ?")
    assert fablabs.kind is ReplyKind.PLACES and fablabs.text.startswith("Mes sources citent 7")


@pytest.mark.parametrize("message", ["je veux un coworking", "jveu un coworking"])
def test_a_place_wanted_is_a_place_looked_for(engine: Engine, message: str) -> None:
    # a menu on the difference with a business centre and on big companies' doubts
    assert engine.reply(message).entry_id == engine.reply("je cherche un coworking").entry_id
    assert engine.reply("je veux créer un coworking").entry_id == "creer-tiers-lieu"


def test_home_is_where_to_look_in_sms_too(engine: Engine) -> None:
    reply = engine.reply("salut je suis salariee dans une banque a la defense jhabite a antony "
                         "et je fais 1h de transport jaimerais teletravailler plus pres de chez "
                         "moi ya quoi")
    assert reply.kind is ReplyKind.PLACES and "Antony" in reply.text.split("\n")[0]


def test_near_me_after_a_kind_keeps_the_kind_for_the_commune_given(engine: Engine) -> None:
    """« il y en a près de chez moi ? » after what a fab lab is, then « Boulogne »: all of
    Boulogne's places, coworkings first, were listed."""
    _, asked, found = talk(engine, "c'est quoi un fab lab ?", "et il y en a près de chez moi ?",
                           "Boulogne")
    assert "« fab lab à Nanterre »" in asked.text
    assert found.place_type == "fablab" and found.commune == "Boulogne-Billancourt"


def test_a_brand_after_a_list_is_the_branch_listed(engine: Engine) -> None:
    """« et kwerk » after La Défense's list gave Kwerk Boulogne-Billancourt, whose alias is
    « Kwerk »; said with its commune, it is that one."""
    *_, listed = talk(engine, "coworking à La Défense", "et kwerk")
    assert [p.name for p in listed.places] == ["Kwerk Tour First"]
    *_, said = talk(engine, "coworking à La Défense", "kwerk boulogne")
    assert [p.name for p in said.places] == ["Kwerk Boulogne-Billancourt"]


def test_who_pays_after_a_place_is_the_frame_of_telework(engine: Engine) -> None:
    """« Mon employeur doit-il payer ? » after Sceaux Smart got its (missing) prices."""
    *_, pays = talk(engine, "Sceaux Smart", "Mon employeur doit-il payer ?")
    assert pays.entry_id == "teletravail-cadre"


def test_and_in_2014_after_today_s_grants_is_the_grants_of_then(engine: Engine) -> None:
    """« Et en 2014, il le faisait ? » after « Le Département peut-il m'aider ? » gave a menu
    without the Département's past grants; « et avant ? » after PROGR'ESS fell back."""
    *_, then = talk(engine, "Le Département peut-il m'aider ?", "Et en 2014, il le faisait ?")
    assert then.entry_id == "financement-departement"
    *_, before = talk(engine, "qu'est-ce que PROGR'ESS ?", "et avant ?")
    assert before.entry_id == "appel-projets-ess"


def test_a_long_message_on_a_detail_its_place_s_entry_gives_gets_that_whole_entry(
        engine: Engine) -> None:
    """A 30-word question on who founded a place whose entry says who runs it fell to the FAQ
    and got « how to open a tiers-lieu » (a held-out real question, seen as counts only)."""
    reply = engine.reply("Je voudrais contacter le président de Sceaux Smart pour organiser un "
                         "atelier avec des indépendants de la ville, comment faire ?")
    assert reply.entry_id == "sceaux-smart"
    assert reply.text == engine.knowledge.faq["sceaux-smart"].answer


def test_a_reply_doubted_says_where_it_comes_from(engine: Engine) -> None:
    """« Vous êtes sûr ? Ça me paraît peu. » after the count fell back."""
    *_, doubt = talk(engine, "combien de tiers-lieux dans le 92 ?",
                     "Vous êtes sûr ? Ça me paraît peu.")
    assert doubt.smalltalk_intent == "doubt" and "/signaler" in doubt.text
    assert engine.reply("vous êtes sûr que Casaco est à Malakoff ?").entry_id == "casaco"


def test_not_understood_then_what_was_meant_is_what_was_meant(engine: Engine) -> None:
    """« Vous n'avez pas compris ma question, je voulais les horaires. » got « D'accord ! »."""
    *_, hours = talk(engine, "Casaco", "Vous n'avez pas compris ma question, je voulais les "
                     "horaires.")
    assert hours.text.startswith("Mes sources ne donnent pas les horaires de Casaco")


def test_is_a_call_that_ended_still_open_says_it_ended(engine: Engine) -> None:
    """« ça existe encore ? » after the 2011 ESS call got « À partir de 2014, l'appel était
    ouvert toute l'année », the call being suspended after the NOTRe law (QA22)."""
    _, still, apply = talk(engine, "c'était quoi l'appel à projets ESS du département ?",
                           "ça existe encore ?", "on peut encore postuler ?")
    for reply in (still, apply):
        assert "suspendu" in reply.text and "PROGR'ESS" in reply.text
        assert "ouvert toute l'année" not in reply.text


def test_whether_a_place_still_exists_says_what_threatened_it(engine: Engine) -> None:
    *_, still = talk(engine, "Electrolab", "ça existe encore ?")
    assert "menacé de fermeture" in still.text
    *_, plain = talk(engine, "morning levallois", "ça existe encore ?")
    assert plain.text.count("fermer") == 1  # not the card's « il a pu fermer… » again


def test_a_homonym_elsewhere_after_a_list_is_no_place_of_the_list(engine: Engine) -> None:
    """« non, Colombes dans le Calvados » after Colombes's list gave La Factory's card."""
    *_, other = talk(engine, "coworking à Colombes", "non, Colombes dans le Calvados")
    assert not other.places


def test_what_is_it_after_one_place_s_card_is_that_place(engine: Engine) -> None:
    """« c'est quoi ? », « c'est quoi ce radio-club ? » after the Radio-Club's card fell back."""
    for question in ("c'est quoi ?", "c'est quoi ce radio-club ?"):
        *_, it = talk(engine, "tiers-lieux à Rueil", "le 2e", question)
        assert [p.name for p in it.places] == ["Radio-Club de Rueil-Malmaison"], question
    *_, other = talk(engine, "le Toboggan", "c'est quoi un fab lab ?")
    assert other.entry_id == "definition-fablab"
