"""The Telegram transport: the only package that imports python-telegram-bot.

A thin adapter over the engine: an update becomes a :class:`~bot.engine.channel.UserMessage`,
the engine's :class:`~bot.engine.reply.Reply` is rendered to HTML and keyboards
(:mod:`bot.telegram.render`) and sent (:mod:`bot.telegram.services`). The application is built
in :mod:`bot.telegram.app`; callbacks are grouped by audience (:mod:`bot.telegram.citizens`,
:mod:`bot.telegram.citizen_commands`, :mod:`bot.telegram.staff`).
"""
