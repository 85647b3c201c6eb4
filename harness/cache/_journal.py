"""An append-only JSONL journal that survives a crash mid-write."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from harness.cache._hashing import to_jsonable
from harness.errors import CacheError

__all__ = ["JsonlJournal"]

_log = logging.getLogger("harness.cache")


class JsonlJournal:
    """One JSON object per line, each appended with fsync so a crash loses at most the last line.

    Appends hold an exclusive ``flock`` on the file and write the line with one ``os.write`` loop, so
    concurrent runs sharing a cache interleave whole lines, never pieces of them; a partial line left
    by a writer that died is cut before the next append.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, record: Mapping[str, object]) -> None:
        """Append ``record`` durably; dataclasses and paths inside it are written as plain JSON."""
        data = (json.dumps(dict(record), ensure_ascii=False, default=to_jsonable) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released by close
            self._drop_partial_tail(fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[dict[str, object]]:
        """Every complete record, in order. A truncated last line (a crash mid-append) is ignored."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8", errors="replace").split("\n")
        # After the last "\n" comes "" for a clean file, or the unfinished tail of a crashed append.
        return [self._parse(line, number) for number, line in enumerate(lines[:-1], start=1) if line.strip()]

    def _parse(self, line: str, number: int) -> dict[str, object]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CacheError(
                f"{self.path}:{number}: not a JSON object ({exc.msg}); the journal is corrupt: "
                "delete it to regenerate what it held"
            ) from exc
        if not isinstance(record, dict):
            raise CacheError(f"{self.path}:{number}: expected a JSON object, got {type(record).__name__}")
        return record

    def _drop_partial_tail(self, fd: int) -> None:
        """Cut an unfinished last line, so the next append does not glue onto it and corrupt both."""
        size = os.fstat(fd).st_size
        if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
            return
        data = os.pread(fd, size, 0)  # rare (only after a crash), so reading it whole is fine
        keep = data.rfind(b"\n") + 1
        _log.warning("journal %s: dropping a truncated last line (%d bytes)", self.path, size - keep)
        os.ftruncate(fd, keep)
