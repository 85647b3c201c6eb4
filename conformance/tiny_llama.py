"""The tiny model the adaptation tests train: random weights, the embedded SmolLM2's real tokenizer.

One builder for every suite that needs it (``adapt/``, ``scale/``), so they train the same model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_tiny_llama(gguf: Path, out: Path) -> Path:
    """Save a random tiny Llama + the tokenizer read from ``gguf`` to ``out``."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer: Any = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    config = LlamaConfig(
        hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, intermediate_size=128,
        vocab_size=len(tokenizer), max_position_embeddings=1024, tie_word_embeddings=True, initializer_range=0.2,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out
