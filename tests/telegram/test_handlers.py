"""Handlers, in process: the real Application with a fake transport (``BaseRequest``).

The Bot is frozen, so nothing is monkeypatched on it: a :class:`FakeTransport` answers the
Bot API like Telegram would, queues failures on demand, and records what the bot sent.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from telegram import Message, Update
from telegram.error import BadRequest, NetworkError
from telegram.ext import Application, CallbackContext
from telegram.request import BaseRequest, RequestData

from bot.config import Config, KnowledgeConfig, RateLimit, StorageConfig, TelegramConfig
from bot.engine.holder import KnowledgeHolder
from bot.engine.reply import Reply, ReplyKind
from bot.knowledge.learned import LearnedStore
from bot.storage import NullStorage, Storage
from bot.storage.privacy import pseudonymise
from bot.telegram import citizens, render, services, staff
from bot.telegram.app import (
    RedactingFilter,
    build_application,
    heartbeat,
    register_commands,
    webhook_secret,
)
from bot.telegram.flood import FloodGuard, Verdict
from bot.telegram.ratelimit import Pacer, PoliteRateLimiter

TOKEN = "987654:SECRET-token-never-in-logs"
USER = 1111
ADMIN = 2222
BOT = {"id": 987654, "is_bot": True, "first_name": "Tiers-lieux", "username": "tl_bot"}


class FakeTransport(BaseRequest):
    """Answers like the Bot API; ``fail()`` queues an error for the next call to a method."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: list[dict[str, Any]] = []  # what sendMessage returned, in order
        self.failures: dict[str, list[Any]] = defaultdict(list)
        self._ids = itertools.count(100)

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def fail(self, endpoint: str, status: int, description: str, **parameters: Any) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self.failures[endpoint].append((status, body))

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None,
                         connect_timeout: Any = None, pool_timeout: Any = None,
                         ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((endpoint, params))
        if self.failures[endpoint]:
            status, body = self.failures[endpoint].pop(0)
            return status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._result(endpoint, params)}).encode()

    def _result(self, endpoint: str, params: dict[str, Any]) -> Any:
        if endpoint == "getMe":
            return BOT
        if endpoint in ("sendMessage", "sendDocument", "editMessageText"):
            chat_id = params.get("chat_id", USER)
            message = {"message_id": next(self._ids), "date": 0, "from": BOT,
                       "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                       "text": params.get("text", "")}
            self.messages.append(message)
            return message
        return True

    def sent(self, chat_id: int | None = None, endpoint: str = "sendMessage") -> list[dict]:
        return [p for e, p in self.calls
                if e == endpoint and (chat_id is None or p.get("chat_id") == chat_id)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [render.visible_text(p["text"]) for p in self.sent(chat_id)]

    def answers(self) -> list[dict]:
        return self.sent(endpoint="answerCallbackQuery")


def keyboard(params: dict) -> list[list[dict]]:
    """The inline keyboard of a sent (or edited) message."""
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return (markup or {}).get("inline_keyboard", [])


def labels(params: dict) -> list[list[str]]:
    return [[b["text"] for b in row] for row in keyboard(params)]


class RecordingStorage(NullStorage):
    """Storage that remembers the calls it gets."""

    def __init__(self) -> None:
        self.interactions: list[tuple] = []
        self.reviews: list[dict[str, Any]] = []
        self.feedback: list[tuple] = []
        self.purged: list[int] = []
        self.delay = 0.0

    async def record_interaction(self, user_id: Any, message: str, kind: str, entry_id: Any,
                                 score: float, response_ms: Any, now: Any = None) -> int:
        await asyncio.sleep(self.delay)
        self.interactions.append((user_id, message, kind, entry_id, score, response_ms))
        return len(self.interactions)

    async def enqueue_review(self, user_id: Any, message: str, normalised: str, reason: str,
                             suggested_id: Any = None, score: float = 0.0, now: Any = None) -> int:
        await super().enqueue_review(user_id, message, normalised, reason)
        self.reviews.append({"message": message, "normalised": normalised, "reason": reason,
                             "suggested_id": suggested_id})
        return len(self.reviews)

    async def record_feedback(self, user_id: Any, entry_id: str, useful: bool,
                              interaction_id: Any = None, reason: Any = None,
                              now: Any = None) -> int:
        self.feedback.append((user_id, entry_id, useful, interaction_id, reason))
        return len(self.feedback)

    async def purge_older_than(self, days: int, now: Any = None) -> int:
        self.purged.append(days)
        return 0


@pytest.fixture(scope="module")
def holder() -> KnowledgeHolder:
    return KnowledgeHolder()


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def storage() -> RecordingStorage:
    return RecordingStorage()


def make_config(**telegram: Any) -> Config:
    """Production settings without pacing (the limiter has its own tests below)."""
    telegram.setdefault("rate_limit", RateLimit(overall_per_second=0, per_chat_per_second=0))
    return Config(telegram=TelegramConfig(admin_ids=(ADMIN,), **telegram),
                  knowledge=KnowledgeConfig(watch_seconds=0),
                  storage=StorageConfig(database=":memory:", retention_days=30))


@pytest.fixture
async def app(holder: KnowledgeHolder, transport: FakeTransport,
              storage: RecordingStorage) -> AsyncIterator[Application]:
    application = build_application(make_config(), holder, storage, None, request=transport,
                                    token=TOKEN)
    async with application:
        yield application


_update_ids = itertools.count(1)


async def send(app: Application, text: str | None = None, *, chat_id: int = USER,
               user_id: int | None = None, chat_type: str = "private", **fields: Any) -> None:
    """A user's message goes through the whole handler stack."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids), "date": 0,
        "chat": {"id": chat_id, "type": chat_type},
        "from": {"id": user_id or chat_id, "is_bot": False, "first_name": "Camille"}, **fields}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
    await app.process_update(Update.de_json({"update_id": next(_update_ids),
                                             "message": message}, app.bot))


async def press(app: Application, data: str, *, chat_id: int = USER,
                markup: dict | None = None, message_id: int = 1) -> None:
    message = {"message_id": message_id, "date": 0, "chat": {"id": chat_id, "type": "private"},
               "from": BOT, "text": "…",
               # Telegram sends the message back with its keyboard: the pressed button is in it.
               "reply_markup": markup or {"inline_keyboard": [[{"text": "…",
                                                                "callback_data": data}]]}}
    query = {"id": str(next(_update_ids)), "chat_instance": "x", "data": data, "message": message,
             "from": {"id": chat_id, "is_bot": False, "first_name": "Camille"}}
    await app.process_update(Update.de_json({"update_id": next(_update_ids),
                                             "callback_query": query}, app.bot))


# ----------------------------------------------------------------------------- storage wiring


async def test_every_answer_is_recorded_with_its_kind_entry_and_time(
        app: Application, storage: RecordingStorage) -> None:
    await send(app, "Qu'est-ce qu'un tiers-lieu ?")
    [(user, message, kind, entry, score, ms)] = storage.interactions
    assert (user, message, kind, entry) == (USER, "Qu'est-ce qu'un tiers-lieu ?", "answer",
                                            "definition-tiers-lieu")
    assert score >= 60 and isinstance(ms, int)
    assert storage.reviews == []


async def test_unanswered_questions_go_to_review_with_normalised_text(
        app: Application, storage: RecordingStorage, holder: KnowledgeHolder) -> None:
    question = "Quelle est la capitale de l'Australie ?"
    await send(app, question)
    [review] = storage.reviews
    assert review["reason"] == "unanswered"
    assert review["normalised"] == " ".join(holder.engine.normaliser(question))
    reply = holder.engine.reply(question)
    assert review["suggested_id"] == (reply.candidates[0].id if reply.candidates else None)


async def test_hesitations_go_to_review_with_the_best_candidate(
        app: Application, storage: RecordingStorage, holder: KnowledgeHolder) -> None:
    question = "les tiers lieux"  # hesitates between the types and the definition
    hesitation = holder.engine.reply(question)
    assert hesitation.kind is ReplyKind.CLARIFY
    await send(app, question)
    [review] = storage.reviews
    assert review["reason"] == "low_confidence"
    assert review["suggested_id"] == hesitation.candidates[0].id


def test_review_reasons() -> None:
    def reason(kind: ReplyKind, score: float = 0.0, suggestions: tuple = ()) -> str | None:
        return citizens.review_reason(Reply(kind=kind, text="x", score=score,
                                            suggestions=suggestions))

    assert reason(ReplyKind.FALLBACK) == "unanswered"
    assert reason(ReplyKind.CLARIFY, 50, ("s",)) == "low_confidence"
    assert reason(ReplyKind.CLARIFY) is None  # « in which commune? » is not a knowledge gap
    assert reason(ReplyKind.ANSWER, 55) == "low_confidence"
    assert reason(ReplyKind.ANSWER, 85) is None
    assert reason(ReplyKind.SMALLTALK) is None
    assert reason(ReplyKind.PLACES) is None


def test_places_for_a_project_question_are_queued_as_low_confidence() -> None:
    """The hook the engine's intent signal plugs into: ``Reply.project_intent``."""
    from types import SimpleNamespace

    places = SimpleNamespace(kind=ReplyKind.PLACES, score=90.0, suggestions=(),
                             project_intent=True)
    assert citizens.review_reason(places) == "low_confidence"  # type: ignore[arg-type]


async def test_a_storage_failure_never_costs_the_user_their_answer(
        app: Application, storage: RecordingStorage, transport: FakeTransport) -> None:
    async def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    storage.record_interaction = broken  # type: ignore[method-assign]
    await send(app, "Qu'est-ce qu'un tiers-lieu ?")
    [text] = transport.texts(USER)
    assert text.startswith("Qu'est-ce qu'un tiers-lieu ?")


async def test_thumbs_down_waits_for_a_reason_and_is_recorded_once(
        app: Application, storage: RecordingStorage) -> None:
    await press(app, render.cb_feedback(False, "tarifs", 5))
    assert storage.feedback == []  # waiting for the optional reason
    await press(app, render.cb_reason("vieux", "tarifs", 5))
    assert storage.feedback == [(USER, "tarifs", False, 5, "Information périmée")]
    await press(app, render.cb_reason("faux", "tarifs", 5))  # a second press changes nothing
    assert len(storage.feedback) == 1


async def test_thumbs_down_without_reason_is_recorded_at_shutdown(
        holder: KnowledgeHolder, transport: FakeTransport, storage: RecordingStorage) -> None:
    application = build_application(make_config(), holder, storage, None, request=transport,
                                    token=TOKEN)
    async with application:
        await press(application, render.cb_feedback(False, "tarifs", 0))
        assert storage.feedback == []
    await application.post_shutdown(application)
    assert storage.feedback == [(USER, "tarifs", False, None, None)]


async def test_every_button_press_is_answered(app: Application, transport: FakeTransport) -> None:
    for data in ("a:tarifs", "a:gone", "fb:+:0:tarifs", "th", "th:0:notions", "tn:9:notions",
                 "p:Malakoff", "p:Atlantis", "no", "fg:no", "rv:l", "zz", "fr:-:0:tarifs"):
        before = len(transport.sent(endpoint="answerCallbackQuery"))
        await press(app, data)
        assert len(transport.sent(endpoint="answerCallbackQuery")) == before + 1, data


# ----------------------------------------------------------------------------- behaviour


async def test_flood_gets_one_notice_then_silence_until_the_minute_passes(
        app: Application, transport: FakeTransport) -> None:
    now = [0.0]
    services.services(app).flood = FloodGuard(3, clock=lambda: now[0])
    for _ in range(5):
        await send(app, "Qu'est-ce qu'un tiers-lieu ?")
    texts = transport.texts(USER)
    assert len(texts) == 4 and texts[3] == render.FLOOD_NOTICE
    now[0] = 61.0
    await send(app, "Qu'est-ce qu'un tiers-lieu ?")
    assert len(transport.texts(USER)) == 5
    for _ in range(5):
        await send(app, "/aide", chat_id=ADMIN)  # staff are never throttled
    assert render.FLOOD_NOTICE not in transport.texts(ADMIN)


def test_flood_guard_counts_a_sliding_minute() -> None:
    now = [0.0]
    guard = FloodGuard(2, clock=lambda: now[0])
    assert [guard.check(1) for _ in range(4)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTICE,
                                                  Verdict.IGNORE]
    assert guard.check(2) is Verdict.ALLOW  # per user
    now[0] = 59.0
    assert guard.check(1) is Verdict.IGNORE
    now[0] = 60.0
    assert guard.check(1) is Verdict.ALLOW


async def test_typing_is_shown_when_the_answer_takes_a_moment(
        app: Application, transport: FakeTransport, storage: RecordingStorage,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "TYPING_DELAY", 0.01)
    storage.delay = 0.2
    await send(app, "Qu'est-ce qu'un tiers-lieu ?")
    endpoints = [e for e, _ in transport.calls if e in ("sendChatAction", "sendMessage")]
    assert endpoints == ["sendChatAction", "sendMessage"]
    assert transport.sent(endpoint="sendChatAction")[0]["action"] == "typing"


async def test_html_refused_by_telegram_is_resent_as_plain_text(
        app: Application, transport: FakeTransport) -> None:
    transport.fail("sendMessage", 400, "Bad Request: can't parse entities: oops")
    await send(app, "Qu'est-ce qu'un tiers-lieu ?")
    first, second = transport.sent(USER)
    assert first["parse_mode"] == "HTML" and "parse_mode" not in second
    assert second["text"].startswith("Qu'est-ce qu'un tiers-lieu ?")


async def test_long_replies_are_split_with_buttons_on_the_last_part(
        app: Application, transport: FakeTransport) -> None:
    reply = Reply(kind=ReplyKind.ANSWER, text="\n\n".join(["Un paragraphe assez long. " * 20]
                                                          * 30),
                  entry_id="tarifs", score=90)
    update = Update.de_json({"update_id": 1, "message": {
        "message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"}, "text": "x"}},
        app.bot)
    await services.deliver(update, CallbackContext(app, chat_id=USER, user_id=USER), reply)
    parts = transport.sent(USER)
    assert len(parts) > 1
    assert all(render.visible_length(p["text"]) <= 4096 for p in parts)
    assert [("reply_markup" in p) for p in parts] == [False] * (len(parts) - 1) + [True]


async def test_group_messages_are_answered_only_when_addressed(
        app: Application, transport: FakeTransport) -> None:
    group = -100
    await send(app, "on mange où ?", chat_id=group, user_id=USER, chat_type="group")
    assert transport.sent(group) == []
    text = "😀 @tl_bot c'est quoi un fab lab ?"
    await send(app, text, chat_id=group, user_id=USER, chat_type="group",
               entities=[{"type": "mention", "offset": 3, "length": 7}])
    [reply] = transport.texts(group)
    assert reply.startswith("Qu'est-ce qu'un fab lab ?")


def test_addressed_text_strips_our_mention_only() -> None:
    message = Message.de_json({
        "message_id": 1, "date": 0, "chat": {"id": -1, "type": "group"},
        "text": "🎉 @other @tl_bot tarifs ?",
        "entities": [{"type": "mention", "offset": 3, "length": 6},
                     {"type": "mention", "offset": 10, "length": 7}]}, None)
    assert services.addressed_text(message, "tl_bot") == "🎉 @other  tarifs ?"
    assert services.addressed_text(message, "someone_else") is None


async def test_my_data_is_not_shown_in_groups(app: Application, transport: FakeTransport) -> None:
    await send(app, "/mesdonnees", chat_id=-5, user_id=USER, chat_type="group")
    [text] = transport.texts(-5)
    assert "message privé" in text


async def test_errors_are_logged_with_context_and_the_user_is_told(
        app: Application, transport: FakeTransport, storage: RecordingStorage,
        caplog: pytest.LogCaptureFixture) -> None:
    async def broken(user_id: Any) -> dict:
        raise RuntimeError("database exploded")

    storage.export_user = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        await send(app, "/mesdonnees")
    assert transport.texts(USER) == [render.ERROR_APOLOGY]
    [record] = [r for r in caplog.records if r.name == "bot.telegram.services"]
    pseudonym = pseudonymise(USER, services.services(app).secret)[:10]
    assert f"chat={pseudonym}" in record.getMessage() and record.exc_info
    assert str(USER) not in record.getMessage()  # no raw Telegram id in the logs


def test_the_token_never_reaches_the_logs() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(TOKEN))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise NetworkError(f"connect failed for /bot{TOKEN}/getUpdates")
        except NetworkError:
            logger.exception("polling failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert output.count("[jeton masqué]") == 2


# ----------------------------------------------------------------------------- staff & jobs


async def test_an_admin_who_never_wrote_is_skipped_with_a_warning(
        app: Application, transport: FakeTransport, caplog: pytest.LogCaptureFixture) -> None:
    transport.failures["setMyCommands"] = [
        (200, {"ok": True, "result": True}),  # everyone's menu
        (200, {"ok": True, "result": True}),  # the groups' menu
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
    ]
    svc = services.services(app)
    with caplog.at_level(logging.WARNING):
        await register_commands(app, svc)
    default, groups, scoped = transport.sent(endpoint="setMyCommands")
    assert "scope" not in default and scoped["scope"] == {"type": "chat", "chat_id": ADMIN}
    assert groups["scope"] == {"type": "all_group_chats"}
    menu = [c["command"] for c in default["commands"]]
    assert "aide" in menu and "help" not in menu  # /help still works, but is not listed twice
    assert not {"oubli", "mesdonnees"} & {c["command"] for c in groups["commands"]}
    [warning] = [r.getMessage() for r in caplog.records
                 if "chat not found" in r.getMessage().lower()]
    assert svc.pseudonym(ADMIN) in warning and str(ADMIN) not in warning


async def test_reports_reach_admins_even_if_one_cannot_be_reached(
        holder: KnowledgeHolder, transport: FakeTransport, storage: RecordingStorage) -> None:
    config = make_config()
    config = Config(telegram=TelegramConfig(admin_ids=(ADMIN, 3333),
                                            rate_limit=config.telegram.rate_limit),
                    storage=config.storage, knowledge=config.knowledge)
    application = build_application(config, holder, storage, None, request=transport,
                                    token=TOKEN)
    async with application:
        transport.failures["sendMessage"] = [
            (200, {"ok": True, "result": {"message_id": 1, "date": 0,
                                          "chat": {"id": USER, "type": "private"}}}),
            (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
        ]
        await send(application, "/signaler Casaco a fermé")
    assert storage.reviews[0]["reason"] == "report"
    assert "Casaco a fermé" in transport.texts(3333)[0]


async def test_watcher_tells_admins_when_new_knowledge_is_refused(
        tmp_path: Path, transport: FakeTransport, storage: RecordingStorage) -> None:
    import shutil

    from bot.knowledge import default_knowledge_path

    folder = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), folder)
    holder = KnowledgeHolder(folder)
    application = build_application(make_config(), holder, storage, None, request=transport,
                                    token=TOKEN)
    async with application:
        context = CallbackContext(application)
        await staff.watch_knowledge(context)
        assert transport.sent(ADMIN) == []  # nothing changed
        (folder / "themes.yaml").write_text("notions: [\n", encoding="utf-8")
        await staff.watch_knowledge(context)
        [alert] = transport.texts(ADMIN)
        assert "Connaissances non rechargées" in alert and "themes.yaml" in alert
        assert holder.engine.knowledge.faq  # still serving the previous knowledge
        await staff.purge_old_data(context)
    assert storage.purged == [30]


