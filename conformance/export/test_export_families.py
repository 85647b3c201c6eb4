"""Every family the seeds name, through llama.cpp's own converters, proven offline on random-weight models.

Per family: the evaluation prompts tokenise identically in transformers and llama.cpp; greedy tokens of
transformers and the F16 GGUF agree (near-tie rule); Q8_0 and Q4_K_M load and answer; a LoRA trained a few
steps gives merged == base + GGUF LoRA attached in llama.cpp; a planted wrong export is caught with the prompt
and position; the Modelfile carries the family's template and stops.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conformance.export.conftest import EXPORTED, Exported
from harness.adapt.export import (
    ExportCheckFailed,
    ExportJob,
    export_model,
    greedy_llama,
    greedy_transformers,
    parity_prompts,
)
from harness.adapt.export._prompts import default_conversations

pytestmark = pytest.mark.slow

FAMILY_OF = {"qwen2": "chatml", "qwen3": "chatml", "llama3": "llama3", "mistral": "mistral", "phi3": "phi3"}
# An unrelated model's logits correlate ~0 with F16's; 4-bit rounding of a random model costs more than 8-bit.
MIN_CORRELATION = {"Q8_0": 0.99, "Q4_K_M": 0.8}
STOPS = {
    "qwen2": ("<|im_end|>", "<|endoftext|>"),
    "qwen3": ("<|im_end|>",),
    "llama3": ("<|eot_id|>",),
    "mistral": ("[INST]", "</s>"),
    "phi3": ("<|end|>", "<|endoftext|>"),
}


def _load(directory: Path) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(str(directory), dtype=torch.float32), AutoTokenizer.from_pretrained(
        str(directory)
    )


def _f16_job(tmp_path: Path, model_dir: Path, reference_dir: Path, **extra: Any) -> ExportJob:
    """An F16 export of ``model_dir`` checked against the transformers model in ``reference_dir``."""
    reference, tokenizer = _load(reference_dir)
    return ExportJob(
        model_dir=model_dir, out=tmp_path / "out", work=tmp_path / "work", quantizations=("F16",),
        prompts=parity_prompts(tokenizer, default_conversations(), 96), reference=reference, tokenizer=tokenizer,
        **extra,
    )  # fmt: skip


@pytest.mark.parametrize("family", EXPORTED)
def test_harness_export_writes_checked_files(family: str, exported_family: Any) -> None:
    done: Exported = exported_family(family)
    record = done.record
    assert record["version"] == 1 and record["converter"]["llama_cpp_python"] == "0.3.36"
    assert set(record["gguf"]) == {"F16", "Q8_0", "Q4_K_M"}
    for name in (*record["gguf"].values(), "adapter.lora.gguf", "Modelfile", "checksums.txt", "export.json"):
        assert (done.out / name).is_file(), name
    checks = record["checks"]
    tokens = checks["tokenization_transformers_vs_gguf"]
    assert tokens["ok"] and tokens["equal"] == tokens["prompts"] == 3
    for name in ("transformers_vs_f16_gguf", "merged_vs_base_plus_lora"):
        assert checks[name]["ok"] and checks[name]["exact"] + checks[name]["near_ties"] == 3, (name, checks[name])
        assert checks[name]["max_logit_diff"] < 0.15, (name, checks[name])
    print(f"\n{family}: {checks} wall {done.wall_s:.1f}s")


@pytest.mark.parametrize("family", EXPORTED)
def test_greedy_decoding_does_not_collapse_and_quantisations_answer(family: str, exported_family: Any) -> None:
    done: Exported = exported_family(family)
    model, tokenizer = _load(done.out / "merged")
    prompts = [p.ids for p in parity_prompts(tokenizer, default_conversations(), 64)]
    for run in greedy_transformers(model, prompts, 8):
        assert len(set(run.tokens)) > 2, run.tokens  # a random model that repeats one token proves nothing
    f16 = greedy_llama(done.out / done.record["gguf"]["F16"], prompts, 8)
    for quantization in ("Q8_0", "Q4_K_M"):
        runs = greedy_llama(done.out / done.record["gguf"][quantization], prompts, 8)
        assert all(len(r.tokens) == 8 for r in runs)
        # the same model, rounded: its first-step logits track F16's closely (an unrelated model's would not)
        for r, f in zip(runs, f16, strict=True):
            correlation = float(np.corrcoef(r.logits[0], f.logits[0])[0, 1])
            print(f"{family} {quantization} first-step logit correlation with F16: {correlation:.4f}")
            assert correlation > MIN_CORRELATION[quantization], (quantization, correlation)


@pytest.mark.parametrize("family", EXPORTED)
def test_modelfile_has_the_family_template_and_stops(family: str, exported_family: Any) -> None:
    done: Exported = exported_family(family)
    modelfile = done.record["modelfile"]
    assert modelfile["family"] == FAMILY_OF[family]
    assert set(STOPS[family]) <= set(modelfile["stops"])
    text = (done.out / "Modelfile").read_text()
    assert text.startswith(f"FROM ./{done.record['gguf'][modelfile['from']]}\n")
    assert all(f'PARAMETER stop "{s}"' in text for s in STOPS[family])
    if family == "qwen3":  # its generation_config.json sampling defaults, carried by the GGUF into the Modelfile
        assert modelfile["parameters"] == pytest.approx({"temperature": 0.6, "top_p": 0.95, "top_k": 20})
        assert "PARAMETER temperature 0.6\n" in text and "PARAMETER top_k 20\n" in text


@pytest.mark.parametrize("family", EXPORTED)
def test_a_wrong_export_is_caught_naming_prompt_and_position(family: str, exported_family: Any, tmp_path: Path) -> None:
    """Plant a bug in the weights the converter sees (two layers' MLP down-projections swapped): the check fails."""
    from safetensors.torch import load_file, save_file

    done: Exported = exported_family(family)
    planted = Path(shutil.copytree(done.out / "merged", tmp_path / "planted"))
    weights = load_file(str(planted / "model.safetensors"))
    a, b = "model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.down_proj.weight"
    weights[a], weights[b] = weights[b], weights[a]
    save_file(weights, str(planted / "model.safetensors"), metadata={"format": "pt"})
    job = _f16_job(tmp_path, planted, done.out / "merged")
    with pytest.raises(ExportCheckFailed, match=r"transformers_vs_f16_gguf: prompt \d: token \d differs \(\d+ vs \d+"):
        export_model(job)


def test_a_wrongly_scaled_lora_is_caught_by_the_merge_check(exported_family: Any, tmp_path: Path) -> None:
    """Plant a bug in what the LoRA converter sees (alpha x4): base + GGUF LoRA no longer equals the merged file."""
    import json

    done: Exported = exported_family("qwen2")
    adapter = Path(shutil.copytree(done.adapter_dir, tmp_path / "adapter"))
    config = json.loads((adapter / "adapter_config.json").read_text())
    config["lora_alpha"] *= 4
    (adapter / "adapter_config.json").write_text(json.dumps(config))
    job = _f16_job(tmp_path, done.out / "merged", done.out / "merged", adapter_dir=adapter, base_dir=done.base_dir)
    with pytest.raises(ExportCheckFailed, match=r"merged_vs_base_plus_lora: prompt \d: token \d differs"):
        export_model(job)


def test_a_tokenizer_that_disagrees_with_llama_cpp_is_caught(tmp_path: Path, converters: Any) -> None:
    """A SentencePiece tokenizer that prefixes a space only to the first text fragment (transformers' default for a
    rebuilt Llama tokenizer), where llama.cpp prefixes every fragment after a special token: the check names it."""
    import dataclasses

    from conformance.families import FAMILIES, build_family

    family = dataclasses.replace(FAMILIES["mistral"], space_each_fragment=False)
    model_dir = build_family(family, converters.root / "models", tmp_path / "mistral-as-read")
    job = _f16_job(tmp_path, model_dir, model_dir)
    with pytest.raises(ExportCheckFailed, match=r"tokenization_transformers_vs_gguf: prompt 0: token 1 differs"):
        export_model(job)


def test_a_merged_phi3_must_keep_its_name(exported_family: Any, tmp_path: Path) -> None:
    """llama.cpp strips whitespace after Phi-3's chat tokens only when general.name says "phi3": exported under the
    merged directory's own name, the tokenisation check fails; under the base's name (what export passes) it holds."""
    done: Exported = exported_family("phi3")
    job = _f16_job(tmp_path, done.out / "merged", done.out / "merged", name="merged")
    with pytest.raises(ExportCheckFailed, match=r"tokenization_transformers_vs_gguf: prompt 0: token 2 differs"):
        export_model(job)
    assert done.record["checks"]["tokenization_transformers_vs_gguf"]["ok"]
