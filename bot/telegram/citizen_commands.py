"""The citizens' commands (/start, /aide, /themes, /lieux, /contact, /oubli, /mesdonnees) and
the buttons that continue them (theme browser, communes, /oubli confirmation).

/signaler and its prompt are part of the message path, in :mod:`bot.telegram.citizens`. Shared
helpers (services, sending, delivering a reply) live in :mod:`bot.telegram.services`.
"""

from __future__ import annotations

import contextlib
import logging
from functools import partial

from telegram import Chat, Update
from telegram.error import TelegramError

from bot.engine import Engine
from bot.engine.places import type_label
from bot.knowledge import PLACE_TYPES
from bot.telegram import render
from bot.telegram.background import awaited_briefly, in_background, stoppable
from bot.telegram.render import Button, OutMessage
from bot.telegram.services import (
    Context,
    Services,
    ack,
    conversation_of,
    deliver,
    edit,
    quote_id,
    reply_html,
    send,
    services,
)

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- commands


async def start(update: Update, context: Context) -> None:
    """Welcome: what the assistant knows, examples, sources and their age, privacy."""
    svc = services(context)
    user = update.effective_user
    messages = render.render_welcome(
        user.first_name if user else None, render.knowledge_facts(svc.engine.knowledge),
        svc.engine.examples(), svc.config.privacy.controller, svc.config.storage.retention_days,
    )
    await send(context, update.effective_chat.id, messages, reply_to=quote_id(update))


async def help_command(update: Update, context: Context) -> None:
    """How to use the assistant, its commands and the privacy notice."""
    svc = services(context)
    user = update.effective_user
    messages = render.render_help(svc.config.privacy.controller,
                                  svc.config.storage.retention_days,
                                  staff=svc.is_admin(user.id if user else None))
    await send(context, update.effective_chat.id, messages, reply_to=quote_id(update))


async def themes(update: Update, context: Context) -> None:
    """Browse the knowledge by theme."""
    out = render.render_themes(services(context).engine.knowledge.themes)
    await send(context, update.effective_chat.id, [out], reply_to=quote_id(update))


def communes_with_places(engine: Engine, place_type: str | None = None) -> list[str]:
    """The communes (or areas) with at least one place (of ``place_type``, if given)."""
    names = {p.commune or p.area for p in engine.knowledge.places.values()
             if place_type is None or p.type == place_type}
    return sorted((n for n in names if n), key=str.casefold)


async def places(update: Update, context: Context) -> None:
    """The directory: /lieux [commune] [type]."""
    engine = services(context).engine
    text = " ".join(context.args or [])
    commune = engine.find_commune(text) if text else None
    place_type = engine.find_type(text) if text else None
    if commune is None:
        if place_type:  # « /lieux coworking »: the type is known, the commune is asked for
            intro = (f"{type_label(place_type)} : dans quelle commune ? Choisissez-la "
                     "ci-dessous.")
        else:
            intro = (f"Je ne connais pas la commune « {render.shorten(text, 60)} ». "
                     if text else "")
            intro += "Choisissez une commune, ou écrivez par exemple « /lieux Nanterre coworking »."
        out = render.render_communes(communes_with_places(engine, place_type), intro, place_type)
        await send(context, update.effective_chat.id, [out], reply_to=quote_id(update))
        return
    reply = engine.places(commune, place_type, question=f"/lieux {text}")
    conversation_of(context).remember(reply)
    await deliver(update, context, reply)


async def contact(update: Update, context: Context) -> None:
    """Who to turn to."""
    messages = render.render_contacts(services(context).engine.contact_cards())
    await send(context, update.effective_chat.id, messages, reply_to=quote_id(update))


async def forget(update: Update, context: Context) -> None:
    """/oubli: ask for confirmation before erasing the user's data."""
    if update.effective_chat.type != Chat.PRIVATE:
        await reply_html(update, context, "Pour effacer vos données, écrivez-moi /oubli en "
                                          "message privé.")
        return
    keyboard = ((Button("🗑 Oui, tout effacer", render.CB_FORGET_YES),
                 Button("Non, garder", render.CB_FORGET_NO)),)
    await reply_html(
        update, context,
        "Voulez-vous que j'efface tout ce que je garde sur vous (messages, avis, "
        "signalements) ? C'est définitif.",
        keyboard=keyboard,
    )


async def my_data(update: Update, context: Context) -> None:
    """/mesdonnees: everything stored about the user, readable (or as a JSON file)."""
    svc = services(context)
    if update.effective_chat.type != Chat.PRIVATE:
        await reply_html(update, context, "Pour protéger vos données, écrivez-moi /mesdonnees "
                                          "en message privé.")
        return
    data = await svc.storage.export_user(update.effective_user.id)
    messages, document = render.render_my_data(data, svc.config.privacy.controller,
                                               svc.config.storage.retention_days)
    await send(context, update.effective_chat.id, messages)
    if document is not None:
        await context.bot.send_document(update.effective_chat.id, document,
                                        filename="mesdonnees.json",
                                        caption="Vos données, au format JSON.")


