"""A content-addressed artifact cache: ``<root>/<stage>/<key>/`` with checksums and metadata."""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__ as harness_version
from harness.cache._atomic import atomic_write_text, fsync_dir
from harness.cache._checksums import verify_checksums, write_checksums
from harness.cache._lock import file_lock
from harness.errors import CacheError

__all__ = ["META_FILE", "Cache", "default_cache_dir"]

META_FILE = "meta.json"
_log = logging.getLogger("harness.cache")


def default_cache_dir() -> Path:
    """``$HARNESS_CACHE_DIR``, or ``<cwd>/.cache/harness``."""
    configured = os.environ.get("HARNESS_CACHE_DIR")
    return Path(configured) if configured else Path.cwd() / ".cache" / "harness"


def _check_component(name: str, value: str) -> None:
    """Stage names and keys become directory names; refuse anything that could escape the cache."""
    if not value or value.startswith(".") or "/" in value or "\\" in value:
        raise CacheError(f"{name}={value!r} is not a valid cache path component; use letters, digits, - and _")


def _remove_leftovers(entry: Path) -> None:
    """Delete temporary dirs of builds that died: with the entry's lock held, no live build owns one."""
    for kind in ("tmp", "corrupt"):
        for leftover in entry.parent.glob(f".{entry.name}.{kind}-*"):
            shutil.rmtree(leftover, ignore_errors=True)


class Cache:
    """Builds each ``(stage, key)`` artifact once, verifies it on every reuse, and rebuilds it when corrupt."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()

    def entry(self, stage: str, key: str) -> Path:
        """Where the artifact ``(stage, key)`` lives (whether or not it exists yet)."""
        _check_component("stage", stage)
        _check_component("key", key)
        return self.root / stage / key

    def get_or_build(self, stage: str, key: str, build: Callable[[Path], None], *, version: str = "") -> Path:
        """The verified entry for ``(stage, key)``, calling ``build(tmp_dir)`` to fill it when needed.

        ``build`` writes its files into the directory it is given; the cache adds ``meta.json`` and
        ``checksums.txt`` and renames the directory into place, so an entry is complete or absent.
        """
        entry = self.entry(stage, key)
        # An intact entry is read without the lock: nobody rebuilds an intact entry, and a read-only cache (a warm
        # cache shared for re-scoring) could not create the lock file.
        if self._usable(entry):
            return entry
        with file_lock(entry.with_name(f"{key}.lock")):
            if self._usable(entry):
                return entry
            _remove_leftovers(entry)
            staged = self._build_staged(entry, stage, key, build, version)
            self._install(staged, entry)
        return entry

    def _usable(self, entry: Path) -> bool:
        """True for an intact entry; a damaged one is reported and left for rebuilding, never used."""
        if not entry.exists():
            return False
        problems = verify_checksums(entry)
        if problems:
            _log.warning("cache entry %s is corrupt (%s); rebuilding it", entry, "; ".join(problems))
        return not problems

    def _build_staged(self, entry: Path, stage: str, key: str, build: Callable[[Path], None], version: str) -> Path:
        """Build into a temporary sibling (same filesystem, so the final rename is atomic)."""
        staged = entry.with_name(f".{key}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        staged.mkdir(parents=True)
        try:
            build(staged)
            meta = {
                "stage": stage,
                "key": key,
                "version": version,
                "harness_version": harness_version,
                "created": datetime.now(UTC).isoformat(),
            }
            atomic_write_text(staged / META_FILE, json.dumps(meta, indent=2, sort_keys=True) + "\n")
            write_checksums(staged)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        return staged

    def _install(self, staged: Path, entry: Path) -> None:
        """Move a corrupt predecessor aside, then rename the fresh build into place."""
        if entry.exists():
            trash = entry.with_name(f".{entry.name}.corrupt-{uuid.uuid4().hex[:8]}")
            os.replace(entry, trash)
            shutil.rmtree(trash, ignore_errors=True)
        os.replace(staged, entry)
        fsync_dir(entry.parent)

    def meta(self, stage: str, key: str) -> dict[str, object]:
        """The ``meta.json`` of an existing entry."""
        path = self.entry(stage, key) / META_FILE
        try:
            loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CacheError(f"{path}: cannot read cache metadata ({exc}); delete the entry to rebuild it") from exc
        return loaded
