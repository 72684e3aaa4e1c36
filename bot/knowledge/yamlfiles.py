"""Files staff and the bot both edit: written atomically, their header comments kept.

The running bot reloads the knowledge when a file changes, so a half-written file must never be
visible; and staff's comments at the top of a YAML file must survive the bot's edits.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never half.

    The running bot reloads the knowledge when files change: a half-written file would be
    reported as broken to staff for nothing.
    """
    tmp = _temp_copy(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _temp_copy(path: Path, text: str) -> Path:
    """``text`` fully written (and synced) in a temporary file next to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_all_or_nothing(files: dict[Path, str]) -> None:
    """Replace every file of ``files`` with its text, or none of them.

    Every new text is first written in full next to its file (that is where a full disk
    fails), then the files are swapped in by renames, which need no space. If a swap fails,
    the originals (kept as hard links) are put back. Raises the :class:`OSError` after
    cleaning up: the files on disk are then exactly as before.
    """
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for path, text in files.items():
            temps[path] = _temp_copy(path, text)
        for path in files:
            if path.exists():
                backup = path.with_name(f".{path.name}.{os.getpid()}.bak")
                backup.unlink(missing_ok=True)
                os.link(path, backup)
                backups[path] = backup
        for path, tmp in temps.items():
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in reversed(done):
            if path in backups:
                os.replace(backups.pop(path), path)
            else:
                path.unlink(missing_ok=True)
        raise
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        for backup in backups.values():
            backup.unlink(missing_ok=True)


def leading_comments(text: str) -> str:
    """The comment block at the top of a YAML file (blank lines included)."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "".join(lines)
