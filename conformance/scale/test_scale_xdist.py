"""pytest-xdist: independent conditions on separate workers, one shared cache, one run folder."""

from __future__ import annotations

import json
import shutil

import pytest

from conformance.scale._small_data import ROOT, configs_with_base, small_dataset

pytestmark = pytest.mark.slow


def test_two_workers_run_two_conditions_into_one_report(pytester: pytest.Pytester) -> None:
    for name in ("test_conditions.py", "test_latency.py"):
        shutil.copy(ROOT / "benchmarks" / name, pytester.path / name)
    configs = configs_with_base(pytester.path / "configs")
    data = small_dataset(pytester.path / "data")
    reports = pytester.path / "reports"
    args = ["-n", "2", "-k", "rag_baseline_tiny or base_tiny", "--bench-configs", str(configs), "--bench-dataset",
            str(data), "--bench-max-questions", "2", "--bench-cache-dir", str(pytester.path / "cache"),
            "--bench-reports-dir", str(reports), "-p", "no:cacheprovider"]  # fmt: skip
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=6)  # answers + report files per condition; latency runs once, untimed, under xdist
    run = (reports / "latest").resolve()
    workers = {p.name: json.loads(p.read_text())["conditions"] for p in run.glob("run-gw*.json")}
    assert sorted(workers) == ["run-gw0.json", "run-gw1.json"]
    assert sorted(c for conds in workers.values() for c in conds) == ["base_tiny", "rag_baseline_tiny"]
    index = json.loads((run / "run.json").read_text())
    assert {k: v["status"] for k, v in index["conditions"].items()} == {"base_tiny": "ok", "rag_baseline_tiny": "ok"}
    assert set(json.loads((run / "results.json").read_text())["conditions"]) == {"base_tiny", "rag_baseline_tiny"}
    assert (run / "index.html").stat().st_size > 0
    assert sorted(p.name for p in reports.iterdir()) == sorted([run.name, "latest", "index.html"])  # + the runs list
    assert run.name in (reports / "index.html").read_text()  # written once, by the controller, after the merge

    again = pytester.runpytest_subprocess(*args)  # warm: every answer from the shared cache, latency not replayed
    again.assert_outcomes(passed=4, skipped=2)
    rerun = (reports / "latest").resolve()
    for name in ("base_tiny", "rag_baseline_tiny"):
        assert json.loads((rerun / name / "result.json").read_text())["generations"] == {
            "generated": 0, "reused": 2, "prompt_tokens": {"submitted": 0, "evaluated": 0}, "concurrency": None,
        }  # fmt: skip
