"""Served backends keep ``generation.concurrency`` requests in flight, against the fault-injecting server.

The server counts how many chat requests it holds at once, when each arrived, and which questions it answered in
full; so each test reads what really went over the wire: requests overlapping (and never more than allowed),
answers back in request order, ``Retry-After`` obeyed, a fault staying with its own question, an echoed key masked
in the answer, and a run killed mid-flight losing nothing that was journaled and asking again only what was in
flight.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.reliability.conftest import PLANTED_KEY
from conformance.reliability.fault_server import FaultInjectingServer
from conformance.reliability.resume_runs import QUESTIONS, Run, journal_lines, journal_qids
from conformance.reliability.tiny_data import TOWNS, answer_table, write_configs
from harness.backends import Backend, GenerationRequest, Message
from harness.backends._ollama import OllamaBackend
from harness.backends._openai import OpenAIBackend
from harness.config import GenerationConfig, ModelSpec, load_matrix
from harness.data import build_splits, load_dataset

PROVIDERS = ("openai", "ollama")
QUESTIONS_ASKED = [f"In what year was {town} founded?" for town in TOWNS] + [
    f"What is the main export of {town}?" for town in TOWNS
]


@pytest.fixture(autouse=True)
def _planted_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)


def _backend(provider: str, server: FaultInjectingServer, **generation: object) -> Backend:
    config = GenerationConfig(**{"max_retries": 3, "backoff_s": 0.01, "timeout_s": 5.0, **generation})  # type: ignore[arg-type]
    if provider == "openai":
        spec = ModelSpec(provider="openai", name="fault-model", host=server.openai_url, api_key_env="OPENAI_API_KEY")
        return OpenAIBackend(spec, config)
    return OllamaBackend(ModelSpec(provider="ollama", name="fault-model", host=server.ollama_host), config)


def _requests(questions: list[str]) -> list[GenerationRequest]:
    return [
        GenerationRequest(qid=f"q{n}", messages=(Message(role="user", content=f"Question: {q}"),), max_tokens=32)
        for n, q in enumerate(questions)
    ]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_requests_overlap_up_to_the_concurrency_and_answers_come_back_in_request_order(
    fault_server: FaultInjectingServer, provider: str
) -> None:
    fault_server.delay_s = 0.3
    fault_server.always(QUESTIONS_ASKED[0], "stall")  # the first question is answered last...
    fault_server.hang_s = 60
    others = len(QUESTIONS_ASKED) - 1
    release = threading.Thread(target=_release_after, args=(fault_server, others), daemon=True)
    release.start()  # ...once every other one has been
    backend = _backend(provider, fault_server, concurrency=3)
    gens = backend.generate(_requests(QUESTIONS_ASKED))
    backend.close()
    assert fault_server.peak_in_flight == 3  # three at once, never more
    assert [g.qid for g in gens] == [f"q{n}" for n in range(len(QUESTIONS_ASKED))]
    assert [g.text for g in gens] == [answer_table()[q] for q in QUESTIONS_ASKED]
    assert fault_server.answered[-1] == f"Question: {QUESTIONS_ASKED[0]}"  # completion order was not request order


def _release_after(server: FaultInjectingServer, answers: int) -> None:
    end = time.monotonic() + 60
    while len(server.answered) < answers and time.monotonic() < end:
        time.sleep(0.01)
    server.release()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_fault_stays_with_its_own_question_while_others_are_in_flight(
    fault_server: FaultInjectingServer, provider: str
) -> None:
    fault_server.delay_s = 0.05
    fault_server.always(QUESTIONS_ASKED[2], "500")
    backend = _backend(provider, fault_server, concurrency=4, max_retries=2)
    gens = backend.generate(_requests(QUESTIONS_ASKED))
    backend.close()
    assert [n for n, g in enumerate(gens) if g.error] == [2]
    assert "HTTP 500 (server error" in str(gens[2].error) and "after 3 attempts" in str(gens[2].error)
    assert all(g.text == answer_table()[q] for g, q in zip(gens, QUESTIONS_ASKED, strict=True) if not g.error)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_retry_after_is_honoured(fault_server: FaultInjectingServer, provider: str) -> None:
    fault_server.retry_after_s = 1.0
    fault_server.script("retry_after")
    backend = _backend(provider, fault_server, backoff_s=0.01)  # our own backoff would wait at most 10 ms
    (gen,) = backend.generate(_requests(QUESTIONS_ASKED[:1]))
    backend.close()
    (first, _), (second, _) = fault_server.arrivals
    assert gen.error is None and gen.extra["attempts"] == 2
    assert second - first >= 1.0, f"retried after {second - first:.3f}s, the server asked for 1s"


def test_a_key_echoed_into_the_answer_text_is_redacted(fault_server: FaultInjectingServer) -> None:
    fault_server.always(QUESTIONS_ASKED[0], "echo_key")
    backend = _backend("openai", fault_server)
    (gen,) = backend.generate(_requests(QUESTIONS_ASKED[:1]))
    backend.close()
    assert fault_server.authorization[0] == f"Bearer {PLANTED_KEY}"  # the server did echo the real key...
    assert gen.text == f"{answer_table()[QUESTIONS_ASKED[0]]} Bearer ***"  # ...and the answer keeps only the mask


# --- a run killed while requests are in flight ----------------------------------------------------------------------

STALLED = 2  # requests held by the server when the run is killed; fewer than the concurrency, so the rest flow


def _concurrent_configs(tmp_path: Path, dataset: Path, server: FaultInjectingServer, provider: str) -> Path:
    configs = write_configs(tmp_path / "configs", dataset, host=server.ollama_host)
    host = server.openai_url if provider == "openai" else server.ollama_host
    key = ", api_key_env: OPENAI_API_KEY" if provider == "openai" else ""
    (configs / f"remote_{provider}.yaml").write_text(
        "size_group: remote\nrole: rag\nretrieval: {mode: gold_context}\n"
        "generation: {concurrency: 3, batch_size: 8, max_retries: 0, timeout_s: 120}\n"
        f"model: {{provider: {provider}, name: fault-model, host: '{host}'{key}}}\n",
        encoding="utf-8",
    )
    return configs


def _wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 120) -> None:
    end = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < end, what
        time.sleep(0.05)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_run_killed_mid_flight_keeps_every_finished_answer_and_asks_again_only_what_was_in_flight(
    tmp_path: Path, tiny_dataset: Path, fault_server: FaultInjectingServer, provider: str
) -> None:
    """Three requests in flight; the server holds two questions, so the third slot works through all the others.
    When the server has answered every other question, the journal must hold each of those answers (journaled as it
    came, not at the end of a batch of 8): SIGKILL then loses only the two held requests, and the resumed run asks
    the server for exactly those two."""
    condition = f"remote_{provider}"
    configs = _concurrent_configs(tmp_path, tiny_dataset, fault_server, provider)
    cond = load_matrix(configs).condition(condition)
    asked = build_splits(load_dataset(tiny_dataset, tag=cond.data.tag), cond.data).test[:QUESTIONS]
    held = [asked[1], asked[4]]
    for question in held:
        fault_server.always(question.question, "stall")
    fault_server.hang_s = 300  # held until this test releases them
    cache = tmp_path / "cache"

    run = Run(tmp_path, configs, cache, "killed", condition=condition)
    _wait_for(lambda: len(fault_server.answered) == QUESTIONS - STALLED or run.proc.poll() is not None, "no answers")
    assert run.proc.poll() is None, f"the run ended early:\n{run.log.read_text()[-3000:]}"
    _wait_for(lambda: journal_lines(cache / "generations") == QUESTIONS - STALLED, "answers not journaled", 20)
    assert fault_server.in_flight == STALLED and fault_server.peak_in_flight == 3
    run.proc.send_signal(signal.SIGKILL)
    assert run.proc.wait(timeout=60) == -signal.SIGKILL

    journaled = journal_qids(cache / "generations")
    assert sorted(journaled) == sorted(q.qid for q in asked if q not in held)
    fault_server.sticky.clear()
    fault_server.release()
    before = len(fault_server.arrivals)
    records = Run(tmp_path, configs, cache, "resumed", condition=condition).finish()
    again = [prompt for _, prompt in fault_server.arrivals[before:]]
    assert len(again) == STALLED and all(  # only what was in flight is asked again
        sum(q.question in prompt for prompt in again) == 1 for q in held
    ), again
    assert sorted(journal_qids(cache / "generations")) == sorted(q.qid for q in asked)  # nothing twice
    assert len(records) == QUESTIONS and not any(r["error"] for r in records)
