"""FaultInjectingServer: a TEST DOUBLE on loopback that speaks just enough of two inference APIs to drive the
real ``openai`` and ``ollama`` clients (through the harness's backends), and misbehaves on a script.

It is not a model and not a server anyone should deploy: it answers from a fixed question -> answer table,
binds 127.0.0.1 on a random port, and exists only so the conformance suite can inject faults the real
servers produce rarely and unpredictably.

Endpoints: OpenAI ``POST /v1/chat/completions``, ``GET /v1/models``; Ollama ``POST /api/chat``,
``GET /api/tags``, ``POST /api/show``, ``GET /api/version``. Each chat request takes the next fault from the
plan (``script``), or the fault set for its question (``always``), else ``ok``. Faults:

==============  ====================================================================================
``ok``          a normal answer
``429``         HTTP 429 with a JSON error body (rate limited)
``500``         HTTP 500 with a JSON error body
``reset``       the TCP connection is reset (RST) after the request is read, before any reply byte
``hang``        no reply for ``hang_s`` seconds (past the client's timeout), then the connection closes
``empty_body``  HTTP 200 with an empty body
``invalid_json`` HTTP 200 whose body is not JSON
``no_choices``  HTTP 200, valid JSON, but no choice/message (a malformed completion)
``truncated``   a normal reply cut to half its words, with finish_reason / done_reason ``length``
``empty_output`` a normal reply whose content is the empty string
``leak_key``    HTTP 500 whose error message echoes the request's Authorization header (as careless proxies do)
``crash``       the whole server process exits at once (only in script mode: a crashed inference server)
==============  ====================================================================================

Run as a module (``python -m conformance.reliability.fault_server PORT_FILE [FAULT ...]``, from the root)
it serves the scripted faults, then ``ok``,
until killed or crashed: the crash tests use it.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
import threading
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FAULTS = (
    "ok", "429", "500", "reset", "hang", "empty_body", "invalid_json", "no_choices", "truncated", "empty_output",
    "leak_key", "crash",
)  # fmt: skip
MODEL = "fault-model"
REFUSAL = "I cannot answer this from the provided passages."


@dataclass
class FaultInjectingServer:
    """A scripted, counting fake of the OpenAI and Ollama chat APIs (see the module docstring)."""

    answers: Mapping[str, str] = field(default_factory=dict)  # a question (substring) -> the answer text
    hang_s: float = 3.0
    plan: deque[str] = field(default_factory=deque)
    sticky: dict[str, str] = field(default_factory=dict)  # a question (substring) -> its fault, every time
    served: Counter[str] = field(default_factory=Counter)  # fault -> how many chat requests got it
    chats: list[dict[str, Any]] = field(default_factory=list)  # every chat request body, in order
    authorization: list[str] = field(default_factory=list)  # Authorization headers received
    port: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def ollama_host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def chat_count(self) -> int:
        return sum(self.served.values())

    def script(self, *faults: str) -> None:
        """The faults of the next chat requests, in order; then ``ok`` again."""
        unknown = [f for f in faults if f not in FAULTS]
        if unknown:
            raise ValueError(f"unknown fault(s) {unknown}; known: {FAULTS}")
        self.plan.extend(faults)

    def always(self, question: str, fault: str) -> None:
        """Every request whose prompt contains ``question`` gets ``fault`` (a question that never succeeds)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {FAULTS}")
        self.sticky[question] = fault

    def next_fault(self, prompt: str) -> str:
        with self._lock:
            sticky = [fault for question, fault in self.sticky.items() if question in prompt]
            fault = sticky[0] if sticky else self.plan.popleft() if self.plan else "ok"
            self.served[fault] += 1
            return fault

    def answer(self, prompt: str) -> str:
        return next((a for q, a in self.answers.items() if q in prompt), REFUSAL)

    def wait(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def stop(self) -> None:
        self._stop.set()


@contextmanager
def running(server: FaultInjectingServer) -> Iterator[FaultInjectingServer]:
    """Serve ``server`` on 127.0.0.1 (a random free port) for the duration of the block."""
    httpd = ThreadingHTTPServer(("127.0.0.1", server.port), _handler(server))
    httpd.daemon_threads = True
    httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]  # resets are deliberate
    server.port = int(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name="fault-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _handler(state: FaultInjectingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the counters instead
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/api/tags"):
                self._json(200, {"models": [_tag()]})
            elif self.path.startswith("/api/version"):
                self._json(200, {"version": "0.0.0-fault-server"})
            elif self.path.startswith("/v1/models"):
                self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "test"}]})
            else:
                self._json(404, {"error": f"no route {self.path}"})

        def do_POST(self) -> None:
            body = self._body()
            if self.path.startswith("/api/show"):
                self._json(200, {"details": _tag()["details"], "model_info": {}})
            elif self.path.startswith(("/v1/chat/completions", "/api/chat")):
                self._chat(body, openai=self.path.startswith("/v1/"))
            else:
                self._json(404, {"error": f"no route {self.path}"})

        def _body(self) -> dict[str, Any]:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                parsed = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                return {}
            return parsed if isinstance(parsed, dict) else {}

        def _chat(self, body: dict[str, Any], *, openai: bool) -> None:
            state.chats.append(body)
            state.authorization.append(self.headers.get("Authorization") or "")
            prompt = _last_user_message(body)
            fault = state.next_fault(prompt)
            if fault == "crash":
                os._exit(70)  # no reply, no cleanup: what a crashed server looks like from outside
            if fault in ("429", "500", "leak_key"):
                message = {"429": "rate limit exceeded, slow down", "500": "model runner crashed"}.get(
                    fault, f"upstream rejected credentials {self.headers.get('Authorization')}"
                )
                error = {"message": message, "type": "fault_server"} if openai else message
                self._json(429 if fault == "429" else 500, {"error": error})
            elif fault == "reset":
                self._reset()
            elif fault == "hang":
                state.wait(state.hang_s)
                self.close_connection = True
            elif fault == "empty_body":
                self._raw(200, b"")
            elif fault == "invalid_json":
                self._raw(200, b'{"choices": [ this is not JSON')
            elif fault == "no_choices":
                self._json(200, {"id": "x", "object": "chat.completion", "model": MODEL} if openai else {})
            else:
                text = _shape(state.answer(prompt), fault)
                reason = "length" if fault == "truncated" else "stop"
                self._json(200, _openai_reply(body, text, reason) if openai else _ollama_reply(body, text, reason))

        def _reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def _json(self, status: int, payload: Mapping[str, Any]) -> None:
            self._raw(status, json.dumps(payload).encode())

        def _raw(self, status: int, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (a timeout on its side): nothing left to tell it
                self.close_connection = True

    return Handler


def _last_user_message(body: Mapping[str, Any]) -> str:
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict) and m.get("role") == "user"]
    return str(messages[-1].get("content") or "") if messages else ""


