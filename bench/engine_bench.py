"""Engine speed at scale, measured honestly: start-up from the files, per-question time, reload.

For each size, synthetic FAQ entries are written as YAML files into a copy of the shipped
knowledge, then, in one run on the same machine:

* **cold start-up**: files read, validated and the engine built, with an empty cache
  (the median of :data:`STARTS` start-ups, each in a new cache folder);
* **warm start-up**: the same again, with the cache left by the cold start (when the bot has one);
* **process start-up**: what an operator waits for, in a new Python process: interpreter,
  imports (numpy and scipy included), files, engine, first reply; cold (empty cache) and warm;
* **per question**: the whole public ``Engine.reply`` (normalise, correct typos, match, decide,
  compose — and whatever the engine adds later, e.g. a learned confidence) over the real
  questions of ``shared/eval/dev.yaml`` (read at run time; built-in ones if absent); median and
  mean per question;
* the **baseline**: a brute-force rapidfuzz ``extractOne`` (WRatio) of the normalised question
  over all normalised phrasings, timed on the same questions in the same process;
* **reload of one changed file**: one synthetic FAQ file edited, then ``KnowledgeHolder.reload``;
  twice: an answer changed (the matchers are reused), then a phrasing added (they are rebuilt);
  each timed once the previous one's background cache write is over (edits come seconds apart).

Synthetic entries are built from the knowledge's **own vocabulary** (mode ``realistic``, the
default): each takes a real phrasing as its pattern and swaps some of its content words for
words the knowledge uses elsewhere, so entries share words the way a growing FAQ does and the
candidate sets grow. The old mode (``--mode made-up``) uses made-up words that never compete
with real questions: it flatters the engine and is kept only to compare with older figures.

usage: python bench/engine_bench.py [--sizes 0 1000 10000] [--questions N] [--mode realistic]
"""

from __future__ import annotations

import argparse
import inspect
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.engine import Engine
from bot.engine import reading as reading_module
from bot.engine import second_opinion as second_opinion_module
from bot.engine import text as text_module
from bot.engine.holder import KnowledgeHolder
from bot.knowledge import default_knowledge_path, load_knowledge

_SYLLABLES = "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo la le li lo lu ma me mi " \
    "mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi"
_FALLBACK_QUESTIONS = [
    "c koi un tiers lieu",
    "coworking pas cher a nanterre",
    "le departement finance-t-il les coworkings ?",
    "quel statut juridique pour un tiers-lieu",
    "Quelle est la capitale de l'Australie ?",
]
STARTS = 3  # cold and warm start-ups timed per size (the median is reported)
PER_FILE = 500  # synthetic entries per YAML file (what one staff member's file could hold)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _entry(entry_id: str, questions: list[str]) -> dict:
    return {
        "id": entry_id, "theme": "notions", "questions": questions,
        "answer": "Réponse synthétique.", "sources": [{"title": "bench"}],
        "facts_date": "2014", "checked_on": "2026-11-25",
    }


def made_up_entries(count: int, seed: int = 7) -> list[dict]:
    """The old mode: pseudo-French made-up words with a few domain words. Flatters the engine."""
    rng = random.Random(seed)
    syllables = _SYLLABLES.split()
    vocabulary = ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(8000)]
    domain = ["tiers-lieu", "coworking", "projet", "département", "commune", "aide", "lieu",
              "travail", "espace", "bureau", "entreprise", "association"]
    out = []
    for i in range(count):
        topic = rng.sample(vocabulary, 3)
        questions = [
            " ".join([*rng.sample(topic, 2), *rng.sample(vocabulary, 2), rng.choice(domain)])
            + " ?"
            for _ in range(3)
        ]
        out.append(_entry(f"synthetique-{i}", questions))
    return out


def realistic_entries(count: int, seed: int = 7) -> list[dict]:
    """Entries made of the knowledge's own words: a real phrasing as pattern, some of its
    content words swapped for words used elsewhere in the FAQ (3 phrasings + keywords each)."""
    rng = random.Random(seed)
    knowledge = load_knowledge()
    patterns = [q for e in knowledge.faq.values() for q in e.questions]
    words = [
        w for e in knowledge.faq.values()
        for text in (*e.questions, *e.keywords, e.answer)
        for w in text.split()
        if len(w) >= 5 and w.isalpha()
    ]  # with repetitions: frequent words come back often, as in a real FAQ
    out = []
    for i in range(count):
        topic = rng.sample(words, 3)
        questions = []
        for _ in range(3):
            tokens = rng.choice(patterns).split()
            slots = [j for j, t in enumerate(tokens) if len(t) >= 5 and t.isalpha()]
            for j in rng.sample(slots, min(len(slots), 2)):
                tokens[j] = rng.choice(topic)
            if not slots:
                tokens.append(rng.choice(topic))
            questions.append(" ".join(tokens))
        entry = _entry(f"synthetique-{i}", questions)
        entry["keywords"] = [*topic[:2], rng.choice(words)]
        out.append(entry)
    return out


