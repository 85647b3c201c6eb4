"""The adaptation pipeline on a tiny model: artifact contents, merge and GGUF export round trips,
quantisation, checksums, caching and Ollama registration."""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.adapt import AdaptedModel, adapt, record_evaluation, verify_artifacts
from harness.adapt.export import attach_adapter, compare_runs, greedy_llama, greedy_transformers, merge_adapter
from harness.cache import write_checksums
from harness.config import Condition, ModelSpec
from harness.data import Splits
from harness.errors import CacheError, ConfigError


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("adapt-cache")


@pytest.fixture(scope="module")
def built(make_condition: Callable[..., Condition], toy_splits: Splits, cache_root: Path) -> AdaptedModel:
    return adapt(make_condition(), toy_splits, cache_root, progress=lambda _: None)


def _prompts(artifact: Path, tokenizer: Any, n: int = 3) -> list[list[int]]:
    rows = [json.loads(line) for line in (artifact / "train_data" / "val.jsonl").read_text().splitlines()[:n]]
    return [
        tokenizer.apply_chat_template(r["messages"][:-1], tokenize=True, add_generation_prompt=True, return_dict=False)
        for r in rows
    ]


def _load(directory: Path) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(str(directory), dtype=torch.float32)
    return model, AutoTokenizer.from_pretrained(str(directory))


def test_artifact_holds_adapter_merged_model_gguf_files_and_records(built: AdaptedModel) -> None:
    root = built.artifact_dir
    adapter_cfg = json.loads((root / "adapter" / "adapter_config.json").read_text())
    assert adapter_cfg["r"] == 4 and adapter_cfg["lora_alpha"] == 8
    assert (root / "adapter" / "adapter_model.safetensors").is_file()
    assert json.loads((root / "training_config.json").read_text())["chosen"]["learning_rate"] == 5e-3
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        assert (root / "merged" / name).is_file(), name
    assert set(built.gguf) == {"F16", "Q8_0", "Q4_K_M"}
    assert built.serve_path("Q8_0") == root / "gguf" / "model.Q8_0.gguf"
    assert (root / "gguf" / "Modelfile").read_text().startswith("FROM ./model.Q8_0.gguf")
    assert built.lora_gguf is not None and built.lora_gguf.is_file()
    assert not built.reused
    verify_artifacts(root)


def test_metadata_records_data_hyperparameters_losses_and_timings(built: AdaptedModel, toy_splits: Splits) -> None:
    meta = built.metadata
    assert meta["dataset"] == {
        "tag": "toy",
        "content_hash": "toy-v1",
        "split_seed": 7,
        "train_questions": 24,
        "val_questions": 6,
    }
    assert meta["hyperparameters"]["learning_rate"] == 5e-3 and meta["policy"] == "fixed"
    curve = meta["training"]["loss_curve"]
    assert [e["epoch"] for e in curve] == [1, 2]
    assert all(e["train_loss"] > 0 and e["val_loss"] > 0 and e["val_token_accuracy"] is not None for e in curve)
    best = min(curve, key=lambda e: e["val_loss"])
    assert meta["training"]["best_epoch"] == best["epoch"]
    assert meta["training"]["best_checkpoint"] == f"checkpoint-{best['step']}"
    assert len(meta["trials"]) == 1 and meta["trials"][0]["val_loss"] == meta["training"]["best_val_loss"]
    assert (
        meta["token_stats"]["train"]["count"] == 12
        and meta["token_stats"]["train"]["max"] >= meta["token_stats"]["train"]["mean"]
    )
    assert {"load_base", "data", "train", "merge", "gguf_f16", "quantize"} <= set(meta["stage_wall_s"])
    assert meta["packages"]["peft"] and meta["evaluation"]["status"] == "pending"
    checks = meta["checks"]
    assert set(checks) == {"tokenization_transformers_vs_gguf", "transformers_vs_f16_gguf", "merged_vs_base_plus_lora"}
    tokens = checks["tokenization_transformers_vs_gguf"]
    assert tokens["ok"] and tokens["equal"] == tokens["prompts"]
    assert all(check["ok"] and check["exact"] == check["prompts"] for name, check in checks.items() if "exact" in check)
    assert meta["export"]["converter"]["llama_cpp_python"] == "0.3.36"


