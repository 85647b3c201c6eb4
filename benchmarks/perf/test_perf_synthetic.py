"""Synthetic QA yield: the embedded generator (SmolLM2-135M through llama.cpp, decoding constrained to the QA JSON
schema) proposes one question per train-split passage; the share that survives validation (a question, an answer
copied from the passage, not a near-copy of a held-out question) is the yield. It was 0 of 12 with a plain JSON
grammar; the target is that the schema-constrained generator yields usable pairs at all (a 135M model mostly
writes answers that are not copied from the passage: those are rejected, by design)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from benchmarks.perf._perf import ROOT, record, size
from harness.adapt.data import generate_synthetic_pairs
from harness.adapt.data._stage import _synthetic_sources, chunk_pool
from harness.adapt.data._synthetic import default_generator
from harness.cache import Cache
from harness.config import load_matrix
from harness.run._stages import prepare_splits, resolve_dataset

MIN_ACCEPTED = 1


def test_synthetic_qa_yield_with_the_embedded_generator(benchmark: Any, tmp_path: Path) -> None:
    cond = load_matrix(ROOT / "configs").condition("hybrid_tiny")
    cond = dataclasses.replace(cond, data=dataclasses.replace(cond.data, dataset=str(ROOT / cond.data.dataset)))
    splits = prepare_splits(cond, resolve_dataset(cond, None), Cache(tmp_path / "cache"), lambda _m: None)
    sources = _synthetic_sources(splits, chunk_pool(cond, splits), cond.adaptation.seed)
    held_out = [q.question for q in (*splits.val, *splits.test)]
    count = size(24, 12)
    generator = default_generator()
    try:
        report = benchmark.pedantic(
            generate_synthetic_pairs, args=(sources, count, generator),
            kwargs={"seed": cond.adaptation.seed, "held_out": held_out, "attempts_per_pair": 1}, rounds=1,
        )  # fmt: skip
    finally:
        generator.close()
    rate = len(report.accepted) / report.attempts
    record(benchmark, "synthetic QA yield (accepted / attempted passages)", rate, f"accepted >= {MIN_ACCEPTED}",
           accepted=len(report.accepted), attempts=report.attempts, rejected=dict(report.rejected),
           examples=[{"q": p.question, "a": p.answer} for p in report.accepted[:5]],
           seconds_per_attempt=report.runtime_s / max(1, report.attempts))  # fmt: skip
    assert len(report.accepted) >= MIN_ACCEPTED, f"0 of {report.attempts} pairs kept: {dict(report.rejected)}"