# ----------------------------------------------------------------------------- rate limiter


def test_pacer_allows_a_small_burst_then_one_per_interval() -> None:
    pacer = Pacer(rate=1.0, burst=3)
    assert [pacer.reserve(0.0) for _ in range(5)] == [0.0, 0.0, 0.0, 1.0, 2.0]
    overall = Pacer(rate=4.0)
    assert [overall.reserve(0.0) for _ in range(3)] == [0.0, 0.25, 0.5]
    paused = Pacer(rate=1.0, burst=3)
    paused.pause_until(5.0)
    assert paused.reserve(0.0) == 5.0
    assert Pacer(rate=0).reserve(0.0) == 0.0  # no cap


async def limited_app(holder: KnowledgeHolder, transport: FakeTransport,
                      limiter: PoliteRateLimiter) -> Application:
    return build_application(make_config(), holder, NullStorage(), None, request=transport,
                             token=TOKEN, rate_limiter=limiter)


async def test_network_errors_are_retried_with_bounded_backoff(
        holder: KnowledgeHolder, transport: FakeTransport) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = PoliteRateLimiter(overall_per_second=0, per_chat_per_second=0,  # no pacing
                                backoff_base=0.5, backoff_max=2.0, max_retries=4, sleep=sleep)
    application = await limited_app(holder, transport, limiter)
    async with application:
        for _ in range(3):
            transport.fail("sendMessage", 502, "Bad Gateway")
        await application.bot.send_message(USER, "bonjour")
        assert len(transport.sent(USER)) == 4
        assert len(waits) == 3 and all(0.25 <= w <= 2.0 for w in waits)

        for _ in range(5):
            transport.fail("sendMessage", 500, "Internal Server Error")
        with pytest.raises(NetworkError):
            await application.bot.send_message(USER, "bonjour")  # gives up after 4 retries


