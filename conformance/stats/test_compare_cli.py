"""``harness compare A.jsonl B.jsonl --metric NAME``: paired comparison of two per-question files."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from harness.cli import _compare
from harness.errors import ConfigError, DataError
from harness.stats import compare


def _run(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="harness")
    _compare.add_parser(parser.add_subparsers(dest="command", required=True), "compare")
    args = parser.parse_args(["compare", *argv])
    code: int = args.func(args)
    return code


def _write(path: Path, rows: Sequence[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_compare_prints_the_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path / "a.jsonl", [{"qid": f"q{i}", "exact_match": float(i % 2), "note": "x"} for i in range(40)])
    b = _write(tmp_path / "b.jsonl", [{"qid": f"q{i}", "exact_match": float(i % 4 != 0)} for i in range(40)])
    assert _run([str(a), str(b), "--metric", "exact_match", "--seed", "3", "--resamples", "300"]) == 0
    out = json.loads(capsys.readouterr().out)
    order = sorted(range(40), key=lambda i: f"q{i}")  # pairing sorts by qid; the bootstrap draws follow that order
    expected = compare([float(i % 2) for i in order], [float(i % 4 != 0) for i in order],
                       metric="exact_match", resamples=300, confidence=0.95, seed=3).to_dict()  # fmt: skip
    assert out == {**json.loads(json.dumps(expected)), "excluded": 0}
    assert out["test"] == "mcnemar" and out["difference"] == pytest.approx(0.25)


def test_errors_and_nulls_are_left_out_pairwise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path / "a.jsonl", [{"qid": "q1", "f1": 0.5}, {"qid": "q2", "f1": None}, {"qid": "q3", "f1": 0.2},
                                      {"qid": "q4", "f1": 0.1}])  # fmt: skip
    b = _write(tmp_path / "b.jsonl", [{"qid": "q1", "f1": 0.7}, {"qid": "q2", "f1": 0.9},
                                      {"qid": "q3", "error": "boom"}, {"qid": "q4", "f1": 0.4}, ""])  # fmt: skip
    _run([str(a), str(b), "--metric", "f1", "--resamples", "100"])
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 2 and out["excluded"] == 2 and out["test"] == "wilcoxon"
    assert out["difference"] == pytest.approx(0.25)


def test_binary_can_be_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path / "a.jsonl", [{"qid": "q1", "s": 0}, {"qid": "q2", "s": True}])
    b = _write(tmp_path / "b.jsonl", [{"qid": "q1", "s": 1}, {"qid": "q2", "s": False}])
    _run([str(a), str(b), "--metric", "s", "--continuous", "--resamples", "100"])
    assert json.loads(capsys.readouterr().out)["test"] == "wilcoxon"


def test_bad_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [
        {"qid": "q1", "f1": 0.5}, "{not json", {"qid": "q2"}, {"qid": "q1", "f1": 0.1}, {"qid": 7, "f1": 0.1},
        {"qid": "q3", "f1": "high"}, "[1, 2]",
    ])  # fmt: skip
    b = _write(tmp_path / "b.jsonl", [{"qid": "q1", "f1": 0.5}])
    with pytest.raises(DataError) as exc:
        _run([str(a), str(b), "--metric", "f1"])
    message = str(exc.value)
    for expected in (
        f"{a}:2: row=", "is not valid JSON",
        f"{a}:3: f1=<missing> is missing",
        f"{a}:4: qid=\"q1\" repeats {a}:1",
        f"{a}:5: qid=7 must be a non-empty string",
        f"{a}:6: f1=\"high\" is not a finite number",
        f"{a}:7: row=[1, 2] is not a JSON object",
    ):  # fmt: skip
        assert expected in message


def test_different_questions_are_refused(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [{"qid": "q1", "f1": 0.5}, {"qid": "q2", "f1": 0.5}])
    b = _write(tmp_path / "b.jsonl", [{"qid": "q1", "f1": 0.5}, {"qid": "q9", "f1": 0.5}])
    with pytest.raises(DataError, match=rf"1 only in {a} \('q2'\); 1 only in {b} \('q9'\)"):
        _run([str(a), str(b), "--metric", "f1"])


def test_nothing_comparable_and_bad_settings(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [{"qid": "q1", "f1": None}])
    b = _write(tmp_path / "b.jsonl", [{"qid": "q1", "f1": 0.5}])
    with pytest.raises(DataError, match="no question has a 'f1' score in both files"):
        _run([str(a), str(b), "--metric", "f1"])
    _write(a, [{"qid": "q1", "f1": 0.1}])
    with pytest.raises(ConfigError, match="resamples=0"):
        _run([str(a), str(b), "--metric", "f1", "--resamples", "0"])
    with pytest.raises(DataError, match="file not found"):
        _run([str(tmp_path / "missing.jsonl"), str(b), "--metric", "f1"])


def test_an_unknown_metric_is_said_once_with_the_metrics_available(tmp_path: Path) -> None:
    rows = [{"qid": f"q{i}", "f1": 0.5, "exact_match": 0.0, "answer": "x"} for i in range(30)]
    a, b = _write(tmp_path / "a.jsonl", rows), _write(tmp_path / "b.jsonl", rows)
    with pytest.raises(DataError) as exc:
        _run([str(a), str(b), "--metric", "exact_mach"])
    message = str(exc.value)
    hint = "did you mean 'exact_match'? available: exact_match, f1"
    assert message == f"{a}: no question has metric 'exact_mach'; {hint}"
    assert "is missing" not in message


def test_the_gates_word_factuality_is_the_gates_metric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The promotion gate's "Δ factuality" is token F1 (harness/gates/_promotion.py), so is compare's."""
    a = _write(tmp_path / "a.jsonl", [{"qid": f"q{i}", "f1": 0.5, "exact_match": 0.0} for i in range(20)])
    b = _write(tmp_path / "b.jsonl", [{"qid": f"q{i}", "f1": 0.75, "exact_match": 1.0} for i in range(20)])
    assert _run([str(a), str(b), "--metric", "factuality", "--resamples", "100"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metric"] == "f1" and out["difference"] == pytest.approx(0.25)
