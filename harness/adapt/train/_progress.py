"""Concise training progress lines (step, loss, ETA), to stderr or the caller's ``progress`` function."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Progress", "make_progress_callback", "stderr_progress"]

Progress = Callable[[str], None]


def stderr_progress(line: str) -> None:
    print(f"adapt: {line}", file=sys.stderr, flush=True)


def _eta(elapsed: float, done: int, total: int) -> str:
    if done <= 0 or total <= done:
        return "0:00:00"
    seconds = int(elapsed / done * (total - done))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def make_progress_callback(progress: Progress, label: str) -> Any:
    """A ``transformers.TrainerCallback`` reporting each logged step and each evaluation through ``progress``."""
    from transformers import TrainerCallback

    class _ProgressLines(TrainerCallback):  # type: ignore[misc]
        def __init__(self) -> None:
            self._start = time.perf_counter()
            self._first_step = 0

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self._start, self._first_step = time.perf_counter(), state.global_step
            resumed = f" (resuming at step {state.global_step})" if state.global_step else ""
            progress(f"{label}: training {state.max_steps} steps{resumed}")

        def on_log(
            self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **kwargs: Any
        ) -> None:
            logs = logs or {}
            if "loss" in logs:
                done = state.global_step - self._first_step
                eta = _eta(time.perf_counter() - self._start, done, state.max_steps - self._first_step)
                progress(
                    f"{label}: step {state.global_step}/{state.max_steps} epoch {state.epoch:.2f} "
                    f"loss {logs['loss']:.4f} eta {eta}"
                )
            elif "eval_loss" in logs:
                progress(f"{label}: epoch {state.epoch:.0f} val loss {logs['eval_loss']:.4f}")

    return _ProgressLines()
