"""A cold start on several cores: the FAQ files no cache knows are read in parallel.

At 10 000 entries, reading and validating the YAML and normalising the phrasings are two thirds
of a cold start, and every FAQ file can be done on its own. So before the usual load, the files
that neither memory nor the disk cache holds are shared out between this process and forked
workers; each validates its files (:func:`~bot.knowledge.faqfiles.load_faq_file`),
normalises their phrasings and counts their n-grams for the second opinion. The results go
where the usual load and the engine look first: the file memo, the normaliser's shared memo and
the second opinion's block cache. The load that follows is the ordinary one (the same checks
across files, the same errors), it just finds the work done.

Only where it pays and is safe: a platform with ``fork``, two usable cores or more, at least
:data:`MIN_BYTES` of FAQ files to read, and no other thread running (a fork copies one thread
only, and a lock another thread held would stay locked in the child). Anything unexpected
means the ordinary sequential load, never an error.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bot.engine.reading import entry_texts
from bot.engine.second_opinion import count_ahead, counted_elsewhere, take_counted
from bot.engine.text import Normaliser, shared_memo
from bot.knowledge.cache import FileMemo
from bot.knowledge.faqfiles import FaqFile, faq_file_key, faq_paths, load_faq_file
from bot.knowledge.loader import read_vocabulary
from bot.knowledge.yamlread import rel_path

log = logging.getLogger(__name__)

MIN_BYTES = 2_000_000  # below this (the shipped knowledge is 0.6 MB) a fork costs more than it saves
MAX_WORKERS = 4
OWN_SHARE = 1.15  # this process's share of the files against one worker's

_Result = tuple[list[tuple[str, str, FaqFile]], str, dict, tuple | None]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _read(root: Path, files: list[tuple[Path, str, str]], send: bool) -> _Result:
    """Validate ``files`` (path, relative name, key) and normalise their phrasings; ``send``:
    return the normalised phrasings too (a worker's memo stays in the worker); either way each
    entry's n-grams are counted for the second opinion (a worker's are sent back)."""
    terms, sms = read_vocabulary(root)
    normaliser = Normaliser(sms, terms)
    out, phrasings = [], {}
    keys: dict[str, tuple[tuple[str, ...], ...]] = {}
    for path, rel, key in files:
        result = load_faq_file(path, root, None)
        for entry in result.entries:
            texts = entry_texts(entry)  # as the second opinion counts them (no learned ones yet)
            for text in texts:
                phrasings[text] = normaliser.phrasing(text)
            keys[f"{rel}\0{entry.id}"] = tuple(phrasings[text][0] for text in texts)
        out.append((rel, key, result))
    if not send:  # this process: counted while the workers finish, found in the cache later
        count_ahead(keys)
        return out, normaliser.fingerprint, {}, None
    return out, normaliser.fingerprint, phrasings, counted_elsewhere(keys)


def _shares(files: list[tuple[Path, str, str, int]], n: int) -> list[list[tuple[Path, str, str]]]:
    """``n`` lists of files, largest files first to the least loaded list. The first list is
    this process's, a little larger (:data:`OWN_SHARE`): a worker's results must still be
    pickled and sent back, which costs more than this process's unpacking of them."""
    shares: list[list[tuple[Path, str, str]]] = [[] for _ in range(n)]
    loads = [0.0] * n
    weight = [OWN_SHARE, *([1.0] * (n - 1))]
    for path, rel, key, size in sorted(files, key=lambda f: -f[3]):
        lightest = min(range(n), key=lambda i: (loads[i] + size) / weight[i])
        shares[lightest].append((path, rel, key))
        loads[lightest] += size
    return shares


def prefetch(root: Path, memo: FileMemo) -> int:
    """Read the uncached FAQ files of ``root`` on several cores; how many were read so."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = min(_cores(), MAX_WORKERS)
    if cores < 2:
        return 0
    files = faq_paths(root)
    todo: list[tuple[Path, str, str, int]] = []
    try:
        if sum(path.stat().st_size for path in files) < MIN_BYTES:
            return 0  # nothing read: the shipped knowledge starts as before
        for path in files:
            raw = path.read_bytes()
            rel = rel_path(path, root)
            key = faq_file_key(rel, raw)
            if not isinstance(memo.get(rel, key), FaqFile):
                todo.append((path, rel, key, len(raw)))
    except OSError:
        return 0  # the ordinary load reports the unreadable file
    if len(todo) < 2 or sum(f[3] for f in todo) < MIN_BYTES:
        return 0
    mine, *theirs = _shares(todo, cores)
    theirs = [share for share in theirs if share]
    if not theirs:
        return 0
    try:
        # concurrent.futures, not multiprocessing.Pool: a worker that dies (killed for memory,
        # say) breaks the pool and raises here instead of leaving this process waiting forever
        with ProcessPoolExecutor(len(theirs), mp_context=multiprocessing.get_context("fork")) as pool:
            pending = [pool.submit(_read, root, share, True) for share in theirs]
            results = [_read(root, mine, False), *(p.result() for p in pending)]
        for done, fingerprint, phrasings, counted in results:
            shared_memo(fingerprint).update(phrasings)
            if counted is not None:
                take_counted(counted)
            for rel, key, result in done:
                memo.put(rel, key, result)
    except Exception:  # a worker that died, a result that would not pickle: read as usual
        log.warning("parallel knowledge read failed, reading sequentially", exc_info=True)
        return 0
    return sum(len(done) for done, _, _, _ in results)