async def test_retry_after_is_honoured_and_bad_requests_are_not_retried(
        holder: KnowledgeHolder, transport: FakeTransport) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = PoliteRateLimiter(overall_per_second=0, per_chat_per_second=0, sleep=sleep)
    application = await limited_app(holder, transport, limiter)
    async with application:
        transport.fail("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
        await application.bot.send_message(USER, "bonjour")
        assert len(transport.sent(USER)) == 2
        assert waits == [pytest.approx(3.0, abs=0.1)]

        transport.fail("sendMessage", 400, "Bad Request: chat not found")
        with pytest.raises(BadRequest):
            await application.bot.send_message(USER, "bonjour")
        assert len(transport.sent(USER)) == 3


# ----------------------------------------------------------------------------- process


async def test_no_heartbeat_when_not_fetching_updates(
        app: Application, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    beat = tmp_path / "beat"
    monkeypatch.setenv("TLB_HEARTBEAT_FILE", str(beat))
    await heartbeat(CallbackContext(app))  # initialised, but not polling: unhealthy
    assert not beat.exists()


def test_webhook_secret_is_stable_and_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TLB_WEBHOOK_SECRET", raising=False)
    secret = webhook_secret(TOKEN)
    assert secret == webhook_secret(TOKEN) != webhook_secret("other")
    assert TOKEN not in secret and len(secret) <= 256 and secret.isalnum()
    monkeypatch.setenv("TLB_WEBHOOK_SECRET", "from-env")
    assert webhook_secret(TOKEN) == "from-env"


async def test_forgetting_is_only_offered_in_private(
        app: Application, transport: FakeTransport) -> None:
    await send(app, "/oubli", chat_id=-7, user_id=USER, chat_type="group")
    [sent] = transport.sent(-7)
    assert "message privé" in sent["text"] and "reply_markup" not in sent


# ----------------------------------------------------------------------------- review findings


async def test_button_presses_and_edits_count_against_the_flood_limit(
        app: Application, transport: FakeTransport) -> None:
    services.services(app).flood = FloodGuard(3, clock=lambda: 0.0)
    for _ in range(5):
        await press(app, "a:tarifs")
    answers = transport.answers()
    assert len(answers) == 5  # every press answered, or the client keeps spinning
    assert answers[3]["text"] == render.FLOOD_NOTICE and answers[3]["show_alert"]
    assert "text" not in answers[4]  # then silently
    assert len(transport.texts(USER)) == 3  # only the first three were acted on
    edited = {"message_id": 9, "date": 0, "edit_date": 1, "text": "tarifs ?",
              "chat": {"id": USER, "type": "private"},
              "from": {"id": USER, "is_bot": False, "first_name": "Camille"}}
    await app.process_update(Update.de_json({"update_id": next(_update_ids),
                                             "edited_message": edited}, app.bot))
    assert len(transport.texts(USER)) == 3  # edits are counted too: still silent


async def test_a_report_typed_after_the_prompt_in_a_group_reaches_staff(
        app: Application, transport: FakeTransport, storage: RecordingStorage) -> None:
    group = -100
    await send(app, "/signaler", chat_id=group, user_id=USER, chat_type="group")
    prompt = transport.messages[-1]
    assert prompt["chat"]["id"] == group

    # Same message id, another chat: not the prompt (ids are numbered per chat).
    await send(app, "Casaco a fermé", chat_id=USER, reply_to_message={**prompt, "chat": {
        "id": USER, "type": "private"}})
    reports = lambda: [r for r in storage.reviews if r["reason"] == "report"]  # noqa: E731
    assert reports() == []  # answered as a question, not filed as a report

    await send(app, "Casaco a fermé", chat_id=group, user_id=USER, chat_type="group",
               reply_to_message=prompt)
    assert [r["message"] for r in reports()] == ["Casaco a fermé"]
    assert "transmis à l'équipe" in transport.texts(group)[-1]
    assert "Casaco a fermé" in transport.texts(ADMIN)[-1]
    await send(app, "Casaco a fermé", chat_id=group, user_id=USER, chat_type="group",
               reply_to_message=prompt)  # the prompt is consumed: now a question
    assert len(reports()) == 1


async def test_a_multi_line_report_keeps_every_line(
        app: Application, storage: RecordingStorage) -> None:
    await send(app, "/signaler\nCasaco a fermé.\nLe Moulin a ouvert.")
    assert storage.reviews[0]["message"] == "Casaco a fermé.\nLe Moulin a ouvert."


@pytest.fixture
async def db_app(holder: KnowledgeHolder, transport: FakeTransport) -> AsyncIterator[Application]:
    """The bot on a real (in-memory) database: the review queue works."""
    db = await Storage.open(":memory:", "test-secret")
    application = build_application(make_config(), holder, db, None, request=transport,
                                    token=TOKEN)
    async with application:
        yield application
    await db.close()


async def test_a_report_in_the_review_queue_is_marked_done_not_learned(
        db_app: Application, transport: FakeTransport) -> None:
    await send(db_app, "/signaler Casaco a fermé")
    storage = services.services(db_app).storage
    [group] = await storage.review_queue()
    await press(db_app, render.cb_review("o", group.item_id), chat_id=ADMIN)
    view = transport.sent(ADMIN, "editMessageText")[-1]
    assert labels(view) == [["Marquer traité", "Ignorer"], ["↩ Liste"]]
    await press(db_app, render.cb_review("ok", group.item_id), chat_id=ADMIN)  # an old button
    assert "ne peut pas devenir une formulation" in transport.sent(
        ADMIN, "editMessageText")[-1]["text"]
    assert (await storage.get_review_item(group.item_id)).status == "open"
    await press(db_app, render.cb_review("dn", group.item_id), chat_id=ADMIN)
    assert (await storage.get_review_item(group.item_id)).status == "accepted"
    assert "Signalement marqué traité" in transport.sent(ADMIN, "editMessageText")[-1]["text"]


async def test_a_failed_reload_leaves_the_item_open_and_says_so(
        tmp_path: Path, transport: FakeTransport) -> None:
    import shutil

    from bot.knowledge import default_knowledge_path

    folder = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), folder)
    holder = KnowledgeHolder(folder)
    learned = LearnedStore(folder, knowledge=lambda: holder.engine.knowledge,
                           pseudonym=partial(pseudonymise, secret="s"))
    db = await Storage.open(":memory:", "test-secret")
    application = build_application(make_config(), holder, db, learned, request=transport,
                                     token=TOKEN)
    async with application:
        await send(application, "Quelle est la capitale de l'Australie ?")
        [group] = await db.review_queue()
        (folder / "themes.yaml").write_text("notions: [\n", encoding="utf-8")
        await press(application, render.cb_review("pe", group.item_id, key="tarifs"),
                    chat_id=ADMIN)
        shown = render.visible_text(transport.sent(ADMIN, "editMessageText")[-1]["text"])
        assert "✅" not in shown and "rechargement a échoué" in shown
        assert (await db.get_review_item(group.item_id)).status == "open"
        assert learned.all() == []  # taken back: not waiting to surprise the next reload
    await db.close()


