"""The running bot's knowledge: swapped atomically on reload, never replaced by a broken one.

Staff edit YAML files while the bot runs. A reload that fails validation keeps the last good
engine and returns the exact problems, so the bot never stops answering because of a typo.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import ContactConfig
from bot.engine.decision import Engine
from bot.engine.prefetch import prefetch
from bot.knowledge import (
    Knowledge,
    KnowledgeError,
    Problem,
    default_knowledge_path,
    load_knowledge,
)
from bot.knowledge.cache import DiskCache, FileMemo, default_cache_dir, digest
from bot.knowledge.faqfiles import FaqFile, faq_file_key, faq_paths
from bot.knowledge.yamlread import rel_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    problems: tuple[Problem, ...] = ()
    summary: str = ""
    changed: bool = True
    details: list[str] = field(default_factory=list)

    def message(self) -> str:
        """A French report for the staff member who asked for the reload."""
        if self.ok:
            return f"Connaissances rechargées : {self.summary}."
        lines = [
            "Les nouveaux fichiers contiennent des erreurs : je continue avec les "
            "connaissances précédentes.",
            *(f"• {p}" for p in self.problems[:20]),
        ]
        if len(self.problems) > 20:
            lines.append(f"… et {len(self.problems) - 20} autre(s) erreur(s).")
        return "\n".join(lines)


def knowledge_files(root: Path) -> list[Path]:
    """Every file the engine reads: YAML, the trained confidence (JSON), the stations (CSV)."""
    return sorted(f for f in root.rglob("*") if f.suffix in (".yaml", ".yml", ".json", ".csv"))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building an engine allocates hundreds of thousands of tuples and makes almost no garbage
    cycle, yet the cycle collector walks them again and again (a tenth of a cold start at
    10 000 entries): it waits until the engine is built. Every uncached build, reloads
    included; the pause is process-wide, so a reload in a worker thread delays collection for
    the rest of the bot by the reload's second or so, which costs nothing but memory. Builds
    are serialised by the holder's reload lock, and the collector is only switched back on by
    the call that switched it off."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class KnowledgeHolder:
    """Owns the current :class:`Engine`; ``engine`` is always a fully valid one."""

    def __init__(self, path: str | Path | None = None,
                 staff_contact: ContactConfig | None = None,
                 learned_path: str | Path | None = None,
                 cache_dir: str | Path | bool | None = None) -> None:
        """``cache_dir``: where the start-up cache lives (None: the default place, see
        :mod:`bot.knowledge.cache`; False: no cache on disk, files still cached in memory)."""
        self.path = Path(path) if path else default_knowledge_path()
        self.learned_path = Path(learned_path) if learned_path else self.path / "learned.yaml"
        self.staff_contact = staff_contact or ContactConfig()
        directory = default_cache_dir() if cache_dir is None else cache_dir or None
        self._disk = DiskCache(Path(directory) if directory else None)
        self._memo = FileMemo(self._disk, scope=f"{self.path.resolve()}\0{self.learned_path}")
        self._snapshot = self._files_state()
        self._engine = self._build()
        # Reloads run in worker threads (/recharger, /annuler, accepted phrasings, the watcher):
        # one at a time, so a slow reload that read the files earlier cannot install its older
        # engine after a newer one.
        self._reload_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return self._engine

    def _files_state(self) -> dict[str, tuple[float, int]]:
        state: dict[str, tuple[float, int]] = {}
        for file in [*knowledge_files(self.path), self.learned_path]:
            try:
                st = file.stat()
            except OSError:
                continue
            state[str(file)] = (st.st_mtime, st.st_size)
        return state

    def _load(self) -> Knowledge:
        return load_knowledge(self.path, self.learned_path, memo=self._memo)

    def _state_key(self) -> str:
        """A hash of every knowledge file's contents, the paths and the staff contact."""
        parts: list[bytes | str] = [str(self.path.resolve()), str(self.learned_path),
                                    repr(self.staff_contact)]
        for file in [*knowledge_files(self.path), self.learned_path]:
            try:
                parts += [str(file), file.read_bytes()]
            except OSError:
                parts += [str(file), "-"]
        return digest(*parts)

    def _build(self) -> Engine:
        """The engine for the files as they are: from the cache when they have not changed
        since it was stored, else loaded (only the changed FAQ files re-read) and built."""
        slot = digest(str(self.path.resolve()), str(self.learned_path))
        key = self._state_key() if self._disk.directory else ""
        if key:
            cached = self._disk.load("engine", slot, key)
            if (isinstance(cached, tuple) and len(cached) == 2
                    and isinstance(cached[0], Engine) and isinstance(cached[1], dict)):
                engine, phrasings = cached
                engine.normaliser.memo.update(phrasings)  # the next reload normalises little
                self._seed_memo(engine.knowledge)
                return engine
        with _collector_paused():
            prefetch(self.path, self._memo)  # a cold start of a large knowledge: on every core
            try:
                engine = Engine(self._load(), staff_contact=self.staff_contact)
            except Exception:
                self._write_in_background()  # the files that were valid are cached all the same
                raise
        # The normalised phrasings go in the same pickle as the engine: the words they share
        # with the index are stored once.
        self._write_in_background(("engine", slot, key, (engine, dict(engine.normaliser.memo)))
                                  if key else None)
        return engine

    def _write_in_background(self, engine: tuple | None = None) -> None:
        """The cache is written after the engine is ready, in the background: the next start
        is warm, this one does not wait for it."""
        if self._disk.directory is None:
            return
        self.flush_cache()

        def write() -> None:
            self._memo.write_unwritten()
            if engine is not None:
                self._disk.store(*engine)

        self._writer = threading.Thread(target=write, name="knowledge-cache")
        self._writer.start()

    def flush_cache(self) -> None:
        """Wait until the start-up cache is written (tests, benchmarks, shutdown)."""
        writer: threading.Thread | None = getattr(self, "_writer", None)
        if writer is not None:
            writer.join()

    def _seed_memo(self, knowledge: Knowledge) -> None:
        """A cached engine was built from exactly these files, so each FAQ file's validated
        entries are known without reading the file's cache: the first reload stays cheap."""
        by_file: dict[str, list] = {}
        for entry in knowledge.faq.values():
            by_file.setdefault(entry.file, []).append(entry)
        for path in faq_paths(self.path):
            rel = rel_path(path, self.path)
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            self._memo.remember(rel, faq_file_key(rel, raw),
                                FaqFile(tuple(by_file.get(rel, ())), ()))

    def changed_on_disk(self) -> bool:
        return self._files_state() != self._snapshot

    def reload(self) -> ReloadResult:
        """Load the files again; on any error keep serving the previous knowledge."""
        with self._reload_lock:
            return self._reload()

    def _reload(self) -> ReloadResult:
        snapshot = self._files_state()
        try:
            engine = self._build()
            knowledge = engine.knowledge
        except KnowledgeError as exc:
            self._snapshot = snapshot  # do not report the same broken files every few seconds
            log.warning("knowledge reload refused: %d problem(s)", len(exc.problems))
            return ReloadResult(ok=False, problems=tuple(exc.problems))
        except Exception as exc:  # anything else too: keep serving, report it once
            self._snapshot = snapshot
            log.exception("knowledge reload failed")
            problem = Problem(str(self.path), "erreur inattendue pendant le rechargement "
                                              f"({type(exc).__name__}) : prévenez l'équipe technique")
            return ReloadResult(ok=False, problems=(problem,))
        self._engine = engine
        self._snapshot = snapshot
        summary = (
            f"{len(knowledge.faq)} entrées, {len(knowledge.places)} lieux, "
            f"{len(knowledge.learned)} formulation(s) apprise(s)"
        )
        log.info("knowledge reloaded: %s", summary)
        return ReloadResult(ok=True, summary=summary)

    def reload_if_changed(self) -> ReloadResult | None:
        """For the periodic watcher: reload only when a file changed since the last look."""
        with self._reload_lock:
            return self._reload() if self.changed_on_disk() else None
