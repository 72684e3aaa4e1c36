"""The command line: the ``ask --json`` contract, ``eval`` agreeing with the reference scorer,
``check`` and ``export``, and the terminal chat — all without a database or a token."""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.cli.evaluation import score
from bot.cli.terminal import run_chat
from bot.engine import Engine
from bot.knowledge import default_knowledge_path
from bot.knowledge.export import to_json_data
from tests.conftest import SHARED

DEV = SHARED / "eval" / "dev.yaml"
KEYS = {"question", "kind", "id", "score", "text", "candidates", "suggestions"}


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        timeout=120, check=False,
    )


def test_ask_json_prints_one_object_per_input_line_blank_lines_included() -> None:
    lines = ["c koi un tiers lieu", "", "coworking a nanterre", "Bonjour"]
    result = run_cli("ask", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in replies] == lines
    assert all(KEYS <= r.keys() for r in replies)
    assert replies[0]["kind"] == "answer" and replies[0]["id"] == "definition-tiers-lieu"
    assert replies[2]["kind"] == "places" and replies[2]["commune"] == "Nanterre"
    assert {"places", "commune", "type"} <= replies[2].keys()
    assert replies[3]["kind"] == "smalltalk" and replies[3]["id"] is None
    assert all(len(r["candidates"]) <= 3 for r in replies)


def test_ask_arguments_are_messages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "fablab c koi", "merci"]) == 0
    kinds = [json.loads(line)["kind"] for line in capsys.readouterr().out.splitlines()]
    assert kinds == ["answer", "smalltalk"]


@pytest.fixture(scope="module")
def dev_replies(engine: Engine) -> tuple[list[dict], list[dict]]:
    """The dev set and the engine's reply to each question (asked once for both tests below:
    each message is answered on its own, with no state kept between them)."""
    items = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    return items, [engine.reply(str(item["q"])).to_json() for item in items]


@pytest.mark.skipif(not DEV.exists(), reason="shared/eval is not beside the repo")
def test_dev_set_quality_does_not_regress(
    engine: Engine, dev_replies: tuple[list[dict], list[dict]]
) -> None:
    items, replies = dev_replies
    result = score(items, replies, to_json_data(engine.knowledge)["places"])
    assert result.decision_accuracy >= 0.90
    assert result.wrong_answer_rate <= 0.03
    assert result.places_accuracy >= 0.90


@pytest.mark.skipif(not DEV.exists(), reason="shared/eval is not beside the repo")
def test_eval_command_agrees_with_the_reference_scorer(
    engine: Engine, dev_replies: tuple[list[dict], list[dict]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("reference_score", SHARED / "eval" / "score.py")
    reference = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(reference)  # type: ignore[union-attr]
    items, replies = dev_replies
    directory = to_json_data(engine.knowledge)["places"]
    expected = reference.score(items, replies, directory)
    ours = score(items, replies, directory)
    for key in ("decision_accuracy", "wrong_answer_rate", "in_scope_top1", "in_scope_top3",
                "out_of_scope_abstained", "smalltalk", "places"):
        assert getattr(ours, key) == expected[key], key
    assert main(["eval", str(DEV)]) == 0
    assert f"decision_accuracy: {expected['decision_accuracy']:.3f}" in capsys.readouterr().out


def test_eval_says_what_the_ranking_allows_at_best() -> None:
    # the right entry first but hesitated on, a wrong entry first, a declined out-of-scope one
    items = [{"q": "a", "expect": "tarifs"}, {"q": "b", "expect": "tarifs"},
             {"q": "c", "expect": "none"}, {"q": "d", "expect": "tarifs"}]
    replies = [
        {"kind": "clarify", "id": None, "candidates": [{"id": "tarifs"}, {"id": "x"}]},
        {"kind": "answer", "id": "x", "candidates": [{"id": "x"}, {"id": "tarifs"}]},
        {"kind": "fallback", "id": None, "candidates": [{"id": "x"}]},
        {"kind": "answer", "id": "tarifs", "candidates": []},  # answered by an intent rule
    ]
    result = score(items, replies)
    assert result.decision_accuracy == 0.5
    assert result.first_candidate == "2/3"
    assert result.ranking_ceiling == 0.75  # the hesitation could have been an answer, no more
    # a named place's own entry answered while another entry ranks first: reachable all the same
    routed = {"kind": "answer", "id": "casaco", "candidates": [{"id": "tarifs"}]}
    assert score([{"q": "e", "expect": "casaco"}], [routed]).ranking_ceiling == 1.0


def test_check_passes_on_shipped_knowledge_and_fails_with_locations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "0 avertissement" in out
    broken = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), broken)
    faq = broken / "faq" / "notions.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("theme: notions", "theme: x", 1),
                   encoding="utf-8")
    assert main(["check", "--knowledge", str(broken)]) == 1
    assert "faq/notions.yaml:" in capsys.readouterr().out


def test_export_json_has_faq_places_and_contacts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"faq", "places", "contacts"}
    assert any(p["id"] == "casaco" and p["commune"] == "Malakoff" for p in data["places"])


def test_bad_config_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("telegram:\n  rate_limt: 3\n", encoding="utf-8")
    assert main(["ask", "--config", str(config), "bonjour"]) == 2
    assert "rate_limt" in capsys.readouterr().err


def test_run_without_token_explains_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_terminal_chat_keeps_context_and_numbered_suggestions(engine: Engine) -> None:
    out = io.StringIO()
    run_chat(engine, io.StringIO("coworking a malakoff\net à Nanterre ?\nc koi un fablab\n1\n"), out)
    text = out.getvalue()
    assert "Malakoff" in text and "Nanterre" in text and "Jokkolabs" in text
    assert "[1]" in text and text.rstrip().endswith("Au revoir !")


def test_a_number_beyond_the_suggestions_says_how_many_there_are(engine: Engine) -> None:
    out = io.StringIO()
    run_chat(engine, io.StringIO("c'est quoi un tiers-lieu ?\n9\n"), out)
    assert "Il n'y a que 3 choix : tapez un numéro de 1 à 3." in out.getvalue()
    out = io.StringIO()
    run_chat(engine, io.StringIO("je cherche un fablab\n9\n"), out)  # one button
    assert "Il n'y a qu'un choix : tapez 1." in out.getvalue()


@pytest.mark.parametrize(
    ("name", "accuracy", "wrong"),
    [("spec-style-238.yaml", 0.90, 0.03), ("persona-242.yaml", 0.74, 0.02)],
)
def test_independent_sets_do_not_regress(
    engine: Engine, name: str, accuracy: float, wrong: float
) -> None:
    items = yaml.safe_load((Path(__file__).parents[2] / "eval" / name).read_text("utf-8"))
    replies = [engine.reply(str(item["q"])).to_json() for item in items]
    result = score(items, replies, to_json_data(engine.knowledge)["places"])
    assert result.decision_accuracy >= accuracy
    assert result.wrong_answer_rate <= wrong
