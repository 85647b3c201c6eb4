"""The stages before generation: data set, splits, retrieval index, served model."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.cache import Cache, stage_key
from harness.config import Condition
from harness.data import (
    Dataset,
    Encode,
    Question,
    Splits,
    build_splits,
    check_leaks,
    load_dataset,
    load_splits,
    write_splits,
)
from harness.retrieval import Chunk, Passage

__all__ = ["ServedModel", "gold_passages", "prepare_index", "prepare_model", "prepare_splits", "resolve_dataset"]

SPLITS_VERSION = "1"
Progress = Callable[[str], None]


def resolve_dataset(cond: Condition, override: Path | None) -> Dataset:
    path = override if override is not None else Path(cond.data.dataset)
    tag = cond.data.tag if override is None else path.name
    return load_dataset(path, tag=tag)


def prepare_splits(cond: Condition, dataset: Dataset, cache: Cache, progress: Progress) -> Splits:
    """Build (or reuse) the stratified splits, then fail the run on any leak."""
    key = stage_key("splits", SPLITS_VERSION, dataset=dataset.content_hash, data=cond.data, tag=dataset.tag)

    def build(out: Path) -> None:
        progress(f"splits: building {dataset.tag} with seed {cond.data.split_seed}")
        splits = build_splits(dataset, cond.data)
        if splits.given:
            progress(f"splits: {dataset.tag} carries its own split; used as given")
        leak = cond.data.leak_check
        check_leaks(splits, leak.jaccard, embedding=leak.embedding, encode=_encoder(cond, leak.embedding))
        write_splits(splits, out)

    entry = cache.get_or_build("splits", key, build)
    return load_splits(entry, dataset.tag, dataset=dataset)


def _encoder(cond: Condition, threshold: float | None) -> Encode | None:
    """The retrieval embedding model's ``encode`` for the embedding leak check (loaded once per process)."""
    if threshold is None:
        return None
    from harness.retrieval import load_embedder

    return load_embedder(cond.retrieval.embedding_model).encode


def prepare_index(cond: Condition, dataset: Dataset, cache: Cache, progress: Progress) -> Any | None:
    if cond.retrieval.mode != "faiss":
        return None
    from harness.retrieval import RetrievalIndex

    progress(f"retrieval: index over {len(dataset.corpus)} documents")
    return RetrievalIndex.build(dataset.corpus, cond.retrieval, cache)


@dataclass(frozen=True, kw_only=True)
class ServedModel:
    """The file (if any) the backend should load, the LoRA file llama.cpp applies to it (``adaptation.serve:
    lora``), and the adaptation metadata behind them."""

    path: Path | None
    lora: Path | None = None
    adaptation: dict[str, Any] | None = None

    def with_lora(self, cond: Condition) -> Condition:
        """``cond`` with the LoRA file in its model spec, so every backend built from it (Ray workers, the latency
        replay) applies it too."""
        if self.lora is None:
            return cond
        return dataclasses.replace(cond, model=dataclasses.replace(cond.model, lora=str(self.lora)))


def prepare_model(cond: Condition, splits: Splits, cache: Cache, progress: Progress) -> ServedModel:
    if not cond.adaptation.enabled:
        return ServedModel(path=None)
    from harness.adapt import adapt, serve_files

    adapted = adapt(cond, splits, cache.root, progress=progress)
    meta = json.loads(json.dumps(dict(adapted.metadata), default=str))
    adaptation = {"artifact_dir": str(adapted.artifact_dir), "reused": adapted.reused, **meta}
    if cond.model.provider != "llama_cpp":
        return ServedModel(path=None, adaptation=adaptation)
    files = serve_files(adapted, cond.adaptation, cond.model.quantization)
    if files.lora is not None:
        progress(f"serving {files.model.name} with the LoRA {files.lora.name} applied at load (adaptation.serve)")
    return ServedModel(path=files.model, lora=files.lora, adaptation={**adaptation, "served": files.describe()})


def gold_passages(question: Question, dataset: Dataset) -> list[Passage]:
    """Context stuffing for API comparators: the gold documents themselves, whole."""
    docs = [dataset.document(d) for d in question.gold_doc_ids]
    chunks = [Chunk(chunk_id=f"{d.doc_id}::full", doc_id=d.doc_id, title=d.title, text=d.text) for d in docs]
    return [Passage(chunk=c, rank=i, score=1.0) for i, c in enumerate(chunks, start=1)]
