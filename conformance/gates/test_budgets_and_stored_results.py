"""The budget gate's every branch, and reading a condition's stored results back for re-scoring."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from harness.config import load_matrix
from harness.errors import DataError
from harness.gates import budget_gate, load_result_set

GATE = load_matrix(Path(__file__).resolve().parents[2] / "configs").condition("hybrid_tiny").gate


@pytest.mark.parametrize(
    ("latency", "rss", "passed", "message"),
    [
        (1.0, 900.0, True, "c: latency p95 1.00 s (budget 1 s); peak RSS 900.00 MB (budget 1024 MB)"),  # at the budget
        (1.01, 900.0, False, "c: latency p95 1.01 s (budget 1 s); peak RSS 900.00 MB (budget 1024 MB)"),
        (0.5, 1024.5, False, "c: peak RSS 1024.50 MB (budget 1024 MB); latency p95 0.50 s (budget 1 s)"),
        (None, 100.0, False, "c: latency p95 nan s (budget 1 s); peak RSS 100.00 MB (budget 1024 MB)"),  # unmeasured
    ],
)
def test_each_budget_alone_decides(latency: float | None, rss: float, passed: bool, message: str) -> None:
    gate = dataclasses.replace(GATE, latency_p95_budget_s=1.0, memory_budget_mb=1024)
    outcome = budget_gate("c", gate, latency_p95_s=latency, peak_rss_mb=rss)
    assert (outcome.passed, outcome.message) == (passed, message)
    assert outcome.gate == "budget" and outcome.numbers == {"latency_p95_s": latency, "peak_rss_mb": rss}


def test_no_budget_configured_passes_and_says_so() -> None:
    gate = dataclasses.replace(GATE, latency_p95_budget_s=None, memory_budget_mb=None)
    outcome = budget_gate("c", gate, latency_p95_s=99.0, peak_rss_mb=1e6)
    assert outcome.passed and outcome.message == "c: no budgets configured"


def _write(directory: Path, lines: list[str]) -> Path:
    directory.mkdir(parents=True)
    meta = {"condition": {"name": "hybrid_tiny", "size_group": "tiny", "model": {"quantization": "Q4_1"}}}
    (directory / "result.json").write_text(json.dumps(meta), encoding="utf-8")
    (directory / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def test_stored_results_read_back_as_the_gates_see_them(tmp_path: Path) -> None:
    rows = [{"qid": "q1", "f1": 1.0, "refused": False}, {"qid": "q2", "f1": 0.25, "refused": True},
            {"qid": "q3", "error": "HTTP 500", "f1": None}]  # fmt: skip
    result = load_result_set(_write(tmp_path / "r", [json.dumps(r) for r in rows]))
    assert (result.condition, result.size_group, result.quantization) == ("hybrid_tiny", "tiny", "Q4_1")
    assert result.records == tuple(rows)
    assert result.scores("f1") == {"q1": 1.0, "q2": 0.25} and result.scores("refused") == {"q1": 0.0, "q2": 1.0}
    assert result.errored() == {"q3"} and result.mean("f1") == pytest.approx(0.625) and result.mean("nope") is None


def test_a_damaged_results_file_names_the_file_and_the_line(tmp_path: Path) -> None:
    directory = _write(tmp_path / "r", ['{"qid": "q1", "f1": 1.0}', '{"qid": "q2", "f1"'])
    with pytest.raises(DataError, match=r"results\.jsonl:2: not valid JSON"):
        load_result_set(directory)
    with pytest.raises(DataError, match=r"cannot read stored results"):
        load_result_set(tmp_path / "missing")