def write_knowledge(base: Path, target: Path, entries: list[dict]) -> list[Path]:
    """A copy of ``base`` with ``entries`` in ``faq/synthetique-NN.yaml`` files."""
    shutil.copytree(base, target)
    files = []
    for n in range(0, len(entries), PER_FILE):
        path = target / "faq" / f"synthetique-{n // PER_FILE:02d}.yaml"
        path.write_text(yaml.dump(entries[n:n + PER_FILE], Dumper=_DUMPER, allow_unicode=True,
                                  sort_keys=False), encoding="utf-8")
        files.append(path)
    return files


def questions(limit: int, dev: Path | None = None) -> list[str]:
    """The dev set's questions: ``--dev FILE``, else the first ``shared/eval/dev.yaml`` found
    above this file (the repository sits next to ``shared/``, or one level deeper)."""
    if dev is None:
        here = Path(__file__).resolve()
        dev = next((p / "shared" / "eval" / "dev.yaml" for p in here.parents
                    if (p / "shared" / "eval" / "dev.yaml").exists()), None)
    if dev is not None and dev.exists():
        items = yaml.safe_load(dev.read_text(encoding="utf-8"))
        found = list(dict.fromkeys(str(item["q"]) for item in items))  # a repeat is no first sight
    else:
        found = list(_FALLBACK_QUESTIONS)
    return found[:limit] if limit else found


