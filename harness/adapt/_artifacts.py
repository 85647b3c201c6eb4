"""The artifact directory's record: ``EXPERIMENT_METADATA.json`` and checksum verification.

An artifact is sealed by ``checksums.txt`` (SHA256 of every file, written by the cache); anything that
does not verify is refused with the names of the damaged files.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.cache import atomic_write_text, verify_checksums, write_checksums
from harness.errors import CacheError

__all__ = [
    "METADATA_FILE",
    "read_metadata",
    "record_evaluation",
    "verify_artifacts",
    "write_json",
    "write_metadata",
]

METADATA_FILE = "EXPERIMENT_METADATA.json"


def verify_artifacts(directory: Path) -> None:
    """Raise CacheError naming each file of ``directory`` that is missing, unlisted or altered."""
    if not directory.is_dir():
        raise CacheError(f"artifact directory {directory} does not exist")
    problems = verify_checksums(directory)
    if problems:
        raise CacheError(
            f"artifact {directory} does not verify: {'; '.join(problems)}; delete the directory to rebuild it"
        )


def read_metadata(directory: Path) -> dict[str, Any]:
    path = directory / METADATA_FILE
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CacheError(f"{path}: cannot read the experiment metadata ({exc})") from exc
    return loaded


def write_json(path: Path, data: Mapping[str, Any]) -> Path:
    """Pretty, key-sorted JSON; dataclasses become objects, paths strings."""
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, default=_jsonable) + "\n")
    return path


def write_metadata(directory: Path, metadata: Mapping[str, Any]) -> Path:
    return write_json(directory / METADATA_FILE, metadata)


def _jsonable(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)  # paths, numpy scalars


def record_evaluation(directory: Path, summary: Mapping[str, Any]) -> None:
    """Fill the metadata's evaluation placeholder (after verifying), then re-seal the checksums."""
    verify_artifacts(directory)
    metadata = read_metadata(directory)
    metadata["evaluation"] = dict(summary)
    write_metadata(directory, metadata)
    write_checksums(directory)
