"""The confidence means what it says, and the same knowledge gives the same decisions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bot.cli import main
from bot.engine import Engine
from bot.engine.confidence import FEATURES, MODEL_FILE, Calibrator
from bot.engine.training import choose_levels, reliability, train
from bot.knowledge import default_knowledge_path, load_knowledge
from tests.support.mini_knowledge import write_knowledge


def shipped_model() -> dict:
    return json.loads((default_knowledge_path() / MODEL_FILE).read_text(encoding="utf-8"))


def test_the_highest_band_is_right_at_least_as_often_as_it_claims() -> None:
    """On held-out phrasings and messages (out of fold), as stored by ``bot train``."""
    top = shipped_model()["reliability"][-1]
    assert top["band"].startswith("0.9") and top["messages"] >= 300
    assert top["observed"] >= top["stated"] - 0.02


def test_every_band_is_close_to_what_it_claims() -> None:
    for band in shipped_model()["reliability"]:
        assert abs(band["observed"] - band["stated"]) <= 0.15, band


def test_the_shipped_model_matches_the_features_and_the_knowledge(engine: Engine) -> None:
    model = shipped_model()
    assert tuple(model["features"]) == FEATURES
    assert engine.calibrator.fingerprint == engine.fingerprint()  # re-run bot train if not
    assert 0 < model["clarify_at"] < model["answer_at"] < 1


def test_the_score_of_an_answer_is_its_probability(engine: Engine) -> None:
    reply = engine.reply("Qu'est-ce qu'un tiers-lieu ?")
    assert reply.score >= 100 * engine.calibrator.answer_at
    assert reply.candidates[0].score == reply.score


def test_levels_trade_a_wrong_answer_for_several_missed_ones() -> None:
    # 10 sure and right, then a band at 0.6 where half are wrong: not worth answering
    groups = [(0.95, True, False, True)] * 10 + [(0.6, True, False, True)] * 5 + [
        (0.6, False, True, False)] * 5
    answer_at, clarify_at = choose_levels(groups)
    assert 0.6 < answer_at <= 0.95 and clarify_at <= answer_at
    table = reliability(groups)
    assert table[-1]["observed"] == 1.0


NEGATIVES = """\
- {q: "le lieu du mariage de ma cousine", expect: none}
- {q: "qu'est-ce qu'un tiers payant", expect: none}
- {q: "un lieu pour fêter mon anniversaire", expect: none}
- {q: "définition du mot fabrique", expect: none}
- {q: "qu'est-ce qu'un lab photo", expect: none}
"""


def test_training_is_deterministic(tmp_path: Path) -> None:
    knowledge = load_knowledge(write_knowledge(tmp_path, training__negatives_yaml=NEGATIVES))
    extra = [("c'est quoi un tiers lieu", "definition-tiers-lieu"), ("la météo", None)]
    assert train(knowledge, extra) == train(knowledge, extra)


def test_an_engine_without_its_own_model_uses_the_shipped_one(tmp_path: Path) -> None:
    engine = Engine(load_knowledge(write_knowledge(tmp_path)))
    assert engine.calibrator == Calibrator.load(default_knowledge_path() / MODEL_FILE)


def test_check_warns_when_phrasings_changed_since_training(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), folder)
    faq = next((folder / "faq").glob("*.yaml"))
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text.replace("  questions:\n", "  questions:\n    - Une formulation toute neuve ?\n", 1),
                   encoding="utf-8")
    assert main(["check", "--knowledge", str(folder)]) == 0
    assert "python -m bot train" in capsys.readouterr().out


def test_the_same_knowledge_gives_the_same_decisions_in_every_process(capsys) -> None:
    """Set iteration order changes with PYTHONHASHSEED: decisions must not. This process
    answers, and so does one started with another hash seed."""
    import os
    import subprocess
    import sys

    messages = [
        "c koi un tiers lieu", "coworking pas cher a nanterre", "quel statu juridik pour un fablab",
        "les aides de la region", "un coworking près du métro Pont de Sèvres", "recette de crêpes",
    ]
    ours = os.environ.get("PYTHONHASHSEED", "random")
    seed = "1" if ours == "random" else str((int(ours) + 1) % 2**32)
    other = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed})
    try:
        assert main(["ask", "--json", *messages]) == 0  # meanwhile, here
        out, err = other.communicate("\n".join(messages) + "\n", timeout=120)
    finally:
        if other.returncode is None:
            other.kill()
            other.communicate()
    assert other.returncode == 0, err
    assert out == capsys.readouterr().out


def test_training_never_learns_from_the_held_out_sets() -> None:
    """eval/README.md names the held-out sets: `bot train` must never read them."""
    from bot.cli.train import default_sets

    readme = (Path(__file__).resolve().parents[2] / "eval" / "README.md").read_text("utf-8")
    held_out = {"blind-2026-c-256.yaml", "blind-2026-d-264.yaml", "real-questions-d-143.yaml",
                "real-questions-e-40.yaml", "real-questions-f-99.yaml", "real-questions-g-64.yaml"}
    assert all(name in readme for name in held_out)
    assert not held_out & {p.name for p in default_sets(default_knowledge_path())}


def test_the_answer_level_is_the_middle_of_its_plateau_and_stays_there() -> None:
    """Calibrated messages (right as often as stated) and a wrong answer costing four missed
    ones: answering pays from 0.8 on. A few messages more or less must not move the level far
    (with the raw maximum, one phrasing moved it 0.75 → 0.80)."""
    groups = []
    for percent in range(50, 100):
        for k in range(20):
            groups.append((percent / 100, k < round(20 * percent / 100), False, True))
    level = choose_levels(groups)[0]
    assert 0.74 <= level <= 0.86
    fewer = [g for i, g in enumerate(groups) if i % 13]
    assert abs(choose_levels(fewer)[0] - level) <= 0.02
