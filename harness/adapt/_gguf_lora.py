"""Write a peft LoRA adapter as a llama.cpp GGUF adapter (``Llama(model_path=base, lora_path=adapter)``).

Layout of llama.cpp's ``convert_lora_to_gguf.py``: ``general.type=adapter``, ``adapter.type=lora``,
``adapter.lora.alpha``; tensors ``blk.N.attn_q.weight.lora_a`` (A, shape r x in) and ``.lora_b``
(B, out x r). The q/k row permutation of the base applies to B only, since rows of B @ A are rows of B.
llama.cpp scales by alpha / r, like peft without rsLoRA.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from harness.adapt._gguf_meta import finish_writer
from harness.adapt._gguf_names import gguf_arch, gguf_tensor_name, permute_rows, qk_heads
from harness.errors import ConfigError

__all__ = ["lora_tensors", "write_lora_gguf"]

_PREFIX = "base_model.model."


def _effective_alpha(adapter_cfg: Mapping[str, Any]) -> float:
    if adapter_cfg.get("use_dora"):
        raise ConfigError("a DoRA adapter cannot be written as a llama.cpp LoRA; train plain LoRA")
    alpha, rank = float(adapter_cfg["lora_alpha"]), int(adapter_cfg["r"])
    # rsLoRA scales by alpha/sqrt(r); llama.cpp by alpha/r, so fold the difference into alpha.
    return alpha * math.sqrt(rank) if adapter_cfg.get("use_rslora") else alpha


def _split(key: str) -> tuple[str, str]:
    """``base_model.model.<module>.lora_A.weight`` -> (``<module>.weight``, ``lora_a``)."""
    for part, suffix in ((".lora_A.weight", "lora_a"), (".lora_B.weight", "lora_b")):
        if key.endswith(part):
            return key.removeprefix(_PREFIX).removesuffix(part) + ".weight", suffix
    raise ConfigError(f"adapter tensor {key!r} is not a LoRA A/B matrix; only plain LoRA on linear layers exports")


def lora_tensors(tensors: Mapping[str, Any], config: Any) -> Iterator[tuple[str, Any]]:
    """``(blk.N.<name>.weight.lora_a|lora_b, float32 array)`` for every adapter tensor."""
    import numpy as np

    arch = gguf_arch(config)
    for key in sorted(tensors):
        module_weight, suffix = _split(key)
        name = gguf_tensor_name(module_weight)
        data = tensors[key].detach().float().cpu().numpy()
        heads = qk_heads(arch, name, config)
        if heads is not None and suffix == "lora_b":
            data = permute_rows(data, heads)
        yield f"{name}.{suffix}", data.astype(np.float32)


def write_lora_gguf(adapter_dir: Path, config: Any, out: Path) -> Path:
    """Convert the peft adapter in ``adapter_dir`` for a base whose transformers config is ``config``."""
    import gguf
    from safetensors.torch import load_file

    adapter_cfg = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    writer = gguf.GGUFWriter(str(out), gguf_arch(config))
    writer.add_type("adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", _effective_alpha(adapter_cfg))
    for name, data in lora_tensors(load_file(str(adapter_dir / "adapter_model.safetensors")), config):
        writer.add_tensor(name, data)
    finish_writer(writer)
    return out
