"""Writes that are all-or-nothing: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from harness.errors import StorageError

__all__ = ["atomic_write_bytes", "atomic_write_text", "fsync_dir"]


_FIX = "make it writable, or point the harness at a writable folder (--bench-cache-dir, --bench-reports-dir)"
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _temp_sibling(path: Path) -> tuple[int, Path]:
    """Create ``.name.<random>.tmp`` beside ``path`` with mode 0o666 less the umask, as ``open(path, "w")`` would.
    Not ``tempfile.mkstemp``: it creates 0o600, so every report and result file ended up private to its writer.
    The kernel applies the umask on create, so nothing here reads or changes the process-wide umask."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, _NEW_FILE, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary sibling, fsync it, then rename it over ``path``. A folder that cannot be
    written (read-only, full) is one StorageError naming it, not a raw OSError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temp_sibling(path)
    except OSError as exc:
        raise StorageError(path.parent, exc, _FIX) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(path, exc, _FIX) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """``atomic_write_bytes`` for text."""
    atomic_write_bytes(path, text.encode(encoding))


def fsync_dir(directory: Path) -> None:
    """Persist a rename: on POSIX the directory entry is only durable once the directory is synced."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
