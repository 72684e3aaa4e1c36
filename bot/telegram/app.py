"""Wiring: build the python-telegram-bot ``Application`` and run it (polling or webhook).

This module only assembles parts: handlers (:mod:`bot.telegram.citizen_commands`,
:mod:`bot.telegram.citizens`, :mod:`bot.telegram.staff`, the error handler of
:mod:`bot.telegram.services`), the rate limiter (:mod:`bot.telegram.ratelimit`), storage and
jobs. Nothing here decides what to say.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import partial
from pathlib import Path

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import DEFAULT_BASE_FILE_URL, DEFAULT_BASE_URL, Config, TelegramConfig
from bot.engine.holder import KnowledgeHolder
from bot.knowledge.learned import LearnedStore
from bot.logs import RedactingFilter, configure_logging
from bot.storage import Storage, StorageProtocol
from bot.storage.inbox import Inbox
from bot.storage.privacy import pseudonymise, resolve_secret
from bot.telegram import citizen_commands as cmd
from bot.telegram import citizens as msg
from bot.telegram import documents, guards, render, staff
from bot.telegram import services as h
from bot.telegram.background import finish_writes, quiet_cancelled_jobs, stoppable
from bot.telegram.flood import FloodGuard
from bot.telegram.inbox import InboxApplication, InboxQueue, InboxRequest, replay
from bot.telegram.notify import StaffNotifier, notify_admins
from bot.telegram.preflight import TelegramUnreachable, check_telegram
from bot.telegram.ratelimit import PoliteRateLimiter

# Opt in to PTB 23's time periods as ``timedelta``: otherwise PTB 22 itself emits a
# deprecation warning every time Telegram answers 429 (``RetryAfter.__init__`` reads the
# deprecated int attribute). Nothing in this bot reads those attributes as ints.
os.environ.setdefault("PTB_TIMEDELTA", "1")

log = logging.getLogger(__name__)

HEARTBEAT_ENV = "TLB_HEARTBEAT_FILE"
DEFAULT_HEARTBEAT = "/tmp/tiers-lieux-bot.heartbeat"
HEARTBEAT_SECONDS = 30
PURGE_SECONDS = 3600  # hourly: a bot restarted more often than daily must still purge
# The rate limiter keeps at most 16 requests in flight; a bigger pool only costs CPU.
CONNECTIONS = 20
# Updates handled at once. One slow chat (paced, retried) must not hold the others, but
# hundreds of handlers waiting on 16 requests in flight only cost CPU (measured with
# bench/telegram_throughput.py): 64 is plenty with nothing slow left on the user's path.
CONCURRENT_UPDATES = 64
# The only updates a handler exists for: Telegram need not send (nor we parse) the others.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


def build_application(
    config: Config,
    holder: KnowledgeHolder,
    storage: StorageProtocol | None = None,
    learned: LearnedStore | None = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter | None = None,
    token: str | None = None,
) -> Application:
    """The bot, ready to run. Without ``storage``, the configured database opens at start-up."""
    limits = config.telegram.rate_limit
    builder = (
        ApplicationBuilder()
        .token(token or config.token or "")
        .base_url(config.telegram.base_url)
        .base_file_url(_file_url(config.telegram))
        .rate_limiter(rate_limiter or PoliteRateLimiter(
            overall_per_second=limits.overall_per_second,
            per_chat_per_second=limits.per_chat_per_second,
            backoff_base=limits.backoff_seconds,
        ))
        .concurrent_updates(CONCURRENT_UPDATES)  # a slow (paced, retried) chat holds one slot
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    else:
        builder = builder.connection_pool_size(CONNECTIONS)
    # Updates are written to the inbox (once it is open) before PTB can confirm them.
    receiving = InboxRequest(get_updates_request or request
                             or HTTPXRequest(connection_pool_size=1), {})
    builder = builder.get_updates_request(receiving).application_class(InboxApplication)
    webhook = config.telegram.webhook
    queue = InboxQueue({}) if webhook and webhook.url else None
    if queue is not None:  # webhook mode: written down before Telegram's call is answered
        builder = builder.update_queue(queue)
    app = builder.build()
    receiving.holder = app.bot_data
    if queue is not None:
        queue.holder = app.bot_data
    app.bot_data["services"] = h.Services(
        config=config, holder=holder, storage=storage, learned=learned,
        flood=FloodGuard(config.telegram.flood_messages_per_minute),
        secret=resolve_secret(config.hmac_secret, config.storage.database),
    )
    app.bot_data["notifier"] = StaffNotifier(config.telegram.admin_ids,
                                             app.bot_data["services"].pseudonym)
    add_handlers(app)
    add_jobs(app, config)
    return app


def add_handlers(app: Application) -> None:
    """Register every handler, in the order they are tried."""
    app.add_handler(TypeHandler(Update, msg.flood_guard), group=-2)
    app.add_handler(CallbackQueryHandler(guards.button_guard), group=-1)
    documents.add_handlers(app)  # /exporter, spreadsheets sent back, « Appliquer »

    new = filters.UpdateType.MESSAGE  # commands in edited messages are not re-run
    for names, callback in (
        ("start", cmd.start),
        (("aide", "help"), cmd.help_command),
        ("themes", cmd.themes),
        ("lieux", cmd.places),
        ("contact", cmd.contact),
        ("signaler", msg.report),
        ("oubli", cmd.forget),
        ("mesdonnees", cmd.my_data),
        ("stats", staff.stats),
        ("nonrepondues", staff.unanswered),
        ("recharger", staff.reload_knowledge),
        ("annuler", staff.undo),
    ):
        app.add_handler(CommandHandler(names, callback, filters=new))

    for pattern, callback in (
        (r"^a:", msg.on_answer_button),
        (r"^fb:[+-]:\d+:", msg.on_feedback),
        (r"^fr:[a-z-]+:\d+:", msg.on_reason),
        (r"^t[hn](:\d+:|$)", cmd.on_theme_button),
        (r"^p:", cmd.on_places_button),
        (rf"^{render.CB_NONE_OF_THESE}$", msg.on_none_of_these),
        (r"^fg:", cmd.on_forget_button),
        (r"^rv(:|$)", staff.on_review_button),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    app.add_handler(CallbackQueryHandler(msg.on_stale_button))

    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(new & private & filters.COMMAND, msg.unknown_command))
    editing = staff.EditingReviewItem(app.user_data, app.bot_data["services"].config.telegram
                                      .admin_ids)
    app.add_handler(MessageHandler(new & private & filters.TEXT & editing, staff.take_edited_text))
    app.add_handler(MessageHandler(new & private & filters.TEXT, msg.on_private_text))
    app.add_handler(MessageHandler(new & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
                                   msg.on_group_text))
    app.add_handler(MessageHandler(new & private & filters.LOCATION, msg.on_location))
    app.add_handler(MessageHandler(new & private & ~filters.StatusUpdate.ALL, msg.on_not_text))
    # Live locations arrive as edits every few seconds: not worth a reply each time.
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & private & ~filters.LOCATION,
                                   msg.on_edited))
    app.add_error_handler(h.on_error)


def add_jobs(app: Application, config: Config) -> None:
    jobs = app.job_queue
    if jobs is None:  # pragma: no cover - the job-queue extra is a dependency
        log.warning("no job queue: knowledge watching, retention and heartbeat are disabled")
        return
    quiet_cancelled_jobs()
    if config.knowledge.watch_seconds > 0:
        jobs.run_repeating(watch_knowledge, interval=config.knowledge.watch_seconds,
                           first=config.knowledge.watch_seconds, name="watch-knowledge")
    jobs.run_repeating(staff.purge_old_data, interval=PURGE_SECONDS, first=60, name="retention")
    # first=1, not 0: with first=0 the job first ran a whole interval later (no file 10 s after
    # start-up; with 1, after 1 s), and the HEALTHCHECK's start period hid it
    jobs.run_repeating(heartbeat, interval=HEARTBEAT_SECONDS, first=1, name="heartbeat")
    jobs.run_repeating(purge_inbox, interval=PURGE_SECONDS, first=PURGE_SECONDS, name="inbox")
    jobs.run_repeating(forget_idle_chats, interval=IDLE_CHECK_SECONDS, first=IDLE_CHECK_SECONDS,
                       name="idle-chats")


IDLE_SECONDS = 3600.0  # a conversation (follow-ups, a pending /signaler prompt) lasts an hour
IDLE_CHECK_SECONDS = 600.0


@stoppable
async def forget_idle_chats(context: h.Context) -> None:
    """Bounded memory: drop the chat and user state of everyone quiet for an hour."""
    app = context.application
    svc: h.Services = app.bot_data["services"]
    for chat_id in svc.idle(svc.chats_seen, list(app.chat_data), IDLE_SECONDS):
        app.drop_chat_data(chat_id)
    for user_id in svc.idle(svc.users_seen, list(app.user_data), IDLE_SECONDS):
        app.drop_user_data(user_id)


@stoppable
async def watch_knowledge(context: h.Context) -> None:
    """The watcher job: whatever goes wrong while reloading, the last good knowledge stays in
    use, and staff are told once (not at every tick) until the reload works again."""
    try:
        await staff.watch_knowledge(context)
    except Exception as exc:
        problem = f"{type(exc).__name__}: {exc}"[:500]
        if context.bot_data.get("watch_problem") == problem:
            return
        context.bot_data["watch_problem"] = problem
        log.warning("knowledge reload failed, the last good knowledge stays in use: %s", problem)
        await notify_admins(context, [
            "⚠️ <b>Connaissances non rechargées</b>",
            "Erreur inattendue en relisant les fichiers : les connaissances précédentes "
            f"restent en service.\n{render.esc(problem)}"])
        return
    context.bot_data.pop("watch_problem", None)


@stoppable
async def purge_inbox(context: h.Context) -> None:
    """Forget the ids of updates answered more than a day ago."""
    inbox = context.bot_data.get("inbox")
    if inbox is not None:
        inbox.purge()


@stoppable
async def heartbeat(context: h.Context) -> None:
    """Touch the heartbeat file (Docker HEALTHCHECK) while updates are being fetched."""
    updater = context.application.updater
    if not context.application.running or (updater is not None and not updater.running):
        return
    with contextlib.suppress(OSError):
        Path(os.environ.get(HEARTBEAT_ENV) or DEFAULT_HEARTBEAT).touch()


async def _post_init(app: Application) -> None:
    """Open storage if needed, then register the command menus."""
    svc: h.Services = app.bot_data["services"]
    if svc.storage is None:
        svc.storage = await open_storage(svc.config)
        if svc.config.storage.database not in ("", ":memory:"):
            inbox = app.bot_data["inbox"] = Inbox(f"{svc.config.storage.database}.inbox")
            await replay(app, inbox)
    await register_commands(app, svc)
    app.bot_data["notifier"].start(app.bot)


async def _post_stop(app: Application) -> None:
    """No more updates: send the staff notices still pending (bounded wait)."""
    await app.bot_data["notifier"].stop()


async def _post_shutdown(app: Application) -> None:
    """After the last reply: record pending votes and close storage."""
    svc: h.Services = app.bot_data["services"]
    if svc.storage is not None:
        await finish_writes(svc)
        await msg.flush_all_votes(svc)
        await svc.storage.close()
    inbox = app.bot_data.pop("inbox", None)
    if inbox is not None:
        inbox.close()


async def open_storage(config: Config) -> Storage:
    """The configured database, keyed with ``TLB_HMAC_SECRET`` (or the local key file)."""
    database = config.storage.database
    return await Storage.open(database, resolve_secret(config.hmac_secret, database),
                              busy_timeout_ms=round(config.storage.busy_timeout_seconds * 1000))


async def register_commands(app: Application, svc: h.Services) -> None:
    """Everyone's menu, the groups' one, then each admin's own.

    An admin who never wrote to the bot cannot have a menu yet: they are skipped.
    """
    users = [BotCommand(name, desc) for name, desc in render.USER_COMMANDS]
    groups = [BotCommand(name, desc) for name, desc in render.GROUP_COMMANDS]
    staff_menu = users + [BotCommand(name, desc) for name, desc in render.STAFF_COMMANDS]
    for commands, scope in ((users, None), (groups, BotCommandScopeAllGroupChats())):
        try:
            await app.bot.set_my_commands(commands, scope=scope)
        except TelegramError as exc:
            log.error("could not register the command menu (%s): %s",
                      scope.type if scope else "default", exc)
    for admin_id in svc.config.telegram.admin_ids:
        try:
            await app.bot.set_my_commands(staff_menu, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:
            log.warning("could not set the staff menu of admin %s (%s): they must write to "
                        "the bot once", svc.pseudonym(admin_id), exc)


@contextlib.asynccontextmanager
async def running(app: Application, *, poll_timeout: float = 10.0,
                  poll_interval: float = 0.0) -> AsyncIterator[Application]:
    """Run ``app`` with long polling inside an ``async with`` (tests, benchmarks).

    The same sequence as :meth:`Application.run_polling`, hooks included, without taking
    over the event loop or the signals.
    """
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(
            poll_interval=poll_interval, timeout=timedelta(seconds=poll_timeout),
            allowed_updates=ALLOWED_UPDATES,
        )
        await app.start()
        yield app
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        if app.post_stop:
            await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


# ----------------------------------------------------------------------------- process


def run_bot(config: Config, knowledge_path: str | None = None) -> int:
    """``python -m bot run``: serve until SIGTERM/SIGINT, then finish in-flight replies."""
    token = config.token or ""
    # Every file the bot creates (database, -wal, -shm, learned.yaml, key) is its owner's only.
    os.umask(0o077)
    configure_logging(token, config.hmac_secret or "", told=(InvalidToken,))
    if not token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if not secret_is_strong(config.hmac_secret):
        print(WEAK_SECRET, file=sys.stderr)
        return 2
    try:
        check_telegram(token, config.telegram.base_url,
                       pause=config.telegram.start_retry_seconds)
        return _serve(config, token, knowledge_path)
    except InvalidToken:
        # PTB's message quotes the token: say it in French, without it (and no traceback).
        print(REJECTED_TOKEN, file=sys.stderr)
        return 1
    except TelegramUnreachable as exc:
        print(str(exc), file=sys.stderr)
        return 1


NO_TOKEN = "Erreur : aucun jeton Telegram. Définissez la variable TELEGRAM_BOT_TOKEN."
REJECTED_TOKEN = ("Erreur : le jeton Telegram a été refusé par Telegram. Vérifiez "
                  "TELEGRAM_BOT_TOKEN (auprès de @BotFather).")
MIN_SECRET_BYTES = 32
WEAK_SECRET = (f"Erreur : TLB_HMAC_SECRET est trop court (moins de {MIN_SECRET_BYTES} octets). "
               "Utilisez par exemple la sortie de « openssl rand -hex 32 ».")


def secret_is_strong(secret: str | None) -> bool:
    """No configured secret (a generated key file is used) or at least 32 bytes."""
    return not secret or len(secret.encode("utf-8")) >= MIN_SECRET_BYTES


def _serve(config: Config, token: str, knowledge_path: str | None) -> int:
    folder = knowledge_path or config.knowledge.path or None
    holder = KnowledgeHolder(folder, staff_contact=config.contact,
                             learned_path=config.knowledge.learned or None)
    app = build_application(config, holder, None, make_learned(config, holder))
    webhook = config.telegram.webhook
    log.info("starting: %s", "webhook" if webhook and webhook.url else "long polling")
    if webhook and webhook.url:
        app.run_webhook(
            listen=webhook.listen, port=webhook.port, url_path=webhook.path,
            webhook_url=webhook.url, secret_token=webhook_secret(token),
            allowed_updates=ALLOWED_UPDATES, bootstrap_retries=5,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=5)
    log.info("stopped")
    return 0


def make_learned(config: Config, holder: KnowledgeHolder) -> LearnedStore:
    """The store of staff-accepted phrasings (``knowledge.learned``, or next to the knowledge)."""
    secret = resolve_secret(config.hmac_secret, config.storage.database)
    return LearnedStore(holder.path, knowledge=lambda: holder.engine.knowledge,
                        pseudonym=partial(pseudonymise, secret=secret), path=holder.learned_path)


def webhook_secret(token: str) -> str:
    """The secret Telegram sends with each webhook call: ``$TLB_WEBHOOK_SECRET`` or derived."""
    configured = os.environ.get("TLB_WEBHOOK_SECRET")
    if configured:
        return configured
    return hashlib.sha256(f"tiers-lieux-bot webhook:{token}".encode()).hexdigest()


def _file_url(telegram: TelegramConfig) -> str:
    """``telegram.base_file_url``; left at its default with another ``base_url``, derived from it
    (``…/bot`` → ``…/file/bot``, where a Bot API server serves files)."""
    if telegram.base_file_url != DEFAULT_BASE_FILE_URL or telegram.base_url == DEFAULT_BASE_URL:
        return telegram.base_file_url
    base_url = telegram.base_url
    head, sep, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else base_url


__all__ = ["RedactingFilter", "build_application", "configure_logging", "run_bot"]
