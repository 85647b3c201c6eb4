"""Cache.get_or_build: build once, verify on reuse, rebuild what is damaged, never leave half an entry."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.cache import CHECKSUMS_FILE, META_FILE, Cache, default_cache_dir, verify_checksums, write_checksums
from harness.errors import CacheError


class CountingBuilder:
    """Writes two files (one in a subdirectory) and counts how often it was asked to."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, directory: Path) -> None:
        self.calls += 1
        (directory / "data.txt").write_text("payload " * 100, encoding="utf-8")
        (directory / "sub").mkdir()
        (directory / "sub" / "more.bin").write_bytes(bytes(range(256)) * 4)


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache")


def test_default_dir_honours_env_then_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("HARNESS_CACHE_DIR")
    monkeypatch.chdir(tmp_path)
    assert default_cache_dir() == tmp_path / ".cache" / "harness"


def test_first_call_builds_second_reuses(cache: Cache) -> None:
    builder = CountingBuilder()
    first = cache.get_or_build("stage", "abc", builder)
    second = cache.get_or_build("stage", "abc", builder)
    assert first == second == cache.entry("stage", "abc")
    assert builder.calls == 1
    assert (first / "sub" / "more.bin").read_bytes() == bytes(range(256)) * 4


def test_entry_has_checksums_and_meta(cache: Cache) -> None:
    entry = cache.get_or_build("stage", "abc", CountingBuilder(), version="7")
    listed = [line.split("  ", 1)[1] for line in (entry / CHECKSUMS_FILE).read_text().splitlines()]
    assert listed == sorted([META_FILE, "data.txt", "sub/more.bin"])
    meta = json.loads((entry / META_FILE).read_text())
    assert meta["stage"] == "stage" and meta["key"] == "abc" and meta["version"] == "7"
    assert meta["created"] and cache.meta("stage", "abc") == meta
    assert verify_checksums(entry) == []


def _truncate(entry: Path) -> None:
    data = (entry / "data.txt").read_bytes()
    (entry / "data.txt").write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        pytest.param(_truncate, "data.txt: checksum mismatch", id="truncated-file"),
        pytest.param(lambda e: (e / "sub" / "more.bin").unlink(), "sub/more.bin: missing", id="missing-file"),
        pytest.param(lambda e: (e / CHECKSUMS_FILE).unlink(), "checksums.txt is missing", id="missing-checksums"),
        pytest.param(lambda e: (e / "stray.txt").write_text("x"), "stray.txt: not listed", id="unlisted-file"),
    ],
)
def test_damaged_entry_is_reported_and_rebuilt(
    cache: Cache, caplog: pytest.LogCaptureFixture, damage: Callable[[Path], object], problem: str
) -> None:
    builder = CountingBuilder()
    entry = cache.get_or_build("stage", "abc", builder)
    damage(entry)
    assert verify_checksums(entry) != []
    with caplog.at_level(logging.WARNING, logger="harness.cache"):
        again = cache.get_or_build("stage", "abc", builder)
    assert builder.calls == 2
    assert verify_checksums(again) == []
    assert "corrupt" in caplog.text and problem in caplog.text


def test_failed_build_leaves_no_entry_and_no_temporary_dir(cache: Cache) -> None:
    def broken(directory: Path) -> None:
        (directory / "half.txt").write_text("half")
        raise RuntimeError("builder crashed")

    with pytest.raises(RuntimeError, match="builder crashed"):
        cache.get_or_build("stage", "abc", broken)
    assert not cache.entry("stage", "abc").exists()
    assert [p.name for p in (cache.root / "stage").iterdir()] == ["abc.lock"]


def test_leftovers_of_a_killed_build_are_removed(cache: Cache) -> None:
    leftover = cache.root / "stage" / ".abc.tmp-999999-deadbeef"
    leftover.mkdir(parents=True)
    (leftover / "half.txt").write_text("half")
    cache.get_or_build("stage", "abc", CountingBuilder())
    assert sorted(p.name for p in (cache.root / "stage").iterdir()) == ["abc", "abc.lock"]


@pytest.mark.parametrize("bad", ["", "../up", "a/b", ".hidden"])
def test_unsafe_stage_or_key_is_refused(cache: Cache, bad: str) -> None:
    with pytest.raises(CacheError, match="not a valid cache path component"):
        cache.entry("stage", bad)
    with pytest.raises(CacheError, match="stage="):
        cache.entry(bad, "key")


def test_write_then_verify_checksums_roundtrip(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    write_checksums(tmp_path)
    assert verify_checksums(tmp_path) == []
    (tmp_path / "a.txt").write_text("b")
    assert verify_checksums(tmp_path) == ["a.txt: checksum mismatch"]
