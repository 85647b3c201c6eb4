"""Fixtures for the adaptation tests: a tiny random Llama with the real SmolLM2 tokenizer, and a toy data set.

The tiny model (hidden 64, 2 layers, 4 heads, 2 kv heads) trains in seconds on a CPU, yet has the
layout of the embedded model, so GGUF export, LoRA adapters and quantisation are
exercised for real (export by llama.cpp's own converters). The tokenizer is loaded offline from the shipped GGUF.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.tiny_llama import build_tiny_llama
from harness.config import AdaptationConfig, Condition, ModelSpec, RetrievalConfig
from harness.data import Dataset, Document, Question, Splits

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

CITIES = ["Avelor", "Brinmoor", "Caldris", "Dunhollow", "Eskerra", "Farrowgate", "Glimmerton", "Hollowmere",
          "Ironvale", "Jadeport", "Kestrel Bay", "Lumenfall"]  # fmt: skip
EXPORTS = ["copper", "wool", "glass", "salt", "amber", "timber", "silk", "tea", "iron", "pearls", "honey", "paper"]


def _document(i: int, city: str) -> Document:
    text = (
        f"{city} is a river town founded in the year {1200 + 37 * i} by the merchant {city[:3]}mar. "
        f"Its main export is {EXPORTS[i]}, carried downstream on flat boats every spring. "
        f"The town hall of {city} has a green copper roof and a clock with {i + 3} bells."
    )
    return Document(doc_id=f"doc{i}", title=f"History of {city}", text=text)


def _questions(i: int, city: str) -> list[Question]:
    def q(n: int, text: str, answers: tuple[str, ...], answerable: bool = True) -> Question:
        kind = "grounded" if answerable else "refusal"
        return Question(qid=f"q{i}-{n}", question=text, answers=answers, answerable=answerable,
                        gold_doc_ids=(f"doc{i}",), task_type=kind)  # fmt: skip

    return [
        q(0, f"In what year was {city} founded?", (str(1200 + 37 * i),)),
        q(1, f"What is the main export of {city}?", (EXPORTS[i],)),
        q(2, f"How many people live in {city} today?", (), answerable=False),
    ]


@pytest.fixture(scope="session")
def toy_splits() -> Splits:
    """12 documents, 36 questions (a third unanswerable); documents 0-7 train, 8-9 val, 10-11 test."""
    docs = tuple(_document(i, c) for i, c in enumerate(CITIES))
    by_doc = [_questions(i, c) for i, c in enumerate(CITIES)]
    dataset = Dataset(tag="toy", corpus=docs, questions=tuple(q for qs in by_doc for q in qs), content_hash="toy-v1")
    flat = lambda docs_range: tuple(q for i in docs_range for q in by_doc[i])  # noqa: E731
    return Splits(dataset=dataset, seed=7, train=flat(range(8)), val=flat(range(8, 10)), test=flat(range(10, 12)))


@pytest.fixture(scope="session")
def embedded_gguf() -> Path:
    from harness.backends import embedded_gguf_path

    return embedded_gguf_path()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory, embedded_gguf: Path) -> Path:
    """A saved random tiny Llama + the SmolLM2 tokenizer."""
    return build_tiny_llama(embedded_gguf, tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="session")
def make_condition(tiny_model_dir: Path) -> Callable[..., Condition]:
    """A fine-tuning condition on the tiny model; keyword arguments override adaptation fields."""

    def make(**overrides: Any) -> Condition:
        adaptation = AdaptationConfig(
            method="lora", base_model=str(tiny_model_dir), rank=4, alpha=8, dropout=0.0, learning_rate=5e-3,
            warmup_ratio=0.0, epochs=2, batch_size=4, gradient_accumulation=1, max_seq_length=320,
            export_quantizations=("F16", "Q8_0", "Q4_K_M"), max_train_samples=12, seed=3,
        )  # fmt: skip
        return Condition(
            name="tiny_test", size_group="tiny", role="ft",
            model=ModelSpec(provider="llama_cpp", name="adapted", quantization="Q8_0"),
            retrieval=RetrievalConfig(mode="off"), adaptation=dataclasses.replace(adaptation, **overrides),
        )  # fmt: skip

    return make


@pytest.fixture
def lines() -> list[str]:
    """Collects progress lines instead of printing them."""
    return []
