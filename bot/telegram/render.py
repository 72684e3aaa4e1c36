"""Reply → Telegram messages: cards, keyboards and the assistant's screens.

Everything here is plain data (no ``telegram`` import), so it is tested without a bot: the
handlers turn :class:`Button` rows into ``InlineKeyboardMarkup``. The building blocks live in
small modules, re-exported here so callers only need ``from bot import render``:

* :mod:`bot.telegram.html` — valid HTML for Telegram: every piece of text goes through
  :func:`esc`, and a message never exceeds 4 096 UTF-16 units (:func:`split_html` cuts at
  paragraphs, then lines, then words, closing and reopening tags around each cut);
* :mod:`bot.telegram.callback_data` — ``callback_data`` never exceeds 64 bytes (:func:`pack`);
* :mod:`bot.telegram.fixed_texts` — command menus and fixed notices.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.engine.reply import (
    ContactCard,
    PlaceCard,
    Reply,
    ReplyKind,
    SourceRef,
    Suggestion,
    contact_details,
    distance_text,
    footer_line,
    place_details,
    place_where,
)
from bot.knowledge import Knowledge
from bot.telegram.callback_data import (
    CB_FORGET_NO,
    CB_FORGET_YES,
    CB_NONE_OF_THESE,
    FEEDBACK_REASONS,
    MAX_CALLBACK_BYTES,
    cb_answer,
    cb_feedback,
    cb_places,
    cb_reason,
    cb_review,
    cb_theme,
    cb_themes,
    key_for,
    pack,
    resolve,
    unpack,
)
from bot.telegram.fixed_texts import (
    EDITED,
    ERROR_APOLOGY,
    FLOOD_NOTICE,
    GROUP_COMMANDS,
    NOT_TEXT,
    STAFF_COMMANDS,
    STAFF_ONLY,
    STALE_BUTTON,
    UNKNOWN_COMMAND,
    USER_COMMANDS,
)
from bot.telegram.html import (
    MAX_BUTTON_LABEL,
    MAX_MESSAGE_UNITS,
    Button,
    Keyboard,
    OutMessage,
    clean,
    esc,
    esc_attr,
    link,
    messages_from_blocks,
    quote,
    shorten,
    split_html,
    utf16_len,
    visible_length,
    visible_text,
)

__all__ = [
    "CB_FORGET_NO", "CB_FORGET_YES", "CB_NONE_OF_THESE", "EDITED", "ERROR_APOLOGY",
    "FEEDBACK_REASONS", "FLOOD_NOTICE", "GROUP_COMMANDS", "MAX_BUTTON_LABEL",
    "MAX_CALLBACK_BYTES", "MAX_MESSAGE_UNITS", "NOT_TEXT", "STAFF_COMMANDS", "STAFF_ONLY",
    "STALE_BUTTON", "THEME_PAGE_SIZE", "UNKNOWN_COMMAND", "USER_COMMANDS", "Button",
    "Keyboard", "KnowledgeFacts", "OutMessage", "cb_answer", "cb_feedback", "cb_places",
    "cb_reason", "cb_review", "cb_theme", "cb_themes", "clean", "contact_card_html", "esc",
    "esc_attr", "feedback_row", "footer_html", "is_feedback_row", "key_for",
    "knowledge_facts", "link", "local_time", "messages_from_blocks", "pack", "page_of",
    "pager", "place_card_html", "privacy_line", "privacy_notice", "quote", "reason_rows",
    "render_communes", "render_contacts", "render_help", "render_my_data", "render_reply",
    "render_theme", "render_themes", "render_welcome", "resolve", "shorten", "split_html",
    "suggestion_rows", "unpack", "utf16_len", "visible_length", "visible_text",
    "without_feedback",
]

THEME_PAGE_SIZE = 8


# ----------------------------------------------------------------------------- pieces


def footer_html(sources: Sequence[SourceRef], facts_date: str | None) -> str:
    """The discreet source line: « Source : … — informations datées de décembre 2014. »"""
    line = footer_line([link(s.url, s.title) for s in sources], facts_date, escape=esc)
    return f"<i>{line}</i>" if line else ""


def _detail_html(label: str, value: str) -> str:
    if label == "Site":
        return f"{label} : {link(value, _display_url(value))}"
    return f"{label} : {esc(value)}"


def place_card_html(place: PlaceCard) -> str:
    """A directory place as a short card (only the fields the sources give)."""
    head = f"📍 <b>{esc(place.name)}</b> — {esc(place_where(place))}"
    if place.distance_km is not None:
        head += f" <i>({distance_text(place.distance_km)})</i>"
    lines = [head, esc(f"{place.type_label}, {place.status_label}")]
    if place.description:
        lines.append(esc(place.description))
    lines += [_detail_html(label, value) for label, value in place_details(place)]
    return "\n".join(lines)


def contact_card_html(contact: ContactCard) -> str:
    lines = [f"☎️ <b>{esc(contact.name)}</b>"]
    if contact.description:
        lines.append(esc(contact.description))
    lines += [_detail_html(label, value) for label, value in contact_details(contact)]
    return "\n".join(lines)


def _display_url(url: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
    return shorten(shown, 50)


def suggestion_rows(suggestions: Iterable[Suggestion]) -> list[tuple[Button, ...]]:
    return [(Button(shorten(s.question), cb_answer(s.id)),) for s in suggestions]


def feedback_row(entry_id: str, interaction_id: int | None) -> tuple[Button, ...]:
    return (
        Button("👍 Utile", cb_feedback(True, entry_id, interaction_id)),
        Button("👎 Pas utile", cb_feedback(False, entry_id, interaction_id)),
    )


def reason_rows(entry_id: str, interaction_id: int | None) -> list[tuple[Button, ...]]:
    """The optional « why not useful? » buttons shown after a 👎."""
    buttons = [Button(label, cb_reason(code, entry_id, interaction_id))
               for code, label in FEEDBACK_REASONS.items()]
    return [tuple(buttons[:2]), tuple(buttons[2:]),
            (Button("Passer", cb_reason("-", entry_id, interaction_id)),)]


def is_feedback_row(row: Sequence[Button]) -> bool:
    return any((b.data or "").startswith(("fb:", "fr:")) for b in row)


def without_feedback(rows: Iterable[tuple[Button, ...]]) -> list[tuple[Button, ...]]:
    """A keyboard without its 👍/👎 row and reason buttons (once the user has voted)."""
    return [r for r in rows if not is_feedback_row(r)]


def page_of(items: Sequence[Any], page: int,
            size: int = THEME_PAGE_SIZE) -> tuple[Sequence[Any], int, int]:
    """One page of ``items``: (the items shown, the page number clamped, the page count)."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return items[page * size:(page + 1) * size], page, pages


