"""``adaptation.serve: lora``: llama.cpp serves the base GGUF with the LoRA GGUF applied at load.

The base here is the tiny random Llama converted to a Q8_0 GGUF, so training, export and serving run for real in
seconds. What is checked: which files each level serves, that the LoRA is really applied (answers differ from the
base file alone, and the journal key carries the LoRA's hash), the refusals with their fixes, and that the serve mode
does not retrain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.adapt import AdaptedModel, adapt, adaptation_key, resolve_base, serve_files
from harness.adapt.export import convert_model, gguf_quantization, quantize_gguf
from harness.backends import GenerationRequest, Message, create_backend
from harness.cache import Cache
from harness.config import Condition, GenerationConfig, ModelSpec
from harness.data import Splits
from harness.errors import BackendError, ConfigError, ModelUnavailable
from harness.run._session import _gated_levels, deployed_bytes
from harness.run._stages import prepare_model


@pytest.fixture(scope="module")
def tiny_gguf_base(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Llama as a Q8_0 GGUF: a quantised base file, as the embedded Q4_1 one is."""
    out = tmp_path_factory.mktemp("tiny-gguf")
    f16 = convert_model(tiny_model_dir, out / "tiny.F16.gguf")
    return quantize_gguf(f16, out / "tiny.Q8_0.gguf", "Q8_0")


@pytest.fixture(scope="module")
def lora_condition(make_condition: Callable[..., Condition], tiny_gguf_base: Path) -> Condition:
    cond = make_condition(base_model=str(tiny_gguf_base), serve="lora", export_quantizations=("F16",))
    return dataclasses.replace(cond, model=dataclasses.replace(cond.model, quantization="Q8_0"))


@pytest.fixture(scope="module")
def adapted(
    lora_condition: Condition, toy_splits: Splits, tmp_path_factory: pytest.TempPathFactory
) -> tuple[AdaptedModel, Path]:
    root = tmp_path_factory.mktemp("lora-cache")
    return adapt(lora_condition, toy_splits, root, progress=lambda _: None), root


def test_the_base_level_serves_the_base_file_with_the_lora_and_other_levels_the_merged_export(
    adapted: tuple[AdaptedModel, Path], lora_condition: Condition, tiny_gguf_base: Path
) -> None:
    model, _ = adapted
    assert gguf_quantization(tiny_gguf_base) == "Q8_0"
    files = serve_files(model, lora_condition.adaptation, "Q8_0")
    assert files.model == tiny_gguf_base.resolve() and files.lora == model.lora_gguf
    assert files.lora is not None and files.lora.is_file()
    merged = serve_files(model, lora_condition.adaptation, "F16")
    assert merged.model == model.gguf["F16"] and merged.lora is None
    as_merged = serve_files(model, dataclasses.replace(lora_condition.adaptation, serve="merged"), "F16")
    assert as_merged.model == model.gguf["F16"] and as_merged.lora is None
    with pytest.raises(ConfigError, match="export_quantizations"):
        serve_files(model, lora_condition.adaptation, "Q4_K_M")  # neither the base level nor exported


def _answers(spec: ModelSpec) -> tuple[list[str], dict[str, object]]:
    prompts = [f"Tell me about the town number {i}." for i in range(4)]
    requests = [
        GenerationRequest(qid=f"p{i}", messages=(Message(role="user", content=p),), max_tokens=12, temperature=0.0)
        for i, p in enumerate(prompts)
    ]
    backend = create_backend(spec, GenerationConfig(max_tokens=12, parallel_sequences=1))
    try:
        return [g.text for g in backend.generate(requests)], dict(backend.describe())
    finally:
        backend.close()


def test_the_lora_is_applied_at_load_and_keys_the_journal(
    adapted: tuple[AdaptedModel, Path], tiny_gguf_base: Path
) -> None:
    model, _ = adapted
    base = ModelSpec(provider="llama_cpp", name=str(tiny_gguf_base), quantization="Q8_0", context_length=512)
    with_lora = dataclasses.replace(base, lora=str(model.lora_gguf))
    plain, plain_identity = _answers(base)
    served, identity = _answers(with_lora)
    assert served != plain, "the LoRA changed no answer: it was not applied"
    assert "lora_sha256" not in plain_identity
    assert identity["lora_path"] == str(Path(str(model.lora_gguf)).resolve())
    assert len(str(identity["lora_sha256"])) == 64 and identity["sha256"] == plain_identity["sha256"]


def test_prepare_model_puts_the_lora_in_the_condition_and_the_record(
    adapted: tuple[AdaptedModel, Path], lora_condition: Condition, toy_splits: Splits, tiny_gguf_base: Path
) -> None:
    model, root = adapted
    lines: list[str] = []
    served = prepare_model(lora_condition, toy_splits, Cache(root), lines.append)
    assert served.path == tiny_gguf_base.resolve() and served.lora == model.lora_gguf
    assert served.adaptation is not None and served.adaptation["reused"] is True  # the artifact, not retrained
    assert served.adaptation["served"] == {"model": str(served.path), "lora": str(model.lora_gguf)}
    assert served.with_lora(lora_condition).model.lora == str(model.lora_gguf)
    assert any("LoRA" in line for line in lines)
    merged = prepare_model(
        dataclasses.replace(lora_condition, model=dataclasses.replace(lora_condition.model, quantization="F16")),
        toy_splits, Cache(root), lines.append,
    )  # fmt: skip
    assert merged.lora is None and merged.with_lora(lora_condition) is lora_condition


