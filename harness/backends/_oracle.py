"""The oracle provider: answers every question right, to check a data set and the gates end to end.

``model: {provider: oracle, name: gold, quantization: oracle}``. The run hands the oracle its data set directory
(``model_path``; a ``name`` that is a data set directory serves when it is used outside a run). For each request
the oracle looks the question up by qid in that data set and answers with its first gold answer, citing the first
passage shown that holds it (as evaluation numbers them); a refusal (the shared refusal sentence) when the
question is unanswerable. A gold answer no shown passage holds is given uncited. It is not a model: it has no
weights and no quantisation level, and a condition using it is comparable with any arm of its size group.

If the oracle is not promoted over a RAG baseline, the data set (gold answers not in their documents, questions
without gold documents) or the gate is broken.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.backends._types import Generation, GenerationRequest
from harness.config import GenerationConfig, ModelSpec
from harness.errors import ModelUnavailable

__all__ = ["ORACLE_QUANTIZATION", "OracleBackend", "check", "create", "passages_in_prompt"]

ORACLE_QUANTIZATION = "oracle"
_BLOCK = re.compile(r"^\[(\d+)\] (.*?)(?=^\[\d+\] |\n\nQuestion: |\Z)", re.MULTILINE | re.DOTALL)


def _source(spec: ModelSpec, model_path: Path | None) -> Path:
    return Path(model_path) if model_path is not None else Path(spec.name).expanduser()


def check(spec: ModelSpec, *, model_path: Path | None = None) -> None:
    directory = _source(spec, model_path)
    if not (directory / "questions.jsonl").is_file():
        raise ModelUnavailable(
            f"oracle: {directory} is not a data set directory with questions.jsonl",
            "run the oracle condition through the harness (it passes the run's data set), or set model.name to one",
        )


def create(spec: ModelSpec, generation: GenerationConfig, *, model_path: Path | None = None) -> OracleBackend:
    return OracleBackend(spec, _source(spec, model_path))


def passages_in_prompt(text: str) -> dict[int, str]:
    """``rank -> "Title: text"`` of the numbered passages of an evaluation prompt (``[n] Title: text`` blocks)."""
    _, sep, rest = text.partition("Passages:\n")
    return {int(m.group(1)): m.group(2).strip() for m in _BLOCK.finditer(rest)} if sep else {}


class OracleBackend:
    def __init__(self, spec: ModelSpec, source: Path) -> None:
        from harness.data import read_questions_jsonl

        self._spec, self._source = spec, source
        self._questions = {q.qid: q for q in read_questions_jsonl(source / "questions.jsonl")}

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return [self._answer(r) for r in requests]

    def describe(self) -> Mapping[str, object]:
        return {"provider": "oracle", "model": self._spec.name, "dataset": str(self._source.resolve()),
                "quantization": ORACLE_QUANTIZATION, "engine": "oracle"}  # fmt: skip

    def close(self) -> None:
        self._questions = {}

    def _answer(self, request: GenerationRequest) -> Generation:
        question = self._questions.get(request.qid)
        if question is None:
            return Generation(
                qid=request.qid,
                text="",
                latency_s=0.0,
                prompt_tokens=0,
                completion_tokens=0,
                finish_reason="error",
                error=f"oracle: no question {request.qid!r} in {self._source}",
            )
        text = _refusal() if not question.answerable else _cited(question.answers[0], request)
        return Generation(qid=request.qid, text=text, latency_s=0.0, prompt_tokens=0,
                          completion_tokens=len(text.split()), finish_reason="stop")  # fmt: skip


def _refusal() -> str:
    from harness.prompting import REFUSAL_SENTENCE

    return REFUSAL_SENTENCE


def _cited(answer: str, request: GenerationRequest) -> str:
    from harness.metrics import normalize_answer

    wanted = f" {normalize_answer(answer)} "
    shown = passages_in_prompt(request.messages[-1].content)
    rank = next((n for n, text in sorted(shown.items()) if wanted in f" {normalize_answer(text)} "), None)
    return answer if rank is None else f"{answer} [{rank}]"