def pager(page: int, pages: int, data: Any, previous: str = "◀",
          following: str = "▶") -> list[tuple[Button, ...]]:
    """The ◀ ▶ row of a paged list (none when there is one page); ``data(n)`` targets page n."""
    nav = []
    if page > 0:
        nav.append(Button(previous, data(page - 1)))
    if page < pages - 1:
        nav.append(Button(following, data(page + 1)))
    return [tuple(nav)] if nav else []


# ----------------------------------------------------------------------------- replies


def render_reply(reply: Reply, *, title: str | None = None,
                 interaction_id: int | None = None) -> list[OutMessage]:
    """The engine's reply as Telegram messages (the keyboard on the last one)."""
    blocks: list[str] = []
    if title and reply.kind is ReplyKind.ANSWER:
        blocks.append(f"<b>{esc(title)}</b>")
    blocks.extend(esc(p) for p in reply.text.split("\n\n"))
    blocks.extend(place_card_html(p) for p in reply.places)
    blocks.extend(contact_card_html(c) for c in reply.contacts)
    blocks.append(footer_html(reply.sources, reply.facts_date))

    rows = suggestion_rows(reply.suggestions)
    if reply.kind is ReplyKind.CLARIFY and reply.suggestions:
        rows.append((Button("Aucune de ces questions", CB_NONE_OF_THESE),))
    if reply.kind is ReplyKind.FALLBACK:
        rows.extend((Button(f"📚 {shorten(label)}", cb_theme(tid, new_message=True)),)
                    for tid, label in reply.themes)
    if reply.kind is ReplyKind.ANSWER and reply.entry_id:
        rows.append(feedback_row(reply.entry_id, interaction_id))
    return messages_from_blocks(blocks, tuple(rows))


def render_contacts(cards: Sequence[ContactCard]) -> list[OutMessage]:
    if not cards:
        return messages_from_blocks(["Je n'ai aucun contact à vous proposer pour le moment."])
    intro = "Pour aller plus loin ou pour une question à laquelle je ne sais pas répondre :"
    return messages_from_blocks([intro, *(contact_card_html(c) for c in cards)])


def render_themes(themes: dict[str, str]) -> OutMessage:
    rows = tuple((Button(f"📚 {shorten(label)}", cb_theme(tid)),) for tid, label in themes.items())
    return OutMessage("Choisissez un thème :", rows)


