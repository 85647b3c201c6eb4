"""Backend faults, injected by the fault-injecting test server in front of the real openai and ollama clients.

Every fault is either retried into the right answer, or recorded as an error with its cause after a bounded
number of attempts: never scored as a wrong answer, never dropped, never journaled as an answer.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conformance.reliability.conftest import PLANTED_KEY
from conformance.reliability.fault_server import REFUSAL, FaultInjectingServer
from conformance.reliability.tiny_data import answer_table
from harness.backends import Backend, GenerationRequest, Message
from harness.backends._ollama import OllamaBackend
from harness.backends._openai import OpenAIBackend
from harness.config import Condition, GenerationConfig, ModelSpec, load_matrix
from harness.errors import BackendError
from harness.run import ConditionResult, RunOptions, run_condition

PROVIDERS = ("openai", "ollama")
# fault -> the cause its error record must name
TRANSIENT = {
    "429": "HTTP 429 (rate limited",
    "500": "HTTP 500 (server error",
    "reset": "connection failed (ReadError",
    "hang": "timeout",
    "empty_body": "malformed response (JSONDecodeError",
    "invalid_json": "malformed response (JSONDecodeError",
    "no_choices": "malformed response",
}
FOUNDED = "In what year was Avelor founded?"
EXPORT = "What is the main export of Brinmoor?"


@pytest.fixture(autouse=True)
def _planted_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)


def _backend(
    provider: str, server: FaultInjectingServer, *, retries: int = 3, timeout_s: float = 0.5, concurrency: int = 4
) -> Backend:
    generation = GenerationConfig(max_retries=retries, backoff_s=0.01, timeout_s=timeout_s, concurrency=concurrency)
    if provider == "openai":
        spec = ModelSpec(provider="openai", name="fault-model", host=server.openai_url, api_key_env="OPENAI_API_KEY")
        return OpenAIBackend(spec, generation)
    return OllamaBackend(ModelSpec(provider="ollama", name="fault-model", host=server.ollama_host), generation)


def _request(question: str) -> GenerationRequest:
    messages = (Message(role="user", content=f"Question: {question}"),)
    return GenerationRequest(qid=question, messages=messages, max_tokens=32)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", list(TRANSIENT))
def test_a_transient_fault_is_retried_into_the_right_answer(
    fault_server: FaultInjectingServer, provider: str, fault: str
) -> None:
    fault_server.script(fault, fault)  # two failures, then the server behaves
    backend = _backend(provider, fault_server)
    (gen,) = backend.generate([_request(FOUNDED)])
    backend.close()
    assert (gen.error, gen.text, gen.extra["attempts"]) == (None, answer_table()[FOUNDED], 3)
    assert fault_server.served == Counter({fault: 2, "ok": 1})


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", list(TRANSIENT))
def test_a_persistent_fault_is_an_error_naming_its_cause_and_the_batch_goes_on(
    fault_server: FaultInjectingServer, provider: str, fault: str
) -> None:
    fault_server.always(FOUNDED, fault)
    backend = _backend(provider, fault_server, retries=2)
    failed, fine = backend.generate([_request(FOUNDED), _request(EXPORT)])
    backend.close()
    assert (failed.finish_reason, failed.text) == ("error", "")
    assert TRANSIENT[fault] in str(failed.error) and "after 3 attempts" in str(failed.error)
    assert PLANTED_KEY not in str(failed.error)
    assert (fine.error, fine.text) == (None, answer_table()[EXPORT])
    assert fault_server.served == Counter({fault: 3, "ok": 1})


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cut_off_and_empty_outputs_are_answers_not_errors(fault_server: FaultInjectingServer, provider: str) -> None:
    fault_server.script("truncated", "empty_output")
    # The script is served in arrival order: one request in flight makes that the request order.
    backend = _backend(provider, fault_server, concurrency=1)
    cut, empty = backend.generate([_request(FOUNDED), _request(FOUNDED)])
    backend.close()
    assert (cut.error, cut.finish_reason, cut.text) == (None, "length", "1200")
    assert (empty.error, empty.finish_reason, empty.text) == (None, "stop", "")
    assert fault_server.chat_count == 2  # a valid (if poor) answer is never retried


def test_a_key_echoed_by_the_server_is_redacted(fault_server: FaultInjectingServer) -> None:
    fault_server.always(FOUNDED, "leak_key")
    backend = _backend("openai", fault_server, retries=1)
    (gen,) = backend.generate([_request(FOUNDED)])
    backend.close()
    assert fault_server.authorization[0] == f"Bearer {PLANTED_KEY}"  # the key was really sent...
    assert "upstream rejected credentials Bearer ***" in str(gen.error)  # ...and never comes back out
    assert PLANTED_KEY not in str(gen.error)


# --- the same faults through a whole condition -----------------------------------------------------------------


def _condition(configs: Path, name: str, extra: str = "") -> Condition:
    if extra:
        with open(configs / f"{name}.yaml", "a", encoding="utf-8") as fh:
            fh.write(extra)
    return load_matrix(configs).condition(name)


def _run(cond: Condition, tmp_path: Path, run_id: str = "r1") -> ConditionResult:
    opts = RunOptions(cache_dir=tmp_path / "cache", reports_dir=tmp_path / "reports", run_id=run_id)
    return run_condition(cond, opts)


def _journal(tmp_path: Path) -> list[dict[str, Any]]:
    (path,) = (tmp_path / "cache" / "generations").glob("*.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _answerable_right(result: ConditionResult) -> bool:
    return all(r["exact_match"] == 1.0 for r in result.records if r["answerable"])


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_run_through_every_transient_fault_scores_as_if_nothing_happened(
    fault_server: FaultInjectingServer, tiny_configs: Path, tmp_path: Path, provider: str
) -> None:
    plan = [step for fault in TRANSIENT for step in (fault, "ok")]  # each of 7 questions fails once
    fault_server.script(*plan)
    result = _run(_condition(tiny_configs, f"remote_{provider}"), tmp_path)
    assert len(result.records) == 12 and result.summary["n_errors"] == 0
    assert _answerable_right(result)
    assert all(r["answer"] == REFUSAL for r in result.records if not r["answerable"])
    assert fault_server.served == Counter({**{f: 1 for f in TRANSIENT}, "ok": 12})
    # A served model's answers can depend on how many requests its batches held: the level is kept with them.
    assert result.context["generations"]["concurrency"] == result.condition.generation.concurrency


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_question_that_keeps_failing_is_recorded_not_scored_not_dropped_and_retried_next_run(
    fault_server: FaultInjectingServer, tiny_configs: Path, tmp_path: Path, provider: str
) -> None:
    fault_server.always(FOUNDED, "500")
    cond = _condition(tiny_configs, f"remote_{provider}", "gate: {max_error_rate: 0.1}\n")
    result = _run(cond, tmp_path)
    assert len(result.records) == 12 and result.summary["n_errors"] == 1
    (bad,) = [r for r in result.records if r["error"]]
    assert bad["qid"] == "q0-0" and "HTTP 500 (server error" in bad["error"] and "after 4 attempts" in bad["error"]
    assert "exact_match" not in bad and "f1" not in bad  # an error is never scored as a wrong answer
    assert result.summary["n_exact_match"] == 11
    lines = (result.out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    assert [row["generation"]["qid"] for row in _journal(tmp_path) if not row["generation"]["error"]].count("q0-0") == 0

    fault_server.sticky.clear()
    before = fault_server.chat_count
    again = _run(cond, tmp_path, run_id="r2")
    assert fault_server.chat_count - before == 1  # only the errored question is asked again
    assert again.summary["n_errors"] == 0 and _answerable_right(again)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_error_rate_over_the_limit_fails_the_run_clearly_and_keeps_the_answers(
    fault_server: FaultInjectingServer, tiny_configs: Path, tmp_path: Path, provider: str
) -> None:
    for town in ("Avelor", "Brinmoor", "Caldris"):
        fault_server.always(f"In what year was {town} founded?", "429")
    cond = _condition(tiny_configs, f"remote_{provider}")
    with pytest.raises(BackendError) as info:
        _run(cond, tmp_path)
    message = str(info.value)
    assert f"remote_{provider}: 3 of 12 generations failed (limit gate.max_error_rate=0.02)" in message
    assert "HTTP 429 (rate limited" in message and "after 4 attempts" in message
    assert PLANTED_KEY not in message
    fault_server.sticky.clear()
    before = fault_server.chat_count
    result = _run(cond, tmp_path, run_id="r2")
    assert fault_server.chat_count - before == 3 and result.summary["n_errors"] == 0