def test_the_serve_mode_is_not_part_of_the_adapters_cache_key(
    lora_condition: Condition, toy_splits: Splits, tiny_gguf_base: Path
) -> None:
    base = resolve_base(str(tiny_gguf_base))
    as_merged = dataclasses.replace(lora_condition, adaptation=dataclasses.replace(lora_condition.adaptation,
                                                                                    serve="merged"))  # fmt: skip
    other_exports = dataclasses.replace(
        lora_condition, adaptation=dataclasses.replace(lora_condition.adaptation, export_quantizations=("F16", "Q8_0"))
    )
    key = adaptation_key(lora_condition, toy_splits, base, None, ())
    assert adaptation_key(as_merged, toy_splits, base, None, ()) == key
    assert adaptation_key(other_exports, toy_splits, base, None, ()) != key


def test_serving_a_lora_needs_a_gguf_base_and_no_merged_chain(
    adapted: tuple[AdaptedModel, Path], lora_condition: Condition
) -> None:
    model, _ = adapted
    export = dict(model.metadata["export"])
    hf_base = {**export, "lora_gguf_base": {**export["lora_gguf_base"], "kind": "hf_dir"}}
    with pytest.raises(ConfigError, match=r"adaptation\.serve: merged") as hf:
        serve_files(dataclasses.replace(model, metadata={**model.metadata, "export": hf_base}),
                    lora_condition.adaptation, "Q8_0")  # fmt: skip
    assert "Hugging Face" in str(hf.value)
    chained = {**export, "lora_gguf_base": {**export["lora_gguf_base"], "merged_continual_chain": ["abc"]}}
    with pytest.raises(ConfigError, match="continual_from"):
        serve_files(dataclasses.replace(model, metadata={**model.metadata, "export": chained}),
                    lora_condition.adaptation, "Q8_0")  # fmt: skip
    with pytest.raises(ConfigError, match="no LoRA GGUF"):
        serve_files(dataclasses.replace(model, lora_gguf=None), lora_condition.adaptation, "Q8_0")


def test_a_lora_file_belongs_to_llama_cpp_only() -> None:
    with pytest.raises(ValueError, match=r"lora='adapter\.gguf' only provider llama_cpp"):
        ModelSpec(provider="ollama", name="qwen2.5:0.5b", lora="adapter.gguf")


def test_the_quantisation_gate_also_compares_the_served_base_plus_lora_level(lora_condition: Condition) -> None:
    adaptation = dataclasses.replace(lora_condition.adaptation, export_quantizations=("F16", "Q4_K_M"))
    cond = dataclasses.replace(lora_condition, adaptation=adaptation)
    assert _gated_levels(cond) == ["Q4_K_M", "Q8_0"]
    merged = dataclasses.replace(cond, adaptation=dataclasses.replace(adaptation, serve="merged"))
    assert _gated_levels(merged) == ["Q4_K_M"]


def test_the_condition_report_names_the_lora_beside_the_model_file(lora_condition: Condition) -> None:
    from harness.run._write import _markdown

    data = {"dataset": {"tag": "toy", "content_hash": "0" * 64}, "splits": {"seed": 7}}
    served = {"model_path": "/m/base.Q8_0.gguf", "lora_path": "/m/adapter.lora.gguf"}
    text = _markdown(lora_condition, {}, {**data, "model": served})
    line = next(x for x in text.splitlines() if x.startswith("- model:"))
    assert line.endswith("(/m/base.Q8_0.gguf) + LoRA applied at load (/m/adapter.lora.gguf)")
    merged = _markdown(lora_condition, {}, {**data, "model": {"model_path": "/m/model.F16.gguf"}})
    assert "LoRA" not in merged


def test_a_missing_or_damaged_lora_file_is_refused_by_name(tiny_gguf_base: Path, tmp_path: Path) -> None:
    base = ModelSpec(provider="llama_cpp", name=str(tiny_gguf_base), quantization="Q8_0", context_length=512)
    missing = dataclasses.replace(base, lora=str(tmp_path / "absent.lora.gguf"))
    with pytest.raises(ModelUnavailable, match=r"LoRA GGUF file lora=.*absent\.lora\.gguf not found"):
        create_backend(missing, GenerationConfig())
    damaged = tmp_path / "damaged.lora.gguf"
    damaged.write_bytes(b"PK\x03\x04 not a gguf")
    with pytest.raises(BackendError, match=r"damaged\.lora\.gguf is not a valid GGUF file"):
        create_backend(dataclasses.replace(base, lora=str(damaged)), GenerationConfig())


def test_the_deployed_size_counts_the_lora_beside_the_base(tmp_path: Path) -> None:
    base, lora = tmp_path / "base.gguf", tmp_path / "adapter.lora.gguf"
    base.write_bytes(b"x" * 1000)
    lora.write_bytes(b"y" * 37)
    assert deployed_bytes({"model_path": str(base)}) == 1000
    assert deployed_bytes({"model_path": str(base), "lora_path": str(lora)}) == 1037
    assert deployed_bytes({"model_path": str(base), "lora_path": str(tmp_path / "gone")}) is None
    assert deployed_bytes({}) is None
