"""Staff commands of ``python -m bot``: ``stats``, ``review`` and ``import``.

They let staff follow and correct the assistant from a shell or a spreadsheet, without a
developer. ``stats`` and ``review`` only read the database, and only one that already exists:
pointing them at a wrong path must not silently create an empty database.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sqlite3
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from bot.cli.common import CliError, _config
from bot.cli.review import COLUMNS as REVIEW_CSV_COLUMNS
from bot.cli.review import review_csv
from bot.knowledge.cells import CSV_ENCODING, terminal_text
from bot.storage import ReviewGroup, Stats, Storage, StorageError

T = TypeVar("T")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the staff subcommands to the ``python -m bot`` parser."""
    p = sub.add_parser("stats", parents=[common], help="statistiques d'usage (base de données)")
    p.add_argument("--days", type=int, nargs="+", default=[7, 30], metavar="N",
                   help="périodes en jours (défaut : 7 30)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("review", parents=[common],
                       help="questions à relire : export (CSV ou classeur) et décisions")
    p.add_argument("--limit", type=int, default=200, metavar="N",
                   help="nombre de questions au plus (défaut : 200)")
    p.add_argument("--output", "-o", metavar="FICHIER",
                   help="fichier .csv ou .xlsx (défaut : CSV sur la sortie)")
    p.add_argument("--import", dest="import_file", metavar="FICHIER",
                   help="appliquer la colonne « décision » d'un export rempli "
                        "(rattacher, ignorer, traité)")
    p.add_argument("--dry-run", action="store_true",
                   help="avec --import : tout vérifier sans rien écrire")
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
        lines += [f"    {count} × {terminal_text(question)}"
                  for question, count in stats.top_questions]
    if stats.feedback:
        lines.append("  avis sur les réponses (utile / pas utile) :")
        lines += [f"    {terminal_text(entry)} : {up} / {down}"
                  for entry, (up, down) in stats.feedback.items()]
    if stats.dislikes:
        lines.append("  réponses jugées pas utiles, et pourquoi :")
        lines += [f"    {terminal_text(entry)} : {terminal_text(reason or 'sans raison')} × {n}"
                  for entry, reason, n in stats.dislikes]
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


def cmd_review(args: argparse.Namespace) -> int:
    from bot.cli.review import review_csv, review_workbook

    if args.limit < 1:
        raise CliError("--limit : un nombre d'au moins 1 est attendu.")
    path, secret = _database(args)
    if args.import_file:
        return _import_decisions(args, path, secret)
    groups = _run(_read_review(path, secret, args.limit))
    empty = "Aucune question à relire : la file est vide."
    if not args.output:
        if not groups:
            print(empty)
            return 0
        sys.stdout.write(review_csv(groups))
        return 0
    output = Path(args.output)
    try:
        if output.suffix.lower() == ".xlsx":
            output.write_bytes(review_workbook(groups))
        else:
            output.write_text(review_csv(groups), encoding=CSV_ENCODING, newline="")
    except OSError as exc:
        raise CliError(f"Écriture impossible : {output} ({exc.strerror or exc})") from exc
    if groups:
        print(f"Écrit : {output} ({len(groups)} question(s) à relire). Remplissez la colonne "
              f"« décision », puis : .venv/bin/python -m bot review --import {output}")
    else:
        print(f"{empty} {output} ne contient que les en-têtes.")
    return 0


def _import_decisions(args: argparse.Namespace, path: Path, secret: str) -> int:
    """``review --import FILE``: apply the « décision » column, all rows checked first."""
    from functools import partial

    from bot.cli.common import _knowledge
    from bot.cli.review import decide, read_rows
    from bot.knowledge.learned import LearnedStore
    from bot.storage.privacy import pseudonymise

    rows, errors = read_rows(Path(args.import_file))
    config = _config(args)
    knowledge = _knowledge(args, config)

    async def items() -> dict[int, Any]:
        storage = await Storage.open(path, secret)
        try:
            ids = {int(float(r["n°"])) for _, r in rows if str(r.get("n°", "")).strip()
                   .replace(".", "", 1).isdigit()}
            return {i: await storage.get_review_item(i) for i in ids}
        finally:
            await storage.close()

    result = decide(rows, _run(items()), knowledge) if not errors else None
    errors = errors or (result.errors if result else [])
    if errors:
        print(f"Import refusé : {len(errors)} erreur(s), rien n'a été modifié.", file=sys.stderr)
        print("\n".join(f"  - {e}" for e in errors), file=sys.stderr)
        return 1
    assert result is not None
    if not result.decisions:
        print("Aucune décision à appliquer (colonne « décision » vide).")
        return 0
    attach = [d for d in result.decisions if d.entry_id]
    if args.dry_run:
        print(f"Simulation : {len(attach)} question(s) à rattacher, "
              f"{len(result.decisions) - len(attach)} à fermer. Rien n'a été écrit.")
        return 0
    folder = args.knowledge or config.knowledge.path or None
    learned = LearnedStore(folder, knowledge=lambda: knowledge,
                           pseudonym=partial(pseudonymise, secret=secret),
                           path=config.knowledge.learned or None)

    async def apply() -> list[str]:
        notes = []
        storage = await Storage.open(path, secret)
        try:
            for d in result.decisions:
                if d.entry_id:
                    item = await storage.get_review_item(d.item_id)
                    try:
                        learned.add(d.entry_id, item.message if item else "", "terminal")
                    except ValueError as exc:
                        notes.append(f"  ligne {d.row} : {exc}")
                        continue
                await storage.set_review_status(d.item_id, d.action)
        finally:
            await storage.close()
        return notes

    notes = _run(apply())
    print(f"{len(result.decisions) - len(notes)} décision(s) appliquée(s)"
          f"{' ; non appliquées :' if notes else '.'}")
    if notes:
        print("\n".join(notes))
    print("Un bot en cours d'exécution rechargera les formulations de lui-même.")
    return 0


# ----------------------------------------------------------------------------- import


def cmd_import(args: argparse.Namespace) -> int:
    from bot.knowledge.workbook import import_file

    config = _config(args)
    folder = args.knowledge or config.knowledge.path or None
    report = import_file(folder, args.file, dry_run=True)
    if report.ok and report.stale and not args.force and not args.dry_run:
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
