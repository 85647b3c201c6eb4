"""Out of memory and crashed engines surface as clear errors naming the condition and the knob to turn."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conformance.reliability.conftest import PLANTED_KEY
from conformance.reliability.tiny_data import write_configs
from harness.backends import GenerationRequest, Message, embedded_gguf_path
from harness.backends._batch import Completion, generate_each
from harness.backends._hf import _load_model
from harness.backends._llama_cpp import LlamaCppBackend, _load
from harness.backends._openai import OpenAIBackend
from harness.config import GenerationConfig, ModelSpec, load_matrix
from harness.errors import BackendError, HarnessError, OutOfMemory
from harness.run import BenchRun, RunOptions, run_condition

KNOBS = ("generation.batch_size", "model.context_length", "quantisation")


class OutOfMemoryError(RuntimeError):  # the name torch.cuda.OutOfMemoryError / torch.OutOfMemoryError carry
    pass


def _request(qid: str = "q1") -> GenerationRequest:
    return GenerationRequest(qid=qid, messages=(Message(role="user", content="Question: hi"),), max_tokens=8)


def _assert_names_knobs(message: str) -> None:
    assert "out of memory" in message and all(knob in message for knob in KNOBS), message


@pytest.mark.parametrize(
    "exc",
    [MemoryError(), OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), RuntimeError("std::bad_alloc")],
    ids=["MemoryError", "torch-OutOfMemoryError", "bad_alloc"],
)
def test_out_of_memory_while_generating_stops_the_batch_and_names_the_knobs(exc: Exception) -> None:
    calls: list[str] = []

    def complete(request: GenerationRequest) -> Completion:
        calls.append(request.qid)
        raise exc

    with pytest.raises(OutOfMemory) as info:
        generate_each([_request("q1"), _request("q2")], complete, explain=str)
    _assert_names_knobs(str(info.value))
    assert "qid=q1" in str(info.value) and calls == ["q1"]  # the next question would only fail the same way


def test_out_of_memory_loading_llama_cpp_names_the_knobs() -> None:
    def llama(**kwargs: Any) -> None:
        raise MemoryError

    with pytest.raises(OutOfMemory) as info:
        spec = ModelSpec(provider="llama_cpp", name="m.gguf")
        _load(SimpleNamespace(Llama=llama), Path("m.gguf"), spec, GenerationConfig())
    _assert_names_knobs(str(info.value))


def test_a_llama_cpp_load_that_fails_names_the_file_and_the_knobs(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(embedded_gguf_path().read_bytes()[:1_000_000])  # right magic, cut short
    with pytest.raises(BackendError) as info:
        LlamaCppBackend(ModelSpec(provider="llama_cpp", name=str(broken)), GenerationConfig(), broken)
    message = str(info.value)
    assert f"could not load model file {broken}" in message and "truncated or damaged" in message
    assert all(knob in message for knob in KNOBS)


def test_out_of_memory_loading_transformers_names_the_knobs(tmp_path: Path) -> None:
    def from_pretrained(*args: Any, **kwargs: Any) -> None:
        raise OutOfMemoryError("CUDA out of memory")

    transformers = SimpleNamespace(AutoModelForCausalLM=SimpleNamespace(from_pretrained=from_pretrained))
    torch = SimpleNamespace(cuda=SimpleNamespace(is_available=lambda: False), float32="float32")
    with pytest.raises(OutOfMemory) as info:
        _load_model(transformers, torch, ModelSpec(provider="hf", name=str(tmp_path)), tmp_path)
    _assert_names_knobs(str(info.value))


@pytest.mark.slow
def test_out_of_memory_in_a_real_run_fails_the_condition_by_name(
    tmp_path: Path, tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def oom(self: LlamaCppBackend, llm: object, request: GenerationRequest) -> Completion:
        raise MemoryError

    # The one completion path of both orders (request order's idle queue, prefix order's blocks).
    monkeypatch.setattr(LlamaCppBackend, "_complete_on", oom)
    configs = write_configs(tmp_path / "configs", tiny_dataset, retrieval="gold_context")
    options = RunOptions(configs_dir=configs, cache_dir=tmp_path / "c", reports_dir=tmp_path / "r", run_id="oom")
    outcome = BenchRun(options=options).outcome("rag_baseline_tiny")
    assert isinstance(outcome, OutOfMemory), outcome
    assert str(outcome).startswith("out of memory while answering qid=")
    _assert_names_knobs(str(outcome))


# --- a server process that dies -----------------------------------------------------------------------------------


def _start_server(tmp_path: Path, *faults: str) -> tuple[subprocess.Popen[bytes], str]:
    """The fault-injecting test server in its own process, so it can crash or be killed."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    port_file = tmp_path / "port"
    root = Path(__file__).resolve().parents[2]  # the helpers are a package: run it as a module from the root
    proc = subprocess.Popen([sys.executable, "-m", "conformance.reliability.fault_server", str(port_file), *faults],
                            cwd=root)  # fmt: skip
    end = time.monotonic() + 30
    while not port_file.exists() or not port_file.read_text():
        assert proc.poll() is None and time.monotonic() < end, "the fault server did not start"
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port_file.read_text()}"


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.kill()
        proc.wait(timeout=30)


