"""One benchmark run, without pytest: each condition computed once, the gates over them, and the run's files.

``BenchRun`` is what ``harness run`` drives and what the pytest session adapts (skips, failures, the stash). A
condition's outcome is its ``ConditionResult`` or the ``HarnessError`` that stopped it (``ModelUnavailable`` when
its model is not here); gates that cannot be evaluated raise ``GateSkipped`` with the reason.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.config import Condition, Matrix, load_matrix
from harness.errors import HarnessError, ModelUnavailable, StorageError
from harness.run._options import RunOptions

if TYPE_CHECKING:
    from harness.gates import GateOutcome, ResultSet
    from harness.results import ConditionEntry, ConditionStatus, RunIndex
    from harness.run._pipeline import ConditionResult

__all__ = ["BenchRun", "GateSkipped"]


class GateSkipped(HarnessError):
    """A gate that does not apply to this condition (not configured, not a llama.cpp export, ...)."""


@dataclass(kw_only=True)
class BenchRun:
    options: RunOptions
    progress: Callable[[str], None] = lambda _message: None
    # The candidates whose promotion gates this run evaluates: one Holm family.
    promotion_candidates: tuple[str, ...] = ()
    _matrix: Matrix | None = None
    _family_p: dict[str, list[float]] = field(default_factory=dict)
    _results: dict[str, ConditionResult | HarnessError] = field(default_factory=dict)
    _gates: dict[str, GateOutcome] = field(default_factory=dict)

    @property
    def matrix(self) -> Matrix:
        if self._matrix is None:
            self._matrix = load_matrix(self.options.configs_dir)
        return self._matrix

    @property
    def ran_any(self) -> bool:
        return bool(self._results)

    @property
    def run_dir(self) -> Path:
        return self.options.reports_dir / self.options.run_id

    def candidates(self, names: Sequence[str]) -> list[str]:
        """The promotion candidates (``gate.promote``) among ``names``, in order."""
        return [n for n in names if self.matrix.condition(n).gate.promote]

    def disposition(self, exc: HarnessError, name: str) -> tuple[bool, str]:
        """How a check or gate of ``name`` that raised ``exc`` ends: (skipped, message). A gate that does not apply,
        or a missing model, skips, except that under --bench-strict a missing model fails; any other error fails."""
        if isinstance(exc, GateSkipped):
            return True, str(exc)
        if isinstance(exc, ModelUnavailable):
            message = f"{exc.reason}; to run it: {exc.remedy}"
            return (False, f"--bench-strict: {message}") if self.options.strict else (True, message)
        return False, f"{name}: {exc}"

    def keywords(self, name: str) -> set[str]:
        """What ``-k`` matches for a condition: its name, size group, ``role_<role>``, ``arm_<arm>`` and aliases."""
        cond = self.matrix.condition(name)
        return {name, cond.size_group, f"role_{cond.role}", f"arm_{cond.arm}", *cond.aliases}

    def outcome(self, name: str, *, quantization: str | None = None) -> ConditionResult | HarnessError:
        """The condition's result, or the error that stopped it; computed once per run."""
        key = name if quantization is None else f"{name}@{quantization}"
        if key not in self._results:
            self._results[key] = self._run(name, quantization)
        return self._results[key]

    def result(self, name: str, *, quantization: str | None = None) -> ConditionResult:
        """The condition's result; raises the HarnessError that stopped it (ModelUnavailable: model not here)."""
        outcome = self.outcome(name, quantization=quantization)
        if isinstance(outcome, HarnessError):
            raise outcome
        return outcome

    def result_set(self, name: str, *, quantization: str | None = None) -> ResultSet:
        from harness.gates import ResultSet

        return ResultSet.from_entry(self._entry(name, self.result(name, quantization=quantization)))

    def answer_problems(self, name: str) -> list[str]:
        """Why the condition's answers fail their own checks (a question answered twice, too many errors); [] if
        none."""
        result = self.result(name)
        problems = []
        if len({r["qid"] for r in result.records}) != len(result.records):
            problems.append(f"{name}: a question was answered twice")
        if not result.records or result.summary["n_questions"] != len(result.records):
            problems.append(f"{name}: answered {len(result.records)} questions, summary says "
                            f"{result.summary['n_questions']}")  # fmt: skip
        cap = result.condition.gate.max_error_rate
        if result.summary["n_errors"] > cap * len(result.records):
            problems.append(f"{name}: {result.summary['n_errors']} generation errors exceed "
                            f"gate.max_error_rate={cap:g}")  # fmt: skip
        return problems

    # --- gates ---------------------------------------------------------------------------------------------------

    def promotion_outcome(self, name: str) -> GateOutcome:
        """``name``'s promotion gate, Holm-corrected together with the run's other promotion comparisons."""
        from harness.gates import promotion_gate

        cond = self.result(name).condition
        baseline = self.matrix.baseline_of(name).name
        family = [p for other in self.promotion_candidates if other != name for p in self._promotion_p(other)]
        outcome = promotion_gate(self.result_set(name), self.result_set(baseline), cond.gate, cond.scoring,
                                 family=family)  # fmt: skip
        return self.record_gate(name, outcome)

    def quantization_outcomes(self, name: str) -> list[GateOutcome]:
        """Each exported level against F16; GateSkipped when the condition does not compare levels."""
        from harness.gates import quantization_gate

        cond = self.matrix.condition(name)
        if not cond.gate.quantization_regression:
            raise GateSkipped(f"{name}: gate.quantization_regression is off")
        if cond.model.provider != "llama_cpp" or "F16" not in cond.adaptation.export_quantizations:
            raise GateSkipped(f"{name}: quantisation levels are compared for llama.cpp exports that include F16")
        reference = self.result_set(name, quantization="F16")
        reference_speed = self.speed_and_size(name, "F16")
        outcomes = []
        for level in _gated_levels(cond):
            extras = {"level": self.speed_and_size(name, level), "reference": reference_speed}
            outcome = quantization_gate(reference, self.result_set(name, quantization=level), cond.gate, cond.scoring,
                                        extras=extras)  # fmt: skip
            outcomes.append(self.record_gate(f"{name}@{level}", outcome))
        return outcomes

    def budget_outcome(self, name: str) -> GateOutcome:
        """Latency and memory against their budgets; GateSkipped when none is configured."""
        from harness.gates import budget_gate

        cond = self.matrix.condition(name)
        if cond.gate.latency_p95_budget_s is None and cond.gate.memory_budget_mb is None:
            raise GateSkipped(f"{name}: no latency or memory budget configured")
        summary = self.result(name).summary
        outcome = budget_gate(name, cond.gate, latency_p95_s=summary.get("latency_p95_s"),
                              peak_rss_mb=summary.get("peak_rss_mb"))  # fmt: skip
        return self.record_gate(name, outcome)

    def record_gate(self, key: str, outcome: GateOutcome) -> GateOutcome:
        self._gates[key] = outcome
        return outcome

    def gates_of(self, name: str, gate: str) -> dict[str, GateOutcome]:
        """The ``gate`` outcomes recorded for condition ``name``: its own key, or ``name@LEVEL`` per quantisation
        level."""
        return {k: o for k, o in self._gates.items() if o.gate == gate and k.split("@")[0] == name}

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
            except HarnessError:
                self._family_p[name] = []
        return self._family_p[name]

    # --- measurements beside the gates ---------------------------------------------------------------------------

    def speed_and_size(self, name: str, quantization: str) -> dict[str, Any]:
        """File size and tokens/s of one exported level, for the side-by-side table."""
        result = self.result(name, quantization=quantization)
        size = deployed_bytes(result.context.get("model") or {})
        return {"file_bytes": size, "tokens_per_s": result.summary.get("tokens_per_s")}

    def latency_probe(self, name: str, n: int = 8) -> tuple[Callable[[], None], Callable[[], None]]:
        """(call, close): ``call`` answers the next of the condition's first ``n`` real prompts."""
        from harness.backends import create_backend

        result = self.result(name)
        cond = result.condition
        requests = list(result.requests[:n])
        self.progress(f"[{name}] latency: loading the model to replay {len(requests)} prompts")
        backend = create_backend(cond.model, cond.generation, model_path=result.model_path)
        position = iter(range(10**9))

        def call() -> None:
            i = next(position)
            started = time.perf_counter()
            backend.generate([requests[i % len(requests)]])
            self.progress(f"[{name}] latency replay {i + 1}: {time.perf_counter() - started:.2f}s")

        return call, backend.close

    # --- finishing -----------------------------------------------------------------------------------------------

    def finish(self, *, worker_id: str | None = None, merge_workers: bool = False) -> Path:
        """Write the run index and report, and point ``reports/latest`` at this run.

        ``worker_id``: an xdist worker writes only its own index (``run-<worker>.json``); ``merge_workers``: the
        controller merges them into the run's index and report.
        """
        from harness.results import (
            RUN_INDEX_FILE,
            RunIndex,
            merge_worker_indexes,
            read_entries,
            worker_index_name,
            write_run_index,
        )

        run_dir = self.run_dir
        try:
            run_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(run_dir, exc, "point --bench-reports-dir at a writable folder") from None
        gates = {key: o.to_dict() for key, o in self._gates.items()}
        index = RunIndex(run_id=self.options.run_id, conditions=self.statuses(), gates=gates, worker=worker_id,
                         hypothesis=self.options.hypothesis)  # fmt: skip
        if worker_id is not None:
            write_run_index(run_dir / worker_index_name(worker_id), index)
            return run_dir
        entries = [self._entry(label, r) for label, r in self._results.items() if not isinstance(r, HarnessError)]
        if merge_workers:
            index = dataclasses.replace(merge_worker_indexes(run_dir, self.options.run_id), hypothesis=index.hypothesis)
            entries = read_entries(run_dir, index)
        write_run_index(run_dir / RUN_INDEX_FILE, index)
        self._write_report(run_dir, entries, index)
        _link_latest(self.options.reports_dir, self.options.run_id)
        _write_history(self.options.reports_dir)
        self._track(run_dir)
        return run_dir

    def _track(self, run_dir: Path) -> None:
        """Log the finished run to MLflow (--bench-mlflow). Results are already on disk: a store that cannot be
        reached, or a missing mlflow, is one warning line, never a lost or failed run."""
        if self.options.mlflow_uri is None:
            return
        from harness.tracking import TrackingTarget, track_run

        target = TrackingTarget(uri=self.options.mlflow_uri, experiment=self.options.mlflow_experiment)
        try:
            runs = track_run(run_dir, target)
        # Broad on purpose: mlflow, its HTTP client and its database drivers raise their own types, and none of
        # them may turn a finished run into a failed one.
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self.progress(f"warning: MLflow tracking at {target.uri} failed ({first}); results are in {run_dir}")
            return
        self.progress(f"tracked {len(runs)} condition(s) in MLflow at {target.uri}")

    def statuses(self) -> dict[str, ConditionStatus]:
        return {label: _status(outcome) for label, outcome in self._results.items()}

    def _write_report(self, run_dir: Path, entries: Sequence[ConditionEntry], index: RunIndex) -> None:
        from harness.report import write_run_report
        from harness.run._provenance import provenance

        if entries:
            order = sorted(self.matrix.size_groups, key=lambda g: self.matrix.size_groups[g].order)
            labels = {name: group.label for name, group in self.matrix.size_groups.items()}
            write_run_report(run_dir, entries, index.gates, group_order=order, provenance=provenance(),
                             group_labels=labels, hypothesis=index.hypothesis, notes=index.notes,
                             statuses=index.conditions)  # fmt: skip

    @staticmethod
    def _entry(label: str, result: ConditionResult) -> ConditionEntry:
        from harness.results import CONTEXT_KEYS, ConditionEntry

        cond = result.condition
        return ConditionEntry(
            label=label,
            condition=cond.name,
            size_group=cond.size_group,
            role=cond.role,
            quantization=cond.model.quantization,
            summary=result.summary,
            records=result.records,
            scoring=dataclasses.asdict(cond.scoring),
            arm=cond.arm,
            hypothesis=cond.hypothesis,
            retrieval=result.context.get("retrieval"),
            adaptation=result.context.get("adaptation"),
            **{k: result.context.get(k) for k in CONTEXT_KEYS},
        )

    def _run(self, name: str, quantization: str | None) -> ConditionResult | HarnessError:
        from harness.run._pipeline import run_condition

        cond = self.matrix.condition(name)
        if quantization is not None:
            cond = dataclasses.replace(cond, model=dataclasses.replace(cond.model, quantization=quantization))
        label = None if quantization is None else f"{name}@{quantization}"
        try:
            return run_condition(cond, self.options, self.progress, label=label)
        except HarnessError as exc:
            return exc


