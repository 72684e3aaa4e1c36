"""The terminal has what Telegram has (/aide, /themes, /signaler, a clarification's options),
and the command line speaks French, refuses nonsense and exports everything."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.cli import commands, main
from bot.cli.terminal import run_chat
from bot.engine import Engine
from bot.engine.reply import Reply, ReplyKind, Suggestion
from bot.knowledge import load_knowledge


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge())


def chat(engine: Engine, *lines: str) -> str:
    out = io.StringIO()
    run_chat(engine, io.StringIO("".join(f"{line}\n" for line in lines)), out)
    return out.getvalue()


def test_chat_knows_aide_themes_and_signaler(engine: Engine) -> None:
    out = chat(engine, "/aide", "/themes", "1", "5", "/signaler le lieu X a fermé")
    assert "Commandes : /themes" in out
    assert "[1] Comprendre les tiers-lieux" in out
    assert "Comprendre les tiers-lieux :\n  [1] Qu'est-ce qu'un tiers-lieu ?" in out
    fablab = engine.knowledge.faq["definition-fablab"].answer[:40]
    assert fablab in out  # the 5th question of the theme, picked by its number
    assert "rien n'est enregistré" in out
    assert "commande inconnue" not in out.lower()


def test_ask_prints_a_clarifications_options(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    clarify = Reply(kind=ReplyKind.CLARIFY, text="Vouliez-vous dire :", suggestions=(
        Suggestion("definition-fablab", "Qu'est-ce qu'un fab lab ?"),
        Suggestion("definition-telecentre", "Qu'est-ce qu'un télécentre ?")))
    monkeypatch.setattr(commands, "_engine",
                        lambda args: SimpleNamespace(reply=lambda message: clarify))
    assert main(["ask", "fab ou télécentre"]) == 0
    out = capsys.readouterr().out
    assert "Vouliez-vous dire :" in out
    assert "[1] Qu'est-ce qu'un fab lab ?" in out and "[2] Qu'est-ce qu'un télécentre ?" in out


@pytest.mark.parametrize("command", ["run", "chat", "ask", "check", "eval", "export", "stats",
                                     "review", "import"])
def test_every_subcommand_has_french_help(command: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : ")
    assert "afficher cette aide et quitter" in out
    for english in ("usage:", "show this help", "positional arguments"):
        assert english not in out


def test_usage_errors_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--format", "pdf"])
    err = capsys.readouterr().err
    assert "erreur : argument --format : choix invalide" in err and "error" not in err


def test_negative_stale_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--stale", "-3"])
    assert exit_info.value.code == 2
    assert "nombre positif attendu" in capsys.readouterr().err


def test_unreadable_file_message_is_all_french(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "absent.csv")]) == 1
    err = capsys.readouterr().err
    assert "fichier illisible : fichier introuvable" in err
    assert "No such file" not in err


def test_contacts_in_every_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "csv", "-o", str(tmp_path)]) == 0
    contacts = (tmp_path / "contacts.csv").read_bytes()
    assert contacts.startswith(b"\xef\xbb\xbf" + b'"id";"name"')
    capsys.readouterr()
    assert main(["export", "--format", "csv", "--table", "contacts"]) == 0
    assert "departement-92" in capsys.readouterr().out
    assert main(["export"]) == 0
    assert json.loads(capsys.readouterr().out)["contacts"]


def test_staff_guide_starts_with_je_veux_and_its_commands_parse() -> None:
    import re
    import shlex

    from bot.knowledge import default_knowledge_path

    text = (default_knowledge_path() / "README.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Je veux…"
    for wanted in ("modifier une réponse", "ajouter une formulation", "ajouter ou fermer un lieu",
                   "voir ce que les usagers ont demandé", "annuler"):
        assert f"### … {wanted}" in text
    commands_ = re.findall(r"`(\.venv/bin/python -m bot [^`]+)`", text)
    assert len(commands_) >= 8
    assert not re.search(r"(?<!/)\bpython -m bot", text.replace(".venv/bin/python", ""))
    parser = commands.build_parser()
    for line in commands_:
        parser.parse_args(shlex.split(line)[3:])  # exits (fails the test) if it does not parse
