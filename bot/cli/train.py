"""``python -m bot train``: re-learn the engine's confidence after a knowledge change.

Deterministic and quick (about fifteen seconds): the phrasings of the knowledge held out in
turn, the negatives of ``knowledge/training/``, and the project's regression sets when they are
beside the knowledge (``eval/spec-style-238.yaml``, ``eval/persona-242.yaml``; never the
held-out sets). Prints the reliability table: stated confidence against observed accuracy.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import _config, _knowledge

REGRESSION_SETS = ("spec-style-238.yaml", "persona-242.yaml", "blind-2026-240.yaml",
                   "blind-2026-b-257.yaml", "real-questions-152.yaml",
                   "real-questions-c-123.yaml", "real-questions-b-173.yaml",
                   "dev-2026-new-entries.yaml")


def default_sets(knowledge_path: Path | None) -> list[Path]:
    if knowledge_path is None:
        return []
    folder = knowledge_path.resolve().parent / "eval"
    return [folder / name for name in REGRESSION_SETS if (folder / name).is_file()]


def cmd_train(args: argparse.Namespace) -> int:
    from bot.cli.common import CliError
    from bot.engine.training import TrainingError, labelled_items, train, write_model

    knowledge = _knowledge(args, _config(args))
    sets = [Path(p) for p in args.set] if args.set else default_sets(knowledge.path)
    try:
        model = train(knowledge, labelled_items(sets))
    except (TrainingError, OSError) as exc:
        raise CliError(str(exc)) from exc
    cv = model["cross_validation"]
    print(f"Appris sur {model['trained_on']['messages']} messages "
          f"({model['trained_on']['out_of_scope']} hors sujet) ; jeux : "
          + (", ".join(p.name for p in sets) or "aucun"))
    print(f"Répondre à partir de {model['answer_at']:.2f}, proposer un choix à partir de "
          f"{model['clarify_at']:.2f}.")
    print(f"Validation croisée ({cv.get('splits', 1)} découpages) : {cv['answered']} réponses, "
          f"{cv['right']} justes, {cv['wrong']} fausses, sur {cv['messages']} messages.")
    print("Fiabilité (confiance annoncée → justesse observée) :")
    for band in model["reliability"]:
        print(f"  {band['band']:>8}  {band['messages']:>5} messages  annoncée {band['stated']:.2f}"
              f"  observée {band['observed']:.2f}")
    if args.dry_run:
        print("Essai à blanc : rien n'a été écrit.")
        return 0
    path = write_model(model, knowledge.path)
    print(f"Écrit : {path}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("train", parents=[common],
                       help="réapprendre la confiance du moteur après un changement")
    p.add_argument("--set", action="append", metavar="FICHIER",
                   help="jeu étiqueté à ajouter (par défaut : les jeux de régression de eval/)")
    p.add_argument("--dry-run", action="store_true", help="afficher sans écrire")
    p.set_defaults(func=cmd_train)
