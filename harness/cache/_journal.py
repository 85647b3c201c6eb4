"""An append-only JSONL journal that survives a crash mid-write."""

from __future__ import annotations

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
    """One JSON object per line, each appended with flush + fsync so a crash loses at most the last line."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._checked_tail = False

    def append(self, record: Mapping[str, object]) -> None:
        """Append ``record`` durably; dataclasses and paths inside it are written as plain JSON."""
        line = json.dumps(dict(record), ensure_ascii=False, default=to_jsonable) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self._checked_tail:
            self._drop_partial_tail()
            self._checked_tail = True
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

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
            raise CacheError(f"{self.path}:{number}: not a JSON object ({exc.msg}); the journal is corrupt") from exc
        if not isinstance(record, dict):
            raise CacheError(f"{self.path}:{number}: expected a JSON object, got {type(record).__name__}")
        return record

    def _ends_cleanly(self) -> bool:
        with self.path.open("rb") as fh:
            if fh.seek(0, os.SEEK_END) == 0:
                return True
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"

    def _drop_partial_tail(self) -> None:
        """Cut an unfinished last line, so the next append does not glue onto it and corrupt both."""
        if not self.path.exists() or self._ends_cleanly():
            return
        data = self.path.read_bytes()  # rare (only after a crash), so reading it whole is fine
        keep = data.rfind(b"\n") + 1
        _log.warning("journal %s: dropping a truncated last line (%d bytes)", self.path, len(data) - keep)
        with self.path.open("r+b") as fh:
            fh.truncate(keep)
            os.fsync(fh.fileno())
