"""Every shipped config loads into frozen, typed objects, and the matrix is what the portfolio says."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.config import Condition, load_matrix
from harness.errors import ConfigError

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
PORTFOLIO = {
    "rag_baseline_0p5",
    "lora_science_0p5_ft",
    "hybrid_science_0p5",
    "rag_baseline_3b",
    "lora_science_3b_ft",
    "hybrid_science_3b",
    "cloud_eval_v1",
    "rag_baseline_tiny",
    "lora_tiny_ft",
    "hybrid_tiny",
    "oracle_tiny",  # not a model: the gold answers, to check a data set and the gates
}
# The scaling study's arms the portfolio does not name (issue 13): base, and instruction-only FT with and without RAG.
STUDY_ADDITIONS = {f"{arm}_{group}" for arm in ("base", "ft_instruction", "ft_instruction_rag")
                   for group in ("tiny", "0p5", "3b")}  # fmt: skip


def test_every_shipped_config_loads() -> None:
    matrix = load_matrix(CONFIGS)
    assert set(matrix.conditions) == PORTFOLIO | STUDY_ADDITIONS
    for cond in matrix.conditions.values():
        assert isinstance(cond, Condition)


@pytest.mark.parametrize("group", ["tiny", "0p5", "3b"])
def test_each_size_group_has_the_six_arms_once(group: str) -> None:
    from harness.config import STUDY_ARMS

    arms = [c.arm for c in load_matrix(CONFIGS).conditions.values() if c.size_group == group and c.arm != "oracle"]
    assert sorted(arms) == sorted(STUDY_ARMS)


@pytest.mark.parametrize("group", ["tiny", "0p5", "3b"])
def test_the_two_arms_of_a_recipe_share_one_adaptation_block(group: str) -> None:
    conds = [c for c in load_matrix(CONFIGS).conditions.values() if c.size_group == group and c.adaptation.enabled]
    for recipe in ("instruction", "rag_trained"):
        blocks = {c.adaptation for c in conds if c.adaptation.recipe == recipe}
        assert len(blocks) == 1, f"{group} {recipe}: {len(blocks)} different adaptation blocks"


def test_conditions_are_frozen() -> None:
    cond = load_matrix(CONFIGS).condition("rag_baseline_tiny")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cond.retrieval.top_k = 5  # type: ignore[misc]


def test_size_groups_order_0p5_before_3b() -> None:
    names = load_matrix(CONFIGS).names()
    assert max(names.index(n) for n in names if n.endswith("0p5") or "0p5_" in n) < min(
        names.index(n) for n in names if n.endswith("3b") or "3b_" in n
    )


@pytest.mark.parametrize(
    ("condition", "baseline"),
    [
        ("hybrid_science_3b", "rag_baseline_3b"),
        ("lora_science_0p5_ft", "rag_baseline_0p5"),
        ("hybrid_tiny", "rag_baseline_tiny"),
    ],
)
def test_baseline_is_the_same_size_rag(condition: str, baseline: str) -> None:
    assert load_matrix(CONFIGS).baseline_of(condition).name == baseline


def test_comparing_across_size_groups_is_refused() -> None:
    matrix = load_matrix(CONFIGS)
    matrix.check_comparable("hybrid_science_3b", "rag_baseline_3b")
    with pytest.raises(ConfigError, match=r"size group 3b.*size group 0p5"):
        matrix.check_comparable("hybrid_science_3b", "rag_baseline_0p5")


def test_quantisation_is_part_of_the_model_identity() -> None:
    cond = load_matrix(CONFIGS).condition("rag_baseline_3b")
    assert cond.model.identity == "ollama:qwen2.5:3b-instruct-q4_K_M@Q4_K_M"
