"""Two processes asking for the same entry at once: one builds, the other waits and reuses it."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from conformance.cache._cache_workers import build_shared_entry
from harness.cache import verify_checksums


def test_concurrent_builders_produce_one_consistent_entry(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters, like two separate pytest runs
    barrier = ctx.Barrier(2)
    builds_log = tmp_path / "builds.log"
    outs = [tmp_path / f"out{i}.txt" for i in range(2)]
    procs = [
        ctx.Process(target=build_shared_entry, args=(str(tmp_path / "cache"), str(builds_log), barrier, str(out)))
        for out in outs
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
    assert [proc.exitcode for proc in procs] == [0, 0]
    assert len(builds_log.read_text().splitlines()) == 1, "exactly one process may build"
    entries = {out.read_text() for out in outs}
    assert len(entries) == 1
    entry = Path(entries.pop())
    assert verify_checksums(entry) == []
    assert sorted(p.name for p in entry.parent.iterdir()) == ["k1", "k1.lock"]
