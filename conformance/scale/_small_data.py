"""A small real data set (the first documents of the shipped fixture and their questions) and a matrix around it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from harness.data import load_dataset, write_dataset

ROOT = Path(__file__).resolve().parents[2]
BASE_TINY = """description: closed-book embedded SmolLM2-135M (no retrieval, no adaptation)
size_group: tiny
role: base
retrieval: {mode: "off"}
"""


def small_dataset(out: Path, documents: int = 4) -> Path:
    full = load_dataset(ROOT / "fixtures" / "squad2_tiny")
    keep = {d.doc_id for d in full.corpus[:documents]}
    docs = tuple(d for d in full.corpus if d.doc_id in keep)
    questions = tuple(q for q in full.questions if set(q.gold_doc_ids) <= keep)
    write_dataset(dataclasses.replace(full, corpus=docs, questions=questions), out)
    return out


def configs_with_base(out: Path) -> Path:
    """The shipped matrix plus ``base_tiny``, a second condition as cheap as rag_baseline_tiny."""
    shutil.copytree(ROOT / "configs", out)
    (out / "base_tiny.yaml").write_text(BASE_TINY)
    return out
