"""OpenAI-compatible backend: the OpenAI API or any local server speaking it (llama.cpp server, vLLM).

Up to ``generation.concurrency`` requests are in flight at once (see ``_pool``), each retried on its own.
The API key is read from the env var the config names and never appears in describe(), errors, logs or answers.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.backends._batch import Completion, answer_one, chat_messages, finish_reason
from harness.backends._deps import check_installed, package_version, require
from harness.backends._net import tcp_error
from harness.backends._pool import answer_concurrently, in_request_order
from harness.backends._redact import redact
from harness.backends._retry import GaveUp, MalformedResponse, RetryPolicy, remedy
from harness.backends._types import Completed, Generation, GenerationRequest
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError, ConfigError, ModelUnavailable

__all__ = ["DEFAULT_BASE_URL", "OpenAIBackend", "api_key_env", "base_url", "check", "create"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_LOCAL_KEY = "none"  # local servers ignore the key, but the client insists on one


def base_url(spec: ModelSpec) -> str:
    return spec.host or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL


def api_key_env(spec: ModelSpec) -> str | None:
    """The env var holding the key: the configured one, OPENAI_API_KEY for the cloud, none for a local host."""
    return spec.api_key_env or (None if spec.host else "OPENAI_API_KEY")


def check(spec: ModelSpec, *, model_path: Path | None = None) -> None:
    """The key's env var is set (when one is needed) and the endpoint accepts a TCP connection."""
    _no_model_path(model_path)
    check_installed("openai")
    env = api_key_env(spec)
    if env and not os.environ.get(env):
        raise ModelUnavailable(f"API key env var {env} is not set (model.api_key_env={env})", f"export {env}=...")
    url = base_url(spec)
    if (error := tcp_error(url)) is not None:
        raise ModelUnavailable(
            f"OpenAI-compatible endpoint host={url} is not reachable ({error})",
            "start the server (e.g. `python -m llama_cpp.server --model <file.gguf> --port 8000`), fix model.host, "
            "or check the network",
        )


def create(spec: ModelSpec, generation: GenerationConfig, *, model_path: Path | None = None) -> OpenAIBackend:
    _no_model_path(model_path)
    return OpenAIBackend(spec, generation)


def _no_model_path(model_path: Path | None) -> None:
    if model_path is not None:
        raise ConfigError(f"model_path={model_path} is not supported by provider openai; serve it and set model.host")


class OpenAIBackend:
    """Chat completions against one model id. Transient faults are retried by our policy (the client's own
    retries are off, so every attempt is counted and bounded); a fault that persists is recorded, not hidden."""

    def __init__(self, spec: ModelSpec, generation: GenerationConfig) -> None:
        openai = require("openai")
        env = api_key_env(spec)
        self._spec, self._url, self._timeout_s = spec, base_url(spec), generation.timeout_s
        self._retry = RetryPolicy.from_config(generation)
        self._concurrency = generation.concurrency
        self._key = os.environ.get(env) if env else None
        self._client: Any = openai.OpenAI(
            base_url=self._url, api_key=self._key or _LOCAL_KEY, timeout=generation.timeout_s, max_retries=0
        )

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return in_request_order(len(requests), self.stream(requests))

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        """Each answer as it completes, ``generation.concurrency`` requests in flight."""
        if self._client is None:
            raise BackendError(f"openai backend for {self._spec.name} is closed; create a new one")
        return answer_concurrently(requests, self._answer, self._concurrency)

    def describe(self) -> Mapping[str, object]:
        return {
            "provider": "openai",
            "model": self._spec.name,
            "base_url": redact(self._url, [self._key]),
            "api_key_env": api_key_env(self._spec),  # the variable's name only, never its value
            "quantization": self._spec.quantization,
            "engine": "openai-python",
            "client_version": package_version("openai"),
        }

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _answer(self, request: GenerationRequest) -> Generation:
        return answer_one(request, self._complete, self._explain, self._retry)

    def _complete(self, request: GenerationRequest) -> Completion:
        response = self._client.chat.completions.create(
            model=self._spec.name,
            messages=chat_messages(request.messages),
            temperature=request.temperature,
            top_p=request.top_p,
            max_tokens=request.max_tokens,
            seed=request.seed,
            stop=list(request.stop) or None,
            **_optional_fields(request),
        )
        done = _completion(response)
        # A server (or a proxy) that echoes the Authorization header must not put the key into the journal.
        return dataclasses.replace(done, text=redact(done.text, [self._key]))

    def _explain(self, exc: BaseException) -> str:
        if isinstance(exc, GaveUp):
            message = f"OpenAI-compatible endpoint {self._url}: {exc}; {remedy(exc.fault, self._timeout_s)}"
        else:
            message = f"OpenAI-compatible endpoint {self._url} failed: {type(exc).__name__}: {exc}"
        return redact(message, [self._key])


def _optional_fields(request: GenerationRequest) -> dict[str, object]:
    fields: dict[str, object] = {}
    if request.json_output and request.json_schema is not None:
        schema = {"name": "reply", "schema": dict(request.json_schema), "strict": True}
        fields["response_format"] = {"type": "json_schema", "json_schema": schema}
    elif request.json_output:
        fields["response_format"] = {"type": "json_object"}
    extra: dict[str, object] = {}
    if request.repeat_penalty != 1.0:
        # Not an OpenAI parameter; llama.cpp-style servers read it from the body. Sent only when set.
        extra["repeat_penalty"] = request.repeat_penalty
    if request.template_kwargs():
        # vLLM and llama.cpp's server pass these to the chat template (Qwen3's enable_thinking)
        extra["chat_template_kwargs"] = request.template_kwargs()
    if extra:
        fields["extra_body"] = extra
    return fields


def _completion(response: Any) -> Completion:
    """An empty answer is a valid answer (scored, e.g. as a non-answer); a body without a choice is not."""
    choices = getattr(response, "choices", None)
    if not choices or getattr(choices[0], "message", None) is None:
        raise MalformedResponse(f"no choice with a message in the response ({type(response).__name__})")
    choice, usage = choices[0], response.usage
    return Completion(
        text=str(choice.message.content or ""),
        prompt_tokens=int(usage.prompt_tokens if usage else 0),
        completion_tokens=int(usage.completion_tokens if usage else 0),
        finish_reason=finish_reason(choice.finish_reason),
        extra={"served_model": str(response.model), "system_fingerprint": response.system_fingerprint},
    )
