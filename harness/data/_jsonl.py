"""Read and write JSON Lines files byte-exactly, reporting undecodable lines by number."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.data._problems import Problems, Verbatim
from harness.errors import DataError

__all__ = ["Row", "dump_jsonl", "read_bytes", "read_rows", "write_bytes"]


@dataclass(frozen=True)
class Row:
    """One decoded JSON object and where it came from."""

    where: str  # "path:line"
    data: Mapping[str, Any]


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found; fix: check the path, or create it") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror}); fix: check its permissions") from None


def read_rows(path: Path, raw: bytes, problems: Problems) -> list[Row]:
    """Decode every non-blank line of ``raw``; lines that fail are added to ``problems``."""
    return [row for row in _decode_lines(path, raw, problems) if row is not None]


def _decode_lines(path: Path, raw: bytes, problems: Problems) -> Iterator[Row | None]:
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")  # a BOM from some Windows editors is harmless
        if line.strip():
            yield _decode(f"{path}:{number}", line, problems)


def _decode(where: str, line: bytes, problems: Problems) -> Row | None:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = line[exc.start : exc.start + 1].hex()
        problems.add(
            where,
            "row",
            Verbatim(f"<byte 0x{bad} at column {exc.start + 1}>"),
            "is not valid UTF-8",
            "re-save the file as UTF-8",
        )
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(
            where,
            "row",
            text,
            f"is not valid JSON ({exc.msg} at column {exc.colno})",
            "write one complete JSON object per line",
        )
        return None
    except RecursionError:  # brackets nested thousands deep: no row of the format looks like that
        problems.add(where, "row", text, "is nested too deeply to be a row", "write one flat JSON object per line")
        return None
    if not isinstance(data, dict):
        problems.add(where, "row", data, "is not a JSON object", 'write one object per line, like {"id": ...}')
        return None
    return Row(where, data)


def dump_jsonl(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Sorted keys, real UTF-8 (not \\u escapes), one row per line: stable bytes for hashing."""
    return b"".join(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n" for row in rows)


def write_bytes(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise DataError(f"{path}: cannot be written ({exc.strerror}); fix: check the directory's permissions") from None
    return path