def test_a_killed_server_turns_the_next_request_into_an_error_naming_the_fix(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proc, host = _start_server(tmp_path)
    processes.append(proc)
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    spec = ModelSpec(provider="openai", name="fault-model", host=f"{host}/v1", api_key_env="OPENAI_API_KEY")
    backend = OpenAIBackend(spec, GenerationConfig(max_retries=1, backoff_s=0.01, timeout_s=2))
    (before,) = backend.generate([_request("before")])
    proc.kill()
    proc.wait(timeout=30)
    (after,) = backend.generate([_request("after")])
    backend.close()
    assert before.error is None
    assert "connection failed" in str(after.error) and "after 2 attempts" in str(after.error)
    assert "check that the server is running at model.host" in str(after.error)


def test_a_server_that_crashes_mid_run_fails_the_condition_and_keeps_the_answers(
    tmp_path: Path, tiny_dataset: Path, processes: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    proc, host = _start_server(tmp_path / "1", *["ok"] * 5, "crash")
    processes.append(proc)
    configs = write_configs(tmp_path / "configs", tiny_dataset, host=host)
    # One request in flight: the crash then comes after exactly five answers (with more, a reply still being written
    # when the server dies is lost too, and the count of failures would depend on timing).
    pinned = (configs / "remote_openai.yaml").read_text().replace("timeout_s: 1.0}", "timeout_s: 1.0, concurrency: 1}")
    (configs / "remote_openai.yaml").write_text(pinned)
    cond = load_matrix(configs).condition("remote_openai")
    opts = RunOptions(cache_dir=tmp_path / "c", reports_dir=tmp_path / "r", run_id="crashed")
    with pytest.raises(HarnessError) as info:
        run_condition(cond, opts)
    assert proc.wait(timeout=30) == 70
    message = str(info.value)
    assert message.startswith("remote_openai: 7 of 12 generations failed (limit gate.max_error_rate=0.02)")
    assert "connection failed" in message and "after 4 attempts" in message and PLANTED_KEY not in message

    restarted, new_host = _start_server(tmp_path / "2")  # the same server again, on a new port
    processes.append(restarted)
    (tmp_path / "configs" / "remote_openai.yaml").write_text(
        (tmp_path / "configs" / "remote_openai.yaml").read_text().replace(host, new_host)
    )
    cond = load_matrix(tmp_path / "configs").condition("remote_openai")
    result = run_condition(cond, RunOptions(cache_dir=tmp_path / "c", reports_dir=tmp_path / "r", run_id="again"))
    assert result.summary["n_errors"] == 0 and len(result.records) == 12