def warm_up_messages(excluded: set[str], count: int = 100) -> list[str]:
    """Other people's messages, never the timed ones: the project's own spec-style set."""
    path = Path(__file__).resolve().parent.parent / "eval" / "spec-style-238.yaml"
    found = list(_FALLBACK_QUESTIONS)
    if path.exists():
        found += [str(item["q"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return [q for q in found if q not in excluded][:count]


def _timed(fn, item: str) -> float:
    start = time.perf_counter()
    fn(item)
    return (time.perf_counter() - start) * 1000


def per_question(fns: list, inputs: list[str]) -> list[tuple[float, float]]:
    """For each function, the median and mean time per question in ms.

    Each question is timed once, the first time the engine sees it, as a real message is:
    repeating it and keeping the best call would time the memos (folded text, corrected
    words, places found) instead of the work. The engine first answers a hundred other
    messages (:func:`warm_up_messages`), as a bot that has been running a while has; the
    median over questions absorbs a slow call. The functions take turns on
    each question, so that a change of load on a shared machine weighs on all of them alike."""
    for item in warm_up_messages(set(inputs)):
        for fn in fns:
            fn(item)
    times: list[list[float]] = [[] for _ in fns]
    for item in inputs:
        for fn, out in zip(fns, times, strict=True):
            out.append(_timed(fn, item))
    return [(statistics.median(t), statistics.fmean(t)) for t in times]


def _forget_in_process_memos() -> None:
    """Each start-up measured as in a fresh process: no memo left by the previous start (the
    engines built before are not used again)."""
    text_module.stem.cache_clear()
    text_module.fold.cache_clear()
    getattr(text_module, "_MEMOS", {}).clear()
    # the second opinion's n-grams of each word, its counts by texts and its n-gram numbers
    for memo in ("_word_cache", "_grams_cache", "_block_cache", "_feature_ids",
                 "_feature_names"):
        getattr(second_opinion_module, memo, {}).clear()
    getattr(reading_module, "_last_built", {}).clear()  # the last index and second opinion


def _holder(path: Path, cache_dir: Path) -> KnowledgeHolder:
    if "cache_dir" in inspect.signature(KnowledgeHolder).parameters:
        return KnowledgeHolder(path, cache_dir=cache_dir)
    return KnowledgeHolder(path)  # before the cache existed


def _timed_reload(holder: KnowledgeHolder, path: Path, edit) -> float:
    """Seconds for ``holder.reload()`` after ``edit`` changed the entries of ``path``."""
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    edit(entries[0])
    path.write_text(yaml.dump(entries, Dumper=_DUMPER, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    getattr(holder, "flush_cache", lambda: None)()  # the previous reload's cache write is done
    start = time.perf_counter()
    result = holder.reload()
    elapsed = time.perf_counter() - start
    assert result.ok, result.message()
    return elapsed


_CHILD = """
import sys, time
from pathlib import Path
from bot.engine.holder import KnowledgeHolder
holder = KnowledgeHolder(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
holder.engine.reply("bonjour")
print(time.time() - float(sys.argv[3]))
holder.flush_cache()  # the next (warm) process finds the cache this one wrote
"""


def process_start(path: Path, cache_dir: Path) -> float:
    """Seconds from launching ``python`` to the first reply of a new process."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(cache_dir),
                           repr(time.time())], capture_output=True, text=True, check=True)
    return float(done.stdout.split()[0])


def bench(size: int, mode: str, asked: list[str], work: Path) -> dict[str, float]:
    maker = realistic_entries if mode == "realistic" else made_up_entries
    root = work / f"knowledge-{mode}-{size}"
    files = write_knowledge(default_knowledge_path(), root, maker(size) if size else [])
    colds, warms = [], []
    for attempt in range(STARTS):  # a shared machine's speed varies by a third from one start
        cache = work / f"cache-{mode}-{size}-{attempt}"  # to the next: the median of a few
        _forget_in_process_memos()
        start = time.perf_counter()
        holder = _holder(root, cache)
        colds.append(time.perf_counter() - start)
        getattr(holder, "flush_cache", lambda: None)()  # the cache is written in the background
        _forget_in_process_memos()  # a warm start is a new process: only the disk cache helps
        start = time.perf_counter()
        holder = _holder(root, cache)
        warms.append(time.perf_counter() - start)
        # a warm start may still write to the cache in the background: let it finish, or the
        # temporary folder's removal at the end races with it (« Directory not empty »)
        getattr(holder, "flush_cache", lambda: None)()
    cold, warm = statistics.median(colds), statistics.median(warms)
    process_colds, process_warms = [], []
    for attempt in range(STARTS):
        cache = work / f"process-cache-{mode}-{size}-{attempt}"
        process_colds.append(process_start(root, cache))
        process_warms.append(process_start(root, cache))
    engine: Engine = holder.engine
    knowledge = engine.knowledge
    normalise = engine.normaliser
    phrasings = [
        " ".join(normalise(p)) for entry_id in knowledge.faq for p in knowledge.phrasings(entry_id)
    ]

    def brute_force(message: str) -> object:
        return process.extractOne(" ".join(normalise(message)), phrasings, scorer=fuzz.WRatio)

    (engine_med, engine_mean), (brute_med, brute_mean) = per_question(
        [engine.reply, brute_force], asked)
    reload_s = reload_phrasing_s = float("nan")
    if files:
        reload_s = _timed_reload(holder, files[-1],
                                 lambda entry: entry.update(answer="Réponse modifiée."))
        # A changed phrasing rebuilds the index and the second opinion, not only the answers.
        reload_phrasing_s = _timed_reload(
            holder, files[-1], lambda entry: entry["questions"].append("une question ajoutée"))
    getattr(holder, "flush_cache", lambda: None)()
    return {"size": size, "phrasings": len(phrasings), "engine_med": engine_med,
            "engine_mean": engine_mean, "brute_med": brute_med, "brute_mean": brute_mean,
            "cold": cold, "warm": warm, "process_cold": statistics.median(process_colds),
            "process_warm": statistics.median(process_warms), "reload": reload_s, "reload_phrasing": reload_phrasing_s}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10_000])
    parser.add_argument("--questions", type=int, default=0, help="0: every dev question")
    parser.add_argument("--mode", choices=["realistic", "made-up"], default="realistic")
    parser.add_argument("--dev", type=Path, help="evaluation set (default: shared/eval/dev.yaml)")
    args = parser.parse_args(argv)
    asked = questions(args.questions, args.dev)
    label = "realistic (the knowledge's own words)" if args.mode == "realistic" else \
        "MADE-UP WORDS (old mode: flatters the engine, for comparison only)"
    print(f"synthetic entries: {label}; {len(asked)} dev questions; each question timed once, "
          "on first sight; median / mean over questions")
    print(f"{'added':>6} {'phrasings':>9} {'engine ms med/mean':>19} {'brute ms med/mean':>18} "
          f"{'speed-up med':>12} {'cold s':>7} {'warm s':>7} {'process cold / warm s':>21} "
          f"{'reload: answer / phrasing s':>27}")
    with tempfile.TemporaryDirectory(prefix="tlb-bench-") as tmp:
        for size in args.sizes:
            r = bench(size, args.mode, asked, Path(tmp))
            print(f"{r['size']:>6} {r['phrasings']:>9} "
                  f"{r['engine_med']:>9.2f} / {r['engine_mean']:<7.2f} "
                  f"{r['brute_med']:>8.2f} / {r['brute_mean']:<7.2f} "
                  f"{r['brute_med'] / r['engine_med']:>11.1f}× {r['cold']:>7.2f} {r['warm']:>7.2f} "
                  f"{r['process_cold']:>12.2f} / {r['process_warm']:<6.2f} "
                  f"{r['reload']:>13.2f} / {r['reload_phrasing']:<11.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
