"""Fixtures for the reliability suite: the fault-injecting server, a tiny data set and matrix, a planted API key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.reliability.fault_server import FaultInjectingServer, running
from conformance.reliability.resume_runs import Run
from conformance.reliability.tiny_data import answer_table, write_configs, write_dataset

# Looks like a real key, so a leak would be noticed by any scanner too; never valid anywhere.
PLANTED_KEY = "sk-PLANTED-reliability-0123456789abcdefABCDEF"


@pytest.fixture(autouse=True)
def _no_stray_workers() -> Iterator[None]:
    """Kill any run worker a test started and did not wait for (a failed assertion mid-run)."""
    yield
    Run.stop_all()


@pytest.fixture
def fault_server() -> Iterator[FaultInjectingServer]:
    """The fault-injecting test server on 127.0.0.1, answering the tiny data set's questions correctly."""
    with running(FaultInjectingServer(answers=answer_table(), hang_s=3.0)) as server:
        yield server


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "data")


@pytest.fixture
def tiny_configs(tmp_path: Path, tiny_dataset: Path, fault_server: FaultInjectingServer) -> Path:
    """A matrix whose remote conditions talk to ``fault_server``."""
    return write_configs(tmp_path / "configs", tiny_dataset, host=fault_server.ollama_host)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many cases each fuzz target tried in this run (the closing note of the reliability suite quotes them)."""
    from conformance.reliability.fuzz_budget import ESCAPED, MAX_EXAMPLES, TRIED

    if TRIED:
        terminalreporter.write_sep("-", "fuzz cases tried (max_examples)")
        for target, count in sorted(TRIED.items()):
            terminalreporter.write_line(f"{target}: {count} ({MAX_EXAMPLES[target]})")
    for what, count in sorted(ESCAPED.items()):
        terminalreporter.write_line(f"escaped (not a HarnessError): {what}: {count}")
