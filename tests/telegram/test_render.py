"""Rendering for Telegram: valid HTML, under 4 096 units, callback data under 64 bytes.

Validity is checked with the same strict parser the fake Bot API server uses, so what passes
here is what Telegram accepts.
"""

from __future__ import annotations

import json
import re

import pytest

from bot.engine import Engine
from bot.engine.reply import ContactCard, PlaceCard, Reply, ReplyKind, SourceRef, Suggestion
from bot.telegram import render
from tests.e2e.fake_bot_api import ApiError, parse_html, utf16_len

HOSTILE = "<b>x</b> & </i> <script>alert('1')</script> &amp; \x00\x07 \u202e ‮ 😀 > <"


def telegram_accepts(message: render.OutMessage) -> str:
    """The text Telegram would show; fails like Telegram would."""
    text, _ = parse_html(message.html)
    assert text.strip()
    assert utf16_len(text) <= 4096
    for row in message.keyboard:
        for button in row:
            assert button.text
            assert button.data is None or 1 <= len(button.data.encode()) <= 64
    return text


# ----------------------------------------------------------------------------- escaping


def test_hostile_text_is_shown_verbatim_not_interpreted() -> None:
    html = f"<b>{render.esc(HOSTILE)}</b>"
    text = telegram_accepts(render.OutMessage(html))
    assert "<script>alert('1')</script>" in text
    assert "\x00" not in text and "\x07" not in text


def test_links_only_for_web_urls() -> None:
    assert render.link("https://www.casaco.fr", "Casaco") == (
        '<a href="https://www.casaco.fr">Casaco</a>')
    assert render.link('javascript:alert("x")', "piège") == "piège"
    assert render.link('https://x.org/"><b>', "x") == "x"


# ----------------------------------------------------------------------------- replies


def test_every_faq_answer_renders_valid_telegram_html(engine: Engine) -> None:
    for entry_id, entry in engine.knowledge.faq.items():
        messages = render.render_reply(engine.answer(entry_id), title=entry.question,
                                       interaction_id=2**62)
        text = "".join(telegram_accepts(m) for m in messages)
        assert text.startswith(entry.question)
        assert "Source" in text
        feedback = [b for b in messages[-1].keyboard[-1]]
        assert [b.text for b in feedback] == ["👍 Utile", "👎 Pas utile"]


def test_every_commune_search_renders_valid_telegram_html(engine: Engine) -> None:
    for commune in engine.knowledge.communes:
        for message in render.render_reply(engine.places(commune)):
            telegram_accepts(message)


def test_answer_has_a_title_an_italic_sourced_footer_and_buttons() -> None:
    reply = Reply(
        kind=ReplyKind.ANSWER, text="Premier paragraphe.\n\nSecond < paragraphe & fin.",
        entry_id="definition-tiers-lieu", score=90,
        suggestions=(Suggestion("definition-fablab", "Qu'est-ce qu'un fab lab ?"),),
        sources=(SourceRef("Cahier n°12", "https://eak.hauts-de-seine.fr/c12"),),
        facts_date="2014-12",
    )
    [message] = render.render_reply(reply, title="Qu'est-ce qu'un tiers-lieu ?",
                                    interaction_id=7)
    assert message.html.startswith("<b>Qu'est-ce qu'un tiers-lieu ?</b>\n\n")
    assert "Second &lt; paragraphe &amp; fin." in message.html
    assert message.html.endswith(
        '<i>Source : <a href="https://eak.hauts-de-seine.fr/c12">Cahier n°12</a> — '
        "informations datées de décembre 2014.</i>")
    assert message.keyboard[0] == (render.Button("Qu'est-ce qu'un fab lab ?",
                                                 "a:definition-fablab"),)
    assert message.keyboard[1][0].data == "fb:+:7:definition-tiers-lieu"


def test_clarify_offers_the_candidates_and_a_way_out(engine: Engine) -> None:
    reply = engine.reply("les tiers lieux")  # a real hesitation between three entries
    assert reply.kind is ReplyKind.CLARIFY
    [message] = render.render_reply(reply)
    labels = [row[0].text for row in message.keyboard]
    assert "Qu'est-ce qu'un tiers-lieu ?" in labels
    assert labels[-1] == "Aucune de ces questions"


def test_fallback_offers_themes_and_a_contact(engine: Engine) -> None:
    reply = engine.reply("Quelle est la capitale de l'Australie ?")
    [message] = render.render_reply(reply)
    text = telegram_accepts(message)
    assert "Département des Hauts-de-Seine" in text
    themes = [b for row in message.keyboard for b in row if b.data.startswith("tn:")]
    assert themes and all(b.text.startswith("📚") for b in themes)


