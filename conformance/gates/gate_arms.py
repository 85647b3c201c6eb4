"""Deterministic answer policies for gate tests, scored through the real metrics.

They are scripted arms, not models: an oracle (gold answer, correct citation), an always-refuse
arm, and a seeded "noisy" arm that is right with a given probability.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from harness.backends import Generation
from harness.config import Condition, ModelSpec
from harness.data import Document, Question
from harness.gates import ResultSet
from harness.prompting import REFUSAL_SENTENCE
from harness.retrieval import Chunk, Passage
from harness.run._records import build_record

Policy = Callable[[Question, list[Passage]], str]


def dataset(n: int) -> tuple[list[Document], list[Question]]:
    """Short one-fact documents, so a gold answer covers most of its passage's long words."""
    docs, questions = [], []
    for i in range(n):
        fact = f"Keeper{i} guards tower{i}"
        docs.append(Document(doc_id=f"d{i}", title=f"Tower {i}", text=fact))
        answerable = i % 3 != 0
        questions.append(
            Question(
                qid=f"q{i:03d}",
                question=f"Who guards tower{i}?",
                answers=(f"Keeper{i} guards tower{i}",) if answerable else (),
                answerable=answerable,
                gold_doc_ids=(f"d{i}",),
                task_type="grounded" if answerable else "refusal",
            )
        )
    return docs, questions


def passages_for(doc: Document, other: Document) -> list[Passage]:
    chunks = [Chunk(chunk_id=f"{d.doc_id}::0", doc_id=d.doc_id, title=d.title, text=d.text) for d in (doc, other)]
    return [Passage(chunk=c, rank=r, score=1.0 / r) for r, c in enumerate(chunks, start=1)]


def oracle(question: Question, passages: list[Passage]) -> str:
    if not question.answerable:
        return REFUSAL_SENTENCE
    rank = next(p.rank for p in passages if p.doc_id in question.gold_doc_ids)
    return f"{question.answers[0]} [{rank}]"


def oracle_citing_the_other_passage(question: Question, passages: list[Passage]) -> str:
    """The gold answer, citing the passage that does not hold it."""
    if not question.answerable:
        return REFUSAL_SENTENCE
    rank = next(p.rank for p in passages if p.doc_id not in question.gold_doc_ids)
    return f"{question.answers[0]} [{rank}]"


def oracle_uncited(question: Question, passages: list[Passage]) -> str:
    """The gold answer with no citation at all."""
    return REFUSAL_SENTENCE if not question.answerable else question.answers[0]


def always_refuse(question: Question, passages: list[Passage]) -> str:
    return REFUSAL_SENTENCE


def noisy(p_correct: float, seed: int) -> Policy:
    rng = random.Random(seed)

    def answer(question: Question, passages: list[Passage]) -> str:
        return oracle(question, passages) if rng.random() < p_correct else "Somebody else entirely [2]"

    return answer


def run_arm(cond: Condition, policy: Policy, n: int = 300, *, quantization: str | None = None) -> ResultSet:
    docs, questions = dataset(n)
    records = []
    for i, q in enumerate(questions):
        shown = passages_for(docs[i], docs[(i + 1) % n])
        text = policy(q, shown)
        gen = Generation(
            qid=q.qid, text=text, latency_s=0.1, prompt_tokens=50, completion_tokens=8, finish_reason="stop"
        )
        records.append(build_record(cond, q, shown, gen, cond.scoring))
    quant = quantization or cond.model.quantization
    return ResultSet(condition=cond.name, size_group=cond.size_group, quantization=quant, records=tuple(records))


def with_model(cond: Condition, **changes: str) -> Condition:
    import dataclasses

    model: ModelSpec = dataclasses.replace(cond.model, **changes)
    return dataclasses.replace(cond, model=model)
