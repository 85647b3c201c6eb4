"""A tiny random Llama with the real SmolLM2 tokenizer, and a toy data set: LoRA training in seconds on a CPU.

The same shape as the adaptation tests' fixtures (kept separate: those belong to the adaptation suite).
"""

from __future__ import annotations

import functools
from pathlib import Path

from conformance.tiny_llama import build_tiny_llama
from harness.config import AdaptationConfig, Condition, GridConfig, ModelSpec, RetrievalConfig
from harness.data import Dataset, Document, Question, Splits

TOWNS = ("Avelor", "Brinmoor", "Caldris", "Dunhollow", "Eskerra", "Farrowgate", "Glimmerton", "Hollowmere")
EXPORTS = ("copper", "wool", "glass", "salt", "amber", "timber", "silk", "tea")


def QUIET(_line: str) -> None:
    """Progress sink that drops every line."""


def _questions(i: int, town: str) -> list[Question]:
    def q(n: int, text: str, answers: tuple[str, ...]) -> Question:
        kind = "grounded" if answers else "refusal"
        return Question(qid=f"q{i}-{n}", question=text, answers=answers, answerable=bool(answers),
                        gold_doc_ids=(f"doc{i}",), task_type=kind)  # fmt: skip

    return [
        q(0, f"In what year was {town} founded?", (str(1200 + 37 * i),)),
        q(1, f"What is the main export of {town}?", (EXPORTS[i],)),
        q(2, f"How many people live in {town} today?", ()),
    ]


def toy_splits() -> Splits:
    """8 documents and 24 questions: documents 0-5 train, 6 val, 7 test."""
    docs = tuple(
        Document(doc_id=f"doc{i}", title=f"History of {t}", text=f"{t} was founded in {1200 + 37 * i}. "
                 f"Its main export is {EXPORTS[i]}, carried downstream every spring.")
        for i, t in enumerate(TOWNS)
    )  # fmt: skip
    by_doc = [_questions(i, t) for i, t in enumerate(TOWNS)]
    dataset = Dataset(tag="toy", corpus=docs, questions=tuple(q for qs in by_doc for q in qs), content_hash="toy-s1")
    return Splits(dataset=dataset, seed=7, train=_flat(by_doc, range(6)), val=_flat(by_doc, range(6, 7)),
                  test=_flat(by_doc, range(7, 8)))  # fmt: skip


def _flat(by_doc: list[list[Question]], docs: range) -> tuple[Question, ...]:
    return tuple(q for i in docs for q in by_doc[i])


@functools.cache
def tiny_model_dir(root: Path) -> Path:
    """A saved random tiny Llama + the SmolLM2 tokenizer + a vocabulary-only GGUF, under ``root``."""
    from harness.backends import embedded_gguf_path

    return build_tiny_llama(embedded_gguf_path(), root / "tiny-llama")


def tiny_condition(root: Path, grid: GridConfig) -> Condition:
    """A fine-tuning condition on the tiny model with ``grid``, exporting F16 only."""
    adaptation = AdaptationConfig(
        method="lora", base_model=str(tiny_model_dir(root)), rank=4, alpha=8, dropout=0.0, learning_rate=5e-3,
        warmup_ratio=0.0, epochs=1, batch_size=4, gradient_accumulation=1, max_seq_length=256,
        export_quantizations=("F16",), max_train_samples=8, seed=3, grid=grid,
    )  # fmt: skip
    return Condition(
        name="tiny_ray", size_group="tiny", role="ft", model=ModelSpec(provider="llama_cpp", name="adapted",
        quantization="F16"), retrieval=RetrievalConfig(mode="off"), adaptation=adaptation,
    )  # fmt: skip