def render_theme(theme_id: str, label: str, questions: Sequence[Suggestion],
                 page: int = 0) -> OutMessage:
    """One page of a theme's questions, with paging and a way back to the themes."""
    shown, page, pages = page_of(questions, page)
    rows = suggestion_rows(shown)
    rows += pager(page, pages, lambda n: cb_theme(theme_id, n), "◀ Précédentes", "Suivantes ▶")
    rows.append((Button("↩ Tous les thèmes", cb_themes()),))
    where = f" ({page + 1}/{pages})" if pages > 1 else ""
    text = f"📚 <b>{esc(label)}</b>{where}\nChoisissez une question :"
    if not questions:
        text = f"📚 <b>{esc(label)}</b>\nCe thème ne contient encore aucune question."
    return OutMessage(text, tuple(rows))


def render_communes(communes: Sequence[str], intro: str,
                    place_type: str | None = None) -> OutMessage:
    """Buttons for the communes that have places (three per row), of one type if given."""
    buttons = [Button(shorten(c, 30), cb_places(c, place_type)) for c in communes]
    rows = tuple(tuple(buttons[i:i + 3]) for i in range(0, len(buttons), 3))
    return OutMessage(esc(intro), rows)


# ----------------------------------------------------------------------------- fixed texts


@dataclass(frozen=True, slots=True)
class KnowledgeFacts:
    """What the welcome message says about the knowledge: its sources and their age."""

    entries: int
    places: int
    sources: tuple[str, ...]
    first_year: str | None
    last_year: str | None

    @property
    def period(self) -> str:
        if not self.first_year:
            return ""
        if self.first_year == self.last_year:
            return self.first_year
        return f"{self.first_year} à {self.last_year}"


def knowledge_facts(knowledge: Knowledge) -> KnowledgeFacts:
    """Count the knowledge and name its most cited sources (page numbers left out)."""
    titles: Counter[str] = Counter()
    years: list[str] = []
    for entry in knowledge.faq.values():
        titles.update({re.split(r",\s*p+\.\s|\s\(", s.title)[0].strip() for s in entry.sources})
        years.append(entry.facts_date[:4])
    years += [p.facts_date[:4] for p in knowledge.places.values() if p.facts_date]
    years = sorted(y for y in years if y.isdigit())
    # The bulk of the facts, not the odd outlier (the entries about the assistant itself are
    # dated today): the 10th to the 90th percentile.
    trim = len(years) // 10
    core = years[trim:len(years) - trim] or years
    return KnowledgeFacts(
        entries=len(knowledge.faq),
        places=len(knowledge.places),
        sources=tuple(t for t, _ in titles.most_common(2)),
        first_year=core[0] if core else None,
        last_year=core[-1] if core else None,
    )


def privacy_line(controller: str, retention_days: int) -> str:
    """The one-line privacy notice (/start)."""
    return (
        f"🔒 Vos messages sont conservés {retention_days} jours sous un pseudonyme, pour "
        f"améliorer l'assistant. Responsable : {esc(controller)}. "
        "/mesdonnees pour les voir, /oubli pour les effacer."
    )


def privacy_notice(controller: str, retention_days: int) -> str:
    """The full privacy notice (/aide, /mesdonnees)."""
    return (
        "🔒 <b>Vos données</b>\n"
        f"Je conserve vos messages, mes réponses et vos avis pendant {retention_days} jours. "
        "Ils sont rattachés à un pseudonyme, jamais à votre nom ni à votre compte Telegram, "
        "et servent uniquement à améliorer l'assistant. "
        f"Responsable du traitement : {esc(controller)}.\n"
        "Une question que l'équipe retient pour améliorer les réponses est gardée sans "
        "aucun lien avec vous, après retrait des adresses et numéros de téléphone.\n"
        "/mesdonnees : voir ce que je garde sur vous.\n"
        "/oubli : tout effacer."
    )


def render_welcome(first_name: str | None, facts: KnowledgeFacts,
                   examples: Sequence[Suggestion], controller: str,
                   retention_days: int) -> list[OutMessage]:
    hello = f"👋 Bonjour {esc(shorten(first_name, 40))} !" if first_name else "👋 Bonjour !"
    sources = " et ".join(f"« {esc(s)} »" for s in facts.sources) or "documents publics"
    when = f", qui datent de {facts.period}" if facts.period else ""
    blocks = [
        f"{hello} Je suis l'assistant des <b>tiers-lieux des Hauts-de-Seine</b> : "
        "coworkings, fab labs, télécentres et autres lieux de travail partagés.",
        f"Je réponds aux questions sur ces lieux, sur la politique du Département et sur les "
        f"démarches pour monter un projet ({facts.entries} questions). Je connais aussi "
        f"{facts.places} lieux : écrivez par exemple « coworking à Nanterre ».",
        "🤖 Je suis un assistant automatique, pas une personne. Mes réponses viennent d'une "
        f"base de connaissances vérifiée par l'équipe, tirée notamment de {sources}{when}. "
        "Vérifiez les informations importantes auprès des lieux.",
        "Essayez une de ces questions :" if examples else "Posez-moi votre question !",
        privacy_line(controller, retention_days),
    ]
    return messages_from_blocks(blocks, tuple(suggestion_rows(examples[:3])))



