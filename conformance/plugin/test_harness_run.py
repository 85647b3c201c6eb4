"""``harness run``: the conditions and gates of ``pytest benchmarks``, without pytest, with the same report files
and the same exit status rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.cli._run import select
from harness.run import RunOptions
from harness.run._session import BenchRun

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> BenchRun:
    return BenchRun(options=RunOptions(configs_dir=ROOT / "configs", run_id="x"))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("hybrid_3b", ["hybrid_science_3b"]),  # an alias, as pytest -k matches it
        ("tiny and not role_rag", ["base_tiny", "ft_instruction_rag_tiny", "ft_instruction_tiny", "hybrid_tiny",
                                   "lora_tiny_ft"]),
        ("tiny and arm_ft_rag_trained_rag", ["hybrid_tiny"]),  # the arm keyword: not ft_instruction_rag_tiny
        ("ORACLE", ["oracle_tiny"]),  # case-insensitive substrings, as in pytest
    ],
)
def test_k_selects_conditions_as_pytest_does(expression: str, expected: list[str]) -> None:
    assert sorted(select(_bench(), expression)) == expected


def test_the_candidates_are_the_selected_conditions_that_promote() -> None:
    """configs/*.yaml with gate.promote: true, written out here; rag_baseline_tiny is the group's baseline."""
    bench = _bench()
    assert bench.candidates(select(bench, "tiny")) == [
        "ft_instruction_rag_tiny", "ft_instruction_tiny", "hybrid_tiny", "lora_tiny_ft", "oracle_tiny"
    ]  # fmt: skip


def test_a_bad_expression_and_an_empty_selection_are_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "-k", "tiny and (", "--bench-configs", str(ROOT / "configs")]) == 2
    assert "harness run: error: -k 'tiny and ('" in capsys.readouterr().err
    assert main(["run", "-k", "no_such_condition", "--bench-configs", str(ROOT / "configs")]) == 2
    assert "selects no condition" in capsys.readouterr().err


def _harness_run(tmp_path: Path, *args: str, ci: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    cmd = [sys.executable, "-m", "harness.cli", "run", "--bench-reports-dir", str(tmp_path / "reports"),
           "--bench-cache-dir", str(tmp_path / "cache"), *args]  # fmt: skip
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900)


def test_a_missing_model_skips_and_a_run_whose_every_gate_skipped_exits_1(tmp_path: Path) -> None:
    done = _harness_run(tmp_path, "-k", "hybrid_science_3b", "--bench-no-strict")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "SKIP [promotion]" in done.stdout and "to run it:" in done.stdout
    assert "selected gates were skipped: nothing was checked (exit 1)" in done.stderr


def test_under_ci_a_missing_model_fails(tmp_path: Path) -> None:
    done = _harness_run(tmp_path, "-k", "hybrid_science_3b", ci=True)
    assert done.returncode == 1 and "FAIL [promotion] --bench-strict:" in done.stdout, done.stdout + done.stderr


@pytest.mark.slow
def test_harness_run_and_pytest_write_the_same_report(tmp_path: Path) -> None:
    """The oracle against the real embedded RAG baseline, on 10 questions: same files, same answers, same gates."""
    common = ["--bench-max-questions", "10", "--bench-reports-dir", str(tmp_path / "reports"),
              "--bench-cache-dir", str(tmp_path / "cache")]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    cli = _harness_run(tmp_path, "-k", "oracle_tiny", "--bench-max-questions", "10", "--bench-run-id", "cli")
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "PASS [promotion] oracle_tiny vs rag_baseline_tiny: Δ factuality +" in cli.stdout
    py = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "benchmarks", "-k",
                         "oracle_tiny", "--bench-run-id", "py", *common], cwd=ROOT, env=env, capture_output=True,
                        text=True, check=False, timeout=900)  # fmt: skip
    assert py.returncode == 0, py.stdout + py.stderr
    runs = {name: tmp_path / "reports" / name for name in ("cli", "py")}
    files = {name: sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file()) for name, d in runs.items()}
    assert files["cli"] == files["py"] and "run.json" in files["cli"] and "index.html" in files["cli"]
    for name in ("oracle_tiny/results.jsonl", "rag_baseline_tiny/results.jsonl"):
        assert (runs["cli"] / name).read_bytes() == (runs["py"] / name).read_bytes()
    index = {name: json.loads((d / "run.json").read_text()) for name, d in runs.items()}
    assert index["cli"]["gates"] == index["py"]["gates"] and list(index["cli"]["gates"]) == ["oracle_tiny"]