# ----------------------------------------------------------------------------- buttons
# Every button press must be answered (answerCallbackQuery), or the user's client shows a
# spinner for a while: each callback below starts with :func:`ack`, stale buttons too.

async def on_theme_button(update: Update, context: Context) -> None:
    """Theme browser: the list of themes, or one theme's questions (paged)."""
    query = update.callback_query
    engine = services(context).engine
    parts = render.unpack(query.data)
    if len(parts) < 3:
        await ack(query)
        await edit(update, render.render_themes(engine.knowledge.themes))
        return
    theme = render.resolve(parts[2], engine.knowledge.themes)
    if theme is None:
        await ack(query, render.STALE_BUTTON, alert=True)
        return
    await ack(query)
    out = render.render_theme(theme, engine.knowledge.themes[theme],
                              engine.theme_questions(theme), int(parts[1]))
    if parts[0] == "tn":
        await send(context, update.effective_chat.id, [out])
    else:
        await edit(update, out)


async def on_places_button(update: Update, context: Context) -> None:
    """A commune button: its places (of the type asked for, if any)."""
    query = update.callback_query
    engine = services(context).engine
    parts = render.unpack(query.data)
    place_type = parts[1] if len(parts) > 2 and parts[1] in PLACE_TYPES else None
    commune = render.resolve(parts[-1], communes_with_places(engine))
    if commune is None:
        await ack(query, render.STALE_BUTTON, alert=True)
        return
    await ack(query)
    asked = f"/lieux {commune}" + (f" {place_type}" if place_type else "")
    reply = engine.places(commune, place_type, question=asked)
    conversation_of(context).remember(reply)
    await deliver(update, context, reply)


async def on_forget_button(update: Update, context: Context) -> None:
    """Confirmation of /oubli: erase everything about the user (or not)."""
    query = update.callback_query
    svc = services(context)
    if query.data != render.CB_FORGET_YES:
        await ack(query)
        await edit(update, OutMessage("D'accord, je n'ai rien effacé."))
        return
    user_id = query.from_user.id
    for key in [k for k in svc.pending_votes if k[0] == user_id]:
        del svc.pending_votes[key]
    for vote in [k for k in svc.votes if k[0] == user_id]:
        del svc.votes[vote]
    context.user_data.clear()
    if update.effective_chat.type == Chat.PRIVATE:
        context.chat_data.clear()
    erasing = in_background(svc, partial(erase, svc, user_id), "erase a user's data")
    outcome = await awaited_briefly(erasing, FORGET_WAIT)
    if outcome is not None and outcome[1]:
        await ack(query, "Données effacées.")
        await edit(update, OutMessage(
            f"C'est fait : j'ai effacé {outcome[0]} élément(s) vous concernant, ainsi que le fil "
            "de notre conversation."))
        return
    await ack(query, "Effacement en cours.")
    await edit(update, OutMessage(ERASING))
    if context.job_queue is not None:
        context.job_queue.run_once(finish_forget, FORGET_RETRY, chat_id=update.effective_chat.id,
                                   user_id=user_id, data=(user_id, 1, erasing))


FORGET_WAIT = 2.0  # seconds before « c'est en cours » (the database is busy)
FORGET_RETRY = 30.0  # seconds between two attempts to finish an erasure
FORGET_ATTEMPTS = 60  # about half an hour of attempts
ERASING = ("C'est en cours : vos données seront effacées dans quelques instants, et je vous "
           "préviendrai quand ce sera fait. Le fil de notre conversation est déjà oublié.")
ERASED = "C'est fait : toutes vos données sont effacées."


async def erase(svc: Services, user_id: int) -> tuple[int, bool]:
    """Delete the user's rows, then fold the WAL into the database (the text is then gone
    from every file). Returns (rows deleted, whether the files are clean)."""
    deleted = await svc.storage.forget_user(user_id)
    return deleted, await svc.storage.checkpoint()


@stoppable
async def finish_forget(context: Context) -> None:
    """Job: an erasure that could not complete at once; tried again until it does."""
    svc = services(context)
    user_id, attempt, previous = context.job.data
    if previous is not None and not previous.done():
        outcome = None  # still waiting for the database: look again later
    elif previous is not None and previous.result() is not None:
        outcome = (previous.result()[0], await svc.storage.checkpoint())
    else:
        try:
            outcome = await erase(svc, user_id)
        except Exception as exc:
            log.info("erasure not finished yet (attempt %d): %s", attempt, exc)
            outcome = None
    if outcome is not None and outcome[1]:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(context.job.chat_id, ERASED)
        return
    if attempt >= FORGET_ATTEMPTS:
        log.error("could not finish erasing a user's data after %d attempts", attempt)
        return
    context.job_queue.run_once(finish_forget, FORGET_RETRY, chat_id=context.job.chat_id,
                               user_id=user_id, data=(user_id, attempt + 1, None))
