"""The transformers backend on a tiny random-weight Llama saved to a local directory (no hub access).

The tokenizer is the embedded SmolLM2's, read from its GGUF file, so the chat template is real.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.backends import Backend, Generation, GenerationRequest, Message, create_backend
from harness.config import GenerationConfig, ModelSpec

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_model_dir(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    transformers, torch = pytest.importorskip("transformers"), pytest.importorskip("torch")
    out = tmp_path_factory.mktemp("tiny_llama")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        torch.manual_seed(0)
        config = transformers.LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=1024,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
        transformers.LlamaForCausalLM(config).save_pretrained(out)
        tokenizer.save_pretrained(out)
        yield out


@pytest.fixture(scope="module")
def backend(tiny_model_dir: Path) -> Iterator[Backend]:
    spec = ModelSpec(provider="hf", name=str(tiny_model_dir), context_length=512)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        backend = create_backend(spec, GenerationConfig())
        yield backend
    backend.close()


def _request(qid: str, question: str, max_tokens: int = 6, **kw: object) -> GenerationRequest:
    messages = (Message(role="system", content="Be brief."), Message(role="user", content=question))
    return GenerationRequest(qid=qid, messages=messages, max_tokens=max_tokens, **kw)  # type: ignore[arg-type]


def test_generates_in_order_with_token_counts(backend: Backend) -> None:
    out = backend.generate([_request("a", "Hello?"), _request("b", "What is 2 + 2?", max_tokens=4)])
    assert [g.qid for g in out] == ["a", "b"] and all(g.error is None for g in out)
    assert out[0].prompt_tokens > 5 and out[0].completion_tokens <= 6
    assert (out[1].completion_tokens, out[1].finish_reason) == (4, "length")


def test_greedy_is_repeatable(backend: Backend) -> None:
    first, second = backend.generate([_request("a", "Hello?"), _request("a", "Hello?")])
    assert first.text == second.text


def test_prompt_longer_than_context_is_an_error_record(backend: Backend) -> None:
    long, ok = backend.generate([_request("long", "word " * 600), _request("ok", "Hi")])
    assert long.finish_reason == "error" and "model.context_length=512" in str(long.error)
    assert ok.error is None


def test_describe_names_the_weights(backend: Backend, tiny_model_dir: Path) -> None:
    info = backend.describe()
    assert info["provider"] == "hf" and info["source"] == str(tiny_model_dir)
    assert len(str(info["weights_sha256"])) == 64 and info["device"] in {"cpu", "cuda"}


BATCH_QUESTIONS = ("Hello?", "What is 2 + 2?", "Name the largest planet of the solar system, please.", "Why?",
                   "Describe a river town founded in the year 1200 in two sentences.", "Hi")  # fmt: skip


def test_batched_greedy_answers_equal_one_at_a_time(tiny_model_dir: Path) -> None:
    """Prompts of different lengths (so padding is real) and budgets, 4 per ``generate`` call, then the rest."""
    spec = ModelSpec(provider="hf", name=str(tiny_model_dir), context_length=512)
    requests = [_request(f"q{n}", q, max_tokens=4 + 3 * (n % 3)) for n, q in enumerate(BATCH_QUESTIONS)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        one, batched = (create_backend(spec, GenerationConfig(batch_size=size)) for size in (1, 4))
    try:
        alone, together = one.generate(requests), batched.generate(requests)
    finally:
        one.close()
        batched.close()

    def answer(g: Generation) -> tuple[object, ...]:
        return g.qid, g.text, g.prompt_tokens, g.completion_tokens, g.finish_reason, g.error

    assert [answer(g) for g in together] == [answer(g) for g in alone]
    assert [g.extra.get("batch") for g in together] == [4, 4, 4, 4, 2, 2]  # really decoded together
    assert len({g.prompt_tokens for g in together[:4]}) > 1  # and padded: the prompts differ in length


def test_a_batch_row_ends_at_its_first_end_of_sequence_token_and_its_own_budget() -> None:
    from harness.backends._hf_batch import row_tokens

    assert row_tokens([5, 7, 2, 2, 2], eos_ids={2}, limit=10) == [5, 7, 2]  # padding after the end is not an answer
    assert row_tokens([5, 7, 9, 2], eos_ids={2}, limit=2) == [5, 7]