def test_merged_model_equals_base_plus_adapter(built: AdaptedModel, tiny_model_dir: Path) -> None:
    import torch

    base, tokenizer = _load(tiny_model_dir)
    ids = torch.tensor([_prompts(built.artifact_dir, tokenizer, 1)[0]])
    adapter = built.artifact_dir / "adapter"
    with torch.no_grad():
        attached = attach_adapter(base, adapter)(input_ids=ids).logits
        merged = merge_adapter(base, adapter)(input_ids=ids).logits
        plain = base(input_ids=ids).logits
        saved = _load(built.artifact_dir / "merged")[0](input_ids=ids).logits
    torch.testing.assert_close(merged, attached, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(saved, merged, atol=5e-2, rtol=1e-2)  # saved in float16
    assert (merged - plain).abs().max() > 1e-3  # the adapter changed the model


def test_f16_gguf_greedy_tokens_equal_transformers(built: AdaptedModel) -> None:
    merged, tokenizer = _load(built.artifact_dir / "merged")
    prompts = _prompts(built.artifact_dir, tokenizer)
    reference = greedy_transformers(merged, prompts, 10)
    exported = greedy_llama(built.gguf["F16"], prompts, 10)
    assert [r.tokens for r in exported] == [r.tokens for r in reference]
    assert compare_runs("f16", reference, exported, 0.0).max_logit_diff < 0.05


def test_merged_gguf_equals_base_gguf_with_attached_lora(
    built: AdaptedModel, tiny_model_dir: Path, tmp_path: Path
) -> None:
    from harness.adapt.export import convert_model

    _, tokenizer = _load(tiny_model_dir)
    base_gguf = convert_model(tiny_model_dir, tmp_path / "base.F16.gguf")
    prompts = _prompts(built.artifact_dir, tokenizer)
    merged = greedy_llama(built.gguf["F16"], prompts, 10)
    attached = greedy_llama(base_gguf, prompts, 10, lora=built.lora_gguf)
    assert [r.tokens for r in attached] == [r.tokens for r in merged]


def test_quantisations_load_and_are_smaller(built: AdaptedModel, tiny_model_dir: Path) -> None:
    _, tokenizer = _load(tiny_model_dir)
    prompts = _prompts(built.artifact_dir, tokenizer, 1)
    f16 = built.gguf["F16"].stat().st_size
    for quantization in ("Q8_0", "Q4_K_M"):
        path = built.gguf[quantization]
        assert path.stat().st_size < f16, quantization
        assert len(greedy_llama(path, prompts, 4)[0].tokens) == 4


def test_verify_names_a_file_with_a_flipped_byte(built: AdaptedModel, tmp_path: Path) -> None:
    from harness.cli import _verify

    copy = Path(shutil.copytree(built.artifact_dir, tmp_path / "artifact"))
    assert _verify.run(argparse.Namespace(artifact_dir=copy)) == 0
    target = copy / "gguf" / "model.Q8_0.gguf"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(CacheError, match=r"gguf/model\.Q8_0\.gguf: checksum mismatch"):
        _verify.run(argparse.Namespace(artifact_dir=copy))


def test_recording_the_evaluation_reseals_the_artifact(built: AdaptedModel, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(built.artifact_dir, tmp_path / "artifact"))
    record_evaluation(copy, {"factuality": 0.42})
    verify_artifacts(copy)
    assert json.loads((copy / "EXPERIMENT_METADATA.json").read_text())["evaluation"] == {"factuality": 0.42}


class NoTraining:
    """A TrainerCallback stand-in that fails if training starts."""

    def on_init_end(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("training ran although a verified artifact existed")


def test_same_inputs_reuse_the_artifact_and_a_changed_lr_retrains(
    built: AdaptedModel, make_condition: Callable[..., Condition], toy_splits: Splits, cache_root: Path
) -> None:
    lines: list[str] = []
    again = adapt(make_condition(), toy_splits, cache_root, progress=lines.append, callbacks=[NoTraining()])
    assert again.reused and again.artifact_dir == built.artifact_dir
    assert any("reusing verified artifact" in line for line in lines)
    changed = adapt(make_condition(learning_rate=2e-3), toy_splits, cache_root, progress=lines.append)
    assert not changed.reused and changed.artifact_dir != built.artifact_dir
    assert changed.metadata["hyperparameters"]["learning_rate"] == 2e-3

    # A damaged entry is never used: it is detected and rebuilt in place.
    weights = changed.artifact_dir / "adapter" / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8])
    with pytest.raises(CacheError, match=r"adapter_model\.safetensors: checksum mismatch"):
        verify_artifacts(changed.artifact_dir)
    rebuilt = adapt(make_condition(learning_rate=2e-3), toy_splits, cache_root, progress=lines.append)
    assert not rebuilt.reused and rebuilt.artifact_dir == changed.artifact_dir
    verify_artifacts(rebuilt.artifact_dir)


def test_continual_training_merges_the_previous_adapter_first(
    built: AdaptedModel, make_condition: Callable[..., Condition], toy_splits: Splits, cache_root: Path, tmp_path: Path
) -> None:
    condition = make_condition(epochs=1, continual_from=str(built.artifact_dir), export_quantizations=("F16",))
    second = adapt(condition, toy_splits, cache_root, progress=lambda _: None)
    record = second.metadata["continual_from"]
    assert record["key"] == built.metadata["key"] and record["artifact_dir"] == str(built.artifact_dir)
    assert all(check["ok"] for check in second.metadata["checks"].values())

    foreign = Path(shutil.copytree(built.artifact_dir, tmp_path / "foreign"))
    meta = json.loads((foreign / "EXPERIMENT_METADATA.json").read_text())
    meta["base_model"]["sha256"] = "0" * 64
    (foreign / "EXPERIMENT_METADATA.json").write_text(json.dumps(meta))
    write_checksums(foreign)
    with pytest.raises(ConfigError, match="continue from an artifact of the same base"):
        adapt(make_condition(epochs=1, continual_from=str(foreign)), toy_splits, cache_root, progress=lambda _: None)


def test_an_ollama_condition_without_a_server_says_why(
    built: AdaptedModel, make_condition: Callable[..., Condition], toy_splits: Splits, cache_root: Path
) -> None:
    import dataclasses
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    spec = ModelSpec(provider="ollama", name="tiny-ft", quantization="Q8_0", host=f"http://127.0.0.1:{port}")
    result = adapt(dataclasses.replace(make_condition(), model=spec), toy_splits, cache_root, progress=lambda _: None)
    assert result.reused
    assert result.registration["registered"] is False and "no Ollama server" in result.registration["reason"]
    assert result.metadata["ollama"] == result.registration
