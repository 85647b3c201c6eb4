"""Hugging Face -> GGUF tensor names and llama.cpp's q/k row permutation.

transformers' GGUF loader un-permutes ``attn_q``/``attn_k`` of llama-architecture files
(``LlamaTensorProcessor._reverse_permute_weights``: reshape ``(n_head, dim, 2, ...)``, swap axes 1 and 2);
export applies the forward permutation of llama.cpp's ``convert_hf_to_gguf.py`` (reshape
``(n_head, 2, dim, ...)``, swap axes 1 and 2) so the two round-trip exactly. Qwen2 files are not permuted.
"""

from __future__ import annotations

import re
from typing import Any

from harness.errors import ConfigError

__all__ = ["ARCHITECTURES", "gguf_arch", "gguf_tensor_name", "permute_rows", "qk_heads"]

ARCHITECTURES = {"llama": "llama", "qwen2": "qwen2"}
_PERMUTED = {"llama"}

_GLOBAL = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}
_BLOCK = {
    "input_layernorm": "attn_norm",
    "post_attention_layernorm": "ffn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_LAYER = re.compile(r"^model\.layers\.(\d+)\.(.+)\.(weight|bias)$")


def gguf_arch(config: Any) -> str:
    """The GGUF architecture of a transformers config; other model types are refused with the list."""
    model_type = str(getattr(config, "model_type", ""))
    if model_type not in ARCHITECTURES:
        raise ConfigError(
            f"base model type={model_type!r} cannot be exported to GGUF here; supported: {', '.join(ARCHITECTURES)}"
        )
    return ARCHITECTURES[model_type]


def gguf_tensor_name(hf_name: str) -> str:
    """``model.layers.3.self_attn.q_proj.weight`` -> ``blk.3.attn_q.weight`` (and the global tensors)."""
    if hf_name in _GLOBAL:
        return _GLOBAL[hf_name]
    match = _LAYER.match(hf_name)
    if match is None or match.group(2) not in _BLOCK:
        raise ConfigError(f"tensor {hf_name!r} has no GGUF name mapping; this model layout is not supported")
    layer, part, kind = match.groups()
    return f"blk.{layer}.{_BLOCK[part]}.{kind}"


def qk_heads(arch: str, gguf_name: str, config: Any) -> int | None:
    """Heads to permute ``gguf_name`` by (None: leave it as it is)."""
    if arch not in _PERMUTED:
        return None
    if ".attn_q." in gguf_name:
        return int(config.num_attention_heads)
    if ".attn_k." in gguf_name:
        return int(getattr(config, "num_key_value_heads", None) or config.num_attention_heads)
    return None


def permute_rows(weights: Any, n_head: int) -> Any:
    """llama.cpp's forward q/k permutation of the rows (output dim) of a numpy array."""
    dim = weights.shape[0] // n_head // 2
    return weights.reshape(n_head, 2, dim, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)
