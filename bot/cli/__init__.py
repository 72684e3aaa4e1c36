"""The command line: ``python -m bot run|chat|ask|check|eval|export|stats|review|import``.

The console script ``tiers-lieux-bot`` and ``python -m bot`` both call :func:`main`.
"""

from bot.cli.commands import main

__all__ = ["main"]
