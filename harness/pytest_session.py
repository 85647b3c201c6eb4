"""The benchmark run inside pytest: a thin adapter over ``harness.run.BenchRun``.

It builds the run from the command line, turns a condition whose model is missing into a skip (a failure under
--bench-strict, the default under $CI), any other harness error into a failure without traceback, and a gate that
does not apply into a skip. Everything else (results, gates, the run's files) is the library's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from harness.errors import HarnessError
from harness.run import BenchRun

if TYPE_CHECKING:
    from harness.config import Matrix
    from harness.gates import GateOutcome, ResultSet
    from harness.run import ConditionResult

__all__ = ["BenchSession"]

T = TypeVar("T")


@dataclass(kw_only=True)
class BenchSession:
    run: BenchRun
    # Under pytest-xdist: this worker's id (gw0, ...) on a worker; ``xdist_controller`` on the controller.
    worker_id: str | None = None
    xdist_controller: bool = False

    @classmethod
    def from_pytest(cls, config: pytest.Config) -> BenchSession:
        from harness.run import options_from

        opts = options_from(config.getoption, run_id=_shared_run_id(config))
        worker = getattr(config, "workerinput", None)
        return cls(
            run=BenchRun(options=opts, progress=_terminal_progress(config)),
            worker_id=worker["workerid"] if worker else None,
            xdist_controller=worker is None and bool(getattr(config.option, "numprocesses", None)),
        )

    @property
    def options(self) -> Any:
        return self.run.options

    @property
    def matrix(self) -> Matrix:
        return self.run.matrix

    @property
    def promotion_candidates(self) -> tuple[str, ...]:
        return self.run.promotion_candidates

    @promotion_candidates.setter
    def promotion_candidates(self, names: tuple[str, ...]) -> None:
        self.run.promotion_candidates = names

    def condition_names(self, *, candidates_only: bool = False) -> list[str]:
        names = self.matrix.names()
        return self.run.candidates(names) if candidates_only else names

    def keywords(self, name: str) -> set[str]:
        return self.run.keywords(name)

    def result(self, name: str, *, quantization: str | None = None) -> ConditionResult:
        """The condition's result; a missing model skips (or fails under --bench-strict)."""
        return self._pytest(lambda: self.run.result(name, quantization=quantization), name)

    def result_set(self, name: str, *, quantization: str | None = None) -> ResultSet:
        return self._pytest(lambda: self.run.result_set(name, quantization=quantization), name)

    def answer_problems(self, name: str) -> list[str]:
        return self._pytest(lambda: self.run.answer_problems(name), name)

    def promotion_outcome(self, name: str) -> GateOutcome:
        """``name``'s promotion gate, Holm-corrected together with the run's other promotion comparisons."""
        return self._pytest(lambda: self.run.promotion_outcome(name), name)

    def quantization_outcomes(self, name: str) -> list[GateOutcome]:
        return self._pytest(lambda: self.run.quantization_outcomes(name), name)

    def budget_outcome(self, name: str) -> GateOutcome:
        return self._pytest(lambda: self.run.budget_outcome(name), name)

    def latency_probe(self, name: str, n: int = 8) -> tuple[Callable[[], None], Callable[[], None]]:
        return self._pytest(lambda: self.run.latency_probe(name, n), name)

    def record_gates(self, record: Callable[[str, object], None], name: str, gate: str) -> None:
        """``name``'s ``gate`` outcomes as JUnit XML properties, through ``record_testsuite_property``:
        ``bench.<key>.<gate>`` = PASS or FAIL, and its numbers beside it (``.delta_pp``, ``.ci_low``, ``.ci_high``,
        ``.p``, ``.p_holm``, ``.message``). Suite properties, not ``record_property``: per-test properties are not
        part of the default xunit2 schema, and pytest warns (an error under ``filterwarnings = error``) when they
        are recorded there."""
        for key, outcome in self.run.gates_of(name, gate).items():
            for field, value in gate_properties(outcome).items():
                record(f"bench.{key}.{gate}{field}", value)

    @property
    def ran_any(self) -> bool:
        return self.run.ran_any

    def should_finish(self) -> bool:
        """Whether this process writes the report: it ran a condition, or it is the xdist controller of workers."""
        from harness.results import WORKER_INDEX_GLOB

        return self.run.ran_any or (self.xdist_controller and any(self.run.run_dir.glob(WORKER_INDEX_GLOB)))

    def finish(self) -> Path:
        return self.run.finish(worker_id=self.worker_id, merge_workers=self.xdist_controller)

    def _pytest(self, compute: Callable[[], T], name: str) -> T:
        try:
            return compute()
        except HarnessError as exc:
            problem = exc
        # Outside the except block, so pytest shows the message alone, not "during handling of ..." chains.
        skipped, message = self.run.disposition(problem, name)
        if skipped:
            pytest.skip(message)
        pytest.fail(message, pytrace=False)


def gate_properties(outcome: GateOutcome) -> dict[str, str]:
    """ "" (the verdict) and the suffixes of the numbers a CI dashboard plots; absent numbers are left out."""
    cmp = outcome.numbers.get("comparison") or {}
    numbers = {"delta_pp": cmp.get("difference"), "ci_low": cmp.get("ci_low"), "ci_high": cmp.get("ci_high"),
               "p": cmp.get("p_values", {}).get(cmp.get("test")), "p_holm": cmp.get("p_holm")}  # fmt: skip
    out = {"": "PASS" if outcome.passed else "FAIL", ".message": outcome.message}
    return out | {f".{k}": f"{v:.6g}" for k, v in numbers.items() if isinstance(v, int | float)}


def _shared_run_id(config: pytest.Config) -> str | None:
    """On an xdist worker, the run id the controller chose (so all workers report into one folder)."""
    worker = getattr(config, "workerinput", None)
    return str(worker["bench_run_id"]) if worker and worker.get("bench_run_id") else None


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
