"""SHA-256 of model files, computed once per (path, mtime, size)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__all__ = ["file_sha256"]

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex digest of ``path``; a changed file (new mtime or size) is hashed again."""
    resolved = path.resolve()
    stat = resolved.stat()
    return _digest(str(resolved), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    del mtime_ns, size  # part of the cache key only
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()
