"""The artifact's cache key: everything that changes what training produces, and nothing else."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from harness.adapt._base import BaseModel
from harness.adapt._types import TrainingSample
from harness.adapt.export import llama_cpp_version
from harness.cache import stage_key
from harness.config import Condition
from harness.data import Question, Splits
from harness.prompting import PROMPT_VERSION

__all__ = ["ADAPT_STAGE", "CODE_VERSION", "adaptation_key", "samples_digest"]

ADAPT_STAGE = "adapt"
CODE_VERSION = "adapt-2"  # bump when a change here alters what a build produces (2: llama.cpp's converters)


def _ids_digest(questions: Sequence[Question]) -> str:
    return hashlib.sha256("\n".join(q.qid for q in questions).encode()).hexdigest()


def samples_digest(samples: Sequence[TrainingSample]) -> str:
    """SHA256 of the samples' kinds and messages: any change of prompt wording or passage format shows here."""
    digest = hashlib.sha256()
    for s in samples:
        digest.update(f"{s.kind}\x00{sorted(s.template_kwargs)}".encode())
        for m in s.messages:
            digest.update(f"\x00{m.role}\x00{m.content}".encode())
    return digest.hexdigest()


def _trained_fields(condition: Condition) -> dict[str, Any]:
    """The adaptation block, less how the result is served (one training serves merged files and the LoRA alike)."""
    fields = dataclasses.asdict(condition.adaptation)
    del fields["serve"]
    return fields


def adaptation_key(
    condition: Condition,
    splits: Splits,
    base: BaseModel,
    previous: Mapping[str, Any] | None,
    samples: Sequence[TrainingSample],
) -> str:
    """SHA256 over data (content hash, split seed, train/val ids, the samples themselves), recipe, hyper-parameters,
    base, prompt, continual source and code version."""
    return stage_key(
        ADAPT_STAGE,
        CODE_VERSION,
        dataset=splits.dataset.content_hash,
        split_seed=splits.seed,
        train_ids=_ids_digest(splits.train),
        val_ids=_ids_digest(splits.val),
        adaptation=_trained_fields(condition),
        chunking=[condition.retrieval.chunk_size, condition.retrieval.chunk_overlap],
        base=base.identity(),
        prompt=PROMPT_VERSION,
        continual_from=previous.get("key") if previous else None,
        samples=samples_digest(samples),
        converters=llama_cpp_version(),  # the GGUF files are the converters' output
    )
