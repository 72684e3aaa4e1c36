"""Reply → Telegram messages: escaped HTML, cards, keyboards, splitting, callback data.

Everything here is plain data (no ``telegram`` import), so it is tested without a bot: the
handlers turn :class:`Button` rows into ``InlineKeyboardMarkup``. Three promises hold for
every message this module produces, whatever the text:

* the HTML is valid for Telegram: every piece of text goes through :func:`esc`, and only
  tags Telegram supports are written (``b``, ``i``, ``a``);
* a message never exceeds 4 096 characters *as Telegram counts them* (UTF-16 code units of
  the text after entity parsing): :func:`split_html` cuts at paragraphs, then lines, then
  words, closing and reopening tags around each cut;
* ``callback_data`` never exceeds 64 bytes: buttons carry short keys (``a:<entry id>``),
  never texts, and a key too long is replaced by a stable hash (:func:`key_for`).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.knowledge import Knowledge
from bot.reply import (
    ContactCard,
    PlaceCard,
    Reply,
    ReplyKind,
    SourceRef,
    Suggestion,
    format_facts_date,
)

MAX_MESSAGE_UNITS = 4096
MAX_CALLBACK_BYTES = 64
MAX_BUTTON_LABEL = 60
THEME_PAGE_SIZE = 8


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a callback (``data``) or a link (``url``)."""

    text: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class OutMessage:
    """One Telegram message: HTML text and its inline keyboard (possibly empty)."""

    html: str
    keyboard: Keyboard = ()


# ----------------------------------------------------------------------------- escaping

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str) -> str:
    """``text`` without control characters (tabs and newlines kept)."""
    return _CONTROL.sub("", text or "")


def esc(text: str) -> str:
    """Text made safe for Telegram's HTML parse mode."""
    return html.escape(clean(text), quote=False)


def esc_attr(text: str) -> str:
    return html.escape(clean(text), quote=True)


def link(url: str | None, label: str) -> str:
    """An ``<a>`` tag for http(s) URLs; anything else is shown as escaped text."""
    if url and re.match(r"^https?://[^\s<>\"]+$", url):
        return f'<a href="{esc_attr(url)}">{esc(label)}</a>'
    return esc(label)


def shorten(text: str, limit: int = MAX_BUTTON_LABEL) -> str:
    """A one-line label of at most ``limit`` characters."""
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(text: str, limit: int = 300) -> str:
    """A user's text shown back to them or to staff: one paragraph, escaped, bounded."""
    return "« " + esc(shorten(text, limit)) + " »"


# ----------------------------------------------------------------------------- lengths

_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);|.", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(html_text: str) -> str:
    """What the user sees once Telegram has parsed ``html_text``."""
    return html.unescape(re.sub(r"<[^<>]*>", "", html_text))


def visible_length(html_text: str) -> int:
    return utf16_len(visible_text(html_text))


