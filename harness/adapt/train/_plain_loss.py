"""A CPU-friendly loss for trl's SFTTrainer.

trl 1.16 computes the loss with a tiled LM-head kernel; without Triton (on CPU) it scores every
position against the whole vocabulary in Python-level tiles, which made a tiny model's step ~10x
slower than a plain forward. On CPU we compute the same value (summed negative log-likelihood of the
completion tokens over ``num_items_in_batch``) from ordinary logits, and keep trl's token accuracy metric.

Only the completion positions are projected onto the vocabulary (``logits_to_keep`` as a boolean mask): a RAG
sample is ~400 prompt tokens and ~30 answer tokens, and full logits of a batch of 4 x 512 positions x 49,152
tokens are 400 MB in fp32, kept again for the backward pass, for positions the loss never reads.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["sft_trainer_class"]


def _plain_loss(trainer: Any, model: Any, inputs: dict[str, Any], num_items_in_batch: Any) -> tuple[Any, Any]:
    import torch
    import torch.nn.functional as F

    forward = {k: v for k, v in inputs.items() if k not in ("labels", "completion_mask", "assistant_masks")}
    target = inputs["labels"][:, 1:]
    mask = target != -100
    keep = torch.zeros_like(inputs["labels"], dtype=torch.bool)
    keep[:, :-1] = mask  # the logits at position p predict the token at p + 1
    outputs = model(**forward, use_cache=False, logits_to_keep=keep)
    picked = outputs.logits.reshape(-1, outputs.logits.shape[-1]).float()  # (completion tokens, vocabulary)
    denominator = mask.sum() if num_items_in_batch is None else num_items_in_batch
    loss = F.cross_entropy(picked, target[mask], reduction="sum") / torch.as_tensor(denominator).clamp(min=1)
    mode = "train" if trainer.model.training else "eval"
    correct = (picked.argmax(-1) == target[mask]).sum()
    trainer._metrics[mode]["mean_token_accuracy"].append((correct / mask.sum()).item() if mask.any() else 0.0)
    return loss, outputs


def sft_trainer_class() -> Any:
    """``SFTTrainer`` with the plain loss on CPU (trl's own path elsewhere)."""
    trl: Any = importlib.import_module("trl")

    class PlainLossSFTTrainer(trl.SFTTrainer):  # type: ignore[misc]
        def compute_loss(
            self, model: Any, inputs: Any, return_outputs: bool = False, num_items_in_batch: Any = None
        ) -> Any:
            if self.args.device.type != "cpu":
                parent: Any = super()
                return parent.compute_loss(model, inputs, return_outputs, num_items_in_batch)
            loss, outputs = _plain_loss(self, model, inputs, num_items_in_batch)
            return (loss, outputs) if return_outputs else loss

    return PlainLossSFTTrainer
