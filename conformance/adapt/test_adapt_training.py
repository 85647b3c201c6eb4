"""Training behaviour on the tiny model: resume after an interruption, grid search,
and the errors a user can cause (bad target module, unavailable base, QLoRA without CUDA)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.adapt import adapt
from harness.adapt.train import check_target_modules
from harness.config import Condition, GridConfig
from harness.data import Splits
from harness.errors import ConfigError, ModelUnavailable

QUIET: Callable[[str], None] = lambda _: None  # noqa: E731


class Interrupted(Exception):
    pass


def test_an_interrupted_run_resumes_from_its_last_checkpoint(
    make_condition: Callable[..., Condition], toy_splits: Splits, tmp_path: Path
) -> None:
    condition = make_condition(learning_rate=4e-3, export_quantizations=("F16",))
    lines: list[str] = []

    def crash_in_epoch_two(line: str) -> None:
        lines.append(line)
        if "step 5/6" in line:
            raise Interrupted(line)

    with pytest.raises(Interrupted):
        adapt(condition, toy_splits, tmp_path, progress=crash_in_epoch_two)
    work = next((tmp_path / "adapt-work").iterdir()) / "trial-0"
    assert sorted(p.name for p in work.glob("checkpoint-*")) == ["checkpoint-3"]
    assert not [p for p in (tmp_path / "adapt").iterdir() if p.is_dir()]  # no half-built artifact was installed
    result = adapt(condition, toy_splits, tmp_path, progress=lines.append)
    assert result.metadata["training"]["resumed_from"] == "checkpoint-3"
    assert any("resuming at step 3" in line for line in lines)
    assert [e["epoch"] for e in result.metadata["training"]["loss_curve"]] == [1, 2]
    assert not (tmp_path / "adapt-work" / result.metadata["key"]).exists()


def test_grid_search_records_every_trial_and_keeps_the_lowest_val_loss(
    make_condition: Callable[..., Condition], toy_splits: Splits, tmp_path: Path
) -> None:
    grid = GridConfig(enabled=True, ranks=(2, 4), learning_rates=(5e-3,), epochs=(1,))
    condition = make_condition(grid=grid, max_train_samples=8, export_quantizations=("F16",))
    result = adapt(condition, toy_splits, tmp_path, progress=QUIET)
    trials = result.metadata["trials"]
    assert [t["hyperparams"]["rank"] for t in trials] == [2, 4]
    assert all(t["val_loss"] > 0 and t["train_loss"] > 0 and t["runtime_s"] > 0 for t in trials)
    best = min(trials, key=lambda t: t["val_loss"])
    assert result.metadata["training"]["hyperparams"] == best["hyperparams"]
    assert result.metadata["policy"] == "grid"


def test_a_target_module_the_model_lacks_lists_its_linear_modules(tiny_model_dir: Path) -> None:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(tiny_model_dir))
    with pytest.raises(
        ConfigError, match=r"qkv_proj not found .*down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj"
    ):
        check_target_modules(model, ("q_proj", "qkv_proj"))
    check_target_modules(model, ("all-linear",))


def test_a_bad_target_module_fails_the_pipeline_before_training(
    make_condition: Callable[..., Condition], toy_splits: Splits, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="c_attn not found"):
        adapt(make_condition(target_modules=("c_attn",)), toy_splits, tmp_path, progress=QUIET)


def test_a_hub_model_that_is_not_cached_is_unavailable_with_a_remedy(
    make_condition: Callable[..., Condition], toy_splits: Splits, tmp_path: Path
) -> None:
    with pytest.raises(ModelUnavailable) as info:
        adapt(make_condition(base_model="example-org/not-a-cached-model"), toy_splits, tmp_path, progress=QUIET)
    assert "huggingface-cli download example-org/not-a-cached-model" in info.value.remedy


def test_qlora_without_cuda_is_a_clear_error(
    make_condition: Callable[..., Condition], toy_splits: Splits, tmp_path: Path
) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ModelUnavailable, match="qlora=true needs a CUDA GPU"):
        adapt(make_condition(qlora=True), toy_splits, tmp_path, progress=QUIET)
    embedded = make_condition(qlora=True, base_model="embedded")
    with pytest.raises(ConfigError, match="cannot re-quantise a GGUF base"):
        adapt(embedded, toy_splits, tmp_path, progress=QUIET)