def test_place_card_shows_only_what_is_known() -> None:
    card = PlaceCard(id="x", name="Lieu <X>", commune="Nanterre", type="coworking",
                     type_label="Espace de coworking", status="ouvert",
                     status_label="ouvert en 2014", address="1 rue A & B",
                     website="https://www.exemple.org/", distance_km=2.4)
    html = render.place_card_html(card)
    text, entities = parse_html(html)
    assert text.splitlines() == [
        "📍 Lieu <X> — Nanterre (à environ 2 km)",
        "Espace de coworking, ouvert en 2014",
        "Adresse : 1 rue A & B",
        "Site : exemple.org",
    ]
    assert {"type": "text_link", "offset": utf16_len(text[:text.index("exemple.org")]), "length": 11,
            "url": "https://www.exemple.org/"} in entities
    bare = PlaceCard(id="y", name="Y", commune="Sceaux", type="fablab", type_label="Fab lab",
                     status="inconnu", status_label="statut inconnu")
    assert "None" not in render.place_card_html(bare)
    assert "Adresse" not in render.place_card_html(bare)


def test_contact_card() -> None:
    card = ContactCard(id="c", name="CRESS", email="contact@cress.org", phone="01 23 45 67 89")
    text, _ = parse_html(render.contact_card_html(card))
    assert text == "☎️ CRESS\nCourriel : contact@cress.org\nTéléphone : 01 23 45 67 89"


# ----------------------------------------------------------------------------- splitting


def paragraphs(n: int, size: int) -> str:
    return "\n\n".join(f"<b>Titre {i}</b>\n" + render.esc(f"Ligne {i} < & > " * size)
                       for i in range(n))


def test_short_text_is_one_message() -> None:
    assert render.split_html("<b>court</b>") == ["<b>court</b>"]


@pytest.mark.parametrize("html", [
    paragraphs(40, 20),  # many paragraphs
    "<i>" + render.esc("mot " * 3000) + "</i>",  # one paragraph, inside a tag
    "😀" * 5000,  # astral characters count twice
    "x" * 9000,  # one unbreakable word
    '<a href="https://exemple.org">' + "lien " * 2000 + "</a>",
])
def test_long_text_is_split_into_valid_messages(html: str) -> None:
    parts = render.split_html(html)
    assert len(parts) > 1
    texts = [telegram_accepts(render.OutMessage(p)) for p in parts]
    original = parse_html(html)[0]
    assert re.sub(r"\s+", "", "".join(texts)) == re.sub(r"\s+", "", original)


def test_splitting_prefers_paragraph_boundaries() -> None:
    parts = render.split_html(paragraphs(40, 20))
    for part in parts:
        assert part.startswith("<b>Titre")  # every part begins with a whole paragraph
        assert part.rstrip().endswith("&gt;")  # and ends with one


def test_splitting_counts_utf16_units() -> None:
    parts = render.split_html("😀" * 3000)
    assert [utf16_len(p) for p in parts] == [4096, 1904]


def test_messages_from_blocks_puts_the_keyboard_on_the_last_message() -> None:
    keyboard = ((render.Button("ok", "a:x"),),)
    messages = render.messages_from_blocks([paragraphs(40, 20)], keyboard)
    assert len(messages) > 1
    assert [m.keyboard for m in messages] == [()] * (len(messages) - 1) + [keyboard]


# ----------------------------------------------------------------------------- callback data


def test_callback_data_fits_64_bytes_and_resolves_back() -> None:
    long_id = "une-entree-au-nom-vraiment-beaucoup-trop-long-pour-un-bouton-telegram"
    for data in (render.cb_answer(long_id), render.cb_feedback(False, long_id, 2**63 - 1),
                 render.cb_reason("vieux", long_id, 2**63 - 1), render.cb_theme(long_id, 99),
                 render.cb_places("Communauté d'agglomération très très longue, Hauts-de-Seine"),
                 render.cb_review("pe", 2**63 - 1, key=long_id)):
        assert len(data.encode()) <= 64
    key = render.unpack(render.cb_answer(long_id))[-1]
    assert key.startswith("~")
    assert render.resolve(key, ["autre", long_id]) == long_id
    assert render.resolve(key, ["autre"]) is None  # a stale button
    assert render.cb_answer("tarifs") == "a:tarifs"


def test_keys_with_separators_are_hashed() -> None:
    data = render.cb_theme("a:b", 0)
    assert data.count(":") == 2
    assert render.resolve(render.unpack(data)[-1], ["a:b"]) == "a:b"


