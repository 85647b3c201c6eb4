"""State of one benchmark run inside pytest: options, matrix, results computed once per condition."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.config import Matrix, load_matrix
from harness.errors import HarnessError, ModelUnavailable

if TYPE_CHECKING:
    from harness.gates import GateOutcome, ResultSet
    from harness.run import ConditionResult, RunOptions

__all__ = ["BenchSession"]


@dataclass(kw_only=True)
class BenchSession:
    options: RunOptions
    progress: Callable[[str], None]
    # Under pytest-xdist: this worker's id (gw0, ...) on a worker; ``xdist_controller`` on the controller.
    worker_id: str | None = None
    xdist_controller: bool = False
    # Set after collection: the candidates whose promotion gate this run evaluates (one Holm family).
    promotion_candidates: tuple[str, ...] = ()
    _matrix: Matrix | None = None
    _family_p: dict[str, list[float]] = field(default_factory=dict)
    _results: dict[str, ConditionResult | BaseException] = field(default_factory=dict)
    _gates: dict[str, GateOutcome] = field(default_factory=dict)

    @classmethod
    def from_pytest(cls, config: pytest.Config) -> BenchSession:
        from harness.run import RunOptions, new_run_id

        opts = RunOptions(
            configs_dir=config.getoption("bench_configs"),
            dataset=config.getoption("bench_dataset"),
            cache_dir=config.getoption("bench_cache_dir"),
            reports_dir=config.getoption("bench_reports_dir"),
            run_id=config.getoption("bench_run_id") or _shared_run_id(config) or new_run_id(),
            strict=_strict(config.getoption("bench_strict")),
            max_questions=config.getoption("bench_max_questions"),
            rescore=config.getoption("bench_rescore"),
            ray_shards=config.getoption("bench_ray_shards"),
            ray_address=config.getoption("bench_ray_address"),
        )
        worker = getattr(config, "workerinput", None)
        return cls(
            options=opts,
            progress=_terminal_progress(config),
            worker_id=worker["workerid"] if worker else None,
            xdist_controller=worker is None and bool(getattr(config.option, "numprocesses", None)),
        )

    @property
    def matrix(self) -> Matrix:
        if self._matrix is None:
            self._matrix = load_matrix(self.options.configs_dir)
        return self._matrix

    def condition_names(self, *, candidates_only: bool = False) -> list[str]:
        names = self.matrix.names()
        if candidates_only:
            names = [n for n in names if self.matrix.condition(n).gate.promote]
        return names

    def keywords(self, name: str) -> set[str]:
        cond = self.matrix.condition(name)
        return {name, cond.size_group, f"role_{cond.role}", *cond.aliases}

    @property
    def ran_any(self) -> bool:
        return bool(self._results)

    def result(self, name: str, *, quantization: str | None = None) -> ConditionResult:
        """The condition's result; a missing model skips (or fails under --bench-strict).

        ``quantization`` runs the same condition served at another exported level.
        """
        key = name if quantization is None else f"{name}@{quantization}"
        if key not in self._results:
            self._results[key] = self._run(name, quantization)
        outcome = self._results[key]
        if isinstance(outcome, ModelUnavailable):
            message = f"{outcome.reason}; to run it: {outcome.remedy}"
            if self.options.strict:
                pytest.fail(f"--bench-strict: {message}", pytrace=False)
            pytest.skip(message)
        if isinstance(outcome, BaseException):
            pytest.fail(f"{name}: {outcome}", pytrace=False)
        return outcome

    def result_set(self, name: str, *, quantization: str | None = None) -> ResultSet:
        from harness.gates import ResultSet

        result = self.result(name, quantization=quantization)
        cond = result.condition
        return ResultSet(
            condition=cond.name,
            size_group=cond.size_group,
            quantization=cond.model.quantization,
            records=result.records,
        )

    def speed_and_size(self, name: str, quantization: str) -> dict[str, Any]:
        """File size and tokens/s of one exported level, for the side-by-side table."""
        result = self.result(name, quantization=quantization)
        path = (result.context.get("model") or {}).get("model_path")
        size = Path(path).stat().st_size if path and Path(path).exists() else None
        return {"file_bytes": size, "tokens_per_s": result.summary.get("tokens_per_s")}

    def latency_probe(self, name: str, n: int = 8) -> tuple[Callable[[], None], Callable[[], None]]:
        """(call, close): ``call`` answers the next of the condition's first ``n`` real prompts."""
        from harness.backends import create_backend

        result = self.result(name)
        cond = result.condition
        requests = list(result.requests[:n])
        backend = create_backend(cond.model, cond.generation, model_path=result.model_path)
        position = iter(range(10**9))

        def call() -> None:
            backend.generate([requests[next(position) % len(requests)]])

        return call, backend.close

    def promotion_outcome(self, name: str) -> GateOutcome:
        """``name``'s promotion gate, Holm-corrected together with the run's other promotion comparisons."""
        from harness.gates import promotion_gate

        cond = self.result(name).condition
        baseline = self.matrix.baseline_of(name).name
        family = [p for other in self.promotion_candidates if other != name for p in self._promotion_p(other)]
        return promotion_gate(self.result_set(name), self.result_set(baseline), cond.gate, cond.scoring, family=family)

    def _promotion_p(self, name: str) -> list[float]:
        """[primary p-value] of a candidate's comparison; [] when it has none (model absent, failed, refused),
        since a comparison that was never made is no hypothesis tested."""
        from harness.gates import promotion_comparison

        if name not in self._family_p:
            try:
                cond = self.result(name).condition
                baseline = self.result_set(self.matrix.baseline_of(name).name)
                cmp, _ = promotion_comparison(self.result_set(name), baseline, cond.scoring)
                self._family_p[name] = [cmp.p_value]
            except (HarnessError, pytest.skip.Exception, pytest.fail.Exception):
                self._family_p[name] = []
        return self._family_p[name]

    def record_gate(self, key: str, outcome: GateOutcome) -> None:
        self._gates[key] = outcome

    def _run(self, name: str, quantization: str | None = None) -> ConditionResult | BaseException:
        from harness.run import run_condition

        cond = self.matrix.condition(name)
        if quantization is not None:
            cond = dataclasses.replace(cond, model=dataclasses.replace(cond.model, quantization=quantization))
        try:
            return run_condition(
                cond, self.options, self.progress, label=None if quantization is None else f"{name}@{quantization}"
            )
        except HarnessError as exc:
            return exc

    @property
    def run_dir(self) -> Path:
        return self.options.reports_dir / self.options.run_id

    def should_finish(self) -> bool:
        """Whether this process writes the report: it ran a condition, or it is the xdist controller of workers."""
        from harness.report._worker_runs import WORKER_INDEX_GLOB

        return self.ran_any or (self.xdist_controller and any(self.run_dir.glob(WORKER_INDEX_GLOB)))

    def finish(self) -> Path:
        """Write the run index and report, and point reports/latest at this run.

        An xdist worker writes only its own index (``run-<worker>.json``); the controller merges them.
        """
        from harness.cache import atomic_write_text
        from harness.report import worker_index_name

        run_dir = self.run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        index = {name: _outcome(o) for name, o in self._results.items()}
        gates = {key: o.to_dict() for key, o in self._gates.items()}
        body: dict[str, Any] = {"run_id": self.options.run_id, "conditions": index, "gates": gates}
        if self.worker_id is not None:
            text = json.dumps(body | {"worker": self.worker_id}, indent=2, default=str) + "\n"
            atomic_write_text(run_dir / worker_index_name(self.worker_id), text)
            return run_dir
        entries = [_entry(label, o) for label, o in self._results.items() if not isinstance(o, BaseException)]
        if self.xdist_controller:
            body, entries = _merged_workers(run_dir, self.options.run_id)
        atomic_write_text(run_dir / "run.json", json.dumps(body, indent=2, default=str) + "\n")
        self._write_report(run_dir, entries, body["gates"])
        _link_latest(self.options.reports_dir, self.options.run_id)
        return run_dir

    def _write_report(self, run_dir: Path, entries: list[dict[str, Any]], gates: dict[str, Any]) -> None:
        from harness.report import write_run_report
        from harness.run import provenance

        if entries:
            order = sorted(self.matrix.size_groups, key=lambda g: self.matrix.size_groups[g].order)
            write_run_report(run_dir, entries, gates, group_order=order, provenance=provenance())


