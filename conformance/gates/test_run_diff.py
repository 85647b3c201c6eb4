"""``harness diff RUN_A RUN_B``: the gates' paired comparison between two stored runs, and its exit status.

Each part of the decision gets a case where it alone decides: significance (Holm-corrected p < alpha), the margin,
the direction, and the Holm correction over the diff's comparisons. Expected numbers come from scipy and statsmodels
on the scripted scores, not from the harness.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from conformance.results.stored_runs import records, store_run
from harness.cli import main
from harness.gates import diff_runs
from harness.results import read_run

BASE = 0.6
# 40 clusters of two questions sharing a gold document; within a cluster both questions move together.
DOCS = [f"d{i // 2}" for i in range(80)]


def _shifted(per_cluster_pp: list[float]) -> list[float]:
    return [BASE + per_cluster_pp[i // 2] / 100 for i in range(2 * len(per_cluster_pp))]


# Significant: 36 clusters lose 10 pp and 4 gain 5 pp, Δ -8.5 pp.
WORSE = [5.0 if k % 10 == 0 else -10.0 for k in range(40)]
# As large a loss on average (Δ -8.5 pp), but 12 clusters lose 40 pp and 28 gain 5 pp: the signed ranks balance,
# not significant.
NOISY = [-40.0 if k % 10 in (0, 3, 6) else 5.0 for k in range(40)]
# p = 0.029 alone (the gain pattern of the plugin's Holm test, negated): Δ -7.5 pp.
BORDERLINE = [30.0 if k % 6 == 0 else -15.0 for k in range(40)]
FLAT = [0.0] * 40


def _runs(tmp_path: Path, arms_b: dict[str, list[float]]) -> tuple[Path, Path]:
    """Run A scores F1 0.6 everywhere; run B moves each condition's clusters by the given pp."""
    a = store_run(tmp_path, "run-a", {label: records([BASE] * 80, docs=DOCS) for label in arms_b})
    b = store_run(tmp_path, "run-b", {label: records(_shifted(pp), docs=DOCS) for label, pp in arms_b.items()})
    return a, b


def _expected_p(per_cluster_pp: list[float]) -> float:
    """The clustered test: Wilcoxon on the per-cluster mean differences (each cluster one unit)."""
    return float(stats.wilcoxon(np.asarray(per_cluster_pp)).pvalue)


def _diff(a: Path, b: Path, *args: str) -> int:
    return main(["diff", str(a), str(b), "--metric", "f1", *args])


def test_of_two_conditions_the_one_that_regressed_fails_the_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _runs(tmp_path, {"worse": WORSE, "same": FLAT})
    assert _diff(a, b) == 1
    out = capsys.readouterr().out
    assert "REGRESSION worse  f1" in out and "ok         same   f1" in out, out
    assert "1 significant regression beyond −0 pp" in out
    worse, same = diff_runs(read_run(a), read_run(b), metrics=["f1"]).changes
    assert worse.comparison.difference == pytest.approx(-8.5) and same.comparison.difference == pytest.approx(0.0)
    assert (worse.comparison.n, worse.comparison.clusters) == (80, 40)  # the gates' clustering: shared gold documents
    holm = multipletests([_expected_p(WORSE), 1.0], method="holm")[1]
    assert worse.comparison.p_holm == pytest.approx(holm[0]) and same.comparison.p_holm == pytest.approx(holm[1])


def test_only_questions_both_runs_scored_are_paired(tmp_path: Path) -> None:
    """Run B failed q000 and never asked q079: the comparison is over the other 78 questions."""
    a = store_run(tmp_path, "run-a", {"c": records([BASE] * 80, docs=DOCS)})
    rows_b = records(_shifted(WORSE)[:79], docs=DOCS, errors=(0,))
    b = store_run(tmp_path, "run-b", {"c": rows_b})
    (change,) = diff_runs(read_run(a), read_run(b), metrics=["f1"]).changes
    expected = np.mean([r["f1"] - BASE for r in rows_b if r["f1"] is not None]) * 100
    assert change.comparison.n == 78 and change.comparison.difference == pytest.approx(expected)


