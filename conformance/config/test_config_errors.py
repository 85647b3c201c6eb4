"""Bad configs fail at load with `file: field=value reason` messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.config import load_matrix
from harness.errors import ConfigError

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    out = tmp_path / "configs"
    shutil.copytree(CONFIGS, out)
    return out


def _override(configs: Path, name: str, text: str) -> None:
    (configs / f"{name}.yaml").write_text((configs / f"{name}.yaml").read_text() + text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("retrieval: {top_k: 0}\n", "rag_baseline_tiny.yaml: retrieval.top_k=0 must be >= 1"),
        ("retrieval: {top_k: three}\n", "retrieval.top_k='three' must be an integer"),
        ("retrieval: {chunk_overlap: 500}\n", "retrieval.chunk_overlap=500 must be < chunk_size (120)"),
        ("generation: {temperature: -1}\n", "generation.temperature=-1.0 must be >= 0"),
        ("generation: {concurrency: 0}\n", "rag_baseline_tiny.yaml: generation.concurrency=0 must be >= 1"),
        ("generation: {concurrency: 1000}\n", "generation.concurrency=1000 must be <= 256"),
        ("retreival: {top_k: 3}\n", "retreival={'top_k': 3} is not a known key; did you mean 'retrieval'?"),
        ("model: {provider: vllm}\n", "model.provider='vllm' must be one of 'llama_cpp', 'ollama', 'hf', 'openai'"),
        ("data: {ratios: [0.8, 0.15, 0.15]}\n", "data.ratios=[0.8, 0.15, 0.15] must sum to 1"),
        ("size_group: huge\n", "size_group='huge' is not declared"),
        ("retrieval: {mode: 'off'}\n", "retrieval.mode='off' must be faiss or gold_context for role 'rag'"),
    ],
)
def test_bad_value_names_file_field_and_reason(configs: Path, text: str, message: str) -> None:
    _override(configs, "rag_baseline_tiny", text)
    with pytest.raises(ConfigError) as info:
        load_matrix(configs)
    assert message in str(info.value)


def test_bad_default_is_reported_against_the_defaults_file(configs: Path) -> None:
    defaults = configs / "defaults.yaml"
    defaults.write_text(defaults.read_text().replace("top_k: 3", "top_k: -2"))
    with pytest.raises(ConfigError, match=r"defaults.yaml: retrieval.top_k=-2 must be >= 1"):
        load_matrix(configs)


def test_invalid_yaml_names_the_file(configs: Path) -> None:
    (configs / "broken.yaml").write_text("model: [unclosed\n")
    with pytest.raises(ConfigError, match=r"broken.yaml: not valid YAML"):
        load_matrix(configs)


def test_yaml_tags_that_run_code_are_refused(configs: Path) -> None:
    (configs / "evil.yaml").write_text("size_group: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ConfigError, match=r"evil\.yaml: not valid YAML"):
        load_matrix(configs)


def test_name_must_match_file(configs: Path) -> None:
    _override(configs, "rag_baseline_tiny", "name: other\n")
    with pytest.raises(ConfigError, match="must match the file name"):
        load_matrix(configs)


def test_baseline_must_be_in_its_group(configs: Path) -> None:
    defaults = configs / "defaults.yaml"
    defaults.write_text(defaults.read_text().replace("baseline: rag_baseline_3b", "baseline: rag_baseline_0p5"))
    with pytest.raises(
        ConfigError, match=r"size_groups\.3b\.baseline='rag_baseline_0p5' must name a condition in group 3b"
    ):
        load_matrix(configs)
