"""generation.thinking on a random-weight Qwen3 whose chat template has the switch, and the pure parts around it.

off: the template's own switch (``enable_thinking=False`` -> an empty think block in the prompt), in evaluation
(llama.cpp and transformers backends) and in training samples alike. on: thinking gets its own budget. Thinking
text is kept apart from the answer and never scored; an answer lost to the thinking budget is its own outcome.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from harness.backends import Generation, GenerationRequest, Message, create_backend, split_thinking
from harness.backends._thinking import separate_thinking
from harness.config import Condition, GenerationConfig, ModelSpec, RetrievalConfig, ScoringConfig
from harness.data import Question
from harness.prompting import build_request

EMPTY_THINK = "<think>\n\n</think>\n\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<think>weigh it</think> Paris [1]", ("weigh it", "Paris [1]", True)),
        ("weigh it\n</think>\n\nParis", ("weigh it", "Paris", True)),  # the prompt opened the block (R1 distills)
        ("<think>still weighing", ("still weighing", "", False)),
        ("Paris [1]", ("", "Paris [1]", True)),
    ],
)
def test_split_thinking(text: str, expected: tuple[str, str, bool]) -> None:
    assert split_thinking(text) == expected


def _gen(text: str, finish: str = "stop", tokens: int = 40) -> Generation:
    return Generation(qid="q", text=text, latency_s=1.0, prompt_tokens=10, completion_tokens=tokens,
                      finish_reason=finish)  # fmt: skip


def test_thinking_that_used_its_budget_is_its_own_outcome() -> None:
    out = separate_thinking(_gen("<think>" + "hmm " * 30, finish="length"))
    assert out.thinking_exhausted and out.text == "" and out.thinking.startswith("hmm")
    assert 0 < out.thinking_tokens <= 40
    answered = separate_thinking(_gen("<think>short</think> Paris", finish="length"))
    assert not answered.thinking_exhausted and answered.truncated and answered.text == "Paris"


def test_the_record_keeps_thinking_apart_and_does_not_score_an_exhausted_answer() -> None:
    from harness.run._records import build_record

    condition = Condition(name="c", size_group="tiny", role="base", model=ModelSpec(provider="llama_cpp", name="x"),
                          retrieval=RetrievalConfig(mode="off"))  # fmt: skip
    question = Question(qid="q", question="Capital of France?", answers=("Paris",), answerable=True,
                        gold_doc_ids=("d",), task_type="grounded")  # fmt: skip
    scored = build_record(condition, question, [], separate_thinking(_gen("<think>France</think>Paris")),
                          ScoringConfig())  # fmt: skip
    assert scored["answer"] == "Paris" and scored["thinking"] == "France" and scored["exact_match"] == 1.0
    lost = build_record(condition, question, [], separate_thinking(_gen("<think>Paris? Paris", "length")),
                        ScoringConfig())  # fmt: skip
    assert lost["outcome"] == "thinking_budget" and "exact_match" not in lost and lost["thinking"] == "Paris? Paris"


@pytest.mark.parametrize(
    ("thinking", "switch", "max_tokens", "sent", "tail"),
    [
        ("default", "chat_template", 64, "default", "[n]."),
        ("off", "chat_template", 64, "off", "[n]."),
        ("on", "chat_template", 64 + 256, "on", "[n]."),
        ("off", "no_think", 64, "default", "[n]. /no_think"),
        ("on", "no_think", 64 + 256, "default", "[n]. /think"),
    ],
)
def test_requests_carry_the_switch_and_the_separate_budget(
    thinking: Any, switch: Any, max_tokens: int, sent: str, tail: str
) -> None:
    from harness.retrieval._types import Chunk, Passage

    config = GenerationConfig(max_tokens=64, thinking=thinking, thinking_budget=256, thinking_switch=switch)
    passage = Passage(chunk=Chunk(chunk_id="d::0", doc_id="d", title="T", text="Text."), rank=1, score=1.0)
    request = build_request("q", "Why?", [passage], config)
    assert request.max_tokens == max_tokens and request.thinking == sent
    assert request.messages[-1].content.endswith(tail)


def test_an_unknown_thinking_mode_is_a_config_error(tmp_path: Any) -> None:
    import shutil
    from pathlib import Path

    from harness.config import load_condition
    from harness.errors import ConfigError

    configs = Path(__file__).resolve().parents[2] / "configs"
    shutil.copy(configs / "defaults.yaml", tmp_path / "defaults.yaml")
    text = (configs / "rag_baseline_tiny.yaml").read_text()
    (tmp_path / "rag_baseline_tiny.yaml").write_text(text + "\ngeneration:\n  thinking: maybe\n")
    with pytest.raises(ConfigError, match=r"generation\.thinking='maybe'"):
        load_condition(tmp_path / "rag_baseline_tiny.yaml")


# --- a random-weight Qwen3 with the switch in its template --------------------------------------------------------

REQUEST = GenerationRequest(qid="q", messages=(Message(role="user", content="Why is the sky blue?"),), max_tokens=4)


@pytest.mark.slow
def test_llama_cpp_and_transformers_switch_thinking_off_through_the_template(exported_family: Any) -> None:
    from transformers import AutoTokenizer

    done = exported_family("qwen3")
    tokenizer = AutoTokenizer.from_pretrained(str(done.out / "merged"))
    block = len(tokenizer(EMPTY_THINK, add_special_tokens=False)["input_ids"])
    backends = [
        create_backend(ModelSpec(provider="llama_cpp", name="qwen3", quantization="F16"), GenerationConfig(),
                       model_path=done.out / done.record["gguf"]["F16"]),
        create_backend(ModelSpec(provider="hf", name="qwen3"), GenerationConfig(), model_path=done.out / "merged"),
    ]  # fmt: skip
    for backend in backends:
        try:
            default, off, on = backend.generate(
                [REQUEST, dataclasses.replace(REQUEST, thinking="off"), dataclasses.replace(REQUEST, thinking="on")]
            )
        finally:
            backend.close()
        assert not (default.error or off.error or on.error), (default.error, off.error, on.error)
        assert off.prompt_tokens == default.prompt_tokens + block, backend.describe()["provider"]
        assert on.prompt_tokens == default.prompt_tokens


@pytest.mark.slow
def test_training_samples_are_switched_like_evaluation(exported_family: Any) -> None:
    from transformers import AutoTokenizer

    from harness.adapt._types import TrainingSample
    from harness.adapt.data._stage import thinking_samples
    from harness.adapt.data._token_stats import render_ids

    done = exported_family("qwen3")
    tokenizer = AutoTokenizer.from_pretrained(str(done.out / "merged"))
    sample = TrainingSample(kind="grounded", source_ids=("q",), messages=(*REQUEST.messages,
                            Message(role="assistant", content="Rayleigh scattering [1].")))  # fmt: skip
    (off,) = thinking_samples([sample], GenerationConfig(thinking="off"))
    assert off.as_row()["chat_template_kwargs"] == {"enable_thinking": False}
    prompt_off = render_ids(tokenizer, off.prompt, generation_prompt=True, template_kwargs=off.template_kwargs)
    prompt_default = render_ids(tokenizer, sample.prompt, generation_prompt=True)
    think = tokenizer.convert_tokens_to_ids("<think>")
    assert think in prompt_off and think not in prompt_default
    (tagged,) = thinking_samples([sample], GenerationConfig(thinking="off", thinking_switch="no_think"))
    assert tagged.prompt[-1].content.endswith(" /no_think") and tagged.answer == sample.answer
