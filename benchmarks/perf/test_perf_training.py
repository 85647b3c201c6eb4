"""Training: tokens/s of the harness's LoRA step (peft + trl SFTTrainer, as train_lora runs it) against a plain
peft + torch loop on the same samples and model. Target: within 10 % (ratio >= 0.9). Also states how much of each
batch is padding with random batches and with length-grouped ones."""

from __future__ import annotations

import copy
import dataclasses
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.perf._perf import median, record, size
from benchmarks.perf._plain_lora import batches, encode, padding_fraction, train_plain
from harness.adapt import Hyperparams, resolve_base
from harness.adapt._base import load_base, load_tokenizer
from harness.adapt.data import MIN_TRAIN_SAMPLES
from harness.adapt.data._stage import split_samples
from harness.adapt.train import train_lora
from harness.adapt.train._device import resolve_precision
from harness.cache import Cache
from harness.config import load_matrix
from harness.run._stages import prepare_splits, resolve_dataset

TARGET = 0.9


def _step_timer() -> Any:
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        """Seconds inside training steps (forward, backward, optimizer step); evaluation and saving excluded."""

        def __init__(self) -> None:
            self.seconds, self._start = 0.0, 0.0

        def on_step_begin(self, *args: Any, **kwargs: Any) -> None:
            self._start = time.perf_counter()

        def on_step_end(self, *args: Any, **kwargs: Any) -> None:
            self.seconds += time.perf_counter() - self._start

    return StepTimer()


def _step_seconds(arms: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Seconds inside training steps per arm, the arms alternating (order rotating) round after round."""
    names, out = list(arms), {name: list[float]() for name in arms}
    for r in range(rounds):
        for name in names[r % 2 :] + names[: r % 2]:
            out[name].append(arms[name]())
    return out


def test_lora_step_tokens_per_second_against_a_plain_peft_loop(benchmark: Any, tmp_path: Path) -> None:
    from benchmarks.perf._perf import ROOT

    cond = load_matrix(ROOT / "configs").condition("lora_tiny_ft")
    cfg = dataclasses.replace(cond.adaptation, max_train_samples=MIN_TRAIN_SAMPLES, epochs=1)  # two steps of 4
    cond = dataclasses.replace(
        cond, adaptation=cfg, data=dataclasses.replace(cond.data, dataset=str(ROOT / cond.data.dataset))
    )
    dataset = resolve_dataset(cond, None)
    train, val = split_samples(cond, prepare_splits(cond, dataset, Cache(tmp_path / "cache"), lambda _m: None))
    base = resolve_base(cfg.base_model)
    precision = resolve_precision(cfg, base_is_gguf=base.kind == "gguf")
    tokenizer, model = load_tokenizer(base), load_base(base, precision.torch_dtype())
    hp = Hyperparams(rank=cfg.rank, alpha=float(cfg.alpha), learning_rate=cfg.learning_rate, epochs=1)
    rows = encode(train, tokenizer, cfg.max_seq_length)
    shaped = batches(rows, cfg.batch_size, tokenizer.pad_token_id, cfg.seed, by_length=False)
    tokens = sum(len(ids) for ids, _ in rows)  # one epoch: every sample once, as trl tokenizes it (no padding)
    rounds = iter(range(100))

    def harness() -> float:
        timer = _step_timer()
        train_lora(copy.deepcopy(model), tokenizer, (train, val[:4]), cfg, hp, precision, tmp_path / f"w{next(rounds)}",
                   progress=lambda _m: None, callbacks=[timer])  # fmt: skip
        gc.collect()
        return float(timer.seconds)

    def plain() -> float:
        seconds, seen = train_plain(copy.deepcopy(model), shaped, cfg, hp)
        gc.collect()  # the copy and its optimizer state go before the next round
        assert seen == tokens, "the plain loop saw other tokens than the harness"
        return seconds

    steps = benchmark.pedantic(_step_seconds, args=({"harness": harness, "plain": plain}, size(3, 3)), rounds=1)
    rate = {arm: tokens / median(s) for arm, s in steps.items()}
    ratio = rate["harness"] / rate["plain"]
    padding = {g: padding_fraction(rows, cfg.batch_size, cfg.seed, by_length=g == "length_grouped")
               for g in ("random", "length_grouped")}  # fmt: skip
    record(benchmark, "LoRA step tokens/s: harness (trl SFTTrainer) / plain peft loop", ratio, f">= {TARGET}",
           samples=len(train), batch_size=cfg.batch_size, tokens_per_epoch=tokens, tokens_per_s=rate,
           step_seconds=steps, padding_fraction=padding)  # fmt: skip
    assert ratio >= TARGET, f"harness LoRA step at {ratio:.2f}x a plain peft loop's tokens/s (target >= {TARGET})"
