"""The data stage: training and validation samples from the train and val splits (plus synthetic pairs)."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.adapt._types import TrainingSample
from harness.adapt.data._passages import ChunkPool
from harness.adapt.data._samples import MIN_TRAIN_SAMPLES, MIN_VAL_SAMPLES, RecipeInput, build_samples, sample_from_pair
from harness.adapt.data._synthetic import SyntheticReport, generate_synthetic_pairs
from harness.backends import Backend
from harness.config import Condition, GenerationConfig
from harness.data import Splits
from harness.prompting import with_thinking_tag
from harness.retrieval import Chunk

__all__ = ["add_synthetic", "chunk_pool", "kind_counts", "split_samples", "thinking_samples", "write_samples"]


def chunk_pool(condition: Condition, splits: Splits) -> ChunkPool:
    return ChunkPool(splits.dataset, condition.retrieval.chunk_size, condition.retrieval.chunk_overlap)


def split_samples(condition: Condition, splits: Splits) -> tuple[list[TrainingSample], list[TrainingSample]]:
    """Train samples from the train split only, validation samples (about a quarter as many) from val."""
    cfg, pool = condition.adaptation, chunk_pool(condition, splits)
    train = build_samples(
        splits.train,
        pool,
        cfg,
        RecipeInput(split="train", seed=cfg.seed, limit=cfg.max_train_samples, minimum=MIN_TRAIN_SAMPLES),
    )
    val_limit = max(MIN_VAL_SAMPLES, len(train) // 4)
    val = build_samples(
        splits.val, pool, cfg, RecipeInput(split="val", seed=cfg.seed + 1, limit=val_limit, minimum=MIN_VAL_SAMPLES)
    )
    return thinking_samples(train, condition.generation), thinking_samples(val, condition.generation)


def thinking_samples(samples: Sequence[TrainingSample], generation: GenerationConfig) -> list[TrainingSample]:
    """Samples switched the way evaluation is (generation.thinking), so training teaches what evaluation asks."""
    if generation.thinking == "default":
        return list(samples)
    if generation.thinking_switch == "no_think":
        return [dataclasses.replace(s, messages=(*with_thinking_tag(s.prompt, generation), s.answer)) for s in samples]
    kwargs = (("enable_thinking", generation.thinking == "on"),)
    return [dataclasses.replace(s, template_kwargs=kwargs) for s in samples]


def _synthetic_sources(splits: Splits, pool: ChunkPool, seed: int) -> list[Chunk]:
    """Chunks of train documents that no val/test question is about, in a seeded order."""
    held_out = {d for q in (*splits.val, *splits.test) for d in q.gold_doc_ids}
    docs = sorted({d for q in splits.train for d in q.gold_doc_ids} - held_out)
    chunks = [c for d in docs for c in pool.chunks(d)]
    random.Random(seed).shuffle(chunks)
    return chunks


def add_synthetic(
    train: Sequence[TrainingSample], condition: Condition, splits: Splits, generator: Backend
) -> tuple[list[TrainingSample], SyntheticReport]:
    """``train`` plus the validated synthetic pairs as samples of kind ``synthetic``."""
    cfg, pool = condition.adaptation, chunk_pool(condition, splits)
    held_out = [q.question for q in (*splits.val, *splits.test)]
    sources = _synthetic_sources(splits, pool, cfg.seed)
    report = generate_synthetic_pairs(sources, cfg.synthetic_pairs, generator, seed=cfg.seed, held_out=held_out)
    rng = random.Random(cfg.seed + 2)
    extra = [sample_from_pair(p.pair_id, p.question, p.answer, p.chunk, pool, cfg, rng) for p in report.accepted]
    return [*train, *thinking_samples(extra, condition.generation)], report


def kind_counts(samples: Sequence[TrainingSample]) -> dict[str, int]:
    return dict(sorted(Counter(s.kind for s in samples).items()))


def write_samples(path: Path, samples: Sequence[TrainingSample]) -> Path:
    """One JSON object per line: kind, source ids and the chat messages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = [
        {
            "kind": s.kind,
            "source_ids": list(s.source_ids),
            "messages": [{"role": m.role, "content": m.content} for m in s.messages],
        }
        for s in samples
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