def test_significance_alone_decides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same Δ of -8.5 pp, beyond the margin both times: flagged only where the test finds it significant."""
    assert np.mean(NOISY) == pytest.approx(np.mean(WORSE)) and _expected_p(NOISY) > 0.05 > _expected_p(WORSE)
    a, b = _runs(tmp_path, {"noisy": NOISY})
    assert _diff(a, b) == 0
    assert "ok         noisy  f1" in capsys.readouterr().out
    a, b = _runs(tmp_path / "2", {"worse": WORSE})
    assert _diff(a, b) == 1


def test_the_margin_alone_decides(tmp_path: Path) -> None:
    """A significant -8.5 pp: a regression beyond a margin of 8 pp, within one of 9 pp."""
    a, b = _runs(tmp_path, {"worse": WORSE})
    assert _diff(a, b, "--margin", "9") == 0
    assert _diff(a, b, "--margin", "8") == 1


def test_a_significant_improvement_is_no_regression(tmp_path: Path) -> None:
    a, b = _runs(tmp_path, {"better": [-x for x in WORSE]})
    assert _diff(a, b) == 0


def test_holm_over_the_diffs_comparisons_alone_decides(tmp_path: Path) -> None:
    """p = 0.029 < 0.05 alone; beside a second comparison Holm doubles it past alpha."""
    p = _expected_p(BORDERLINE)
    assert 0.025 < p < 0.05
    a, b = _runs(tmp_path, {"borderline": BORDERLINE})
    assert _diff(a, b) == 1
    a, b = _runs(tmp_path / "2", {"borderline": BORDERLINE, "same": FLAT})
    assert _diff(a, b) == 0


def test_usage_errors_exit_2_and_say_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = _runs(tmp_path, {"same": FLAT})
    assert main(["diff", str(a), str(b), "--metric", "f2_score"]) == 2
    err = capsys.readouterr().err
    assert "no question has metric 'f2_score'" in err and "available: exact_match, f1" in err, err
    assert main(["diff", str(a), str(b), "--margin", "-1"]) == 2
    assert "--margin=-1 must be >= 0" in capsys.readouterr().err
    assert main(["diff", str(a), str(tmp_path / "nowhere")]) == 2
    assert "no run.json here" in capsys.readouterr().err


def test_factuality_means_the_gates_metric_and_conditions_in_one_run_are_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = store_run(tmp_path, "run-a", {"c": records([BASE] * 80, docs=DOCS), "gone": records([BASE] * 4)})
    b = store_run(tmp_path, "run-b", {"c": records(_shifted(WORSE), docs=DOCS), "new": records([BASE] * 4)})
    assert main(["diff", str(a), str(b), "--metric", "factuality"]) == 1
    out = capsys.readouterr().out
    assert "REGRESSION c  f1" in out
    assert "not compared: gone: only in run-a" in out and "not compared: new: only in run-b" in out


def test_factuality_means_label_accuracy_when_every_question_is_closed() -> None:
    from harness.gates import metric_key

    closed = [{"qid": "a", "f1": 0.2, "label_accuracy": 1.0}, {"qid": "b", "f1": 0.0, "label_accuracy": 0.0}]
    assert metric_key("factuality", closed) == "label_accuracy"
    mixed = [*closed, {"qid": "c", "f1": 0.5, "label_accuracy": None}]
    assert metric_key("factuality", mixed) == "f1"
    assert metric_key("factuality") == "f1"  # no records: the gates' default
    errored = [*closed, {"qid": "d", "error": "timeout", "label_accuracy": None}]
    assert metric_key("factuality", errored) == "label_accuracy"  # a failed generation holds no score to judge by