async def test_a_lost_button_answer_still_delivers_what_was_asked(
        holder: KnowledgeHolder, transport: FakeTransport) -> None:
    async def sleep(seconds: float) -> None:
        return None

    limiter = PoliteRateLimiter(overall_per_second=0, per_chat_per_second=0, sleep=sleep)
    application = await limited_app(holder, transport, limiter)
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    async with application:
        transport.fail("answerCallbackQuery", 502, "Bad Gateway")  # answered, response lost
        transport.fail("answerCallbackQuery", 400, too_old)
        await press(application, "a:tarifs")
        assert limiter.retries == 1
        transport.fail("answerCallbackQuery", 400, too_old)  # the bot was slow to answer
        await press(application, "a:tarifs")
    texts = transport.texts(USER)
    assert len(texts) == 2 and render.ERROR_APOLOGY not in texts
    assert all(t.startswith(holder.engine.knowledge.faq["tarifs"].question) for t in texts)


async def test_a_vote_counts_once_per_answer(
        app: Application, storage: RecordingStorage, transport: FakeTransport) -> None:
    for _ in range(3):
        await press(app, render.cb_feedback(True, "tarifs", 5))
    await press(app, render.cb_feedback(False, "tarifs", 5))
    assert storage.feedback == [(USER, "tarifs", True, 5, None)]
    assert "déjà enregistré" in transport.answers()[-1]["text"]
    await press(app, render.cb_feedback(True, "tarifs", 0), message_id=41)
    await press(app, render.cb_feedback(True, "tarifs", 0), message_id=41)
    await press(app, render.cb_feedback(True, "tarifs", 0), message_id=42)  # another answer
    assert len(storage.feedback) == 3


