"""Checking an entry where it lies: a local folder with ``verify_artifacts``, a remote one by streaming each file
through SHA256 and comparing with its ``checksums.txt``."""

from __future__ import annotations

import hashlib
from pathlib import Path

from harness.cache import CHECKSUMS_FILE, parse_checksums
from harness.errors import CacheError
from harness.storage._location import Location

__all__ = ["check_names", "remote_listing", "remote_problems", "sha256_remote"]

_CHUNK = 1 << 20


def sha256_remote(location: Location, name: str) -> str:
    digest = hashlib.sha256()
    with location.fs.open(location.path(name), "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def remote_listing(location: Location) -> dict[str, str]:
    """The remote ``checksums.txt`` as ``name -> sha256``; CacheError when it is missing or malformed."""
    try:
        text = location.fs.cat_file(location.path(CHECKSUMS_FILE)).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CacheError(f"{location.url}: no readable {CHECKSUMS_FILE} ({exc}); it is not a pushed entry") from None
    listing = parse_checksums(text)
    if listing is None:
        raise CacheError(f"{location.url}/{CHECKSUMS_FILE} is malformed; push the entry again")
    check_names(location.url, listing)
    return listing


def remote_problems(location: Location) -> list[str]:
    """Problems with the remote entry against its ``checksums.txt``; [] means every listed file is there, unaltered,
    and nothing unlisted lies beside them."""
    listing = remote_listing(location)
    present = set(location.files()) - {CHECKSUMS_FILE}
    problems = [f"{name}: not listed in {CHECKSUMS_FILE}" for name in sorted(present - set(listing))]
    for name, digest in sorted(listing.items()):
        if name not in present:
            problems.append(f"{name}: missing")
        elif sha256_remote(location, name) != digest:
            problems.append(f"{name}: checksum mismatch")
    return problems


def check_names(where: str, names: object) -> None:
    """Refuse a listed name that would land outside the entry's folder (``../x``, ``/etc/x``)."""
    for name in names:  # type: ignore[attr-defined]
        path = Path(str(name))
        if path.is_absolute() or ".." in path.parts:
            raise CacheError(f"{where}: {CHECKSUMS_FILE} lists {name!r}, a path outside the entry; refusing it")
