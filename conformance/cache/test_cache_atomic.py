"""Atomic writes: a reader sees the old content or the new, and a failed write leaves no debris."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from harness.cache import atomic_write_bytes, atomic_write_text
from harness.errors import StorageError


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second"
    assert os.listdir(target.parent) == ["file.txt"]


def test_bytes_roundtrip(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "b.bin", b"\x00\xff" * 10)
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff" * 10


def test_failed_replace_keeps_old_content_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "file.txt"
    atomic_write_text(target, "old")

    def fail(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(StorageError, match=rf"cannot write {target}: disk full; make it writable"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["file.txt"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002], ids=["umask022", "umask077", "umask002"])
def test_files_get_the_mode_open_would_give_them(tmp_path: Path, umask: int) -> None:
    """0o666 less the umask, as ``open(path, "w")`` gives: a temporary file's 0o600 must not leak into reports."""
    previous = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
        (tmp_path / "plain.txt").write_text("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)
