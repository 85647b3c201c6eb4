"""The pytest plugin: ``--bench-*`` options, condition parametrization, and the run session.

Registered through the ``pytest11`` entry point, so it must stay cheap to import: everything
heavy is imported when a benchmark first asks for a result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.pytest_session import BenchSession

__all__ = ["SESSION_KEY"]

SESSION_KEY = pytest.StashKey[BenchSession]()
_WATCH = "bench-gate-watch"
_PARAMS = ("condition_name", "candidate_name")
_MATRIX_ERROR = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    from harness.run import BENCH_FLAGS

    group = parser.getgroup("bench", "model-adaptation benchmark harness")
    for flags, kwargs in BENCH_FLAGS:
        group.addoption(*flags, **kwargs)
    group.addoption(
        "--bench-latency-always",
        action="store_true",
        help="replay prompts for the latency benchmark even when every answer came from the cache",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bench_gate: a statistical gate over stored per-question results")
    config.addinivalue_line(
        "markers", "bench_promotion: the promotion gate; its selected candidates form one Holm family"
    )
    config.stash[SESSION_KEY] = BenchSession.from_pytest(config)
    config.pluginmanager.register(_GateWatch(), _WATCH)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist controller: every worker reports into this run's folder."""
    node.workerinput["bench_run_id"] = node.config.stash[SESSION_KEY].options.run_id


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own choice
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``-n N`` without an explicit ``--dist``: one condition's tests per work unit (see harness.pytest_xdist_scope)."""
    if any(a == "--dist" or a.startswith("--dist=") for a in config.invocation_params.args):
        return None  # the user chose a distribution mode
    from harness.pytest_xdist_scope import ConditionScheduling

    return ConditionScheduling(config, log)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for param in _PARAMS:
        if param in metafunc.fixturenames:
            session = metafunc.config.stash[SESSION_KEY]
            try:
                names = session.condition_names(candidates_only=param == "candidate_name")
            except HarnessError as exc:
                # Reported once, without a traceback, when collection ends (pytest_collection_finish): raised here, it
                # would be a collection error per test module, each under pluggy's traceback.
                metafunc.config.stash[_MATRIX_ERROR] = str(exc)
                names = []
            metafunc.parametrize(param, names, ids=names)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        for param in _PARAMS:
            if param in callspec.params:
                session = item.config.stash[SESSION_KEY]
                item.extra_keyword_matches.update(session.keywords(callspec.params[param]))


def pytest_collection_finish(session: pytest.Session) -> None:
    """After -k/-m selection: which candidates' promotion gates run, so each gate is corrected for all of them."""
    problem = session.config.stash.get(_MATRIX_ERROR, None)
    if problem is not None:
        raise pytest.UsageError(problem)
    bench = session.config.stash.get(SESSION_KEY, None)
    if bench is None:
        return
    names = []
    for item in session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("bench_promotion") is not None and "candidate_name" in params:
            names.append(str(params["candidate_name"]))
    bench.promotion_candidates = tuple(dict.fromkeys(names))


@pytest.fixture(scope="session")
def bench_session(request: pytest.FixtureRequest) -> BenchSession:
    """The run: options, the experiment matrix, and every condition's result (computed once)."""
    return request.config.stash[SESSION_KEY]


class _GateWatch:
    """Remembers how each gate test ended; a run whose every selected gate skipped has checked nothing, so it
    must not read as a green CI: it exits 1 and says so."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}
        self.all_skipped = 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if "bench_gate" in report.keywords and (report.when == "call" or report.outcome != "passed"):
            self.outcomes[report.nodeid] = report.outcome  # a skip in setup counts; the call's result overrides

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.outcomes or any(o != "skipped" for o in self.outcomes.values()):
            return
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
            self.all_skipped = len(self.outcomes)


def pytest_sessionfinish(session: pytest.Session) -> None:
    bench = session.config.stash.get(SESSION_KEY, None)
    if bench is not None and bench.worker_id is not None and bench.ran_any:
        bench.finish()  # an xdist worker: its own index, merged by the controller


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    watch = config.pluginmanager.get_plugin(_WATCH)
    skipped = watch.all_skipped if isinstance(watch, _GateWatch) else 0
    if skipped:
        terminalreporter.write_sep("!", f"all {skipped} selected gates were skipped: nothing was checked (exit 1)")
    session = config.stash.get(SESSION_KEY, None)
    if session is not None and session.worker_id is None and session.should_finish():
        terminalreporter.write_sep("-", "benchmark report")
        try:
            path = session.finish()
        except HarnessError as exc:  # e.g. a read-only reports folder: said once, what was computed stays cached
            terminalreporter.write_line(f"report not written: {exc}", red=True)
            return
        terminalreporter.write_line(f"reports written to {path}")
        _write_verdict(terminalreporter, path)


def _write_verdict(terminalreporter: pytest.TerminalReporter, run_dir: Path) -> None:
    """The run's verdict from its stored files (as pytest-benchmark ends a run with its table): gate lines, each
    condition's headline metrics with intervals, the tally. ``harness run`` prints the same block."""
    from harness.report import verdict_lines

    try:
        lines = verdict_lines(run_dir)
    except HarnessError as exc:
        terminalreporter.write_line(f"verdict not shown: {exc}", red=True)
        return
    terminalreporter.write_sep("-", "benchmark verdict")
    for line in lines:
        mark = line.split(" ", 1)[0]
        terminalreporter.write_line(line, green=mark == "PASS", red=mark in ("FAIL", "ERROR"), yellow=mark == "SKIP")
