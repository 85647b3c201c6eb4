"""Real RAG prompts from the shipped fixture: the first test questions of rag_baseline_tiny, each shown its gold
documents as passages (no embedding model needed), with the condition's own decoding settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from harness.backends import GenerationRequest
from harness.cache import Cache
from harness.config import Condition, load_matrix
from harness.prompting import build_request
from harness.run._stages import gold_passages, prepare_splits, resolve_dataset

ROOT = Path(__file__).resolve().parents[2]


def condition() -> Condition:
    return load_matrix(ROOT / "configs").condition("rag_baseline_tiny")


def fixture_requests(cache_root: Path, n: int, max_tokens: int) -> list[GenerationRequest]:
    cond = condition()
    generation = dataclasses.replace(cond.generation, max_tokens=max_tokens)
    dataset = resolve_dataset(
        dataclasses.replace(cond, data=dataclasses.replace(cond.data, dataset=str(ROOT / cond.data.dataset))), None
    )
    splits = prepare_splits(cond, dataset, Cache(cache_root), lambda _m: None)
    return [build_request(q.qid, q.question, gold_passages(q, dataset), generation) for q in splits.test[:n]]
