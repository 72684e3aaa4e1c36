"""The running bot's knowledge: swapped atomically on reload, never replaced by a broken one.

Staff edit YAML files while the bot runs. A reload that fails validation keeps the last good
engine and returns the exact problems, so the bot never stops answering because of a typo.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import ContactConfig
from bot.engine.decision import Engine
from bot.knowledge import (
    Knowledge,
    KnowledgeError,
    Problem,
    default_knowledge_path,
    load_knowledge,
)

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


class KnowledgeHolder:
    """Owns the current :class:`Engine`; ``engine`` is always a fully valid one."""

    def __init__(self, path: str | Path | None = None,
                 staff_contact: ContactConfig | None = None,
                 learned_path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_knowledge_path()
        self.learned_path = Path(learned_path) if learned_path else self.path / "learned.yaml"
        self.staff_contact = staff_contact or ContactConfig()
        self._engine = Engine(self._load(), staff_contact=self.staff_contact)
        self._snapshot = self._files_state()
        # Reloads run in worker threads (/recharger, /annuler, accepted phrasings, the watcher):
        # one at a time, so a slow reload that read the files earlier cannot install its older
        # engine after a newer one.
        self._reload_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return self._engine

    def _files_state(self) -> dict[str, tuple[float, int]]:
        state: dict[str, tuple[float, int]] = {}
        for file in [*sorted(self.path.rglob("*.y*ml")), self.learned_path]:
            try:
                st = file.stat()
            except OSError:
                continue
            state[str(file)] = (st.st_mtime, st.st_size)
        return state

    def _load(self) -> Knowledge:
        return load_knowledge(self.path, self.learned_path)

    def changed_on_disk(self) -> bool:
        return self._files_state() != self._snapshot

    def reload(self) -> ReloadResult:
        """Load the files again; on any error keep serving the previous knowledge."""
        with self._reload_lock:
            return self._reload()

    def _reload(self) -> ReloadResult:
        snapshot = self._files_state()
        try:
            knowledge = self._load()
            engine = Engine(knowledge, staff_contact=self.staff_contact)
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