def deployed_bytes(model: Mapping[str, Any]) -> int | None:
    """The size of what a backend's ``describe()`` says it loaded: the model file, plus the LoRA applied at load
    (served beside the base file, the deployment is both). None when a file is not there to measure."""
    files = [Path(p) for p in (model.get("model_path"), model.get("lora_path")) if p]
    if not files or not all(p.exists() for p in files):
        return None
    return sum(p.stat().st_size for p in files)


def _gated_levels(cond: Condition) -> list[str]:
    """The levels compared with F16: every other export, and the condition's own level when it is served as base
    plus LoRA (``adaptation.serve: lora``), the deployment a merged export of that level would not measure."""
    levels = [q for q in cond.adaptation.export_quantizations if q != "F16"]
    if cond.adaptation.serve == "lora" and cond.model.quantization not in levels:
        levels.append(cond.model.quantization)
    return levels


def _status(outcome: Any) -> ConditionStatus:
    from harness.results import ConditionStatus

    if isinstance(outcome, ModelUnavailable):
        return ConditionStatus(status="skipped", reason=outcome.reason, remedy=outcome.remedy)
    if isinstance(outcome, BaseException):
        return ConditionStatus(status="error", error=str(outcome))
    return ConditionStatus(status="ok", dir=str(outcome.out_dir), summary=outcome.summary)


def _write_history(reports: Path) -> None:
    """The runs list beside the runs (``reports/index.html``), this run included."""
    from harness.report import write_history

    write_history(reports)


def _link_latest(reports: Path, run_id: str) -> None:
    latest = reports / "latest"
    tmp = reports / f".latest-{os.getpid()}"
    try:
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(run_id)
        os.replace(tmp, latest)
    except OSError as exc:
        raise StorageError(latest, exc, "point --bench-reports-dir at a writable folder") from None
