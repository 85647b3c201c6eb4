"""The reference for the training target: a plain peft + torch LoRA loop, no Trainer, on the same samples."""

from __future__ import annotations

import random
import time
import warnings
from collections.abc import Sequence
from typing import Any

from harness.adapt import Hyperparams, TrainingSample
from harness.adapt.data._token_stats import render_ids
from harness.config import AdaptationConfig


def encode(samples: Sequence[TrainingSample], tokenizer: Any, max_len: int) -> list[tuple[list[int], list[int]]]:
    """(input_ids, labels) per sample: the chat-templated conversation, loss on the answer only."""
    rows = []
    for s in samples:
        prompt = render_ids(tokenizer, s.prompt, generation_prompt=True)
        full = render_ids(tokenizer, s.messages)[:max_len]
        rows.append((full, [-100] * min(len(prompt), len(full)) + full[len(prompt) :]))
    return rows


def batches(rows: list[tuple[list[int], list[int]]], size: int, pad: int, seed: int, *, by_length: bool) -> list[Any]:
    """Right-padded batches in a seeded random order, or grouped by length (fewer padding tokens)."""
    import torch

    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    if by_length:
        order.sort(key=lambda i: len(rows[i][0]))
    out = []
    for start in range(0, len(order), size):
        chunk = [rows[i] for i in order[start : start + size]]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.tensor([x + [pad] * (width - len(x)) for x, _ in chunk])
        labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in chunk])
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in chunk])
        out.append({"input_ids": ids, "attention_mask": mask, "labels": labels})
    return out


def padding_fraction(rows: list[tuple[list[int], list[int]]], size: int, seed: int, *, by_length: bool) -> float:
    """Padding tokens over all tokens a step computes on, for this batching."""
    shaped = batches(rows, size, 0, seed, by_length=by_length)
    total = sum(int(b["attention_mask"].numel()) for b in shaped)
    real = sum(int(b["attention_mask"].sum()) for b in shaped)
    return 1 - real / total


def train_plain(model: Any, shaped: list[Any], cfg: AdaptationConfig, hp: Hyperparams) -> tuple[float, int]:
    """(seconds spent in steps, real tokens seen): forward, backward, AdamW step, one batch at a time."""
    import torch
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(r=hp.rank, lora_alpha=hp.alpha, lora_dropout=cfg.dropout,  # type: ignore[arg-type]
                      target_modules=list(cfg.target_modules), task_type="CAUSAL_LM")  # fmt: skip
    with warnings.catch_warnings():  # transformers' deprecation notice inside peft: library noise, not ours
        warnings.simplefilter("ignore", FutureWarning)
        peft_model = get_peft_model(model, lora)
    peft_model.train()
    optimizer = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=hp.learning_rate)
    seconds, tokens = 0.0, 0
    for _ in range(hp.epochs):
        for batch in shaped:
            start = time.perf_counter()
            loss = peft_model(**batch).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            seconds += time.perf_counter() - start
            tokens += int(batch["attention_mask"].sum())
    return seconds, tokens
