"""The one backend interface: a batch ``generate`` over frozen requests, results in request order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

__all__ = ["Backend", "Completed", "Generation", "GenerationRequest", "Message", "StreamingBackend"]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, kw_only=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True, kw_only=True)
class GenerationRequest:
    qid: str
    messages: tuple[Message, ...]
    max_tokens: int
    temperature: float = 0.0
    top_p: float = 1.0
    repeat_penalty: float = 1.0
    seed: int = 0
    stop: tuple[str, ...] = ()
    # Constrain output to JSON (llama.cpp grammar / Ollama format=json / OpenAI json mode); with ``json_schema``, to
    # that schema where the backend can (llama.cpp grammar from the schema, Ollama format=<schema>, OpenAI
    # json_schema); transformers cannot constrain decoding, and its callers validate and retry instead.
    json_output: bool = False
    json_schema: Mapping[str, object] | None = None
    # generation.thinking: "default" leaves the model alone; "off"/"on" set its switch (``enable_thinking`` for
    # the chat template, or Ollama's ``think``). With "on", ``max_tokens`` already includes ``thinking_budget``.
    thinking: Literal["default", "off", "on"] = "default"
    thinking_budget: int = 0

    def template_kwargs(self) -> dict[str, object]:
        """Extra chat-template variables: ``enable_thinking`` when thinking is switched on or off."""
        return {} if self.thinking == "default" else {"enable_thinking": self.thinking == "on"}


@dataclass(frozen=True, kw_only=True)
class Generation:
    """What one request produced. ``error`` is set (and ``text`` empty) when the backend failed:
    such an item is recorded as an error, never scored as a wrong answer."""

    qid: str
    text: str
    latency_s: float
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str  # "stop" | "length" | "error"
    error: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    thinking: str = ""  # the model's thinking, apart from ``text``; never scored
    thinking_tokens: int = 0

    @property
    def thinking_exhausted(self) -> bool:
        """Thinking used its whole budget and no answer followed (finish_reason ``thinking_budget``)."""
        return self.finish_reason == "thinking_budget"

    @property
    def truncated(self) -> bool:
        """Stopped because it hit the token limit."""
        return self.finish_reason == "length"

    @property
    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.latency_s if self.latency_s > 0 else 0.0


@runtime_checkable
class Backend(Protocol):
    """An inference engine. Implementations live in ``harness.backends._<provider>``."""

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]: ...

    def describe(self) -> Mapping[str, object]:
        """Identity for result files: provider, model, quantisation, file hash, engine version."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True, kw_only=True)
class Completed:
    """One generation handed over as soon as it is done: ``index`` is its request's position in the call."""

    index: int
    generation: Generation


@runtime_checkable
class StreamingBackend(Backend, Protocol):
    """A backend that hands over each answer as it completes, so the run journals it at once (a kill then loses
    only what was in flight). ``generate`` is the same answers in request order."""

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]: ...