def split_html(html_text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Cut HTML into messages of at most ``limit`` visible UTF-16 units.

    Cuts fall on a paragraph break if one is reasonably far in, else a line break, else a
    space, else anywhere between two characters (never inside a tag or an entity). Tags open
    at a cut are closed at the end of the chunk and reopened at the start of the next one.
    """
    if visible_length(html_text) <= limit:
        return [html_text] if visible_text(html_text).strip() else []
    tokens = _TOKEN.findall(html_text)
    chunks: list[str] = []
    start, stack = 0, []
    while start < len(tokens):
        start = _skip_blank(tokens, start, stack)
        if start >= len(tokens):
            break
        end, end_stack = _find_cut(tokens, start, list(stack), limit)
        body = "".join(tok for _, tok in stack) + "".join(tokens[start:end])
        body += "".join(f"</{name}>" for name, _ in reversed(end_stack))
        if visible_text(body).strip():
            chunks.append(body)
        start, stack = end, end_stack
    return chunks


def _skip_blank(tokens: list[str], i: int, stack: list[tuple[str, str]]) -> int:
    """Skip whitespace at the start of a chunk (tags met on the way still count)."""
    while i < len(tokens) and (tokens[i].isspace() or _is_tag(tokens[i])):
        if _is_tag(tokens[i]):
            _apply_tag(stack, tokens[i])
        i += 1
    return i


def _find_cut(tokens: list[str], start: int, stack: list[tuple[str, str]],
              limit: int) -> tuple[int, list[tuple[str, str]]]:
    """Where the chunk starting at ``start`` ends, and the tags open there."""
    length = 0
    breaks: list[tuple[int, int, int, list[tuple[str, str]]]] = []  # (priority, i, len, stack)
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if _is_tag(tok):
            _apply_tag(stack, tok)
            continue
        if length and tok in ("\n", " "):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            priority = (3 if nxt == "\n" else 2) if tok == "\n" else 1
            breaks.append((priority, i, length, list(stack)))
        units = utf16_len(html.unescape(tok) if tok.startswith("&") else tok)
        if length + units > limit:
            far_enough = [b for b in breaks if b[2] >= limit // 3] or breaks
            if far_enough:
                _, cut, _, cut_stack = max(far_enough, key=lambda b: (b[0], b[1]))
                return cut, cut_stack
            return i, list(stack)  # one unbroken word longer than the limit
        length += units
    return len(tokens), stack


def _is_tag(token: str) -> bool:
    return token.startswith("<") and token.endswith(">") and len(token) > 2


def _apply_tag(stack: list[tuple[str, str]], token: str) -> None:
    match = _TAG.match(token)
    if not match:
        return
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        stack.append((name, token))
        return
    for j in range(len(stack) - 1, -1, -1):
        if stack[j][0] == name:
            del stack[j]
            break


def messages_from_blocks(blocks: Iterable[str], keyboard: Keyboard = (),
                         limit: int = MAX_MESSAGE_UNITS) -> list[OutMessage]:
    """Join HTML blocks with blank lines, split under the limit; the keyboard goes last."""
    text = "\n\n".join(b for b in blocks if b and b.strip())
    parts = split_html(text, limit) or ["…"]
    return [OutMessage(p, keyboard if n == len(parts) - 1 else ()) for n, p in enumerate(parts)]


# ----------------------------------------------------------------------------- callback data

_HASH_MARK = "~"


def _digest(value: str) -> str:
    return _HASH_MARK + hashlib.blake2b(value.encode("utf-8"), digest_size=5).hexdigest()


def key_for(value: str, budget: int) -> str:
    """``value`` itself if it fits ``budget`` bytes and holds no ``:``, else a stable hash.

    The hash (11 ASCII characters) does not depend on the knowledge's order, so a button
    still works after a reload as long as its target exists.
    """
    if value and ":" not in value and not value.startswith(_HASH_MARK) and (
        len(value.encode("utf-8")) <= budget
    ):
        return value
    return _digest(value)


def resolve(key: str, choices: Iterable[str]) -> str | None:
    """The choice a key stands for, or ``None`` (a stale button)."""
    if key.startswith(_HASH_MARK):
        return next((c for c in choices if _digest(c) == key), None)
    return key if key in set(choices) else None


def pack(*parts: object, key: str | None = None) -> str:
    """``parts`` joined with ``:``, plus ``key`` (hashed if needed to fit 64 bytes)."""
    head = ":".join(str(p) for p in parts)
    if key is not None:
        budget = MAX_CALLBACK_BYTES - len(head.encode("utf-8")) - 1
        head = f"{head}:{key_for(key, budget)}"
    assert len(head.encode("utf-8")) <= MAX_CALLBACK_BYTES, head
    return head


def unpack(data: str | None) -> list[str]:
    return (data or "").split(":")


def cb_answer(entry_id: str) -> str:
    return pack("a", key=entry_id)


def cb_feedback(useful: bool, entry_id: str, interaction_id: int | None) -> str:
    return pack("fb", "+" if useful else "-", interaction_id or 0, key=entry_id)


def cb_reason(code: str, entry_id: str, interaction_id: int | None) -> str:
    return pack("fr", code, interaction_id or 0, key=entry_id)


def cb_themes() -> str:
    return pack("th")


def cb_theme(theme_id: str, page: int = 0, *, new_message: bool = False) -> str:
    """Browse a theme: in place (``th``, the theme browser) or in a new message (``tn``)."""
    return pack("tn" if new_message else "th", page, key=theme_id)


def cb_places(commune: str) -> str:
    return pack("p", key=commune)


def cb_review(action: str, item_id: int | str = "", *extra: object, key: str | None = None) -> str:
    return pack("rv", action, item_id, *extra, key=key)


CB_NONE_OF_THESE = "no"
CB_FORGET_YES = "fg:yes"
CB_FORGET_NO = "fg:no"

FEEDBACK_REASONS: dict[str, str] = {
    "faux": "Réponse inexacte",
    "vieux": "Information périmée",
    "hors": "Pas ma question",
    "flou": "Pas claire",
}


# ----------------------------------------------------------------------------- pieces


def footer_html(sources: Sequence[SourceRef], facts_date: str | None) -> str:
    """The discreet source line: « Source : … — informations datées de décembre 2014. »"""
    if not sources:
        return ""
    titles = " ; ".join(link(s.url, s.title) for s in sources)
    label = "Sources" if len(sources) > 1 else "Source"
    dated = f" — informations datées de {esc(format_facts_date(facts_date))}" if facts_date else ""
    return f"<i>{label} : {titles}{dated}.</i>"


def place_card_html(place: PlaceCard) -> str:
    """A directory place as a short card (only the fields the sources give)."""
    where = place.commune + (f" ({place.area})" if place.area and place.area != place.commune
                             else "")
    head = f"📍 <b>{esc(place.name)}</b> — {esc(where)}"
    if place.distance_km is not None:
        head += f" <i>(à {_km(place.distance_km)})</i>"
    lines = [head, esc(f"{place.type_label}, {place.status_label}")]
    if place.description:
        lines.append(esc(place.description))
    if place.address:
        lines.append(f"Adresse : {esc(place.address)}")
    if place.website:
        lines.append(f"Site : {link(place.website, _display_url(place.website))}")
    return "\n".join(lines)


def contact_card_html(contact: ContactCard) -> str:
    lines = [f"☎️ <b>{esc(contact.name)}</b>"]
    if contact.description:
        lines.append(esc(contact.description))
    if contact.website:
        lines.append(f"Site : {link(contact.website, _display_url(contact.website))}")
    if contact.email:
        lines.append(f"Courriel : {esc(contact.email)}")
    if contact.phone:
        lines.append(f"Téléphone : {esc(contact.phone)}")
    if contact.address:
        lines.append(f"Adresse : {esc(contact.address)}")
    return "\n".join(lines)


def _km(distance: float) -> str:
    return "moins d'1 km" if distance < 1 else f"environ {distance:.0f} km".replace(".", ",")


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
    pages = max(1, -(-len(questions) // THEME_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = questions[page * THEME_PAGE_SIZE:(page + 1) * THEME_PAGE_SIZE]
    rows = suggestion_rows(shown)
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("◀ Précédentes", cb_theme(theme_id, page - 1)))
    if page < pages - 1:
        nav.append(Button("Suivantes ▶", cb_theme(theme_id, page + 1)))
    if nav:
        rows.append(tuple(nav))
    rows.append((Button("↩ Tous les thèmes", cb_themes()),))
    where = f" ({page + 1}/{pages})" if pages > 1 else ""
    text = f"📚 <b>{esc(label)}</b>{where}\nChoisissez une question :"
    if not questions:
        text = f"📚 <b>{esc(label)}</b>\nCe thème ne contient encore aucune question."
    return OutMessage(text, tuple(rows))


def render_communes(communes: Sequence[str], intro: str) -> OutMessage:
    """Buttons for the communes that have places (three per row)."""
    buttons = [Button(shorten(c, 30), cb_places(c)) for c in communes]
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


USER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Accueil et exemples de questions"),
    ("aide", "Comment m'utiliser"),
    ("themes", "Parcourir les questions par thème"),
    ("lieux", "Les lieux d'une commune : /lieux Nanterre coworking"),
    ("contact", "À qui s'adresser"),
    ("signaler", "Signaler une erreur ou proposer un lieu"),
    ("mesdonnees", "Voir les données que je garde sur vous"),
    ("oubli", "Effacer vos données"),
    ("help", "Aide"),
)
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "Équipe : statistiques sur 7 et 30 jours"),
    ("nonrepondues", "Équipe : questions à traiter"),
    ("recharger", "Équipe : recharger les connaissances"),
    ("annuler", "Équipe : retirer la dernière formulation ajoutée"),
)


def render_help(controller: str, retention_days: int, staff: bool = False) -> list[OutMessage]:
    commands = "\n".join(f"/{name} — {esc(desc)}" for name, desc in USER_COMMANDS
                         if name not in ("help", "start"))
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
    reports = data.get("reports", [])
    notice = privacy_notice(controller, retention_days)
    if not (interactions or feedback or reports):
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
    if reports:
        blocks.append(f"<b>Signalements ({len(reports)})</b>\n" + "\n".join(
            f"• {local_time(r.get('created_at'))} — {quote(str(r.get('message', '')), 200)} "
            f"({_STATUS_LABELS.get(str(r.get('status')), esc(str(r.get('status'))))})"
            for r in reports))
    blocks.append(notice)
    if visible_length("\n\n".join(blocks)) <= MY_DATA_DOCUMENT_THRESHOLD:
        return messages_from_blocks(blocks), None
    summary = [
        "🗂 <b>Vos données</b>\nJe garde sur vous, rattachés à un pseudonyme : "
        f"{len(interactions)} message(s), {len(feedback)} avis et {len(reports)} "
        "signalement(s). Le détail complet est dans le fichier joint.",
        notice,
    ]
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return messages_from_blocks(summary), document


NOT_TEXT = {
    "sticker": "Joli autocollant ! Je ne comprends que le texte : posez-moi votre question par écrit.",
    "voice": "Je ne peux pas écouter les messages vocaux. Écrivez-moi votre question, s'il vous plaît.",
    "photo": "Je ne sais pas regarder les images. Écrivez-moi votre question, s'il vous plaît.",
    "document": "Je ne lis pas les fichiers. Écrivez-moi votre question, s'il vous plaît.",
    "other": "Je ne comprends que les messages écrits. Posez-moi votre question par écrit.",
}
EDITED = (
    "J'ai vu votre modification, mais je ne relis pas les messages modifiés. "
    "Envoyez-moi plutôt un nouveau message."
)
FLOOD_NOTICE = (
    "Vous m'écrivez très vite ! Je fais une courte pause d'une minute avant de vous répondre "
    "à nouveau. Prenez le temps de lire mes réponses."
)
ERROR_APOLOGY = (
    "Désolé, un problème technique m'empêche de vous répondre. Réessayez dans un instant ; "
    "si cela continue, écrivez /contact."
)
STALE_BUTTON = "Ce bouton n'est plus à jour. Reposez votre question, s'il vous plaît."
STAFF_ONLY = "Cette commande est réservée à l'équipe qui gère l'assistant."
UNKNOWN_COMMAND = "Je ne connais pas cette commande. Écrivez /aide pour voir ce que je sais faire."
