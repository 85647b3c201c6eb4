"""Ollama backend: a model tag served by an Ollama server, through the ``ollama`` client.

Up to ``generation.concurrency`` requests are in flight at once (see ``_pool``); the server answers that many
together only when ``OLLAMA_NUM_PARALLEL`` allows it, and queues the rest.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.backends._batch import Completion, answer_one, chat_messages, finish_reason
from harness.backends._deps import check_installed, package_version, require
from harness.backends._net import PROBE_TIMEOUT_S, normalize_url
from harness.backends._pool import answer_concurrently, in_request_order
from harness.backends._retry import GaveUp, MalformedResponse, RetryPolicy, remedy
from harness.backends._types import Completed, Generation, GenerationRequest
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError, ConfigError, ModelUnavailable

__all__ = ["DEFAULT_HOST", "OllamaBackend", "check", "create", "ollama_host"]

DEFAULT_HOST = "http://127.0.0.1:11434"
_SERVE = "start the server with `ollama serve`, or set OLLAMA_HOST (or model.host) to where it runs"


def ollama_host(spec: ModelSpec | None = None) -> str:
    """``model.host``, else ``$OLLAMA_HOST``, else the local default; always ``http://host:port``."""
    configured = spec.host if spec is not None else None
    return normalize_url(configured or os.environ.get("OLLAMA_HOST") or DEFAULT_HOST, default_port=11434)


def check(spec: ModelSpec, *, model_path: Path | None = None) -> None:
    """The server answers within a second or two and has the tag pulled."""
    _no_model_path(model_path)
    check_installed("ollama")
    host = ollama_host(spec)
    if _full_tag(spec.name) not in pulled_models(host):
        raise ModelUnavailable(f"Ollama model name={spec.name} is not pulled on {host}", f"ollama pull {spec.name}")


def create(spec: ModelSpec, generation: GenerationConfig, *, model_path: Path | None = None) -> OllamaBackend:
    _no_model_path(model_path)
    return OllamaBackend(spec, generation)


def pulled_models(host: str, timeout_s: float = PROBE_TIMEOUT_S) -> dict[str, Mapping[str, Any]]:
    """Tag -> model record from ``GET /api/tags``; ModelUnavailable when the server does not answer."""
    try:
        with urllib.request.urlopen(f"{host}/api/tags", timeout=timeout_s) as response:
            payload = json.load(response)
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"Ollama server not reachable at host={host} ({exc})", _SERVE) from exc
    return {str(m.get("name") or m.get("model")): m for m in payload.get("models", [])}


def _full_tag(name: str) -> str:
    return name if ":" in name else f"{name}:latest"


def _no_model_path(model_path: Path | None) -> None:
    if model_path is not None:
        raise ConfigError(f"model_path={model_path} is not supported by provider ollama; `ollama create` a tag from it")


class OllamaBackend:
    """Chat requests to one Ollama tag; the client holds no model in this process."""

    def __init__(self, spec: ModelSpec, generation: GenerationConfig) -> None:
        ollama = require("ollama")
        self._spec, self._host = spec, ollama_host(spec)
        self._client: Any = ollama.Client(host=self._host, timeout=generation.timeout_s)
        self._timeout_s = generation.timeout_s
        self._retry = RetryPolicy.from_config(generation)
        self._concurrency = generation.concurrency
        self._version = package_version("ollama")

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return in_request_order(len(requests), self.stream(requests))

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        """Each answer as it completes, ``generation.concurrency`` requests in flight."""
        if self._client is None:
            raise BackendError(f"ollama backend for {self._spec.name} is closed; create a new one")
        return answer_concurrently(requests, self._answer, self._concurrency)

    def describe(self) -> Mapping[str, object]:
        record = self._model_record()
        details = record.get("details") or {}
        return {
            "provider": "ollama",
            "model": self._spec.name,
            "host": self._host,
            "digest": record.get("digest", "unknown"),
            "quantization": _quantization(self._spec, details),
            "engine": "ollama",
            "client_version": self._version,
            "n_ctx": self._spec.context_length,
        }

    def close(self) -> None:
        self._client = None

    def _answer(self, request: GenerationRequest) -> Generation:
        return answer_one(request, self._complete, self._explain, self._retry)

    def _complete(self, request: GenerationRequest) -> Completion:
        response = self._client.chat(
            model=self._spec.name,
            messages=chat_messages(request.messages),
            options=self._options(request),
            format=(dict(request.json_schema) if request.json_schema else "json") if request.json_output else "",
            # Ollama's own thinking switch; left unset when the condition does not switch thinking
            think=None if request.thinking == "default" else request.thinking == "on",
        )
        return _completion(response)

    def _options(self, request: GenerationRequest) -> dict[str, object]:
        return {
            "temperature": request.temperature,
            "top_p": request.top_p,
            "seed": request.seed,
            "num_predict": request.max_tokens,
            "repeat_penalty": request.repeat_penalty,
            "stop": list(request.stop),
            "num_ctx": self._spec.context_length,  # Ollama's default window silently truncates long prompts
        }

    def _explain(self, exc: BaseException) -> str:
        if isinstance(exc, GaveUp):
            fix = _SERVE if exc.fault.kind == "connection" else remedy(exc.fault, self._timeout_s)
            return f"Ollama at {self._host}: {exc}; {fix}"
        return f"Ollama failed: {type(exc).__name__}: {exc}"

    def _model_record(self) -> Mapping[str, Any]:
        try:
            return pulled_models(self._host).get(_full_tag(self._spec.name), {})
        except ModelUnavailable:
            return {}


def _quantization(spec: ModelSpec, details: Mapping[str, Any]) -> str:
    if spec.quantization != "unknown":
        return spec.quantization
    return str(details.get("quantization_level") or "unknown")


def _with_thinking(message: Any) -> str:
    """Ollama returns thinking apart from the content; tag it as the model wrote it, so one reader splits both."""
    thinking = getattr(message, "thinking", None)
    content = str(message.content or "")
    return f"<think>{thinking}</think>{content}" if thinking else content


def _completion(response: Any) -> Completion:
    """An empty answer is a valid answer; a reply without a message is a malformed one."""
    if getattr(response, "message", None) is None:
        raise MalformedResponse("no message in Ollama's reply")
    seconds = (response.eval_duration or 0) / 1e9
    count = int(response.eval_count or 0)
    return Completion(
        text=_with_thinking(response.message),
        prompt_tokens=int(response.prompt_eval_count or 0),
        completion_tokens=count,
        finish_reason=finish_reason(response.done_reason),
        extra={"engine_tokens_per_s": round(count / seconds, 3)} if seconds > 0 else {},
    )
