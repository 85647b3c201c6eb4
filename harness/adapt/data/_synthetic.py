"""Synthetic question/answer pairs generated from corpus passages, each one validated.

A generator backend (default: the embedded GGUF through llama.cpp in JSON mode; an Ollama backend
uses ``format: json``) proposes ``{"question", "answer"}`` objects; a pair is kept only if its answer
is supported by the passage (every answer word appears in it), it is not a near-copy of a kept pair
or of a held-out question. Rejections are counted by reason.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from harness.backends import Backend, GenerationRequest, Message
from harness.data import jaccard, normalize_text, token_set
from harness.retrieval import Chunk

__all__ = [
    "QA_SCHEMA",
    "SyntheticPair",
    "SyntheticReport",
    "default_generator",
    "generate_synthetic_pairs",
    "validate_pair",
]

# A plain JSON grammar lets a 135M model invent its own keys; the schema makes every output an object with string
# ``question`` and ``answer`` fields, so validation judges content, not syntax. The grammar also enforces the shape
# validation would otherwise reject most often with the embedded model (measured: 6 of 8 rejections were a
# "question" without "?" or an answer of a whole sentence): a question ends with "?", an answer is a short phrase.
QA_SCHEMA: Mapping[str, object] = MappingProxyType(
    {
        "type": "object",
        "properties": {
            # no quote, backslash or control character: those would need escapes the pattern cannot express
            "question": {"type": "string", "pattern": "^[A-Z][^?\"\\\\\\x00-\\x1f]{8,150}[?]$"},
            "answer": {"type": "string", "pattern": "^[^.?!\"\\\\\\x00-\\x1f]{1,60}$"},
        },
        "required": ["question", "answer"],
    }
)

MAX_ANSWER_WORDS = 12
NEAR_DUPLICATE = 0.8
_SYSTEM = (
    "You write one quiz question about a passage. Reply with JSON only, exactly "
    '{"question": "...", "answer": "..."}. The answer must be a short phrase copied word for word from the passage.'
)


@dataclass(frozen=True, kw_only=True)
class SyntheticPair:
    pair_id: str
    question: str
    answer: str
    chunk: Chunk


@dataclass(frozen=True, kw_only=True)
class SyntheticReport:
    requested: int
    attempts: int
    accepted: tuple[SyntheticPair, ...]
    rejected: Mapping[str, int]
    generator: Mapping[str, object] = field(default_factory=dict)
    runtime_s: float = 0.0

    def summary(self) -> dict[str, object]:
        return {
            "requested": self.requested,
            "attempts": self.attempts,
            "accepted": len(self.accepted),
            "rejected": dict(self.rejected),
            "generator": dict(self.generator),
            "runtime_s": round(self.runtime_s, 2),
        }


def default_generator() -> Backend:
    """The embedded SmolLM2 GGUF through the llama.cpp backend (retries, out-of-memory handling and all); each
    request constrains decoding to :data:`QA_SCHEMA`."""
    from harness.backends import create_backend
    from harness.config import GenerationConfig, ModelSpec

    spec = ModelSpec(provider="llama_cpp", name="embedded", quantization="Q4_1", context_length=1024)
    return create_backend(spec, GenerationConfig(batch_size=1, parallel_sequences=1))


def generate_synthetic_pairs(
    chunks: Sequence[Chunk],
    count: int,
    generator: Backend,
    *,
    seed: int,
    held_out: Sequence[str] = (),
    attempts_per_pair: int = 3,
) -> SyntheticReport:
    """Up to ``count`` validated pairs, trying at most ``count * attempts_per_pair`` passages in order."""
    start = time.perf_counter()
    state = _State(held_out=[token_set(q) for q in held_out])
    budget = min(len(chunks), count * attempts_per_pair) if chunks else 0
    for offset in range(0, budget, 8):
        batch = chunks[offset : min(offset + 8, budget)]
        generations = generator.generate([_request(c, seed + offset + i) for i, c in enumerate(batch)])
        for chunk, gen in zip(batch, generations, strict=True):
            state.consider(chunk, gen.text if gen.error is None else None, count)
        if len(state.accepted) >= count:
            break
    return SyntheticReport(
        requested=count,
        attempts=state.attempts,
        accepted=tuple(state.accepted),
        rejected=dict(state.rejected),
        generator=dict(generator.describe()),
        runtime_s=time.perf_counter() - start,
    )


@dataclass
class _State:
    held_out: list[frozenset[str]]
    accepted: list[SyntheticPair] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    attempts: int = 0

    def consider(self, chunk: Chunk, text: str | None, count: int) -> None:
        if len(self.accepted) >= count:
            return
        self.attempts += 1
        reason, pair = validate_pair(chunk, text, f"syn-{len(self.accepted)}")
        if pair is not None:
            reason = self._duplicate_reason(pair)
        if reason is not None or pair is None:
            self.rejected[reason or "invalid"] += 1
            return
        self.accepted.append(pair)

    def _duplicate_reason(self, pair: SyntheticPair) -> str | None:
        tokens = token_set(pair.question)
        if any(jaccard(tokens, token_set(p.question)) >= NEAR_DUPLICATE for p in self.accepted):
            return "duplicate"
        if any(jaccard(tokens, h) >= NEAR_DUPLICATE for h in self.held_out):
            return "near_held_out_question"
        return None


def validate_pair(chunk: Chunk, text: str | None, pair_id: str) -> tuple[str | None, SyntheticPair | None]:
    """``(None, pair)`` for a good pair, else ``(reason, None)``."""
    if text is None:
        return "generation_error", None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return "invalid_json", None
    parsed = _fields(data)
    if parsed is None:
        return "missing_fields", None
    question, answer = (" ".join(v.split()) for v in parsed)
    reason = _content_problem(question, answer, chunk.text)
    if reason is not None:
        return reason, None
    return None, SyntheticPair(pair_id=pair_id, question=question, answer=answer, chunk=chunk)


def _fields(data: object) -> tuple[str, str] | None:
    if not isinstance(data, dict):
        return None
    question, answer = data.get("question"), data.get("answer")
    if not isinstance(question, str) or not isinstance(answer, str):
        return None
    return question, answer


def _content_problem(question: str, answer: str, passage: str) -> str | None:
    answer_words = token_set(answer)
    if not question or not answer_words:
        return "empty"
    if not question.endswith("?"):
        return "not_a_question"
    if len(answer.split()) > MAX_ANSWER_WORDS:
        return "answer_too_long"
    if not answer_words <= token_set(passage):
        return "unsupported_answer"
    if normalize_text(answer) in normalize_text(question):
        return "answer_in_question"
    return None


def _request(chunk: Chunk, seed: int) -> GenerationRequest:
    user = (
        f"Passage: {chunk.title}: {chunk.text}\n\nWrite one question whose answer is a short phrase from the passage."
    )
    return GenerationRequest(
        qid=chunk.chunk_id,
        messages=(Message(role="system", content=_SYSTEM), Message(role="user", content=user)),
        max_tokens=128,  # the longest reply the schema allows is ~70 tokens; room for the JSON around it
        temperature=0.7,
        seed=seed,
        json_output=True,
        json_schema=QA_SCHEMA,
    )