async def test_a_bare_mention_gets_the_welcome_and_queues_nothing(
        app: Application, transport: FakeTransport, storage: RecordingStorage) -> None:
    group = -100
    await send(app, "@tl_bot", chat_id=group, user_id=USER, chat_type="group",
               entities=[{"type": "mention", "offset": 0, "length": 7}])
    [welcome] = transport.texts(group)
    assert "Bonjour" in welcome
    assert storage.reviews == [] and storage.interactions == []


async def test_storage_trouble_in_the_queue_keeps_the_interaction_id(
        app: Application, storage: RecordingStorage) -> None:
    async def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    storage.enqueue_review = broken  # type: ignore[method-assign]
    reply = Reply(kind=ReplyKind.ANSWER, text="x", entry_id="tarifs", score=40)
    assert await citizens.record(services.services(app), USER, "tarifs ?", reply, 0.0) == 1


async def test_only_html_refusals_are_resent_as_plain_text(
        app: Application, transport: FakeTransport) -> None:
    transport.fail("sendMessage", 400, "Bad Request: message is too long")
    await send(app, "Qu'est-ce qu'un tiers-lieu ?")
    first, apology = transport.sent(USER)
    assert first["parse_mode"] == "HTML"
    assert apology["text"] == render.ERROR_APOLOGY  # not the same text again, without markup


