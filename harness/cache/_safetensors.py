"""Validate a safetensors file's header before an engine maps it: truncated or garbled files fail with a clear error.

Layout: an 8-byte little-endian header length ``N``, ``N`` bytes of JSON (tensor name -> dtype, shape,
``data_offsets`` into the data that follows), then the data. Every tensor's byte range must match its
shape and dtype, and the ranges must cover the data exactly (as the safetensors library requires).
Pure Python, no torch: cheap enough to run before every load.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any, TypeGuard

from harness.errors import BackendError

__all__ = ["check_safetensors"]

_MAX_HEADER = 100_000_000  # the safetensors library's own limit
_ITEM_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
    "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
    "U32": 4, "I32": 4, "F32": 4,
    "U64": 8, "I64": 8, "F64": 8,
}  # fmt: skip


def check_safetensors(path: Path) -> None:
    """Raise BackendError naming ``path`` and what is wrong, unless it is a well-formed safetensors file."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = _read_header(handle, size)
    except OSError as exc:
        raise _bad(path, f"cannot be read ({exc.strerror})") from None
    except _Malformed as exc:
        raise _bad(path, str(exc)) from None
    data_bytes = size - 8 - header.nbytes
    try:
        _check_entries(header.entries, data_bytes)
    except _Malformed as exc:
        raise _bad(path, str(exc)) from None


class _Malformed(ValueError):
    pass


class _Header:
    def __init__(self, entries: dict[str, Any], nbytes: int) -> None:
        self.entries, self.nbytes = entries, nbytes


def _read_header(handle: Any, size: int) -> _Header:
    if size < 8:
        raise _Malformed(f"{size} bytes, shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", handle.read(8))
    if length > min(_MAX_HEADER, size - 8):
        raise _Malformed(f"the header length says {length} bytes but only {size - 8} follow: truncated?")
    try:
        entries = json.loads(handle.read(length).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _Malformed(f"the header is not JSON: {type(exc).__name__}") from None
    if not isinstance(entries, dict):
        raise _Malformed("the header is not a JSON object")
    return _Header(entries, length)


def _check_entries(entries: dict[str, Any], data_bytes: int) -> None:
    ranges = sorted(_tensor_range(name, info) for name, info in entries.items() if name != "__metadata__")
    position = 0
    for begin, end, name in ranges:
        if begin != position:
            raise _Malformed(f"tensor {name!r} starts at byte {begin}, expected {position} (overlap or gap)")
        position = end
    if position != data_bytes:
        raise _Malformed(f"the tensors cover {position} data bytes but {data_bytes} follow the header: truncated?")


def _tensor_range(name: str, info: object) -> tuple[int, int, str]:
    if not isinstance(info, dict):
        raise _Malformed(f"tensor {name!r} has no dtype/shape/data_offsets record")
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if dtype not in _ITEM_BYTES:
        raise _Malformed(f"tensor {name!r} has unknown dtype {dtype!r}")
    if not _ints(shape) or not _ints(offsets) or len(offsets) != 2:
        raise _Malformed(f"tensor {name!r} has a malformed shape or data_offsets")
    begin, end = offsets
    if not 0 <= begin <= end or end - begin != math.prod(shape) * _ITEM_BYTES[dtype]:
        raise _Malformed(f"tensor {name!r}: data_offsets {offsets} do not match shape {shape} of {dtype}")
    return begin, end, name


def _ints(value: object) -> TypeGuard[list[int]]:
    return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)


def _bad(path: Path, what: str) -> BackendError:
    return BackendError(f"weights file {path} is not a valid safetensors file ({what}); re-download or re-save it")
