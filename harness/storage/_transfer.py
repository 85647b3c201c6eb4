"""``push`` and ``pull``: copy a sealed entry, verifying it on both sides."""

from __future__ import annotations

import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path

from harness.cache import CHECKSUMS_FILE, verify_checksums
from harness.errors import CacheError, StorageError
from harness.storage._location import Location
from harness.storage._verify import check_names, remote_listing, remote_problems

__all__ = ["Transfer", "pull", "push", "verify_location"]


@dataclass(frozen=True, kw_only=True)
class Transfer:
    """What was copied: the files (``checksums.txt`` included) and their bytes, both verified at ``destination``."""

    source: str
    destination: str
    files: int
    bytes: int


def push(entry: Path, remote: Location) -> Transfer:
    """Upload the verified local ``entry`` to an empty ``remote`` folder, seal last, then verify the copy there."""
    from harness.adapt import verify_artifacts

    verify_artifacts(entry)
    if remote.files():
        raise CacheError(f"{remote.url} already holds files; push to an empty prefix (or delete that one first)")
    names = sorted(p.relative_to(entry).as_posix() for p in entry.rglob("*") if p.is_file())
    # checksums.txt last: a push cut short leaves no seal, and the copy never verifies as complete.
    try:
        for name in [n for n in names if n != CHECKSUMS_FILE] + [CHECKSUMS_FILE]:
            # a local or mounted destination needs its folders; on object stores this is a no-op
            remote.fs.makedirs(posixpath.dirname(remote.path(name)), exist_ok=True)
            remote.fs.put_file(str(entry / name), remote.path(name))
    except OSError as exc:
        raise CacheError(f"{remote.url}: upload failed ({exc}); check the URL, credentials and endpoint") from None
    _refuse(remote.url, remote_problems(remote), "the uploaded copy", "push again to an empty prefix")
    return Transfer(source=str(entry), destination=remote.url, files=len(names), bytes=_size(entry))


def pull(remote: Location, entry: Path) -> Transfer:
    """Download ``remote`` into a temporary folder beside ``entry``, verify it, then rename it into place."""
    if entry.exists():
        raise CacheError(f"{entry} already exists; check it with `harness artifacts verify {entry}` or delete it")
    remote_listing(remote)  # no seal, no pull: refuse before downloading anything
    names = remote.files()
    check_names(remote.url, names)
    staged = entry.parent / f".{entry.name}.pull-{os.getpid()}"
    try:
        for name in names:
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            remote.fs.get_file(remote.path(name), str(staged / name))
        problems = verify_checksums(staged)
        _refuse(remote.url, problems, "the downloaded copy", f"nothing was put at {entry}; push a good copy again")
        staged.rename(entry)
    except OSError as exc:
        raise StorageError(entry.parent, exc, "pull into a writable folder") from None
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return Transfer(source=remote.url, destination=str(entry), files=len(names), bytes=_size(entry))


def verify_location(target: Location | Path) -> int:
    """The number of files ``checksums.txt`` lists at ``target``; CacheError naming every damaged file."""
    if isinstance(target, Path):
        from harness.adapt import verify_artifacts

        verify_artifacts(target)
        return len((target / CHECKSUMS_FILE).read_text(encoding="utf-8").splitlines())
    _refuse(target.url, remote_problems(target), target.url, "push the entry again from a good copy")
    return len(remote_listing(target))


def _refuse(url: str, problems: list[str], what: str, fix: str) -> None:
    if problems:
        raise CacheError(f"{what} at {url} does not verify: {'; '.join(problems)}; {fix}")


def _size(entry: Path) -> int:
    return sum(p.stat().st_size for p in entry.rglob("*") if p.is_file())