def render_help(controller: str, retention_days: int, staff: bool = False) -> list[OutMessage]:
    commands = "\n".join(f"/{name} — {esc(desc)}" for name, desc in USER_COMMANDS
                         if name != "start")
    blocks = [
        "<b>Comment m'utiliser</b>\n"
        "Posez votre question en quelques mots, comme à un guichet : « c'est quoi un fab "
        "lab ? », « coworking à Issy », « comment monter un tiers-lieu ? ». "
        "Après une recherche de lieux, vous pouvez enchaîner : « et à Nanterre ? ».",
        commands,
        "📍 Partagez votre position pour voir les lieux connus les plus proches.",
        "Sous chaque réponse, 👍 ou 👎 m'aide à m'améliorer.",
    ]
    if staff:
        blocks.append("<b>Équipe</b>\n" + "\n".join(f"/{n} — {esc(d)}" for n, d in STAFF_COMMANDS))
    blocks.append(privacy_notice(controller, retention_days))
    return messages_from_blocks(blocks)


_KIND_LABELS = {
    "answer": "réponse",
    "clarify": "demande de précision",
    "places": "lieux",
    "smalltalk": "échange",
    "fallback": "sans réponse",
}
_STATUS_LABELS = {"open": "en attente", "accepted": "traité", "dismissed": "classé"}
MY_DATA_DOCUMENT_THRESHOLD = 3500
try:
    _LOCAL_TZ: Any = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # pragma: no cover - minimal images without tzdata
    _LOCAL_TZ = None


def local_time(iso: str | None) -> str:
    """« 25/11/2026 19:40 » in Paris time (UTC when the time zone data is missing)."""
    try:
        moment = datetime.fromisoformat(iso or "")
    except ValueError:
        return esc(iso or "")
    if _LOCAL_TZ is not None:
        moment = moment.astimezone(_LOCAL_TZ)
    return moment.strftime("%d/%m/%Y %H:%M")


def render_my_data(data: dict[str, Any], controller: str,
                   retention_days: int) -> tuple[list[OutMessage], bytes | None]:
    """What is stored about a user, readable; a JSON document as well when it is long."""
    interactions = data.get("interactions", [])
    feedback = data.get("feedback", [])
    queued = data.get("reports", [])
    reports = [r for r in queued if r.get("reason") == "report"]
    questions = [r for r in queued if r.get("reason") != "report"]
    notice = privacy_notice(controller, retention_days)
    if not (interactions or feedback or queued):
        return messages_from_blocks(["🗂 Je ne garde actuellement aucune donnée sur vous.",
                                     notice]), None
    blocks = ["🗂 <b>Vos données</b>\nVoici tout ce que je garde sur vous, rattaché à un "
              "pseudonyme :"]
    if interactions:
        blocks.append(f"<b>Messages ({len(interactions)})</b>\n" + "\n".join(
            f"• {local_time(i.get('created_at'))} — {quote(str(i.get('message', '')), 200)} → "
            f"{_KIND_LABELS.get(str(i.get('reply_kind')), esc(str(i.get('reply_kind'))))}"
            for i in interactions))
    if feedback:
        blocks.append(f"<b>Avis ({len(feedback)})</b>\n" + "\n".join(
            f"• {local_time(f.get('created_at'))} — {'👍' if f.get('useful') else '👎'} sur "
            f"« {esc(str(f.get('entry_id')))} »"
            + (f" ({esc(str(f['reason']))})" if f.get("reason") else "")
            for f in feedback))
    for title, rows in (("Questions transmises à l'équipe", questions),
                        ("Signalements", reports)):
        if rows:
            blocks.append(f"<b>{title} ({len(rows)})</b>\n" + "\n".join(
                f"• {local_time(r.get('created_at'))} — {quote(str(r.get('message', '')), 200)} "
                f"({_STATUS_LABELS.get(str(r.get('status')), esc(str(r.get('status'))))})"
                for r in rows))
    blocks.append(notice)
    if visible_length("\n\n".join(blocks)) <= MY_DATA_DOCUMENT_THRESHOLD:
        return messages_from_blocks(blocks), None
    summary = [
        "🗂 <b>Vos données</b>\nJe garde sur vous, rattachés à un pseudonyme : "
        f"{len(interactions)} message(s), {len(feedback)} avis, {len(questions)} question(s) "
        f"transmise(s) à l'équipe et {len(reports)} signalement(s). Le détail complet est dans le fichier joint.",
        notice,
    ]
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return messages_from_blocks(summary), document
