"""Fixtures for backend tests: the embedded model, real llama.cpp OpenAI-compatible servers (llama-cpp-python's,
and llama.cpp's own ``llama-server`` with parallel slots), a fake
Ollama server (stdlib HTTP, so the real ``ollama`` client is exercised), and free/closed loopback ports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conformance.llama_server import ServedModel, serving
from harness.backends import embedded_gguf_path


def free_port() -> int:
    """A loopback port nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def closed_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def gguf() -> Path:
    return embedded_gguf_path()


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, deadline_s: float = 90) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"llama_cpp.server did not answer at {url} within {deadline_s} s")


@pytest.fixture(scope="session")
def llama_server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible server (``python -m llama_cpp.server``) on loopback; yields its base URL."""
    port, log = free_port(), tmp_path_factory.mktemp("llama_server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--n_ctx", "1024", "--n_threads", "2", "--seed", "0"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/v1/models", proc, log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def concurrent_llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedModel]:
    """llama.cpp's ``llama-server`` (built by ``./run setup``) with 4 parallel slots, serving the embedded model."""
    with serving(tmp_path_factory.mktemp("llama_server_slots"), parallel=4) as served:
        yield served


@dataclass
class FakeOllama:
    """What the fake server received, and what it answers."""

    host: str
    chats: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    fail_next: bool = False


def _handler(state: FakeOllama) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._send(200, {"models": state.tags})

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.chats.append(request)
            if state.fail_next:
                state.fail_next = False
                self._send(500, {"error": "model runner crashed"})
                return
            self._send(200, _chat_answer(request))

    return Handler


def _chat_answer(request: dict[str, Any]) -> dict[str, Any]:
    """Echo the question back; stop at num_predict words, as Ollama counts tokens."""
    words = ("echo: " + request["messages"][-1]["content"]).split()
    limit = request["options"]["num_predict"]
    text = '{"answer": "echo"}' if request.get("format") == "json" else " ".join(words[:limit])
    return {
        "model": request["model"],
        "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": text},
        "done": True,
        "done_reason": "length" if len(words) > limit else "stop",
        "prompt_eval_count": 11,
        "eval_count": min(len(words), limit),
        "eval_duration": 500_000_000,
    }


@pytest.fixture
def fake_ollama() -> Iterator[FakeOllama]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = FakeOllama(host=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
