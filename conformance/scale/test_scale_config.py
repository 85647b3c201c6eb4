"""The scale settings in configs: the Ray grid fields, parallel sequences, and what the answer journal keys on."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from harness.adapt.train._grid import run_trials
from harness.adapt.train._ray_grid import grid_runner, run_trials_ray
from harness.config import GenerationConfig, GridConfig, load_matrix
from harness.config._convert import FieldError
from harness.errors import ConfigError
from harness.run._answers import journal_path

ROOT = Path(__file__).resolve().parents[2]
IDENTITY = {"provider": "llama_cpp", "model": "embedded", "sha256": "ab" * 32}


def _configs(tmp_path: Path, extra: str) -> Path:
    out = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", out)
    text = (ROOT / "configs" / "lora_tiny_ft.yaml").read_text()
    # The shared block by name, plus the fields under test: a condition's own fields override the block's.
    block = "adaptation: {use: tiny_rag_trained}"
    assert block in text
    (out / "lora_tiny_ft.yaml").write_text(text.replace(block, f"adaptation:\n  use: tiny_rag_trained\n{extra}", 1))
    return out


def test_ray_grid_settings_load_from_yaml(tmp_path: Path) -> None:
    extra = "  grid: {enabled: true, backend: ray, ray_address: 'ray://head:10001', ray_gpus_per_trial: 1}\n"
    grid = load_matrix(_configs(tmp_path, extra)).condition("lora_tiny_ft").adaptation.grid
    assert (grid.backend, grid.ray_address, grid.ray_cpus_per_trial, grid.ray_gpus_per_trial) == (
        "ray",
        "ray://head:10001",
        1.0,
        1.0,
    )


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ("{backend: spark}", "adaptation.grid.backend='spark'"),
        ("{ray_address: 'ray://head:10001'}", "adaptation.grid.ray_address='ray://head:10001' is used only with"),
        ("{backend: ray, ray_cpus_per_trial: 0}", "adaptation.grid.ray_cpus_per_trial=0"),
    ],
)
def test_bad_ray_grid_settings_name_the_field(tmp_path: Path, grid: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_matrix(_configs(tmp_path, f"  grid: {grid}\n"))


def test_grid_runner_is_the_local_runner_unless_ray_is_asked_for() -> None:
    assert grid_runner(GridConfig()) is run_trials
    runner = grid_runner(GridConfig(backend="ray", ray_address="auto", ray_gpus_per_trial=1))
    assert getattr(runner, "func", None) is run_trials_ray
    assert getattr(runner, "keywords", None) == {"address": "auto", "cpus_per_trial": 1.0, "gpus_per_trial": 1}


def test_parallel_sequences_must_be_positive() -> None:
    with pytest.raises(FieldError, match="parallel_sequences=0 must be >= 1"):
        GenerationConfig(parallel_sequences=0)


def test_the_answer_journal_ignores_parallelism_but_not_decoding(tmp_path: Path) -> None:
    base = GenerationConfig()
    same = journal_path(tmp_path, IDENTITY, base)
    assert journal_path(tmp_path, IDENTITY, dataclasses.replace(base, parallel_sequences=4)) == same
    assert journal_path(tmp_path, IDENTITY, dataclasses.replace(base, max_tokens=65)) != same
    assert journal_path(tmp_path, {**IDENTITY, "sha256": "cd" * 32}, base) != same


def test_an_unknown_shared_adaptation_block_names_the_file_the_field_and_the_blocks(tmp_path: Path) -> None:
    out = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", out)
    path = out / "lora_tiny_ft.yaml"
    path.write_text(path.read_text().replace("{use: tiny_rag_trained}", "{use: tiny_rag_trainde}"))
    with pytest.raises(ConfigError, match=r"lora_tiny_ft\.yaml: adaptation\.use='tiny_rag_trainde'.*tiny_rag_trained"):
        load_matrix(out)


def test_conditions_of_one_shared_block_get_equal_adaptations() -> None:
    matrix = load_matrix(ROOT / "configs")
    assert matrix.condition("lora_tiny_ft").adaptation == matrix.condition("hybrid_tiny").adaptation
    assert matrix.condition("ft_instruction_tiny").adaptation.recipe == "instruction"
    assert matrix.condition("hybrid_tiny").adaptation.recipe == "rag_trained"
