"""Soak runs (``-m soak``; skipped otherwise): many kills at random points of a real run with retrieval, and a
long random fault plan against both remote clients. Each prints what it injected and what happened."""

from __future__ import annotations

import random
import signal
from collections import Counter
from pathlib import Path

import pytest

from conformance.reliability.conftest import PLANTED_KEY
from conformance.reliability.fault_server import FaultInjectingServer
from conformance.reliability.resume_runs import QUESTIONS, Run, journal_lines, journal_qids
from conformance.reliability.tiny_data import write_configs
from harness.config import load_matrix
from harness.errors import BackendError
from harness.run import RunOptions, run_condition

pytestmark = pytest.mark.soak

TRANSIENT = ("429", "500", "reset", "hang", "empty_body", "invalid_json", "no_choices")
CAUSES = ("HTTP 429", "HTTP 500", "timeout", "connection failed", "malformed response")


def test_soak_many_random_kills_with_faiss_retrieval(tmp_path: Path, tiny_dataset: Path) -> None:
    configs = write_configs(tmp_path / "configs", tiny_dataset, retrieval="faiss")
    reference = Run(tmp_path, configs, tmp_path / "reference_cache", "reference").finish()
    rng = random.Random(20251121)
    cache, journal, kills = tmp_path / "cache", tmp_path / "cache" / "generations", Counter[str]()
    for round_ in range(6):
        done = journal_lines(journal)
        if done >= QUESTIONS - 1:
            break
        sig = rng.choice([signal.SIGKILL, signal.SIGKILL, signal.SIGINT])
        lines = rng.randint(done + 1, min(done + 2, QUESTIONS - 1))
        code = Run(tmp_path, configs, cache, f"round{round_}").stop_after(journal, lines, sig)
        kills[f"{sig.name} -> exit {code}"] += 1
    final = Run(tmp_path, configs, cache, "final").finish()
    qids = journal_qids(journal)
    print(f"\nsoak kills: {dict(kills)}; journal lines {len(qids)} for {QUESTIONS} questions")
    assert len(qids) == len(set(qids)) == QUESTIONS and final == reference


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_soak_a_long_random_fault_plan(
    fault_server: FaultInjectingServer,
    tiny_configs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    with open(tiny_configs / f"remote_{provider}.yaml", "a", encoding="utf-8") as fh:
        fh.write("gate: {max_error_rate: 1.0}\ngeneration: {max_retries: 3, backoff_s: 0.01, timeout_s: 0.3}\n")
    cond = load_matrix(tiny_configs).condition(f"remote_{provider}")
    rng = random.Random(7)
    outcomes: Counter[str] = Counter()
    for run in range(20):
        fault_server.script(*[rng.choice(TRANSIENT) if rng.random() < 0.45 else "ok" for _ in range(40)])
        opts = RunOptions(cache_dir=tmp_path / f"cache{run}", reports_dir=tmp_path / "reports", run_id=f"soak{run}")
        try:
            result = run_condition(cond, opts)
        except BackendError:  # pragma: no cover - max_error_rate 1.0 never trips
            raise
        fault_server.plan.clear()
        for record in result.records:
            error = record["error"]
            outcomes["answered" if error is None else next(c for c in CAUSES if c in error)] += 1
            assert error is None or "after 4 attempts" in error
            assert (error is None) == ("exact_match" in record)
            assert PLANTED_KEY not in str(error)
    served = {k: v for k, v in fault_server.served.items() if k != "ok"}
    print(f"\nsoak {provider}: faults served {served}; outcomes {dict(outcomes)}")
    assert sum(outcomes.values()) == 20 * 12
