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
``retry_after`` HTTP 429 with ``Retry-After: <retry_after_s>`` (a server saying how long to back off)
``stall``       no reply until ``release()`` (or ``hang_s``), then a normal answer: a request still in flight
``echo_key``    a normal reply whose answer text echoes the request's Authorization header
==============  ====================================================================================

Every ``ok`` reply waits ``delay_s`` first (a server busy decoding), so requests overlap; ``peak_in_flight`` counts
the most chat requests the server held at once, and ``answered`` the questions it replied to with an answer.

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
import time
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FAULTS = (
    "ok", "429", "500", "reset", "hang", "empty_body", "invalid_json", "no_choices", "truncated", "empty_output",
    "leak_key", "crash", "retry_after", "stall", "echo_key",
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
    delay_s: float = 0.0  # before every normal answer
    retry_after_s: float = 1.0  # what a ``retry_after`` fault tells the client
    arrivals: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, question) of each chat request
    answered: list[str] = field(default_factory=list)  # questions whose answer was sent in full, in order
    in_flight: int = 0
    peak_in_flight: int = 0
    port: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _release: threading.Event = field(default_factory=threading.Event)
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

    def release(self) -> None:
        """Let every stalled request (and every later ``stall``) answer."""
        self._release.set()

    def stall(self) -> None:
        self._release.wait(self.hang_s)

    def enter(self, question: str) -> None:
        with self._lock:
            self.arrivals.append((time.monotonic(), question))
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

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
        server.release()
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
            state.enter(prompt)
            self.held = True
            try:
                self._reply(body, prompt, openai=openai)
            finally:
                self._let_go()

        def _let_go(self) -> None:
            """No longer in flight: called before the reply's first byte, since a client may send its next request
            the moment it has the reply, before this thread runs again."""
            if getattr(self, "held", False):
                self.held = False
                state.leave()

        def _reply(self, body: dict[str, Any], prompt: str, *, openai: bool) -> None:
            fault = state.next_fault(prompt)
            if fault == "crash":
                os._exit(70)  # no reply, no cleanup: what a crashed server looks like from outside
            if fault == "retry_after":
                error = {"message": "slow down", "type": "fault_server"} if openai else "slow down"
                self._json(429, {"error": error}, {"Retry-After": f"{state.retry_after_s:g}"})
            elif fault in ("429", "500", "leak_key"):
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
                if fault == "stall":
                    state.stall()
                else:
                    state.wait(state.delay_s)
                text = _shape(state.answer(prompt), fault)
                text = f"{text} {self.headers.get('Authorization')}" if fault == "echo_key" else text
                reason = "length" if fault == "truncated" else "stop"
                reply = _openai_reply(body, text, reason) if openai else _ollama_reply(body, text, reason)
                if self._json(200, reply):
                    state.answered.append(prompt)

        def _reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def _json(self, status: int, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> bool:
            return self._raw(status, json.dumps(payload).encode(), headers)

        def _raw(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> bool:
            """Whether the whole reply was sent."""
            self._let_go()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
            except OSError:  # the client gave up (a timeout on its side): nothing left to tell it
                self.close_connection = True
                return False
            return True

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
