"""A start-up cache kept outside the knowledge folder, keyed by file contents and code version.

What it stores (pickles) is only ever derived from the knowledge files: a validated FAQ file,
the built engine, the normalised phrasings. Every key includes :data:`CODE_STAMP` (a hash of
the bot's own source files and of the libraries that shape the result), so a cache is never
trusted across code versions, and the SHA-256 of the files it was built from, so an edited file
invalidates exactly what depended on it.

Location: ``$TLB_CACHE_DIR`` when set (``off`` disables it), else
``$XDG_CACHE_HOME/tiers-lieux-bot``, else ``~/.cache/tiers-lieux-bot``. Unpickling runs code,
so the folder is used only when it belongs to the current user and nobody else may write in
it; anything that goes wrong (unwritable, full disk, corrupt file) only means no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import platform
import stat
import tempfile
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_LIBRARIES = ("pyyaml", "rapidyaml", "rapidfuzz", "snowballstemmer")


def _code_stamp() -> str:
    digest = hashlib.sha256(platform.python_version().encode())
    package = Path(__file__).resolve().parent.parent
    for source in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(str(source.relative_to(package)).encode() + b"\0" + source.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()[:32]


CODE_STAMP = _code_stamp()


def digest(*parts: bytes | str) -> str:
    """A key from the code stamp and ``parts`` (file contents, names, settings)."""
    h = hashlib.sha256(CODE_STAMP.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def default_cache_dir() -> Path | None:
    configured = os.environ.get("TLB_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "none") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tiers-lieux-bot"


class DiskCache:
    """Pickles under one private folder; every failure is silent (and logged at DEBUG)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory if directory and self._usable(directory) else None

    @staticmethod
    def _usable(directory: Path) -> bool:
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = directory.stat()
        except OSError as exc:
            log.debug("no knowledge cache in %s: %s", directory, exc)
            return False
        if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            log.warning("knowledge cache %s ignored: not private to this user", directory)
            return False
        return os.access(directory, os.W_OK | os.R_OK | os.X_OK)

    def _path(self, kind: str, slot: str) -> Path | None:
        return self.directory / f"{kind}-{slot[:32]}.pickle" if self.directory else None

    def load(self, kind: str, slot: str, key: str) -> Any:
        """The value stored in ``slot`` if it was stored under ``key``, else None."""
        path = self._path(kind, slot)
        if path is None:
            return None
        try:
            with path.open("rb") as f:
                st = os.fstat(f.fileno())
                if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                    return None
                if pickle.load(f) != key:  # the key first: a stale slot is not read further
                    return None
                value = pickle.load(f)  # private folder, content-keyed: see the module docstring
        except FileNotFoundError:
            return None
        except Exception as exc:  # corrupt, truncated, from another version: no cache
            log.debug("knowledge cache %s unreadable: %s", path, exc)
            return None
        return value

    def store(self, kind: str, slot: str, key: str, value: Any) -> None:
        """Replace what ``slot`` holds (one file per slot: the cache never grows with edits)."""
        path = self._path(kind, slot)
        if path is None:
            return
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(key, f, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            tmp = None
        except Exception as exc:
            log.debug("knowledge cache %s not written: %s", path, exc)
        finally:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


class FileMemo:
    """Per-file results (e.g. a validated FAQ file) in memory and on disk, by content hash.

    ``name`` says which file (one disk slot per file and knowledge folder); ``key`` is the hash
    of what the result was built from."""

    def __init__(self, disk: DiskCache | None = None, scope: str = "") -> None:
        self.disk = disk or DiskCache(None)
        self.scope = scope
        self._memory: dict[str, tuple[str, Any]] = {}
        # Results not yet on disk: written by :meth:`write_unwritten`, off the start-up path
        # (pickling 20 files of 500 entries took a quarter of a second of a cold start).
        self._unwritten: dict[str, tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def _slot(self, name: str) -> str:
        return digest(self.scope, name)

    def get(self, name: str, key: str) -> Any:
        held = self._memory.get(name)
        if held and held[0] == key:
            return held[1]
        value = self.disk.load("file", self._slot(name), key)
        if value is not None:
            self._memory[name] = (key, value)
        return value

    def put(self, name: str, key: str, value: Any) -> None:
        """In memory now, on disk at the next :meth:`write_unwritten`."""
        self._memory[name] = (key, value)
        if self.disk.directory is not None:
            with self._lock:
                self._unwritten[name] = (key, value)

    def write_unwritten(self) -> None:
        """Store on disk what :meth:`put` kept since the last call (any thread)."""
        with self._lock:
            pending, self._unwritten = self._unwritten, {}
        for name, (key, value) in pending.items():
            self.disk.store("file", self._slot(name), key, value)

    def remember(self, name: str, key: str, value: Any) -> None:
        """In memory only (the value is already known to be what ``key`` would give)."""
        self._memory[name] = (key, value)
