"""An inter-process lock, so concurrent runs sharing one cache build each entry once."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.errors import StorageError

__all__ = ["file_lock"]


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed); waits while another process holds it.

    The lock file is left in place afterwards: deleting it would let a waiter lock an unlinked inode
    while a newcomer locks a fresh file, and both would build at once.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only or full cache: one clear error, not a traceback
        fix = "point --bench-cache-dir (or $HARNESS_CACHE_DIR) at a writable folder"
        raise StorageError(path.parent, exc, fix) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock
