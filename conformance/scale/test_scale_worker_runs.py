"""The run report of several pytest-xdist workers: their indexes merged, entries read back from condition folders."""

from __future__ import annotations

import json
from pathlib import Path

from harness.report import entry_from_dir, merge_worker_runs, worker_index_name


def _condition_dir(run: Path, name: str) -> Path:
    out = run / name
    out.mkdir(parents=True)
    cond = {"name": name, "size_group": "tiny", "role": "rag", "model": {"quantization": "Q4_1"}}
    result = {"condition": cond, "summary": {"f1": 0.5}, "model": {"sha256": "ab"}, "dataset": {}, "splits": {}}
    (out / "result.json").write_text(json.dumps(result | {"timings_s": {"generation": 1.0}}))
    (out / "results.jsonl").write_text(json.dumps({"qid": "q1", "f1": 0.5}) + "\n")
    return out


def test_workers_merge_into_one_index_preferring_completed_outcomes(tmp_path: Path) -> None:
    a = {"conditions": {"base": {"status": "ok", "dir": "x"}, "gate_baseline": {"status": "error", "error": "e"}},
         "gates": {"hybrid": {"passed": True}}}  # fmt: skip
    b = {"conditions": {"gate_baseline": {"status": "ok", "dir": "y"}, "big": {"status": "skipped"}}, "gates": {}}
    (tmp_path / worker_index_name("gw0")).write_text(json.dumps(a))
    (tmp_path / worker_index_name("gw1")).write_text(json.dumps(b))
    conditions, gates = merge_worker_runs(tmp_path)
    assert {k: v["status"] for k, v in conditions.items()} == {"base": "ok", "gate_baseline": "ok", "big": "skipped"}
    assert conditions["gate_baseline"]["dir"] == "y" and gates == {"hybrid": {"passed": True}}


def test_an_entry_is_rebuilt_from_the_files_a_run_wrote(tmp_path: Path) -> None:
    entry = entry_from_dir("rag@Q8_0", _condition_dir(tmp_path, "rag"))
    assert entry["label"] == "rag@Q8_0" and entry["condition"] == "rag" and entry["quantization"] == "Q4_1"
    assert entry["records"] == [{"qid": "q1", "f1": 0.5}] and entry["timings_s"] == {"generation": 1.0}
