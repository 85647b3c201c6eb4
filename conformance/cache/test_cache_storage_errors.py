"""A folder the harness cannot write is one clear error naming it; a warm cache is read without writing anything.

A file standing where a folder should be makes every write fail with an OSError here, as a read-only mount does for
users (permission bits cannot: the tests may run as root)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cache import Cache, atomic_write_text, file_lock
from harness.errors import StorageError
from harness.results import write_condition_files


def _blocked(tmp_path: Path) -> Path:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    return blocker / "inside"


def test_an_unwritable_folder_is_a_storage_error_naming_it_and_the_fix(tmp_path: Path) -> None:
    target = _blocked(tmp_path)
    with pytest.raises(StorageError, match=rf"cannot write {target}: .*; make it writable, or point the harness"):
        atomic_write_text(target / "x.json", "{}")
    with pytest.raises(StorageError, match=rf"cannot write {target}: .*--bench-cache-dir"), file_lock(target / "k"):
        pass
    with pytest.raises(StorageError, match=rf"cannot write {target / 'c'}: .*--bench-reports-dir"):
        write_condition_files(target / "c", [], {}, "")


def test_an_intact_entry_is_read_without_taking_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Cache(tmp_path)
    built = cache.get_or_build("splits", "k1", lambda out: (out / "a.txt").write_text("a"))

    def no_lock(path: Path) -> None:
        raise AssertionError(f"took the lock {path} for an intact entry")

    monkeypatch.setattr("harness.cache._cache.file_lock", no_lock)
    assert cache.get_or_build("splits", "k1", lambda out: None) == built
    (built / "a.txt").write_text("damaged")  # a damaged entry still needs the lock to be rebuilt
    with pytest.raises(AssertionError, match="took the lock"):
        cache.get_or_build("splits", "k1", lambda out: (out / "a.txt").write_text("a"))
