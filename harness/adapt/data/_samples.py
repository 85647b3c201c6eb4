"""Training samples from a split: the ``instruction`` and ``rag_trained`` recipes.

``rag_trained`` mixes grounded (one gold passage, maybe distractors), synthesis (two documents) and
refusal (irrelevant passages, or an unanswerable question) samples; prompts come from
:mod:`harness.prompting`, so training sees exactly the system rules and passage format of evaluation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from harness.adapt._types import SampleKind, TrainingSample
from harness.adapt.data._passages import ChunkPool, number_passages
from harness.backends import Message
from harness.config import AdaptationConfig
from harness.data import Question
from harness.errors import DataError
from harness.prompting import REFUSAL_SENTENCE, build_messages
from harness.retrieval import Chunk

__all__ = [
    "MIN_TRAIN_SAMPLES",
    "MIN_VAL_SAMPLES",
    "RecipeInput",
    "build_samples",
    "grounded_sample",
    "mix_counts",
    "sample_from_pair",
]

MIN_TRAIN_SAMPLES = 8
MIN_VAL_SAMPLES = 2
MAX_PASSAGES = 3  # gold + up to two distractors, like top_k=3 retrieval


@dataclass(frozen=True, kw_only=True)
class RecipeInput:
    """What a recipe needs besides the questions: the split name (for errors), a seed and a size cap."""

    split: str
    seed: int
    limit: int | None
    minimum: int


def mix_counts(total: int, cfg: AdaptationConfig) -> dict[str, int]:
    """Grounded / synthesis / refusal counts for ``total`` samples under ``cfg.mix``."""
    grounded = round(total * cfg.mix.grounded)
    synthesis = round(total * cfg.mix.synthesis)
    return {"grounded": grounded, "synthesis": synthesis, "refusal": max(0, total - grounded - synthesis)}


def build_samples(
    questions: Sequence[Question], pool: ChunkPool, cfg: AdaptationConfig, spec: RecipeInput
) -> list[TrainingSample]:
    """The samples of one split under ``cfg.recipe``, shuffled with ``spec.seed``."""
    rng = random.Random(spec.seed)
    total = len(questions) if spec.limit is None else min(len(questions), spec.limit)
    if cfg.recipe == "instruction":
        samples = _instruction(questions, rng, total)
    else:
        samples = _rag_trained(questions, pool, cfg, spec, rng, total)
    rng.shuffle(samples)
    _check_enough(samples, questions, cfg, spec)
    return samples


def _check_enough(
    samples: list[TrainingSample], questions: Sequence[Question], cfg: AdaptationConfig, spec: RecipeInput
) -> None:
    if len(samples) < spec.minimum:
        raise DataError(
            f"{spec.split} split gives {len(samples)} training samples (recipe={cfg.recipe}, from {len(questions)} "
            f"questions); at least {spec.minimum} are needed: add questions to the data set, or raise "
            "adaptation.max_train_samples"
        )


def _answerable(questions: Sequence[Question]) -> list[Question]:
    return [q for q in questions if q.answerable and q.answers and q.gold_doc_ids]


def _instruction(questions: Sequence[Question], rng: random.Random, total: int) -> list[TrainingSample]:
    chosen = _answerable(questions)
    rng.shuffle(chosen)
    return [_sample("instruction", (q.qid,), build_messages(q.question, None), q.answers[0]) for q in chosen[:total]]


def _rag_trained(
    questions: Sequence[Question],
    pool: ChunkPool,
    cfg: AdaptationConfig,
    spec: RecipeInput,
    rng: random.Random,
    total: int,
) -> list[TrainingSample]:
    counts = mix_counts(total, cfg)
    answerable = _answerable(questions)
    unanswerable = [q for q in questions if not q.answerable]
    _check_sources(counts, answerable, unanswerable, spec.split)
    rng.shuffle(answerable)
    rng.shuffle(unanswerable)
    grounded = [s for q in answerable[: counts["grounded"]] if (s := grounded_sample(q, pool, rng)) is not None]
    return (
        grounded
        + _synthesis(answerable, pool, rng, counts["synthesis"])
        + _refusals(answerable, unanswerable, pool, rng, counts["refusal"])
    )


def _check_sources(
    counts: dict[str, int], answerable: list[Question], unanswerable: list[Question], split: str
) -> None:
    if counts["grounded"] and not answerable:
        raise DataError(f"{split} split has no answerable questions with gold documents; grounded samples need them")
    if counts["refusal"] and not unanswerable:
        raise DataError(
            f"{split} split has no refusal examples (questions with answerable=false), but recipe=rag_trained with "
            f"mix.refusal>0 needs them to teach the refusal sentence; add unanswerable questions to questions.jsonl, "
            "or set adaptation.mix.refusal: 0 (rebalancing grounded/synthesis), or use adaptation.recipe: instruction"
        )


def grounded_sample(
    q: Question, pool: ChunkPool, rng: random.Random, kind: SampleKind = "grounded"
) -> TrainingSample | None:
    """Gold chunk at a random position among 0-2 distractors; the answer cites it."""
    gold = pool.gold_chunk(q.gold_doc_ids[0], q.answers[0], q.question)
    if gold is None:
        return None
    chunks = pool.distractors(rng, rng.randint(0, MAX_PASSAGES - 1), q.gold_doc_ids, q.answers[0])
    position = rng.randint(0, len(chunks))
    chunks.insert(position, gold)
    return _sample(
        kind, (q.qid,), build_messages(q.question, number_passages(chunks)), _cite(q.answers[0], [position + 1])
    )


def _synthesis(answerable: list[Question], pool: ChunkPool, rng: random.Random, count: int) -> list[TrainingSample]:
    """Two-document samples: real synthesis questions first, else two grounded questions asked together."""
    real = [q for q in answerable if q.task_type == "synthesis" and len(q.gold_doc_ids) >= 2]
    samples = [s for q in real[:count] if (s := _two_doc_sample(q, pool, rng)) is not None]
    pairs = _pairs_from_different_docs(answerable, rng)
    samples += [s for a, b in pairs[: count - len(samples)] if (s := _paired_sample(a, b, pool, rng)) is not None]
    return samples


def _two_doc_sample(q: Question, pool: ChunkPool, rng: random.Random) -> TrainingSample | None:
    chunks = [pool.context_chunk(d, f"{q.question} {q.answers[0]}") for d in q.gold_doc_ids[:2]]
    present = [c for c in chunks if c is not None]
    if len(present) < 2:
        return None
    rng.shuffle(present)
    messages = build_messages(q.question, number_passages(present))
    return _sample("synthesis", (q.qid,), messages, _cite(q.answers[0], [1, 2]))


def _pairs_from_different_docs(answerable: list[Question], rng: random.Random) -> list[tuple[Question, Question]]:
    """Disjoint pairs of questions about different documents, in a seeded order."""
    order = list(answerable)
    rng.shuffle(order)
    pairs: list[tuple[Question, Question]] = []
    waiting: list[Question] = []
    for q in order:
        partner = next((w for w in waiting if w.gold_doc_ids[0] != q.gold_doc_ids[0]), None)
        if partner is None:
            waiting.append(q)
        else:
            waiting.remove(partner)
            pairs.append((partner, q))
    return pairs


def _paired_sample(a: Question, b: Question, pool: ChunkPool, rng: random.Random) -> TrainingSample | None:
    gold_a = pool.gold_chunk(a.gold_doc_ids[0], a.answers[0], a.question)
    gold_b = pool.gold_chunk(b.gold_doc_ids[0], b.answers[0], b.question)
    if gold_a is None or gold_b is None:
        return None
    flipped = rng.random() < 0.5
    chunks: list[Chunk] = [gold_b, gold_a] if flipped else [gold_a, gold_b]
    n_a, n_b = (2, 1) if flipped else (1, 2)
    question = f"{a.question.strip()} And {b.question.strip()}"
    answer = f"{_cite(a.answers[0], [n_a])} {_cite(b.answers[0], [n_b])}"
    return _sample("synthesis", (a.qid, b.qid), build_messages(question, number_passages(chunks)), answer)


def _refusals(
    answerable: list[Question], unanswerable: list[Question], pool: ChunkPool, rng: random.Random, count: int
) -> list[TrainingSample]:
    """Half unanswerable questions over their own document, half answerable ones over irrelevant passages."""
    from_unanswerable = [_unanswerable_sample(q, pool, rng) for q in unanswerable[: (count + 1) // 2]]
    # Irrelevant-passage refusals reuse answerable questions from the far end of the shuffled list.
    n_irrelevant = count - len(from_unanswerable)
    irrelevant = [_irrelevant_sample(q, pool, rng) for q in answerable[::-1][:n_irrelevant]]
    return [s for s in from_unanswerable + irrelevant if s is not None]


def _unanswerable_sample(q: Question, pool: ChunkPool, rng: random.Random) -> TrainingSample | None:
    own = [c for d in q.gold_doc_ids[:1] if (c := pool.context_chunk(d, q.question)) is not None]
    chunks = own + pool.distractors(rng, rng.randint(0, MAX_PASSAGES - 1 - len(own)), q.gold_doc_ids)
    if not chunks:
        return None
    rng.shuffle(chunks)
    return _sample("refusal", (q.qid,), build_messages(q.question, number_passages(chunks)), REFUSAL_SENTENCE)


def _irrelevant_sample(q: Question, pool: ChunkPool, rng: random.Random) -> TrainingSample | None:
    chunks = pool.distractors(rng, rng.randint(1, MAX_PASSAGES), q.gold_doc_ids, q.answers[0])
    if not chunks:
        return None
    return _sample("refusal", (q.qid,), build_messages(q.question, number_passages(chunks)), REFUSAL_SENTENCE)


def _cite(answer: str, numbers: Sequence[int]) -> str:
    marks = "".join(f"[{n}]" for n in numbers)
    return f"{answer.strip().rstrip('.')} {marks}."


def _sample(kind: SampleKind, ids: tuple[str, ...], prompt: tuple[Message, ...], answer: str) -> TrainingSample:
    return TrainingSample(kind=kind, source_ids=ids, messages=(*prompt, Message(role="assistant", content=answer)))


def sample_from_pair(
    qid: str, question: str, answer: str, gold: Chunk, pool: ChunkPool, cfg: AdaptationConfig, rng: random.Random
) -> TrainingSample:
    """A synthetic pair as a training sample: closed-book (instruction) or gold chunk among distractors."""
    if cfg.recipe == "instruction":
        return _sample("synthetic", (qid,), build_messages(question, None), answer)
    chunks = pool.distractors(rng, rng.randint(0, MAX_PASSAGES - 1), [gold.doc_id], answer)
    position = rng.randint(0, len(chunks))
    chunks.insert(position, gold)
    return _sample(
        "synthetic", (qid,), build_messages(question, number_passages(chunks)), _cite(answer, [position + 1])
    )
