"""MLflow tracking against a real local MLflow store (SQLite in tmp_path), read back with ``MlflowClient``."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.tracking.stored_run import HISTORY, LORA_F1, ROOT, RUN_ID, stored_run
from harness.adapt.train._history import epoch_records
from harness.errors import ConfigError
from harness.report import mean_interval
from harness.results import read_condition
from harness.run import BenchRun, RunOptions
from harness.tracking import TrackingTarget, track_run

mlflow = pytest.importorskip("mlflow", reason="the tracking extra: pip install -e '.[tracking]'")
from mlflow.tracking import MlflowClient  # noqa: E402


def _store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mlflow.db'}"


def _runs(uri: str, experiment: str) -> dict[str, Any]:
    client = MlflowClient(tracking_uri=uri)
    found = client.get_experiment_by_name(experiment)
    assert found is not None, f"no experiment {experiment!r}"
    return {r.info.run_name: r for r in client.search_runs([found.experiment_id])}


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("tracked")
    run_dir = stored_run(tmp)
    uri = _store(tmp)
    ids = track_run(run_dir, TrackingTarget(uri=uri))
    runs = _runs(uri, RUN_ID)
    assert sorted(ids) == sorted(r.info.run_id for r in runs.values())
    return run_dir, uri, runs


def test_each_ok_condition_is_one_finished_run_in_the_experiment_named_after_the_run(tracked: Any) -> None:
    _, _, runs = tracked
    assert sorted(runs) == ["lora_tiny_ft", "oracle_tiny"]  # the skipped condition has nothing to track
    assert {r.info.status for r in runs.values()} == {"FINISHED"}
    assert runs["lora_tiny_ft"].data.tags["harness.run_id"] == RUN_ID


def test_params_are_the_flattened_condition_config_and_what_produced_it(tracked: Any) -> None:
    from harness import __version__
    from harness.config import load_matrix

    params = tracked[2]["lora_tiny_ft"].data.params
    cond = load_matrix(ROOT / "configs").condition("lora_tiny_ft")
    assert params["model.provider"] == cond.model.provider and params["model.name"] == cond.model.name
    assert params["model.quantization"] == cond.model.quantization
    assert params["retrieval.mode"] == cond.retrieval.mode
    assert params["adaptation.method"] == cond.adaptation.method == "lora"
    assert params["adaptation.learning_rate"] == str(cond.adaptation.learning_rate)
    assert params["data.dataset"] == cond.data.dataset and params["data.split_seed"] == str(cond.data.split_seed)
    assert params["scoring.seed"] == str(cond.scoring.seed)
    assert params["harness.version"] == __version__ and params["dataset.content_hash"] == "abc123"


def test_metrics_are_the_summary_with_the_reports_intervals_gates_and_timings(tracked: Any) -> None:
    run_dir, _, runs = tracked
    metrics = runs["lora_tiny_ft"].data.metrics
    entry = read_condition(run_dir / "lora_tiny_ft")
    assert metrics["f1"] == entry.summary["f1"] == pytest.approx(sum(LORA_F1) / len(LORA_F1))
    assert metrics["n_questions"] == len(LORA_F1) and metrics["latency_p95_s"] == 0.25
    _, low, high = mean_interval(LORA_F1, entry.scoring)  # type: ignore[misc]
    assert (metrics["f1_ci_low"], metrics["f1_ci_high"]) == (low, high) and low < metrics["f1"] < high
    assert metrics["gate.promotion.passed"] == 0.0
    assert runs["oracle_tiny"].data.metrics["gate.promotion.passed"] == 1.0
    assert metrics["time.generation_s"] == 1.5


def test_the_adapters_loss_curve_is_a_stepped_metric(tracked: Any) -> None:
    _, uri, runs = tracked
    client = MlflowClient(tracking_uri=uri)
    expected = epoch_records(HISTORY)
    for key in ("train_loss", "val_loss"):
        history = client.get_metric_history(runs["lora_tiny_ft"].info.run_id, key)
        got = sorted((m.step, m.value) for m in history)
        assert got == [(r.step, getattr(r, key)) for r in expected], key
    assert sorted((m.step, m.value) for m in client.get_metric_history(runs["lora_tiny_ft"].info.run_id,
                  "train_loss")) == [(4, 2.2), (8, 1.4)]  # fmt: skip
    assert client.get_metric_history(runs["oracle_tiny"].info.run_id, "train_loss") == []


def test_the_result_and_report_files_are_artifacts_with_their_bytes(tracked: Any, tmp_path: Path) -> None:
    run_dir, uri, runs = tracked
    client = MlflowClient(tracking_uri=uri)
    run_id = runs["lora_tiny_ft"].info.run_id
    names = sorted(a.path for a in client.list_artifacts(run_id, "condition"))
    assert names == ["condition/result.json", "condition/results.jsonl", "condition/summary.md"]
    assert sorted(a.path for a in client.list_artifacts(run_id, "report")) == ["report/run.json", "report/summary.md"]
    local = Path(client.download_artifacts(run_id, "condition/results.jsonl", str(tmp_path)))
    assert local.read_bytes() == (run_dir / "lora_tiny_ft" / "results.jsonl").read_bytes()
    # artifacts beside the database, not in whatever folder the run happened to start in
    assert (Path(uri.removeprefix("sqlite:///")).parent / "mlartifacts" / RUN_ID).is_dir()


def test_a_named_experiment_is_used_and_reused(tmp_path: Path) -> None:
    run_dir, uri = stored_run(tmp_path), _store(tmp_path)
    track_run(run_dir, TrackingTarget(uri=uri, experiment="adaptation"))
    track_run(run_dir, TrackingTarget(uri=uri, experiment="adaptation"))
    found = MlflowClient(tracking_uri=uri).get_experiment_by_name("adaptation")
    assert found is not None and len(MlflowClient(tracking_uri=uri).search_runs([found.experiment_id])) == 4


def test_without_mlflow_the_error_names_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)  # fault injection: the extra is not installed
    with pytest.raises(ConfigError, match=r"--bench-mlflow=sqlite:.*pip install \"adapt-bench-harness\[tracking\]\""):
        track_run(stored_run(tmp_path), TrackingTarget(uri=_store(tmp_path)))


def test_importing_the_harness_imports_no_mlflow() -> None:
    code = (
        "import sys, harness, harness.run, harness.tracking, harness.run._session, harness.cli, harness.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mlflow', 'fsspec', 's3fs')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_the_experiment_flag_needs_a_store() -> None:
    with pytest.raises(ConfigError, match="--bench-mlflow-experiment=x needs --bench-mlflow URI"):
        RunOptions(mlflow_experiment="x")


# --- through BenchRun.finish: the oracle condition, a real run --------------------------------------------------------


def _oracle_run(tmp: Path, cache: Path, **mlflow: str) -> tuple[BenchRun, list[str]]:
    said: list[str] = []
    options = RunOptions(configs_dir=ROOT / "configs", run_id="oracle-run", reports_dir=tmp / "reports",
                         cache_dir=cache, max_questions=4, **mlflow)  # type: ignore[arg-type]  # fmt: skip
    bench = BenchRun(options=options, progress=said.append)
    bench.result("oracle_tiny")
    bench.finish()
    return bench, said


@pytest.mark.slow
def test_finish_tracks_the_run_and_an_unreachable_store_costs_one_warning(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache = tmp_path_factory.mktemp("cache")
    uri = _store(tmp_path)
    bench, said = _oracle_run(tmp_path / "a", cache, mlflow_uri=uri)
    runs = _runs(uri, "oracle-run")
    assert list(runs) == ["oracle_tiny"] and f"tracked 1 condition(s) in MLflow at {uri}" in said
    assert runs["oracle_tiny"].data.metrics["f1"] == bench.result("oracle_tiny").summary["f1"]
    # A store that cannot be opened (its folder is a file): the run finishes, every file is written, one warning.
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    bad = f"sqlite:///{blocker / 'mlflow.db'}"
    bench, said = _oracle_run(tmp_path / "b", cache, mlflow_uri=bad)
    warnings = [line for line in said if line.startswith("warning: MLflow tracking")]
    assert len(warnings) == 1 and f"at {bad} failed" in warnings[0] and "\n" not in warnings[0], said
    assert all((bench.run_dir / name).is_file() for name in ("run.json", "results.json", "summary.md"))
    assert read_condition(bench.run_dir / "oracle_tiny").summary == bench.result("oracle_tiny").summary
    assert dataclasses.asdict(bench.options)["mlflow_uri"] == bad
