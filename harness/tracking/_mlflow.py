"""Writing a finished run to an MLflow tracking store: one MLflow run per condition."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.results import read_run_index
from harness.tracking._condition import TrackedCondition, tracked_conditions

__all__ = ["INSTALL", "TrackingTarget", "track_run"]

INSTALL = 'pip install "adapt-bench-harness[tracking]"'
# The run-level report files, logged beside each condition's own files so one MLflow run holds the whole picture.
REPORT_FILES = ("run.json", "results.json", "summary.md", "index.html")


@dataclass(frozen=True, kw_only=True)
class TrackingTarget:
    """Where to track: an MLflow tracking URI (``sqlite:///mlflow.db``, ``http://host:5000``, ...) and the
    experiment; ``experiment=None`` names it after the harness run id."""

    uri: str
    experiment: str | None = None


def track_run(run_dir: Path, target: TrackingTarget) -> list[str]:
    """Log every ``ok`` condition of the finished run in ``run_dir``; the MLflow run ids, in condition order.

    Raises ConfigError when mlflow is not installed; anything the tracking store raises propagates (the caller turns
    it into a warning, since results are already on disk).
    """
    client = _client(target.uri)
    index = read_run_index(run_dir / "run.json")
    experiment_id = _experiment(client, target.uri, target.experiment or index.run_id)
    report = [run_dir / name for name in REPORT_FILES if (run_dir / name).is_file()]
    return [_log_condition(client, experiment_id, tracked, report) for tracked in tracked_conditions(run_dir, index)]


def _client(uri: str) -> Any:
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise ConfigError(f"--bench-mlflow={uri} needs mlflow: {INSTALL}") from None
    return MlflowClient(tracking_uri=uri)


def _experiment(client: Any, uri: str, name: str) -> str:
    found = client.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    return str(client.create_experiment(name, artifact_location=artifact_location(uri, name)))


def artifact_location(uri: str, experiment: str) -> str | None:
    """For a local SQLite store, ``mlartifacts/<experiment>`` beside the database file; else the store's default.

    MLflow's own default for a database store is ``./mlruns`` under the working directory, which would scatter
    artifacts over wherever the benchmarks happened to run.
    """
    if not uri.startswith("sqlite:///"):
        return None
    database = Path(uri.removeprefix("sqlite:///")).resolve()
    return (database.parent / "mlartifacts" / experiment).as_uri()


def _log_condition(client: Any, experiment_id: str, tracked: TrackedCondition, report: list[Path]) -> str:
    from mlflow.entities import Metric, Param

    run = client.create_run(experiment_id, run_name=tracked.label, tags=dict(tracked.tags))
    run_id = str(run.info.run_id)
    status = "FAILED"
    try:
        stamp = int(run.info.start_time)
        metrics = [Metric(key, value, stamp, 0) for key, value in tracked.metrics.items()]
        metrics += [Metric(key, value, stamp, point.step) for point in tracked.loss_curve
                    for key, value in point.values.items()]  # fmt: skip
        params = [Param(key, value) for key, value in tracked.params.items()]
        _log_batches(client.log_batch, run_id, metrics, params)
        for path in tracked.files:
            client.log_artifact(run_id, str(path), "condition")
        for path in report:
            client.log_artifact(run_id, str(path), "report")
        status = "FINISHED"
    finally:
        client.set_terminated(run_id, status=status)
    return run_id


def _log_batches(log_batch: Callable[..., None], run_id: str, metrics: list[Any], params: list[Any]) -> None:
    # MLflow caps one log_batch call at 1000 metrics and 100 params (mlflow.utils.validation.MAX_METRICS_PER_BATCH,
    # MAX_PARAMS_TAGS_PER_BATCH); a condition's flattened config alone exceeds 100 params.
    for start in range(0, len(params), 100):
        log_batch(run_id, params=params[start : start + 100])
    for start in range(0, len(metrics), 1000):
        log_batch(run_id, metrics=metrics[start : start + 1000])
