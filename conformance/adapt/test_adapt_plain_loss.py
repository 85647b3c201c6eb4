"""The CPU training loss projects only completion positions onto the vocabulary; its value and gradients must be
those of the plain loss over full logits (computed here independently with torch), and it must need less memory."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import pytest

torch = pytest.importorskip("torch")


def _model() -> Any:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
                         intermediate_size=64, vocab_size=997, max_position_embeddings=128)  # fmt: skip
    return LlamaForCausalLM(config)


def _batch() -> dict[str, Any]:
    torch.manual_seed(1)
    ids = torch.randint(0, 997, (3, 24))
    labels = ids.clone()
    labels[0, :15] = -100  # prompts of different lengths; the answer is the rest
    labels[1, :20] = -100
    labels[2, :9] = -100
    labels[2, 18:] = -100  # a padded row
    attention = torch.ones_like(ids)
    attention[2, 18:] = 0
    return {"input_ids": ids, "attention_mask": attention, "labels": labels}


def _reference(model: Any, batch: dict[str, Any]) -> Any:
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    target = batch["labels"][:, 1:]
    mask = target != -100
    picked = logits[:, :-1][mask]
    return torch.nn.functional.cross_entropy(picked, target[mask], reduction="sum") / mask.sum()


def _trainer(model: Any) -> Any:
    return SimpleNamespace(model=model, _metrics=defaultdict(lambda: defaultdict(list)))


def test_the_loss_and_its_gradients_equal_the_full_logits_loss() -> None:
    from harness.adapt.train._plain_loss import _plain_loss

    model, batch = _model(), _batch()
    expected = _reference(model, batch)
    expected.backward()
    want = {n: p.grad.clone() for n, p in model.named_parameters()}
    model.zero_grad()
    loss, outputs = _plain_loss(_trainer(model), model, batch, None)
    loss.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    for name, param in model.named_parameters():
        assert torch.allclose(param.grad, want[name], atol=1e-6), name
    n_completion = int((batch["labels"][:, 1:] != -100).sum())
    assert outputs.logits.reshape(-1, 997).shape[0] == n_completion  # only completion positions were projected


def test_the_token_accuracy_counts_completion_tokens_only() -> None:
    from harness.adapt.train._plain_loss import _plain_loss

    model, batch = _model(), _batch()
    trainer = _trainer(model)
    with torch.no_grad():
        _plain_loss(trainer, model, batch, None)
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    target = batch["labels"][:, 1:]
    mask = target != -100
    expected = (logits[:, :-1][mask].argmax(-1) == target[mask]).float().mean().item()
    assert trainer._metrics["train"]["mean_token_accuracy"] == [pytest.approx(expected)]
