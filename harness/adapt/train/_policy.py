"""Which hyper-parameters to train with: fixed, chosen by data-set size, or a grid to search."""

from __future__ import annotations

import itertools

from harness.adapt._types import Hyperparams
from harness.config import AdaptationConfig

__all__ = ["by_dataset_size", "policy_name", "trial_hyperparams"]


def by_dataset_size(n_examples: int) -> tuple[int, int]:
    """(rank, epochs): small data gets a low rank and more passes, large data the reverse."""
    if n_examples < 100:
        return 8, 10
    if n_examples <= 500:
        return 16, 5
    return 32, 3


def policy_name(cfg: AdaptationConfig) -> str:
    return "grid" if cfg.grid.enabled else cfg.hyperparameter_policy


def trial_hyperparams(cfg: AdaptationConfig, n_examples: int) -> list[Hyperparams]:
    """The runs to make: one, or every grid point (alpha keeps the configured alpha/rank ratio)."""
    ratio = cfg.alpha / cfg.rank
    if cfg.grid.enabled:
        points = itertools.product(cfg.grid.ranks, cfg.grid.learning_rates, cfg.grid.epochs)
        return [Hyperparams(rank=r, alpha=r * ratio, learning_rate=lr, epochs=e) for r, lr, e in points]
    if cfg.hyperparameter_policy == "by_dataset_size":
        rank, epochs = by_dataset_size(n_examples)
        return [Hyperparams(rank=rank, alpha=rank * ratio, learning_rate=cfg.learning_rate, epochs=epochs)]
    return [Hyperparams(rank=cfg.rank, alpha=float(cfg.alpha), learning_rate=cfg.learning_rate, epochs=cfg.epochs)]
