"""Engine speed: per-question time and start-up, as the knowledge grows.

For 100, 1 000 and 10 000 synthetic entries (3 phrasings each) added to the shipped knowledge,
it measures in one run:

* the engine's time per question (the whole ``Engine.reply``: normalise, correct typos, match,
  decide, compose), over the questions of ``shared/eval/dev.yaml`` (or built-in ones);
* the baseline: a brute-force rapidfuzz ``extractOne`` (WRatio) of the normalised question
  over all normalised phrasings — the obvious implementation;
* start-up: building the engine (index included) from loaded knowledge.

Figures are ratios against the baseline measured in the same process, never absolute targets.

usage: python bench/engine_bench.py [--sizes 100 1000 10000] [--questions N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.engine import Engine
from bot.knowledge import FaqEntry, Knowledge, Source, load_knowledge

_SYLLABLES = "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo la le li lo lu ma me mi " \
    "mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi"
_FALLBACK_QUESTIONS = [
    "c koi un tiers lieu",
    "coworking pas cher a nanterre",
    "le departement finance-t-il les coworkings ?",
    "quel statut juridique pour un tiers-lieu",
    "Quelle est la capitale de l'Australie ?",
]


def synthetic_entries(count: int, seed: int = 7) -> dict[str, FaqEntry]:
    """Entries of pseudo-French words, mixed with real domain words, 3 phrasings each."""
    rng = random.Random(seed)
    syllables = _SYLLABLES.split()
    vocabulary = ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(8000)]
    domain = ["tiers-lieu", "coworking", "projet", "département", "commune", "aide", "lieu",
              "travail", "espace", "bureau", "entreprise", "association"]
    entries = {}
    for i in range(count):
        topic = rng.sample(vocabulary, 3)
        questions = tuple(
            " ".join([*rng.sample(topic, 2), *rng.sample(vocabulary, 2), rng.choice(domain)])
            + " ?"
            for _ in range(3)
        )
        entry_id = f"synthetique-{i}"
        entries[entry_id] = FaqEntry(
            id=entry_id, theme="notions", questions=questions, answer="Réponse synthétique.",
            sources=(Source("bench"),), facts_date="2014", checked_on="2026-11-25",
            file="bench",
        )
    return entries


def questions(limit: int) -> list[str]:
    dev = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.yaml"
    if dev.exists():
        items = yaml.safe_load(dev.read_text(encoding="utf-8"))
        found = [str(item["q"]) for item in items]
    else:
        found = list(_FALLBACK_QUESTIONS)
    return (found * (limit // len(found) + 1))[:limit]


def time_per_call(fn, inputs: list[str], repeat: int = 3) -> float:
    """Median over ``repeat`` passes of the mean time per input, in milliseconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for item in inputs:
            fn(item)
        runs.append((time.perf_counter() - start) / len(inputs) * 1000)
    return statistics.median(runs)


def bench(base: Knowledge, size: int, asked: list[str]) -> dict[str, float]:
    knowledge = replace(base, faq={**base.faq, **synthetic_entries(size)}) if size else base
    start = time.perf_counter()
    engine = Engine(knowledge)
    startup = time.perf_counter() - start
    normalise = engine.normaliser
    phrasings = [
        " ".join(normalise(p)) for entry_id in knowledge.faq for p in knowledge.phrasings(entry_id)
    ]

    def brute_force(message: str) -> object:
        return process.extractOne(" ".join(normalise(message)), phrasings, scorer=fuzz.WRatio)

    engine_ms = time_per_call(engine.reply, asked)
    brute_ms = time_per_call(brute_force, asked)
    return {"size": size, "phrasings": len(phrasings), "engine_ms": engine_ms,
            "brute_ms": brute_ms, "startup_s": startup}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 100, 1000, 10_000])
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    base = load_knowledge()
    load_s = time.perf_counter() - start
    asked = questions(args.questions)
    print(f"knowledge load (YAML + validation): {load_s:.2f} s; {len(asked)} questions per pass")
    print(f"{'added':>7} {'phrasings':>9} {'engine ms/q':>12} {'brute ms/q':>11} "
          f"{'speed-up':>9} {'start-up s':>11}")
    for size in args.sizes:
        r = bench(base, size, asked)
        print(f"{r['size']:>7} {r['phrasings']:>9} {r['engine_ms']:>12.3f} {r['brute_ms']:>11.3f} "
              f"{r['brute_ms'] / r['engine_ms']:>8.1f}× {r['startup_s']:>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
