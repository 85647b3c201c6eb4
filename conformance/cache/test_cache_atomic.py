"""Atomic writes: a reader sees the old content or the new, and a failed write leaves no debris."""

from __future__ import annotations

import os
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
