"""Small builders for metric tests: a question, a generation and passages with readable defaults."""

from __future__ import annotations

from collections.abc import Sequence

from harness.backends._types import Generation
from harness.data._model import Question
from harness.metrics import ItemContext
from harness.retrieval._types import Chunk, Passage


def question(
    answers: Sequence[str] = ("Paris",),
    *,
    answerable: bool = True,
    gold_doc_ids: Sequence[str] = ("gold",),
    keywords: Sequence[str] = (),
    qid: str = "q1",
) -> Question:
    return Question(
        qid=qid, question="Where?", answers=tuple(answers), answerable=answerable,
        gold_doc_ids=tuple(gold_doc_ids), task_type="grounded" if answerable else "refusal", keywords=tuple(keywords),
    )  # fmt: skip


def generation(
    text: str, *, latency_s: float = 1.0, completion_tokens: int = 10, finish_reason: str = "stop",
    error: str | None = None, qid: str = "q1",
) -> Generation:  # fmt: skip
    return Generation(
        qid=qid, text=text, latency_s=latency_s, prompt_tokens=100, completion_tokens=completion_tokens,
        finish_reason=finish_reason, error=error,
    )  # fmt: skip


def passage(rank: int, doc_id: str, text: str = "Paris is the capital and largest city of France.") -> Passage:
    return Passage(chunk=Chunk(chunk_id=f"{doc_id}::0", doc_id=doc_id, title=doc_id, text=text), rank=rank, score=1.0)


def ctx(text: str, *, q: Question | None = None, passages: Sequence[Passage] = (), **gen: object) -> ItemContext:
    q = q or question()
    return ItemContext(question=q, generation=generation(text, qid=q.qid, **gen), passages=tuple(passages))  # type: ignore[arg-type]
