"""Schema versions of the result files, and the one check every reader applies."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import DataError

__all__ = ["CONDITION_SCHEMA_VERSION", "RUN_SCHEMA_VERSION", "check_version"]

# result.json of one condition. 1: the first versioned format.
CONDITION_SCHEMA_VERSION = 1
# run.json (the run index) and the run report's results.json. 1: the first versioned format; run.json files written
# before it carry no version and the same shape, so they read as version 0.
RUN_SCHEMA_VERSION = 1


def check_version(path: Path, body: Mapping[str, Any], current: int, *, legacy: tuple[int, ...] = ()) -> int:
    """The file's ``schema_version`` if this harness reads it; otherwise one error naming the file and its version."""
    version = body.get("schema_version", 0)
    if version == current or version in legacy:
        return int(version)
    newer = isinstance(version, int) and version > current
    fix = "upgrade the harness to read it" if newer else "re-run the conditions to write it in the current format"
    raise DataError(f"{path}: schema_version={version!r}, but this harness reads version {current}; {fix}")
