"""``checksums.txt``: the SHA256 of every file of a cache entry, in ``sha256sum`` format."""

from __future__ import annotations

from pathlib import Path

from harness.cache._atomic import atomic_write_text
from harness.cache._hashing import sha256_file

__all__ = ["CHECKSUMS_FILE", "parse_checksums", "verify_checksums", "write_checksums"]

CHECKSUMS_FILE = "checksums.txt"


def _files(directory: Path) -> list[str]:
    """Relative POSIX paths of every file under ``directory`` except the checksum list itself."""
    found = (p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    return sorted(name for name in found if name != CHECKSUMS_FILE)


def write_checksums(directory: Path) -> Path:
    """Write ``checksums.txt`` (``<sha256>  <relative/path>`` lines) covering every file in ``directory``."""
    lines = [f"{sha256_file(directory / name)}  {name}\n" for name in _files(directory)]
    target = directory / CHECKSUMS_FILE
    atomic_write_text(target, "".join(lines))
    return target


def _read_listing(directory: Path) -> dict[str, str] | None:
    """``relative path -> sha256`` from ``checksums.txt``; None when the list is missing or malformed."""
    try:
        text = (directory / CHECKSUMS_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return parse_checksums(text)


def parse_checksums(text: str) -> dict[str, str] | None:
    """``relative path -> sha256`` from the text of a ``checksums.txt`` (local or remote); None when malformed."""
    listing: dict[str, str] = {}
    for line in text.splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            return None
        listing[name] = digest
    return listing


def verify_checksums(directory: Path) -> list[str]:
    """Problems with ``directory`` against its ``checksums.txt``; an empty list means it is intact."""
    listing = _read_listing(directory)
    if listing is None:
        return [f"{CHECKSUMS_FILE} is missing or malformed"]
    problems = [f"{name}: not listed in {CHECKSUMS_FILE}" for name in _files(directory) if name not in listing]
    for name, digest in sorted(listing.items()):
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(path) != digest:
            problems.append(f"{name}: checksum mismatch")
    return problems
