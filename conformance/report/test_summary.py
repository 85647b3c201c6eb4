"""``harness summary RUN_DIR``: the verdict as GitHub-flavoured Markdown, from a stored run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conformance.results.stored_runs import records, store_run
from harness.cli import main

GATE = {"gate": "promotion", "passed": False, "numbers": {},
        "message": "hyb vs rag: Δ factuality +1.0 pp (95% CI -2.0..+4.0) < +5 pp | n=40"}  # fmt: skip
SKIP = ("base model 'Qwen/Qwen2.5-3B-Instruct' is not here", "huggingface-cli download Qwen/Qwen2.5-3B-Instruct")
F1 = [1.0 if i % 4 else 0.0 for i in range(40)]  # mean 0.75


def _summary(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["summary", *args]) == 0
    return capsys.readouterr().out


def test_gate_lines_skips_and_the_conditions_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = store_run(tmp_path, "r1", {"rag": records(F1)}, gates={"hyb": GATE}, skipped={"hybrid_science_3b": SKIP})
    out = _summary(capsys, str(run))
    assert out.startswith("## ❌ Benchmark verdict: FAIL — run `r1`\n")
    assert "commit `0123456789ab` · data set `squad2_tiny (feedfacecafe)` · 0 passed, 1 failed, 1 skipped" in out
    assert "| ❌ FAIL | promotion | hyb vs rag: Δ factuality +1.0 pp (95% CI -2.0..+4.0) < +5 pp \\| n=40 |" in out
    assert ("| ⏭️ SKIP | condition | hybrid_science_3b: base model 'Qwen/Qwen2.5-3B-Instruct' is not here; to run it: "
            "huggingface-cli download Qwen/Qwen2.5-3B-Instruct |") in out  # fmt: skip
    assert "### Conditions (mean over scored questions, 95% CI)" in out
    row = next(line for line in out.splitlines() if line.startswith("| rag |"))
    cells = row.split(" | ")
    assert cells[1:3] == ["40", "0"] and cells[3].startswith("0.750 [")
    assert cells[4] == cells[3]  # exact match scored as F1 here, under the same seed: the same interval
    low, high = map(float, cells[3][len("0.750 [") : -1].split(", "))
    half = 1.96 * np.std(F1) / np.sqrt(len(F1))  # the bootstrap interval of 40 values is close to the normal one
    assert low == pytest.approx(0.75 - half, abs=0.02) and high == pytest.approx(0.75 + half, abs=0.02)
    assert cells[5] == "n/a |"  # no citation_grounding recorded


def test_a_run_whose_gates_passed_and_the_changes_since_the_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    passed = {**GATE, "passed": True}
    base = store_run(tmp_path, "base", {"rag": records([0.75] * 40), "gone": records([0.5] * 4)})
    run = store_run(tmp_path, "new", {"rag": records([0.5 if i < 30 else 0.75 for i in range(40)])},
                    gates={"hyb": passed})  # fmt: skip
    out = _summary(capsys, str(run), "--baseline", str(base))
    assert out.startswith("## ✅ Benchmark verdict: PASS — run `new`\n")
    assert "### Since the baseline run `base`" in out
    row = next(line for line in out.splitlines() if "| rag | f1 |" in line)
    assert row.startswith("| ❌ regression | rag | f1 | 75.0 → 56.2 | -18.8 (95% CI ")
    assert "- not compared: gone: only in base" in out and "1 significant regression beyond −0 pp" in out


def test_no_run_here_is_one_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(tmp_path)]) == 2
    assert "no run.json here; fix: pass a run folder" in capsys.readouterr().err
