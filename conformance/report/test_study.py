"""The scaling study's tables: six arms per size group with intervals, effects as paired contrasts on the same
questions, and the cross-size table built from two size groups' stored results.

Expected values are computed by hand from the per-question patterns below, not by the code under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.report import EFFECTS, cross_size_markdown, effect_comparison, study_groups, study_markdown
from harness.results import ConditionEntry, read_condition, write_condition_files

N = 12
# Per-question pass (1) / fail (0) patterns of the six arms of one size group; 12 questions, each its own cluster.
PATTERNS = {
    "base": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 1/12
    "rag": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],  # 4/12
    "ft_instruction": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 2/12
    "ft_instruction_rag": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 3/12
    "ft_rag_trained": [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # 1/12
    "ft_rag_trained_rag": [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],  # 7/12
}
ROLE_RECIPE = {
    "base": ("base", None),
    "rag": ("rag", None),
    "ft_instruction": ("ft", "instruction"),
    "ft_instruction_rag": ("ft_rag", "instruction"),
    "ft_rag_trained": ("ft", "rag_trained"),
    "ft_rag_trained_rag": ("ft_rag", "rag_trained"),
}


def _records(pattern: list[int], errored: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    return [
        {
            "qid": f"q{i:02d}",
            "crag": 1.0 if passed else -1.0,
            "f1": float(passed),
            "citations": float(passed),
            "gold_doc_ids": [f"doc{i}"],
            "error": "timeout" if i in errored else None,
        }
        for i, passed in enumerate(pattern)
    ]


def _entry(group: str, arm: str, pattern: list[int], errored: frozenset[int] = frozenset()) -> ConditionEntry:
    role, _ = ROLE_RECIPE[arm]
    return ConditionEntry(
        label=f"{arm}_{group}", condition=f"{arm}_{group}", size_group=group, role=role, quantization="Q4_K_M",
        summary={"n_questions": N}, records=tuple(_records(pattern, errored)), arm=arm,
        scoring={"bootstrap_resamples": 2000, "confidence": 0.95, "seed": 7, "cluster_by": "gold_doc"},
    )  # fmt: skip


def _group(group: str = "0p5") -> list[ConditionEntry]:
    return [_entry(group, arm, pattern) for arm, pattern in PATTERNS.items()]


def _mean(xs: list[int]) -> float:
    return sum(xs) / len(xs)


def test_each_arm_has_its_pass_rate_with_an_interval_around_it() -> None:
    (group,) = study_groups(_group(), ["0p5"])
    for arm, pattern in PATTERNS.items():
        cell = group.cells[(arm, "pass")]
        assert cell.mean == pytest.approx(_mean(pattern)) and cell.n == N
        assert (cell.low <= cell.mean <= cell.high and cell.low < cell.high) or cell.mean in (0.0, 1.0)


@pytest.mark.parametrize(
    ("effect", "expected_pp"),
    [
        ("rag_benefit", 100 * (4 - 1) / N),  # RAG 4/12 - base 1/12
        ("ft_benefit", 100 * (7 - 4) / N),  # RAG-trained FT+RAG 7/12 - RAG 4/12
        ("synergy", 100 * ((7 - 4) - (1 - 1)) / N),  # (FT+RAG - RAG) - (FT - base)
        ("recipe", 100 * (7 - 3) / N),  # RAG-trained+RAG 7/12 - instruction-only+RAG 3/12
    ],
)
def test_effects_are_the_hand_computed_paired_contrasts(effect: str, expected_pp: float) -> None:
    (group,) = study_groups(_group(), ["0p5"])
    cmp = group.effects[(effect, "pass")]
    assert cmp.difference == pytest.approx(expected_pp)
    assert cmp.n == N and cmp.clusters is None  # every question has its own gold document
    assert cmp.ci_low <= cmp.difference <= cmp.ci_high


def test_effects_are_clustered_by_shared_gold_documents_as_the_gates_are() -> None:
    entries = []
    for e in _group():
        records = tuple({**r, "gold_doc_ids": [f"doc{int(r['qid'][1:]) // 2}"]} for r in e.records)  # pairs share
        entries.append(ConditionEntry(**{**e.__dict__, "records": records}))
    (group,) = study_groups(entries, ["0p5"])
    assert group.effects[("rag_benefit", "pass")].clusters == N // 2


def test_synergy_is_per_question_not_a_difference_of_unpaired_means() -> None:
    """Same marginal pass rates, different pairing: per question, FT gains exactly where FT+RAG gains over RAG, so
    the interaction is (FT+RAG − RAG) − (FT − base) = 0 on every question and the interval collapses on zero."""
    arms = {
        "base": _entry("g", "base", [0] * 6 + [0] * 6),
        "rag": _entry("g", "rag", [1] * 6 + [0] * 6),
        "ft_rag_trained": _entry("g", "ft_rag_trained", [0] * 6 + [1] * 3 + [0] * 3),
        "ft_rag_trained_rag": _entry("g", "ft_rag_trained_rag", [1] * 6 + [1] * 3 + [0] * 3),
    }
    synergy = next(e for e in EFFECTS if e.key == "synergy")
    cmp = effect_comparison(synergy, arms, "pass")
    assert cmp is not None
    assert cmp.difference == pytest.approx(0.0) and cmp.ci_low == pytest.approx(0.0) == cmp.ci_high


def test_a_question_errored_in_one_arm_leaves_only_the_effects_that_use_that_arm() -> None:
    entries = _group()
    entries[0] = _entry("0p5", "base", PATTERNS["base"], errored=frozenset({0}))  # base's only pass is errored
    (group,) = study_groups(entries, ["0p5"])
    assert group.effects[("rag_benefit", "pass")].n == N - 1
    assert group.effects[("rag_benefit", "pass")].difference == pytest.approx(100 * 3 / (N - 1))  # q00 dropped
    assert group.effects[("ft_benefit", "pass")].n == N  # base is not an arm of the FT benefit
    assert group.cells[("base", "pass")].n == N - 1


def test_an_effect_needs_all_its_arms() -> None:
    entries = [e for e in _group() if e.arm != "base"]
    (group,) = study_groups(entries, ["0p5"])
    assert ("rag_benefit", "pass") not in group.effects and ("synergy", "pass") not in group.effects
    assert ("ft_benefit", "pass") in group.effects
    assert group.ratio is None


def test_quantisation_variants_and_the_oracle_are_not_arms() -> None:
    variant = _entry("0p5", "rag", [1] * N)
    variant = ConditionEntry(**{**variant.__dict__, "label": "rag_0p5@Q8_0"})
    oracle = ConditionEntry(**{**_entry("0p5", "rag", [1] * N).__dict__, "label": "oracle", "arm": "oracle"})
    (group,) = study_groups([variant, oracle, *_group()], ["0p5"])
    assert group.cells[("rag", "pass")].mean == pytest.approx(4 / N)


def test_the_study_markdown_shows_every_arm_and_effect() -> None:
    groups = study_groups(_group(), ["0p5"])
    text = study_markdown(groups, {"0p5": "Qwen2.5 0.5B"})
    assert "### Qwen2.5 0.5B (`0p5`)" in text
    for label in ("Base", "Base + RAG", "FT instruction-only + RAG", "FT RAG-trained + RAG"):
        assert f"| {label} |" in text
    assert "| RAG benefit (Base+RAG − Base) | +25.0 pp" in text
    assert "RAG benefit as a ratio of pass rates: 4.00×" in text
    assert cross_size_markdown(groups) == ""  # one size group: no cross-size table


def _store(root: Path, entry: ConditionEntry) -> None:
    role, recipe = ROLE_RECIPE[entry.arm]
    adaptation = {"method": "lora", "recipe": recipe} if recipe else {"method": "none", "recipe": "rag_trained"}
    result = {
        "condition": {
            "name": entry.condition, "size_group": entry.size_group, "role": role, "adaptation": adaptation,
            "model": {"provider": "ollama", "quantization": entry.quantization}, "scoring": entry.scoring,
        },
        "summary": dict(entry.summary),
    }  # fmt: skip
    write_condition_files(root / entry.label, entry.records, result, "")


def test_the_cross_size_table_from_two_size_groups_stored_results(tmp_path: Path) -> None:
    small = _group("0p5")
    large = [
        _entry("3b", "base", [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        _entry("3b", "rag", [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]),
        _entry("3b", "ft_rag_trained", [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        _entry("3b", "ft_rag_trained_rag", [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]),
    ]
    for e in (*small, *large):
        _store(tmp_path, e)
    stored = [read_condition(tmp_path / e.label) for e in (*small, *large)]
    assert {e.arm for e in stored} == set(PATTERNS)  # the arm is read back from the stored condition
    groups = study_groups(stored, ["0p5", "3b"])
    table = cross_size_markdown(groups)
    assert table.splitlines()[0] == "| metric | 0p5 | 3b |"
    assert "| Base pass rate | 8.3 (" in table and "| 16.7 (" in table
    assert "| RAG benefit (×) | 4.00× | 3.00× |" in table  # 4/1 and 6/2
    ft_row = next(line for line in table.splitlines() if line.startswith("| FT benefit"))
    assert "+25.0 pp" in ft_row and ft_row.count("+25.0 pp") == 2  # 7-4 of 12, and 9-6 of 12
    synergy_row = next(line for line in table.splitlines() if line.startswith("| FT+RAG synergy"))
    assert synergy_row.split("|")[2].strip().startswith("+25.0 pp")  # (7-4) - (1-1) of 12
    assert synergy_row.split("|")[3].strip().startswith("+16.7 pp")  # (9-6) - (3-2) of 12


def test_the_judge_pass_rate_averages_the_share_of_repeats_that_passed() -> None:
    rows = (0.5, 1.0, 0.0, None)  # two of four repeats passed; all; none; not judged
    records = tuple({"qid": f"q{i}", "crag": 1.0, "judge_pass": v} for i, v in enumerate(rows))
    entries = [ConditionEntry(**{**_entry("g", arm, [1] * 4).__dict__, "records": records}) for arm in ("base", "rag")]
    (group,) = study_groups(entries, ["g"])
    cell = group.cells[("base", "judge_pass")]
    assert cell.mean == pytest.approx(0.5) and cell.n == 3
