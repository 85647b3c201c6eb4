"""The LoRA grid on Ray Tune (local instance): same trials, same records, same choice as the local runner."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from conformance.scale._fake_training import failing_train, fake_train
from conformance.scale._tiny_adapt import QUIET, tiny_condition, toy_splits
from harness.adapt import Hyperparams, adapt
from harness.adapt.train._grid import run_trials
from harness.adapt.train._ray_grid import run_trials_ray
from harness.config import GridConfig
from harness.errors import HarnessError

POINTS = [Hyperparams(rank=r, alpha=2.0 * r, learning_rate=lr, epochs=1) for r in (2, 4, 8) for lr in (1e-3, 2e-3)]


def _runs(root: Path) -> dict[str, int]:
    return {d.name: len(list(d.glob("ran-*"))) for d in sorted(root.glob("trial-*"))}


def test_ray_trials_match_the_local_runner(ray_local: Any, tmp_path: Path) -> None:
    local = run_trials(POINTS, fake_train, tmp_path / "local")
    ray = run_trials_ray(POINTS, fake_train, tmp_path / "ray")
    assert [t.hyperparams for t in ray[0]] == POINTS
    assert [(t.index, t.val_loss, t.train_loss, t.best_epoch) for t in ray[0]] == [
        (t.index, t.val_loss, t.train_loss, t.best_epoch) for t in local[0]
    ]
    assert ray[1].hyperparams == local[1].hyperparams == POINTS[4]  # rank 8, lr 1e-3: the lowest val loss
    assert ray[1].adapter_dir == (tmp_path / "ray" / "trial-4" / "adapter").resolve()
    assert set(_runs(tmp_path / "ray").values()) == {1}  # each point trained once, in a Ray worker


def test_a_rerun_skips_finished_trials_whichever_runner_ran_them(ray_local: Any, tmp_path: Path) -> None:
    run_trials(POINTS[:3], fake_train, tmp_path)  # an interrupted local grid: the first three points done
    trials, _ = run_trials_ray(POINTS, fake_train, tmp_path)
    assert len(trials) == len(POINTS) and set(_runs(tmp_path).values()) == {1}
    again, _ = run_trials_ray(POINTS, fake_train, tmp_path)  # the Tune experiment folder exists now too
    assert again == trials and set(_runs(tmp_path).values()) == {1}


def test_a_failed_trial_fails_the_grid_with_its_error(ray_local: Any, tmp_path: Path) -> None:
    message = r"2 of 6 grid trials failed on Ray; first: trial 2 .*rank=4.*: RuntimeError: loss became NaN at step 3"
    with pytest.raises(HarnessError, match=message):
        run_trials_ray(POINTS, failing_train, tmp_path)


@pytest.mark.slow
def test_the_real_adaptation_pipeline_trains_its_grid_on_ray(
    ray_local: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """adapt() picks the Ray runner from adaptation.grid.backend alone, and ships its real trial closure (base model,
    tokenizer, samples) to Ray workers: every trial ran in a worker process, not here."""
    import os

    grid = GridConfig(enabled=True, ranks=(2, 4), learning_rates=(5e-3,), epochs=(1,))
    local = adapt(tiny_condition(tmp_path, grid), toy_splits(), tmp_path / "local", progress=QUIET)
    on_ray = dataclasses.replace(grid, backend="ray")
    import harness.adapt.train._trainer as trainer

    here, real_train = os.getpid(), trainer.train_lora
    trained_here: list[int] = []

    def spy(*args: Any, **kwargs: Any) -> Any:  # runs wherever the trial runs; records only if that is this process
        if os.getpid() == here:
            trained_here.append(1)
        return real_train(*args, **kwargs)

    monkeypatch.setattr("harness.adapt._pipeline.train_lora", spy)
    remote = adapt(tiny_condition(tmp_path, on_ray), toy_splits(), tmp_path / "ray", progress=QUIET)
    assert trained_here == []  # with backend: ray, no trial trained in the driver
    assert remote.metadata["policy"] == "grid"
    pairs = list(zip(local.metadata["trials"], remote.metadata["trials"], strict=True))
    assert [r["hyperparams"]["rank"] for _, r in pairs] == [2, 4]
    for a, b in pairs:  # same data, seed and steps; only the thread count differs (Ray gives a trial 1 CPU)
        assert a["hyperparams"] == b["hyperparams"] and b["val_loss"] == pytest.approx(a["val_loss"], rel=1e-3)
    assert remote.metadata["training"]["hyperparams"] == local.metadata["training"]["hyperparams"]