def _shape(text: str, fault: str) -> str:
    if fault == "empty_output":
        return ""
    if fault == "truncated":
        words = text.split()
        return " ".join(words[: max(1, len(words) // 2)])
    return text


def _openai_reply(body: Mapping[str, Any], text: str, reason: str) -> dict[str, Any]:
    prompt_tokens, completion_tokens = len(_last_user_message(body).split()), len(text.split())
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": 0,
        "model": str(body.get("model") or MODEL),
        "system_fingerprint": "fault-server",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _ollama_reply(body: Mapping[str, Any], text: str, reason: str) -> dict[str, Any]:
    return {
        "model": str(body.get("model") or MODEL),
        "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": text},
        "done": True,
        "done_reason": reason,
        "prompt_eval_count": len(_last_user_message(body).split()),
        "eval_count": len(text.split()),
        "eval_duration": 100_000_000,
    }


def _tag() -> dict[str, Any]:
    name = f"{MODEL}:latest"
    return {"name": name, "model": name, "digest": "f00d", "details": {"quantization_level": "Q4_K_M"}}


def main(argv: list[str]) -> None:
    """Serve the faults ``argv[1:]``, then ``ok``, writing the port to ``argv[0]`` once listening."""
    from conformance.reliability.tiny_data import answer_table

    with running(FaultInjectingServer(answers=answer_table())) as server:
        server.script(*argv[1:])
        Path(argv[0]).write_text(str(server.port), encoding="utf-8")
        threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
