"""Content hashes: of files, and of a stage's inputs (its cache key)."""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
from collections.abc import Mapping, Set
from pathlib import Path, PurePath

from harness.errors import CacheError

__all__ = ["canonical_json", "sha256_file", "sha256_file_memo", "stage_key", "to_jsonable"]

_BLOCK = 1 << 20  # 1 MiB reads keep memory flat for multi-GB GGUF files.


def sha256_file(path: Path) -> str:
    """Hex SHA256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def sha256_file_memo(path: Path) -> str:
    """``sha256_file``, computed once per (path, mtime, size): model weights are hashed for every identity and cache
    key that names them, and they are large. A changed file (new mtime or size) is hashed again. Checksum
    verification reads the bytes every time (``sha256_file``): it exists to notice what this would not."""
    resolved = path.resolve()
    stat = resolved.stat()
    return _memo_digest(str(resolved), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=128)
def _memo_digest(path: str, mtime_ns: int, size: int) -> str:
    del mtime_ns, size  # part of the memo key only
    return sha256_file(Path(path))


def to_jsonable(value: object) -> object:
    """``json.dumps`` default: dataclasses, paths, mappings, sets, bytes and enums as plain JSON."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, Set):
        return sorted(value, key=repr)  # sets have no order; sort so equal sets hash equally
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, enum.Enum):
        return value.value
    raise CacheError(f"cannot build a cache key from a {type(value).__name__} ({value!r}); pass plain data")


def canonical_json(value: object) -> str:
    """One spelling per value: sorted keys, no whitespace, so equal inputs give equal keys."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=to_jsonable)


def stage_key(stage: str, version: str, **parts: object) -> str:
    """The cache key of a stage: SHA256 of its name, code version and inputs (canonical JSON)."""
    payload = canonical_json({"stage": stage, "version": version, "parts": parts})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
