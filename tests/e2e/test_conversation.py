"""Whole conversations: the real Application long-polling the strict fake Bot API server."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from telegram.ext import CallbackContext

from bot.telegram import render
from bot.telegram.app import heartbeat
from tests.e2e.conftest import ADMIN, Harness

USER = 4242


async def test_menus_are_registered_for_everyone_and_for_staff(bot: Harness) -> None:
    everyone = [c["command"] for c in bot.api.commands["default"]]
    staff = [c["command"] for c in bot.api.commands[f"chat:{ADMIN}"]]
    assert {"start", "aide", "themes", "lieux", "contact", "signaler", "oubli",
            "mesdonnees"} <= set(everyone)
    assert not {"stats", "nonrepondues", "recharger", "annuler"} & set(everyone)
    assert {"stats", "nonrepondues", "recharger", "annuler"} <= set(staff)
    groups = {c["command"] for c in bot.api.commands["all_group_chats"]}
    assert "aide" in groups and not {"oubli", "mesdonnees"} & groups
    assert "help" not in everyone


async def test_only_handled_updates_are_asked_for(bot: Harness) -> None:
    assert sorted(bot.api.allowed_updates) == ["callback_query", "edited_message", "message"]


async def test_start_is_a_warm_welcome_with_examples_sources_and_privacy(bot: Harness) -> None:
    welcome = await bot.ask(USER, "/start")
    assert "Bonjour Camille" in welcome.text
    assert "assistant automatique" in welcome.text
    assert re.search(r"20\d\d à 20\d\d", welcome.text)  # how old the facts are
    assert "Cahier n°12" in welcome.text  # where they come from
    assert "180 jours" in welcome.text and "Département des Hauts-de-Seine" in welcome.text
    assert len(welcome.buttons) == 3

    answer_ = await bot.press(welcome, welcome.button_texts[0])
    assert answer_["show_alert"] is False
    shown = await bot.api.pop_message(USER)
    assert welcome.button_texts[0][:20] in shown.text


async def test_a_question_gets_its_answer_source_and_feedback_buttons(bot: Harness) -> None:
    reply = await bot.ask(USER, "C'est quoi un tiers-lieu ?")
    assert reply.text.startswith("Qu'est-ce qu'un tiers-lieu ?")
    assert "Source" in reply.text and "informations datées de 2014" in reply.text
    assert any("👍" in t for t in reply.button_texts)
    assert len(reply.buttons) >= 3  # related questions too

    answered = await bot.press(reply, "👍")
    assert "Merci" in answered["text"]
    edited = await bot.api.pop_edit(USER)
    assert not any("👍" in t for t in edited.button_texts)  # one vote per answer
    assert bot.rows("feedback", USER) == 1
    assert bot.rows("interactions", USER) == 1


async def test_thumbs_down_offers_a_reason_and_records_it(bot: Harness) -> None:
    reply = await bot.ask(USER, "Comment monter un tiers-lieu ?")
    await bot.press(reply, "👎")
    reasons = await bot.api.pop_edit(USER)
    assert "Information périmée" in reasons.button_texts
    reply.reply_markup = reasons.reply_markup
    await bot.press(reply, "Information périmée")
    await bot.api.pop_edit(USER)
    assert bot.rows("feedback", USER) == 1


async def test_a_sloppy_question_still_finds_its_entry(bot: Harness) -> None:
    reply = await bot.ask(USER, "c koi 1 tiers lieu")
    # Answered outright, or offered as « Vouliez-vous dire… »: either way the user sees it.
    assert "Qu'est-ce qu'un tiers-lieu ?" in reply.text + " ".join(reply.button_texts)


async def test_related_question_button_shows_that_answer(bot: Harness) -> None:
    reply = await bot.ask(USER, "Qu'est-ce qu'un fab lab ?")
    related = next(t for t in reply.button_texts if "👍" not in t and "👎" not in t)
    await bot.press(reply, related)
    answer_ = await bot.api.pop_message(USER)
    assert answer_.text.startswith(related.rstrip("…"))


async def test_commune_search_and_its_follow_up(bot: Harness) -> None:
    malakoff = await bot.ask(USER, "un coworking à Malakoff")
    assert "Casaco" in malakoff.text
    assert "6, avenue Jean Jaurès" in malakoff.text
    assert "https://www.casaco.fr" in malakoff.links

    nanterre = await bot.ask(USER, "et à Nanterre ?")
    assert "Nanterre" in nanterre.text and "Casaco" not in nanterre.text


async def test_places_command_with_and_without_a_commune(bot: Harness) -> None:
    choose = await bot.ask(USER, "/lieux")
    assert "Malakoff" in choose.button_texts
    await bot.press(choose, "Malakoff")
    assert "Casaco" in (await bot.api.pop_message(USER)).text

    typed = await bot.ask(USER, "/lieux malakof")
    assert "Casaco" in typed.text
    unknown = await bot.ask(USER, "/lieux Atlantis")
    assert "Je ne connais pas la commune" in unknown.text


async def test_themes_are_browsed_in_place(bot: Harness) -> None:
    themes = await bot.ask(USER, "/themes")
    await bot.press(themes, "Comprendre les tiers-lieux")
    page = await bot.api.pop_edit(USER)
    assert "Comprendre les tiers-lieux" in page.text
    assert "↩ Tous les thèmes" in page.button_texts
    themes.reply_markup = page.reply_markup
    first = page.button_texts[0]
    await bot.press(themes, first)
    assert (await bot.api.pop_message(USER)).text.startswith(first.rstrip("…"))


async def test_unknown_question_falls_back_to_themes_and_a_contact(bot: Harness) -> None:
    reply = await bot.ask(USER, "Quelle est la capitale de l'Australie ?")
    assert "pas de réponse sûre" in reply.text
    assert any(t.startswith("📚") for t in reply.button_texts)
    assert "hauts-de-seine.fr" in reply.text
    assert bot.rows("review_queue", USER) == 1


@pytest.mark.parametrize("text", [
    "<b>gras</b> & <script>alert('x')</script> &amp; </i>",
    "*gras* _italique_ `code` [lien](http://exemple.org) ~barré~ ||spoiler||",
    "'; DROP TABLE interactions; --",
    "tiers-lieu " * 455,  # 5 005 characters
    "\x00\x01\x1b[31m tiers\u200b-\u200dlieu\ufeff ?",
    "\u202euéil-sreit nu'uq ec-tse'uQ\u200f \u200e",
    "😀🎉🤖",
    "@" + "a" * 40 + " #hashtag /notacommand",
])
async def test_hostile_inputs_get_a_normal_reply(bot: Harness, text: str) -> None:
    reply = await bot.ask(USER, text)
    assert reply.text.strip()  # and the strict server accepted its HTML and length
    assert bot.rows("interactions", USER) == 1


async def test_non_text_messages_get_a_polite_reply(bot: Harness) -> None:
    bot.api.push_sticker(USER)
    assert "autocollant" in (await bot.api.pop_message(USER)).text
    bot.api.push_photo(USER)
    assert "images" in (await bot.api.pop_message(USER)).text
    bot.api.push_voice(USER)
    assert "vocaux" in (await bot.api.pop_message(USER)).text
    bot.api.push_document(USER)
    assert "fichiers" in (await bot.api.pop_message(USER)).text
    question = bot.api.push_message(USER, "Qu'est-ce qu'un tiers-lieu ?")
    await bot.api.pop_message(USER)
    bot.api.push_edited(USER, question["message_id"], "Qu'est-ce qu'un fab lab ?")
    assert "modifiés" in (await bot.api.pop_message(USER)).text


async def test_a_shared_location_lists_the_nearest_places(bot: Harness) -> None:
    bot.api.push_location(USER, 48.8925, 2.2069)  # Nanterre
    reply = await bot.api.pop_message(USER)
    assert "les plus proches" in reply.text
    assert "Nanterre" in reply.text


async def test_staff_commands_are_refused_to_other_users(bot: Harness) -> None:
    for command in ("/stats", "/nonrepondues", "/recharger", "/annuler"):
        reply = await bot.ask(USER, command)
        assert reply.text == render.STAFF_ONLY
    bot.api.push_callback(USER, reply.message_id, "rv:ok:1")  # a forged staff button
    answered = await bot.api.wait_answered(str(1))
    assert answered["text"] in (render.STAFF_ONLY, render.STALE_BUTTON)  # never acted upon


async def test_stale_buttons_are_answered(bot: Harness) -> None:
    reply = await bot.ask(USER, "Qu'est-ce qu'un tiers-lieu ?")
    for data in ("a:an-entry-removed-since", "th:0:~0000000000", "zz:from-an-old-version"):
        query = bot.api.push_callback(USER, reply.message_id, data)
        assert (await bot.api.wait_answered(query))["text"] == render.STALE_BUTTON


async def test_report_goes_to_staff(bot: Harness) -> None:
    await bot.ask(USER, "Qu'est-ce qu'un tiers-lieu ?")
    thanks = await bot.ask(USER, "/signaler Casaco a déménagé")
    assert "transmis à l'équipe" in thanks.text
    notice = await bot.api.pop_message(ADMIN)
    assert "Casaco a déménagé" in notice.text and "Qu'est-ce qu'un tiers-lieu ?" in notice.text
    assert bot.rows("review_queue", USER) == 1

    prompt = await bot.ask(USER, "/signaler")
    bot.api.push_message(USER, "Il manque un lieu à Sceaux", reply_to=prompt.message_id)
    assert "transmis" in (await bot.api.pop_message(USER)).text
    assert "Il manque un lieu à Sceaux" in (await bot.api.pop_message(ADMIN)).text


async def test_my_data_then_forget_leaves_no_row(bot: Harness) -> None:
    first = await bot.ask(USER, "Qu'est-ce qu'un tiers-lieu ?")
    await bot.press(first, "👍")
    await bot.api.pop_edit(USER)
    await bot.ask(USER, "Quelle est la capitale de l'Australie ?")
    await bot.ask(USER, "/signaler une erreur")
    await bot.api.pop_message(ADMIN)
    other = 777
    await bot.ask(other, "Qu'est-ce qu'un fab lab ?")

    mine = await bot.ask(USER, "/mesdonnees")
    assert "Messages (2)" in mine.text and "Avis (1)" in mine.text
    assert "capitale de l'Australie" in mine.text and "Département des Hauts-de-Seine" in mine.text

    confirm = await bot.ask(USER, "/oubli")
    await bot.press(confirm, "Oui")
    done = await bot.api.pop_edit(USER)
    assert "effacé" in done.text
    for table in ("interactions", "feedback", "review_queue"):
        assert bot.rows(table, USER) == 0
    assert bot.rows("interactions", other) == 1  # nobody else's

    empty = await bot.ask(USER, "/mesdonnees")
    assert "aucune donnée" in empty.text


async def test_groups_answer_commands_and_mentions_only(bot: Harness) -> None:
    group = -1001
    bot.api.push_message(group, "On se retrouve où demain ?", user_id=USER, chat_type="group")
    bot.api.push_message(group, "@tiers_lieux_test_bot c'est quoi un fab lab ?", user_id=USER,
                         chat_type="group")
    reply = await bot.api.pop_message(group)
    assert reply.text.startswith("Qu'est-ce qu'un fab lab ?")
    assert reply.reply_to is not None  # quotes the question it answers
    help_ = await bot.ask(group, "/aide@tiers_lieux_test_bot", user_id=USER, chat_type="group")
    assert "Comment m'utiliser" in help_.text
    assert bot.api.pending(group) == 0  # the chatter between people got no reply


async def test_long_data_export_comes_as_a_json_document(bot: Harness) -> None:
    for n in range(15):  # under the flood limit (20 a minute)
        await bot.ask(USER, f"Question numéro {n} : " + "les coworkings et leurs tarifs " * 6)
    summary = await bot.ask(USER, "/mesdonnees")
    assert "fichier joint" in summary.text
    document = await bot.api.pop_message(USER)
    assert document.filename == "mesdonnees.json"
    assert len(json.loads(document.document)["interactions"]) == 15


async def test_staff_review_flow_teaches_a_new_phrasing(staff_bot: Harness) -> None:
    bot = staff_bot
    question = "Je voudrais savoir où poser mon ordi pour bosser"
    first = await bot.ask(USER, question)
    assert not first.text.startswith("Où trouver")

    queue = await bot.ask(ADMIN, "/nonrepondues")
    assert question in queue.text
    await bot.press(queue, "1")
    item = await bot.api.pop_edit(ADMIN)
    queue.reply_markup = item.reply_markup
    await bot.press(queue, "Choisir une autre entrée")
    themes = await bot.api.pop_edit(ADMIN)
    queue.reply_markup = themes.reply_markup
    await bot.press(queue, "Travailler dans un tiers-lieu")
    entries = await bot.api.pop_edit(ADMIN)
    queue.reply_markup = entries.reply_markup
    target = next(t for t in entries.button_texts if t.startswith("Où trouver"))
    await bot.press(queue, target)
    done = await bot.api.pop_edit(ADMIN)
    assert "est maintenant une formulation" in done.text
    assert "Connaissances rechargées" in done.text

    learned = await bot.ask(USER + 1, question)
    assert learned.text.startswith(target.rstrip("…"))
    assert "Aucune question en attente" in (await bot.ask(ADMIN, "/nonrepondues")).text

    undone = await bot.ask(ADMIN, "/annuler")
    assert "Formulation retirée" in undone.text
    assert not (await bot.ask(USER + 2, question)).text.startswith(target.rstrip("…"))


async def test_staff_can_edit_the_text_before_accepting(staff_bot: Harness) -> None:
    bot = staff_bot
    await bot.ask(USER, "comment louer un bureau au département ? écrivez-moi à marie@exemple.fr")
    queue = await bot.ask(ADMIN, "/nonrepondues")
    await bot.press(queue, "1")
    item = await bot.api.pop_edit(ADMIN)
    queue.reply_markup = item.reply_markup
    await bot.press(queue, "Modifier le texte")
    await bot.api.pop_edit(ADMIN)
    view = await bot.ask(ADMIN, "comment louer un bureau au département, contact 06 12 34 56 78")
    assert "Texte retenu" in view.text and "06 12" not in view.text and "[retiré]" in view.text

    ignored = await bot.ask(ADMIN, "/stats")
    assert "7 derniers jours" in ignored.text and "30 derniers jours" in ignored.text
    assert "Messages : 1" in ignored.text


async def test_reload_reports_its_result(staff_bot: Harness) -> None:
    reply = await staff_bot.ask(ADMIN, "/recharger")
    assert reply.text.startswith("Connaissances rechargées : 56 entrées") or (
        "Connaissances rechargées" in reply.text)


async def test_heartbeat_is_fresh_while_polling(bot: Harness) -> None:
    await heartbeat(CallbackContext(bot.app))
    beat = Path(os.environ["TLB_HEARTBEAT_FILE"])
    assert time.time() - beat.stat().st_mtime < 60
