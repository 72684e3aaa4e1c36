"""What the commands of ``python -m bot`` share: the one-line French error, the configuration,
the knowledge and the engine it points at."""

from __future__ import annotations

import argparse

from bot.config import Config, ConfigError, load_config
from bot.engine import Engine
from bot.knowledge import Knowledge, load_knowledge


class CliError(Exception):
    """A problem to report in one French line, with exit code 2 (1 for knowledge errors)."""


def _config(args: argparse.Namespace) -> Config:
    try:
        return load_config(args.config)
    except ConfigError as exc:
        raise CliError(f"Configuration : {exc}") from exc


def _knowledge(args: argparse.Namespace, config: Config) -> Knowledge:
    path = args.knowledge or config.knowledge.path or None
    return load_knowledge(path, config.knowledge.learned or None)


def _engine(args: argparse.Namespace) -> Engine:
    config = _config(args)
    return Engine(_knowledge(args, config), staff_contact=config.contact)
