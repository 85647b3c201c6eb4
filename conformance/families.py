"""Small random-weight models of the real architecture classes, with the real vocabularies llama.cpp ships.

The vocabularies are llama.cpp's ``models/ggml-vocab-*.gguf`` (found through the harness's own converter locator),
read by transformers (``AutoTokenizer.from_pretrained(dir, gguf_file=...)``). Weights are random but initialised
wide (``initializer_range`` 0.2-0.3), so greedy decoding picks varied tokens instead of one repeated token.
Where a vocabulary file has no chat template, the family's own (abridged) template is set: Llama 3's header
format, Mistral's ``[INST]``, Qwen3's ChatML with the ``enable_thinking`` switch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LLAMA3_TEMPLATE = (
    "{{- bos_token }}{%- for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
    "{{- message['content'] | trim + '<|eot_id|>' }}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}"
)
MISTRAL_TEMPLATE = (
    "{{- bos_token }}{%- set ns = namespace(system='') %}{%- for message in messages %}"
    "{%- if message['role'] == 'system' %}{%- set ns.system = message['content'] + '\\n\\n' %}"
    "{%- elif message['role'] == 'user' %}{{- '[INST] ' + ns.system + message['content'] + ' [/INST]' }}"
    "{%- set ns.system = '' %}{%- else %}{{- message['content'] + eos_token }}{%- endif %}{%- endfor %}"
)
QWEN3_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}"
    "{%- endif %}"
)

_SMALL = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
          "intermediate_size": 128, "max_position_embeddings": 2048}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Family:
    name: str
    vocab: str  # llama.cpp's models/ggml-vocab-<vocab>.gguf
    make_config: Callable[[Any], Any]  # tokenizer -> transformers config
    model_class: str
    chat_template: str | None = None  # set when the vocabulary file has none
    extra_special: tuple[str, ...] = ()  # tokens the real model has that the vocabulary file lacks
    # SentencePiece models prefix a space to every text fragment after a special token (llama.cpp does, and so does
    # the real Llama 2 / Mistral tokenizer.json); transformers' GGUF reader prefixes only the first fragment.
    space_each_fragment: bool = False
    # Ship a tokenizer.model rebuilt from the vocabulary's pieces, scores and types, as real SentencePiece models do:
    # the converter then reads the scores exactly (through tokenizer.json alone it re-derives them, and llama.cpp
    # would split words differently from transformers).
    sentencepiece: bool = False
    # generation_config.json sampling defaults the real model ships (the converter copies them into the GGUF)
    sampling: tuple[tuple[str, float], ...] = ()
    # Phi-3's chat tokens swallow the whitespace after them (rstrip in its tokenizer_config; llama.cpp does the same)
    added_rstrip: bool = False


def _ids(tokenizer: Any) -> dict[str, Any]:
    return {"bos_token_id": tokenizer.bos_token_id, "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id, "vocab_size": len(tokenizer)}  # fmt: skip


def _qwen2(tokenizer: Any) -> Any:
    from transformers import Qwen2Config

    return Qwen2Config(**_SMALL, **_ids(tokenizer), tie_word_embeddings=True, initializer_range=0.25)


def _qwen3(tokenizer: Any) -> Any:
    from transformers import Qwen3Config

    return Qwen3Config(**_SMALL, **_ids(tokenizer), head_dim=16, tie_word_embeddings=True, initializer_range=0.25)


def _llama3(tokenizer: Any) -> Any:
    from transformers import LlamaConfig

    rope = {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0,
            "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}  # fmt: skip
    small = {**_SMALL, "max_position_embeddings": 131072}  # llama3 scaling extends 8192 to 128k, as Llama 3.2 does
    return LlamaConfig(**small, **_ids(tokenizer), rope_parameters=rope, tie_word_embeddings=True,
                       initializer_range=0.25)  # fmt: skip


def _mistral(tokenizer: Any) -> Any:
    from transformers import MistralConfig

    return MistralConfig(**_SMALL, **_ids(tokenizer), tie_word_embeddings=False, initializer_range=0.25,
                         sliding_window=None)  # fmt: skip


def _phi3(tokenizer: Any) -> Any:
    from transformers import Phi3Config

    return Phi3Config(**_SMALL, **_ids(tokenizer), tie_word_embeddings=False, initializer_range=0.25,
                      original_max_position_embeddings=2048)  # fmt: skip


FAMILIES: dict[str, Family] = {
    "qwen2": Family(name="qwen2", vocab="qwen2", make_config=_qwen2, model_class="Qwen2ForCausalLM"),
    "qwen3": Family(name="qwen3", vocab="qwen2", make_config=_qwen3, model_class="Qwen3ForCausalLM",
                    chat_template=QWEN3_TEMPLATE, extra_special=("<think>", "</think>"),
                    sampling=(("temperature", 0.6), ("top_p", 0.95), ("top_k", 20))),
    "llama3": Family(name="llama3", vocab="llama-bpe", make_config=_llama3, model_class="LlamaForCausalLM",
                     chat_template=LLAMA3_TEMPLATE),
    "mistral": Family(name="mistral", vocab="llama-spm", make_config=_mistral, model_class="MistralForCausalLM",
                      chat_template=MISTRAL_TEMPLATE, space_each_fragment=True, sentencepiece=True),
    "phi3": Family(name="phi3", vocab="phi-3", make_config=_phi3, model_class="Phi3ForCausalLM",
                   space_each_fragment=True, sentencepiece=True, added_rstrip=True),
}  # fmt: skip


def build_family(family: Family, vocab_dir: Path, out: Path, seed: int = 0) -> Path:
    """Save a random ``family`` model + its real tokenizer (+ chat template) to ``out``; return ``out``."""
    import torch
    import transformers
    from tokenizers import AddedToken

    vocab = f"ggml-vocab-{family.vocab}.gguf"
    if family.sentencepiece:
        out.mkdir(parents=True, exist_ok=True)
        added = write_sentencepiece_model(vocab_dir / vocab, out / "tokenizer.model")
        tokenizer: Any = transformers.LlamaTokenizer.from_pretrained(str(out))
        specials = [AddedToken(t, special=True, rstrip=family.added_rstrip, normalized=False) for t in added]
        tokenizer.add_special_tokens({"additional_special_tokens": specials})
        tokenizer.chat_template = _gguf_chat_template(vocab_dir / vocab)
        eos = _gguf_eos(vocab_dir / vocab)
        tokenizer.eos_token = eos
    else:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(vocab_dir), gguf_file=vocab)
    if family.extra_special:
        tokenizer.add_special_tokens({"additional_special_tokens": list(family.extra_special)})
    if family.chat_template is not None:
        tokenizer.chat_template = family.chat_template
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    torch.manual_seed(seed)
    model = getattr(transformers, family.model_class)(family.make_config(tokenizer))
    if family.sampling:
        model.generation_config.update(do_sample=True, **dict(family.sampling))
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    if family.space_each_fragment:
        _prepend_always(out / "tokenizer.json")
    return out


def write_sentencepiece_model(vocab_gguf: Path, out: Path) -> tuple[str, ...]:
    """A SentencePiece BPE ``tokenizer.model`` with the GGUF vocabulary's pieces, scores and token types (GGUF uses
    SentencePiece's type numbers), byte fallback on, a dummy prefix, no whitespace folding: Llama 2 / Mistral.

    Control tokens past the base vocabulary (Phi-3's ``<|user|>`` ...) are added tokens in a real model, not
    SentencePiece pieces: they are returned, to be added to the tokenizer; padding entries after them are dropped.
    """
    import gguf
    from sentencepiece import sentencepiece_model_pb2 as sp

    fields = gguf.GGUFReader(str(vocab_gguf)).fields
    tokens, scores, kinds = (fields[f"tokenizer.ggml.{k}"].contents() for k in ("tokens", "scores", "token_type"))
    base = next((i for i, kind in enumerate(kinds) if i > 2 and kind in (2, 3)), len(tokens))
    model: Any = sp.ModelProto()
    model.trainer_spec.model_type = sp.TrainerSpec.BPE
    model.trainer_spec.vocab_size = base
    model.trainer_spec.byte_fallback = True
    model.trainer_spec.unk_id, model.trainer_spec.bos_id, model.trainer_spec.eos_id = 0, 1, 2
    model.trainer_spec.pad_id = -1
    model.normalizer_spec.name = "identity"
    model.normalizer_spec.add_dummy_prefix = True
    model.normalizer_spec.remove_extra_whitespaces = False
    model.normalizer_spec.escape_whitespaces = True
    for piece, score, kind in zip(tokens[:base], scores[:base], kinds[:base], strict=True):
        entry = model.pieces.add()
        entry.piece, entry.score, entry.type = piece, float(score), int(kind)
    out.write_bytes(model.SerializeToString())
    return tuple(str(t) for t, kind in zip(tokens[base:], kinds[base:], strict=True) if kind == 3)


def _gguf_chat_template(vocab_gguf: Path) -> str | None:
    import gguf

    field = gguf.GGUFReader(str(vocab_gguf)).fields.get("tokenizer.chat_template")
    return None if field is None else str(field.contents())


def _gguf_eos(vocab_gguf: Path) -> str:
    import gguf

    fields = gguf.GGUFReader(str(vocab_gguf)).fields
    return str(fields["tokenizer.ggml.tokens"].contents()[fields["tokenizer.ggml.eos_token_id"].contents()])


def _prepend_always(path: Path) -> None:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    data["pre_tokenizer"]["prepend_scheme"] = "always"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