def _merged_workers(run_dir: Path, run_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The run index and report entries of every xdist worker's part of this run."""
    from harness.report import entry_from_dir, merge_worker_runs

    index, gates = merge_worker_runs(run_dir)
    entries = [entry_from_dir(k, Path(o["dir"])) for k, o in index.items() if o["status"] == "ok"]
    return {"run_id": run_id, "conditions": index, "gates": gates}, entries


def _entry(label: str, result: ConditionResult) -> dict[str, Any]:
    cond = result.condition
    return {
        "label": label,
        "condition": cond.name,
        "size_group": cond.size_group,
        "role": cond.role,
        "quantization": cond.model.quantization,
        "summary": result.summary,
        "records": result.records,
        **{k: result.context.get(k) for k in ("model", "dataset", "splits", "timings_s")},
    }


def _outcome(outcome: Any) -> dict[str, Any]:
    if isinstance(outcome, ModelUnavailable):
        return {"status": "skipped", "reason": outcome.reason, "remedy": outcome.remedy}
    if isinstance(outcome, BaseException):
        return {"status": "error", "error": str(outcome)}
    return {"status": "ok", "dir": str(outcome.out_dir), "summary": outcome.summary}


def _shared_run_id(config: pytest.Config) -> str | None:
    """On an xdist worker, the run id the controller chose (so all workers report into one folder)."""
    worker = getattr(config, "workerinput", None)
    return str(worker["bench_run_id"]) if worker and worker.get("bench_run_id") else None


def _link_latest(reports: Path, run_id: str) -> None:
    latest = reports / "latest"
    tmp = reports / f".latest-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_id)
    os.replace(tmp, latest)


def _strict(option: bool | None) -> bool:
    """--bench-strict / --bench-no-strict as given; otherwise strict under CI ($CI set to a true value), where a
    skipped condition would otherwise pass a gate that checked nothing."""
    if option is not None:
        return option
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _terminal_progress(config: pytest.Config) -> Callable[[str], None]:
    def write(message: str) -> None:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        capture = config.pluginmanager.get_plugin("capturemanager")
        if reporter is None:
            return
        if capture is None:
            reporter.write_line(message)
            return
        # Output is captured while a test runs; progress must reach the terminal anyway (as live logs do).
        with capture.global_and_fixture_disabled():
            reporter.write_line(message)

    return write
