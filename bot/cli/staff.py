"""Staff commands of ``python -m bot``: ``stats``, ``review`` and ``import``.

They let staff follow and correct the assistant from a shell or a spreadsheet, without a
developer. ``stats`` and ``review`` only read the database, and only one that already exists:
pointing them at a wrong path must not silently create an empty database.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import secrets
import sqlite3
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from bot.cli.common import CliError, _config
from bot.storage import ReviewGroup, Stats, Storage, StorageError

REVIEW_CSV_COLUMNS = ("count", "last_seen", "reason", "suggested_id", "score", "message")
T = TypeVar("T")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the staff subcommands to the ``python -m bot`` parser."""
    p = sub.add_parser("stats", parents=[common], help="statistiques d'usage (base de données)")
    p.add_argument("--days", type=int, nargs="+", default=[7, 30], metavar="N",
                   help="périodes en jours (défaut : 7 30)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("review", parents=[common], help="file de relecture, en CSV")
    p.add_argument("--limit", type=int, default=200, metavar="N",
                   help="nombre de questions au plus (défaut : 200)")
    p.add_argument("--output", "-o", metavar="FICHIER", help="fichier CSV (défaut : la sortie)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("import", parents=[common],
                       help="importer un classeur (.xlsx) ou un CSV exporté puis modifié")
    p.add_argument("file", metavar="FICHIER", help="connaissances.xlsx, faq.csv, places.csv…")
    p.add_argument("--dry-run", action="store_true",
                   help="tout vérifier et montrer les changements sans rien écrire")
    p.add_argument("--force", action="store_true",
                   help="importer même un classeur exporté avant des modifications plus "
                        "récentes (elles seront annulées)")
    p.set_defaults(func=cmd_import)


# ----------------------------------------------------------------------------- database


def _database(args: argparse.Namespace) -> tuple[Path, str]:
    """The existing database of the configuration, and a secret to open it with."""
    config = _config(args)
    path = Path(config.storage.database)
    if not path.is_file():
        raise CliError(
            f"Base de données introuvable : {path} (réglage storage.database de la "
            "configuration). Le bot la crée à son premier lancement ; vérifiez --config."
        )
    # Reading figures never needs pseudonyms, so without a configured secret a throwaway one
    # will do: resolving the real one could create a key file next to the database.
    return path, config.hmac_secret or secrets.token_hex(32)


async def _read_stats(path: Path, secret: str, periods: list[int]) -> list[Stats]:
    storage = await Storage.open(path, secret)
    try:
        return [await storage.stats(days) for days in periods]
    finally:
        await storage.close()


async def _read_review(path: Path, secret: str, limit: int) -> list[ReviewGroup]:
    storage = await Storage.open(path, secret)
    try:
        return await storage.review_queue(limit)
    finally:
        await storage.close()


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coroutine)
    except (StorageError, sqlite3.Error, OSError) as exc:  # newer schema, not a database…
        raise CliError(f"Base de données inutilisable : {exc}") from exc


# ----------------------------------------------------------------------------- stats


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}".replace(".", ",") + " %"


def format_stats(stats: Stats) -> list[str]:
    """One period's figures, in French."""
    lines = [f"Sur les {stats.days} derniers jours :"]
    if not stats.messages:
        return [*lines, "  aucun message."]
    lines += [
        f"  messages : {stats.messages}, de {stats.distinct_users} personne(s)",
        f"  réponses directes : {stats.answered} ({_percent(stats.answered_rate)})",
        f"  demandes de précision : {stats.clarified} ({_percent(stats.clarified_rate)})",
        f"  recherches de lieux : {stats.places} ({_percent(stats.places_rate)})",
        f"  politesses : {stats.smalltalk} ({_percent(stats.smalltalk_rate)})",
        f"  sans réponse : {stats.fallback} ({_percent(stats.fallback_rate)})",
    ]
    if stats.median_response_ms is not None:
        lines.append(f"  temps de réponse médian : {stats.median_response_ms:.0f} ms")
    if stats.top_questions:
        lines.append("  questions les plus posées :")
        lines += [f"    {count} × {question}" for question, count in stats.top_questions]
    if stats.feedback:
        lines.append("  avis sur les réponses (utile / pas utile) :")
        lines += [f"    {entry} : {up} / {down}" for entry, (up, down) in stats.feedback.items()]
    return lines


def cmd_stats(args: argparse.Namespace) -> int:
    if any(days < 1 for days in args.days):
        raise CliError("--days : un nombre de jours d'au moins 1 est attendu.")
    path, secret = _database(args)
    periods = _run(_read_stats(path, secret, list(args.days)))
    blocks = ["\n".join(format_stats(stats)) for stats in periods]
    print("\n\n".join(blocks))
    return 0


# ----------------------------------------------------------------------------- review


def _safe_cell(text: str) -> str:
    """Users' messages are untrusted: never let a spreadsheet evaluate one as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def review_csv(groups: list[ReviewGroup]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_CSV_COLUMNS)
    for group in groups:
        writer.writerow((
            group.count,
            group.last_seen,
            group.reason,
            group.suggested_id or "",
            f"{group.score:.1f}",
            _safe_cell(group.message),
        ))
    return out.getvalue()


def cmd_review(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError("--limit : un nombre d'au moins 1 est attendu.")
    path, secret = _database(args)
    groups = _run(_read_review(path, secret, args.limit))
    text = review_csv(groups)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Écrit : {args.output} ({len(groups)} question(s) à relire)")
    else:
        sys.stdout.write(text)
    return 0


# ----------------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    from bot.knowledge.workbook import import_file

    config = _config(args)
    folder = args.knowledge or config.knowledge.path or None
    report = import_file(folder, args.file, dry_run=True)
    if report.ok and report.stale and not args.force:
        print("\n".join(report.lines()[-len(report.stale) - 1:]), file=sys.stderr)
        print("Import refusé : exportez à nouveau et reportez-y vos changements, ou relancez "
              "avec --force pour annuler ces modifications.", file=sys.stderr)
        return 1
    if report.ok and not args.dry_run:
        report = import_file(folder, args.file)
    if not report.ok:
        print("\n".join(report.lines()), file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    if report.changed and not report.dry_run:
        print("Un bot en cours d'exécution rechargera ces fichiers de lui-même.")
    return 0


__all__ = ["REVIEW_CSV_COLUMNS", "format_stats", "register", "review_csv"]
