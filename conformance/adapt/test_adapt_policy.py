"""Hyper-parameter policies: fixed, by data-set size, and the grid portfolio."""

from __future__ import annotations

from harness.adapt import Hyperparams
from harness.adapt.train import by_dataset_size, trial_hyperparams
from harness.config import AdaptationConfig, GridConfig


def test_by_dataset_size_picks_rank_and_epochs_from_the_sample_count() -> None:
    assert [by_dataset_size(n) for n in (10, 99, 100, 500, 501, 5000)] == [
        (8, 10), (8, 10), (16, 5), (16, 5), (32, 3), (32, 3)
    ]  # fmt: skip
    [hp] = trial_hyperparams(AdaptationConfig(method="lora", hyperparameter_policy="by_dataset_size"), 120)
    assert hp == Hyperparams(rank=16, alpha=32.0, learning_rate=1e-4, epochs=5)


def test_the_grid_is_every_rank_lr_epochs_point_keeping_the_alpha_ratio() -> None:
    points = trial_hyperparams(AdaptationConfig(method="lora", grid=GridConfig(enabled=True)), 50)
    assert len(points) == 8
    assert {(p.rank, p.learning_rate, p.epochs) for p in points} == {
        (r, lr, e) for r in (16, 32) for lr in (1e-4, 5e-5) for e in (2, 3)
    }
    assert all(p.alpha == 2 * p.rank for p in points)


def test_fixed_policy_uses_the_configured_values() -> None:
    cfg = AdaptationConfig(method="lora", rank=4, alpha=16, learning_rate=3e-4, epochs=1)
    assert trial_hyperparams(cfg, 1000) == [Hyperparams(rank=4, alpha=16.0, learning_rate=3e-4, epochs=1)]
