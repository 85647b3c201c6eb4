"""Concurrent runs sharing one cache directory: whole journal lines, intact artifacts, the same answers."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from conformance.reliability.conftest import PLANTED_KEY
from conformance.reliability.fault_server import FaultInjectingServer
from conformance.reliability.resume_runs import Run, append_records
from harness.cache import JsonlJournal, verify_checksums


def test_concurrent_appends_interleave_whole_lines(tmp_path: Path) -> None:
    """Lines far larger than one write buffer (200 KB), from two processes at once: every line parses."""
    path = tmp_path / "journal.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=append_records, args=(str(path), w, 40, 200_000)) for w in ("alpha", "beta")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    records = JsonlJournal(path).read()
    assert sorted((r["writer"], r["n"]) for r in records) == sorted(
        (w, n) for w in ("alpha", "beta") for n in range(40)
    )
    assert all(r["payload"] == str(r["writer"])[0] * 200_000 for r in records)


def test_two_runs_sharing_a_cache_agree_and_corrupt_nothing(
    fault_server: FaultInjectingServer, tiny_configs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)  # inherited by the workers
    cache = tmp_path / "shared_cache"
    runs = [Run(tmp_path, tiny_configs, cache, f"run{i}", condition="remote_openai") for i in range(2)]
    first, second = (run.finish() for run in runs)
    assert first == second and len(first) == 8 and all(r["error"] is None for r in first)
    for entry in (p for p in (cache / "splits").iterdir() if p.is_dir()):
        assert verify_checksums(entry) == []
    (journal,) = (cache / "generations").glob("*.jsonl")
    rows = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    answers: dict[str, str] = {}
    for row in rows:  # both runs may have answered a question; they must agree
        gen = row["generation"]
        assert answers.setdefault(gen["qid"], gen["text"]) == gen["text"]
    assert len(answers) == 8
