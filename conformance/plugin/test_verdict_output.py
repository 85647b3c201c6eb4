"""What a pytest run leaves where people look: the verdict at the end of the terminal output, the gates as JUnit
XML properties, and the runs list beside the runs. Scripted per-question results (not a model), written to disk
by the results package's writer as the pipeline writes them."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

# As in test_plugin.py: import the pipeline's C extensions once, before pytester's in-process runs.
import harness.run._pipeline  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
# The candidate gains 15 pp on five questions in six and loses 30 pp on the sixth: Δ +7.125 pp over 40 questions.
GAIN = [-30.0 if i % 6 == 0 else 15.0 for i in range(40)]

SCRIPTED = """
import dataclasses
import pytest
from harness.results import write_condition_files
from harness.run import ConditionResult

GAIN = [-30.0 if i % 6 == 0 else 15.0 for i in range(40)]

def _records(shift):
    return tuple({"qid": f"q{i:03d}", "f1": 0.5 + d / 100, "exact_match": 0.0, "citation_grounding": 1.0,
                  "gold_doc_ids": [f"d{i}"], "answerable": True} for i, d in enumerate(shift))

@pytest.fixture(autouse=True)
def scripted_results(bench_session):
    opts = bench_session.options
    for name, shift in {"rag_baseline_tiny": [0.0] * 40, "hybrid_tiny": GAIN}.items():
        cond = bench_session.matrix.condition(name)
        out, records = opts.reports_dir / opts.run_id / name, _records(shift)
        summary = {"n_questions": 40, "n_errors": 0}
        body = {"run_id": opts.run_id, "label": name, "condition": dataclasses.asdict(cond), "summary": summary,
                "dataset": {"tag": "scripted", "content_hash": "c0ffee"},
                "provenance": {"git": {"commit": "feedbeef", "dirty": False}}}
        write_condition_files(out, records, body, "")
        result = ConditionResult(condition=cond, records=records, summary=summary, out_dir=out)
        bench_session.run._results.setdefault(name, result)
"""


@pytest.fixture
def scripted(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("CI", raising=False)
    shutil.copytree(ROOT / "configs", pytester.path / "configs")
    # not test_gates.py: conformance/gates/test_gates.py is already imported under that module name in a full run
    shutil.copy(ROOT / "benchmarks" / "test_gates.py", pytester.path / "test_bench_gates.py")
    pytester.makeconftest(SCRIPTED)
    return pytester


def _run(scripted: pytest.Pytester, *args: str) -> pytest.RunResult:
    return scripted.runpytest("test_bench_gates.py", "-k", "test_promotion_gate and hybrid_tiny", "--bench-run-id",
                              "r1", *args)  # fmt: skip


def test_the_run_ends_with_its_verdict(scripted: pytest.Pytester) -> None:
    result = _run(scripted)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "*reports written to *r1",
        "*- benchmark verdict -*",
        "PASS [[]promotion[]] hybrid_tiny vs rag_baseline_tiny: Δ factuality +7.1 pp (95% CI *",
        "rag_baseline_tiny  n=40  f1 0.500 [[]0.500, 0.500[]]*",
        "hybrid_tiny        n=40  f1 0.571 [[]*[]]  exact_match 0.000 [[]0.000, 0.000[]]  citation_grounding 1.000 *",
        "verdict: PASS (1 passed, 0 failed, 0 skipped)",
    ])  # fmt: skip
    line = next(x for x in result.outlines if x.startswith("hybrid_tiny "))
    low, high = map(float, re.search(r"f1 0\.571 \[(\S+), (\S+)\]", line).groups())  # type: ignore[union-attr]
    # A bootstrap interval of a mean of 40 values is close to the normal one, mean ± 1.96 standard errors.
    values = 0.5 + np.asarray(GAIN) / 100
    half = 1.96 * values.std() / np.sqrt(values.size)
    assert low == pytest.approx(values.mean() - half, abs=0.012) and high == pytest.approx(
        values.mean() + half, abs=0.012
    )


def test_the_gate_is_a_junit_xml_property_with_its_numbers(scripted: pytest.Pytester) -> None:
    _run(scripted, "--junitxml", "out.xml").assert_outcomes(passed=1)
    suite = ET.parse(scripted.path / "out.xml").getroot().find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["bench.hybrid_tiny.promotion"] == "PASS"
    assert float(props["bench.hybrid_tiny.promotion.delta_pp"]) == pytest.approx(np.mean(GAIN), abs=1e-4)
    expected_p = stats.wilcoxon(np.asarray(GAIN)).pvalue  # each question its own gold document: no clusters
    assert float(props["bench.hybrid_tiny.promotion.p"]) == pytest.approx(expected_p, rel=1e-5)
    assert props["bench.hybrid_tiny.promotion.message"].startswith("hybrid_tiny vs rag_baseline_tiny: Δ factuality")


def test_the_runs_list_names_every_run_beside_it(scripted: pytest.Pytester) -> None:
    _run(scripted).assert_outcomes(passed=1)
    _run(scripted, "--bench-run-id", "r2").assert_outcomes(passed=1)
    page = (scripted.path / "reports" / "index.html").read_text()
    for run in ("r1", "r2"):
        assert f"<a href='{run}/index.html'>{run}</a>" in page
    assert page.count("<code>feedbeef</code>") == 2 and page.count("scripted (c0ffee)") == 2
    assert page.count("PASS: 1 passed, 0 failed, 0 skipped") == 2
    # Namespace names identify SVG and XLink (the markers are <use xlink:href="#...">); nothing is fetched from them.
    namespaces = ('xmlns="http://www.w3.org/2000/svg"', 'xmlns:xlink="http://www.w3.org/1999/xlink"')
    assert "f1 over runs" in page and "http" not in page.replace(namespaces[0], "").replace(namespaces[1], "")
    assert "<path" in page and "stroke-linejoin" in page  # drawn by matplotlib, not by hand
