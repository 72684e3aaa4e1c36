"""``python -m bot …``: the command line, a thin adapter over the engine.

``ask``, ``chat`` and ``eval`` never touch the database: they are safe to run anywhere,
including against a production configuration.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot.cli.common import CliError, _config, _engine, _knowledge
from bot.cli.french import install as install_french
from bot.cli.french import positive_int
from bot.knowledge import KnowledgeError

# ----------------------------------------------------------------------------- commands


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.cli.terminal import render

    engine = _engine(args)
    messages = args.message if args.message else (line.rstrip("\n") for line in sys.stdin)
    for message in messages:
        reply = engine.reply(message)  # each message on its own: no shared context
        if args.json:
            print(json.dumps(reply.to_json(), ensure_ascii=False), flush=True)
        else:
            print(render(reply), end="\n\n", flush=True)  # with a clarification's options
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.cli.terminal import run_chat

    return run_chat(_engine(args), sys.stdin, sys.stdout)


def cmd_check(args: argparse.Namespace) -> int:
    from bot.cli.check import run_check

    config = _config(args)
    return run_check(args.knowledge or config.knowledge.path or None, config, args.stale,
                     sys.stdout)


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.cli.evaluation import score
    from bot.knowledge.export import to_json_data

    engine = _engine(args)
    try:
        items = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CliError(f"Jeu d'évaluation illisible : {exc}") from exc
    replies = [engine.reply(str(item["q"])).to_json() for item in items]
    result = score(items, replies, to_json_data(engine.knowledge)["places"])
    if args.misses:
        for miss in result.misses:
            print(f"MISS {miss['expect']!s:<32} got {miss['kind']}/{miss['id']} "
                  f"({miss['score']}) ← {miss['q']}")
    print("\n".join(result.lines()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.knowledge.cells import CSV_ENCODING
    from bot.knowledge.export import table_csv, to_json_data
    from bot.knowledge.tables import TABLES

    knowledge = _knowledge(args, _config(args))
    if args.format == "json":
        text = json.dumps(to_json_data(knowledge), ensure_ascii=False, indent=2) + "\n"
        _write(args.output, text)
        return 0
    if args.format == "xlsx":
        from bot.knowledge.workbook import export_workbook

        output = Path(args.output or "connaissances.xlsx")
        _write_bytes(output, export_workbook(knowledge))
        print(f"Écrit : {output} (feuilles FAQ, Lieux, Contacts et Lisez-moi)")
        return 0
    if args.output:
        base = Path(args.output)
        try:
            base.mkdir(parents=True, exist_ok=True)
            names = []
            for table in TABLES:
                name = "faq.csv" if table.name == "faq" else f"{table.name}.csv"
                (base / name).write_text(table_csv(knowledge, table), encoding=CSV_ENCODING,
                                         newline="")
                names.append(str(base / name))
        except OSError as exc:
            raise CliError(f"Écriture impossible dans {base} : {_reason(exc)}") from exc
        print(f"Écrit : {', '.join(names)}")
        return 0
    table = next(t for t in TABLES if t.name == args.table)
    sys.stdout.write(table_csv(knowledge, table))
    return 0


def _reason(exc: OSError) -> str:
    from bot.knowledge.csv_rows import _os_reason

    return _os_reason(exc)


def _write(output: str | None, text: str) -> None:
    if output:
        _write_bytes(Path(output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CliError(f"Écriture impossible : {path} ({_reason(exc)})") from exc


def cmd_run(args: argparse.Namespace) -> int:
    from bot.telegram.app import run_bot

    config = _config(args)
    if not config.token:
        raise CliError(
            "Le jeton du bot manque : définissez la variable d'environnement TELEGRAM_BOT_TOKEN "
            "(ou essayez l'assistant sans Telegram : python -m bot chat)."
        )
    return run_bot(config, knowledge_path=args.knowledge)


# ----------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    install_french()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FICHIER", help="fichier de configuration YAML (défaut : $TLB_CONFIG)")
    common.add_argument("--knowledge", metavar="DOSSIER", help="dossier de connaissances (défaut : celui livré)")

    parser = argparse.ArgumentParser(
        prog="tiers-lieux-bot",
        description="Assistant sur les tiers-lieux des Hauts-de-Seine.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    p = sub.add_parser("run", parents=[common], help="lancer le bot Telegram")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("chat", parents=[common], help="discuter avec l'assistant dans le terminal")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("ask", parents=[common], help="répondre à des messages (arguments ou stdin)")
    p.add_argument("message", nargs="*", help="chaque argument est un message")
    p.add_argument("--json", action="store_true", help="un objet JSON par message")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("check", parents=[common], help="vérifier les fichiers de connaissances")
    p.add_argument("--stale", type=positive_int, metavar="MOIS",
                   help="lister les entrées non vérifiées depuis MOIS mois")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("eval", parents=[common], help="évaluer sur un jeu de questions")
    p.add_argument("file", help="jeu d'évaluation YAML ({q, expect})")
    p.add_argument("--misses", action="store_true", help="afficher les erreurs")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("export", parents=[common], help="exporter les connaissances")
    p.add_argument("--format", choices=("json", "csv", "xlsx"), default="json",
                   help="json (défaut), csv, ou xlsx (un classeur à modifier puis importer)")
    p.add_argument("--table", choices=("faq", "places", "contacts"), default="faq",
                   help="CSV vers la sortie standard : quelle table")
    p.add_argument("--output", "-o", metavar="CHEMIN",
                   help="fichier (JSON, xlsx : connaissances.xlsx par défaut) ou dossier "
                        "(CSV : faq.csv, places.csv, contacts.csv)")
    p.set_defaults(func=cmd_export)

    _add_staff_commands(sub, common)
    from bot.cli import train

    train.register(sub, common)
    return parser


def _add_staff_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Staff commands live in :mod:`bot.cli.staff` (database and spreadsheet tools)."""
    try:
        from bot.cli import staff
    except ImportError:
        return
    staff.register(sub, common)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KnowledgeError as exc:
        print("Les connaissances contiennent des erreurs :", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


__all__ = ["main"]