async def test_places_by_type_asks_for_the_commune_and_keeps_the_type(
        app: Application, transport: FakeTransport, holder: KnowledgeHolder) -> None:
    await send(app, "/lieux coworking")
    [sent] = transport.sent(USER)
    text = render.visible_text(sent["text"])
    assert "Je ne connais pas la commune" not in text and "coworking" in text.lower()
    buttons = [b for row in keyboard(sent) for b in row]
    assert buttons and all(b["callback_data"].startswith("p:coworking:") for b in buttons)
    await press(app, buttons[0]["callback_data"])
    places = transport.texts(USER)[-1]
    commune = buttons[0]["text"]
    expected = holder.engine.places(commune, "coworking")
    assert places.startswith(expected.text.split("\n")[0][:40])


def test_base_file_url_is_configurable_and_derived_by_default() -> None:
    from bot.config import TelegramConfig
    from bot.telegram.app import _file_url

    assert _file_url(TelegramConfig()) == "https://api.telegram.org/file/bot"
    local = TelegramConfig(base_url="http://127.0.0.1:9/bot")
    assert _file_url(local) == "http://127.0.0.1:9/file/bot"
    chosen = TelegramConfig(base_url="http://127.0.0.1:9/bot",
                            base_file_url="http://127.0.0.1:10/files/bot")
    assert _file_url(chosen) == "http://127.0.0.1:10/files/bot"


def test_places_given_to_a_project_question_are_queued() -> None:
    """« je veux ouvrir un tiers-lieu à Sceaux » gets places, but staff should look at it."""
    from bot.engine import Engine
    from bot.knowledge import load_knowledge

    knowledge = load_knowledge()
    engine = Engine(knowledge)
    project = engine.reply("je veux ouvrir un tiers-lieu à Sceaux")
    search = engine.reply("je cherche un coworking à Sceaux")
    if project.kind is ReplyKind.PLACES:
        assert citizens.review_reason(project, knowledge) == "low_confidence"
    assert search.kind is ReplyKind.PLACES
    assert citizens.review_reason(search, knowledge) is None