# ----------------------------------------------------------------------------- fixed texts


def test_welcome_says_what_where_from_how_old_and_privacy(engine: Engine) -> None:
    facts = render.knowledge_facts(engine.knowledge)
    [message] = render.render_welcome("<Zoé>", facts, engine.examples(), "la Ville", 90)
    text = telegram_accepts(message)
    assert text.startswith("👋 Bonjour <Zoé> !")
    assert "assistant automatique" in text
    assert f"tirée notamment de « {facts.sources[0]} »" in text
    assert f"qui datent de {facts.first_year} à {facts.last_year}" in text
    assert "90 jours" in text and "la Ville" in text and "/oubli" in text
    assert len(message.keyboard) == 3


def test_help_lists_commands_and_the_privacy_notice() -> None:
    [message] = render.render_help("le Département", 180, staff=True)
    text = telegram_accepts(message)
    for name, _ in render.USER_COMMANDS[1:]:
        assert f"/{name}" in text
    assert "/stats" in text and "180 jours" in text and "le Département" in text


def test_command_menus_are_valid_for_telegram() -> None:
    for name, description in render.USER_COMMANDS + render.STAFF_COMMANDS:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name)
        assert 1 <= len(description) <= 256
    users = [name for name, _ in render.USER_COMMANDS]
    assert "help" not in users and len(set(users)) == len(users)  # /aide once, not /help too
    groups = [name for name, _ in render.GROUP_COMMANDS]
    assert set(groups) == set(users) - {"oubli", "mesdonnees"}


def test_callback_data_over_64_bytes_is_refused_explicitly() -> None:
    with pytest.raises(ValueError):
        render.pack("x" * 65)
    assert render.cb_places("Nanterre", "coworking") == "p:coworking:Nanterre"
    assert len(render.cb_places("É" * 80, "centre-affaires").encode()) <= 64


def test_my_data_separates_questions_for_staff_from_reports() -> None:
    def row(reason: str, message: str) -> dict:
        return {"id": 1, "created_at": "2026-11-25T18:40:00+00:00", "message": message,
                "reason": reason, "suggested_id": None, "status": "open"}

    data = {"interactions": [], "feedback": [],
            "reports": [row("unanswered", "capitale ?"), row("report", "Casaco a fermé")]}
    [message], _ = render.render_my_data(data, "le Département", 180)
    text = telegram_accepts(message)
    questions, reports = text.split("Signalements (1)")
    assert "Questions transmises à l'équipe (1)" in questions and "capitale" in questions
    assert "Casaco a fermé" in reports and "capitale" not in reports


def test_theme_pages() -> None:
    questions = [Suggestion(f"q{i}", f"Question {i} ?") for i in range(19)]
    first = render.render_theme("notions", "Notions", questions, 0)
    last = render.render_theme("notions", "Notions", questions, 2)
    assert "(1/3)" in telegram_accepts(first) and "(3/3)" in telegram_accepts(last)
    assert [b.text for b in first.keyboard[-2]] == ["Suivantes ▶"]
    assert [b.text for b in last.keyboard[-2]] == ["◀ Précédentes"]
    assert len(last.keyboard) == 3 + 2


def test_my_data_is_readable_and_long_exports_become_a_document() -> None:
    item = {"id": 1, "created_at": "2026-11-25T18:40:00+00:00", "message": "<b>tarifs</b>",
            "reply_kind": "answer", "entry_id": "tarifs", "score": 90.0, "response_ms": 12}
    messages, document = render.render_my_data({"interactions": [item], "feedback": [],
                                                "reports": []}, "le Département", 180)
    text = telegram_accepts(messages[0])
    assert document is None
    assert "25/11/2026 19:40 — « <b>tarifs</b> » → réponse" in text
    many = {"interactions": [item] * 100, "feedback": [], "reports": []}
    messages, document = render.render_my_data(many, "le Département", 180)
    assert "fichier joint" in telegram_accepts(messages[0])
    assert len(json.loads(document)["interactions"]) == 100
    empty, _ = render.render_my_data({"interactions": [], "feedback": [], "reports": []}, "x", 1)
    assert "aucune donnée" in telegram_accepts(empty[0])


def test_the_strict_parser_rejects_what_telegram_rejects() -> None:
    for bad in ("<b>x", "x</b>", "<br>", "a < b", "a & b", "<b><i>x</b></i>", "&nbsp;"):
        with pytest.raises(ApiError):
            parse_html(bad)
