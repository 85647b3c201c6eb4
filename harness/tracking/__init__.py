"""Optional MLflow tracking of a finished run (``--bench-mlflow URI``; the ``tracking`` extra).

Each condition of the run becomes one MLflow run: its config flattened into params, its summary metrics (with the
report's bootstrap intervals), its gate outcomes as 0/1, its adapter's loss curve as stepped metrics, and its result
and report files as artifacts. Everything is read back from the run's stored files, so tracking can never change or
lose a result: a tracking store that cannot be reached costs one warning line. mlflow is imported only when a run is
tracked.
"""

from harness.tracking._condition import TrackedCondition, tracked_conditions
from harness.tracking._mlflow import TrackingTarget, track_run

__all__ = ["TrackedCondition", "TrackingTarget", "track_run", "tracked_conditions"]
