"""The typed records the adaptation pipeline passes between its stages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from harness.backends import Message
from harness.errors import ConfigError

__all__ = [
    "AdaptedModel",
    "EpochRecord",
    "Hyperparams",
    "SampleKind",
    "TokenStats",
    "TrainOutcome",
    "TrainingSample",
    "Trial",
]

SampleKind = Literal["grounded", "synthesis", "refusal", "instruction", "synthetic"]


@dataclass(frozen=True, kw_only=True)
class TrainingSample:
    """One chat-formatted example: system + user prompt, then the assistant answer to learn."""

    kind: SampleKind
    source_ids: tuple[str, ...]  # question ids (or synthetic pair ids) it was built from
    messages: tuple[Message, ...]
    # Chat-template variables the sample is rendered with (``enable_thinking`` when generation.thinking switches it)
    template_kwargs: tuple[tuple[str, bool], ...] = ()

    @property
    def prompt(self) -> tuple[Message, ...]:
        return self.messages[:-1]

    @property
    def answer(self) -> Message:
        return self.messages[-1]

    def as_row(self) -> dict[str, Any]:
        """The trl prompt/completion row (loss on the completion only)."""
        row: dict[str, Any] = {
            "prompt": [{"role": m.role, "content": m.content} for m in self.prompt],
            "completion": [{"role": self.answer.role, "content": self.answer.content}],
        }
        if self.template_kwargs:
            row["chat_template_kwargs"] = dict(self.template_kwargs)  # trl's SFTTrainer passes these on
        return row


@dataclass(frozen=True, kw_only=True)
class TokenStats:
    """Lengths of the rendered samples (chat template applied) against ``max_seq_length``."""

    count: int
    min: int
    max: int
    mean: float
    truncated: int
    max_seq_length: int


@dataclass(frozen=True, kw_only=True)
class Hyperparams:
    """The knobs one training run uses (after policy and grid resolution)."""

    rank: int
    alpha: float
    learning_rate: float
    epochs: int


@dataclass(frozen=True, kw_only=True)
class EpochRecord:
    epoch: int
    step: int
    train_loss: float | None
    val_loss: float | None
    train_token_accuracy: float | None
    val_token_accuracy: float | None


@dataclass(frozen=True, kw_only=True)
class TrainOutcome:
    """What one training run produced: losses per epoch, the best checkpoint, timings."""

    hyperparams: Hyperparams
    epochs: tuple[EpochRecord, ...]
    best_checkpoint: str | None
    best_epoch: int | None
    best_val_loss: float
    final_train_loss: float
    steps: int
    runtime_s: float
    resumed_from: str | None
    adapter_dir: Path


@dataclass(frozen=True, kw_only=True)
class Trial:
    """One grid point: its parameters and what training it gave."""

    index: int
    hyperparams: Hyperparams
    val_loss: float
    train_loss: float
    runtime_s: float
    best_epoch: int | None


@dataclass(frozen=True, kw_only=True)
class AdaptedModel:
    """A verified adaptation artifact: adapter, merged model, GGUF files and metadata."""

    artifact_dir: Path
    gguf: Mapping[str, Path]  # quantisation -> file
    metadata: Mapping[str, Any]
    reused: bool
    lora_gguf: Path | None = None
    registration: Mapping[str, Any] = field(default_factory=dict)

    def serve_path(self, quantization: str) -> Path:
        """The GGUF file of ``quantization`` (as exported), e.g. ``Q4_K_M``."""
        if quantization not in self.gguf:
            raise ConfigError(
                f"model.quantization={quantization!r} was not exported for {self.artifact_dir}; "
                f"exported: {', '.join(sorted(self.gguf))}; add it to adaptation.export_quantizations"
            )
        return self.gguf[quantization]
