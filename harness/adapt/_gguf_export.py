"""Write a transformers model as an F16 GGUF that llama.cpp loads: metadata, names, q/k permutation.

Tokenizer and general metadata come from the base's GGUF (or a vocabulary-only GGUF next to a HF base);
architecture numbers come from the model's config. 1-D tensors (norms) stay F32, as llama.cpp's own
converter keeps them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from harness.adapt._gguf_meta import arch_fields, copy_fields, finish_writer
from harness.adapt._gguf_names import gguf_arch, gguf_tensor_name, permute_rows, qk_heads

__all__ = ["gguf_tensors", "write_model_gguf"]


def gguf_tensors(state_dict: Mapping[str, Any], config: Any) -> Iterator[tuple[str, Any]]:
    """``(gguf_name, numpy array)`` for every tensor, permuted and cast for an F16 file."""
    import numpy as np

    arch = gguf_arch(config)
    tied = bool(getattr(config, "tie_word_embeddings", False))
    for hf_name, tensor in state_dict.items():
        if tied and hf_name == "lm_head.weight":
            continue  # tied to token_embd; llama.cpp reuses it when output.weight is absent
        name = gguf_tensor_name(hf_name)
        data = tensor.detach().float().cpu().numpy()
        heads = qk_heads(arch, name, config)
        if heads is not None:
            data = permute_rows(data, heads)
        yield name, data.astype(np.float32 if data.ndim == 1 else np.float16)


def write_model_gguf(model: Any, out: Path, *, vocab_source: Path, name: str) -> Path:
    """Write ``model`` (a transformers causal LM) to ``out`` as a ``MOSTLY_F16`` GGUF."""
    import gguf

    config = model.config
    arch = gguf_arch(config)
    writer = gguf.GGUFWriter(str(out), arch)
    writer.add_name(name)
    copy_fields(writer, vocab_source)
    arch_fields(writer, arch, config)
    writer.add_file_type(int(gguf.LlamaFileType.MOSTLY_F16))
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    for tensor_name, data in gguf_tensors(model.state_dict(), config):
        writer.add_tensor(tensor_name, data)
    finish_writer(writer)
    return out
