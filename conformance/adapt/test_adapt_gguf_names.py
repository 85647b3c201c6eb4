"""HF -> GGUF tensor names, and the q/k permutation as the exact inverse of transformers' GGUF loader."""

from __future__ import annotations

import numpy as np
import pytest

from harness.adapt import gguf_tensor_name, permute_rows
from harness.errors import ConfigError


@pytest.mark.parametrize(
    ("hf", "gguf"),
    [
        ("model.embed_tokens.weight", "token_embd.weight"),
        ("model.norm.weight", "output_norm.weight"),
        ("lm_head.weight", "output.weight"),
        ("model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight"),
        ("model.layers.12.self_attn.k_proj.bias", "blk.12.attn_k.bias"),
        ("model.layers.3.self_attn.o_proj.weight", "blk.3.attn_output.weight"),
        ("model.layers.3.mlp.down_proj.weight", "blk.3.ffn_down.weight"),
        ("model.layers.3.post_attention_layernorm.weight", "blk.3.ffn_norm.weight"),
    ],
)
def test_tensor_names_map_to_llama_cpp_names(hf: str, gguf: str) -> None:
    assert gguf_tensor_name(hf) == gguf


def test_an_unknown_tensor_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"model\.layers\.0\.mlp\.experts\.weight"):
        gguf_tensor_name("model.layers.0.mlp.experts.weight")


@pytest.mark.parametrize(("heads", "rows"), [(4, 64), (2, 32), (9, 576), (3, 192)])
def test_permutation_is_undone_by_the_transformers_gguf_loader(heads: int, rows: int) -> None:
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

    weights = np.random.default_rng(0).standard_normal((rows, 8)).astype(np.float32)
    permuted = permute_rows(weights, heads)
    assert not np.array_equal(permuted, weights)
    restored = LlamaTensorProcessor()._reverse_permute_weights(permuted, heads, heads)
    np.testing.assert_array_equal(restored, weights)
