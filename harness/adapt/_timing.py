"""Per-stage wall times, reported as each stage ends."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["StageTimer"]


class StageTimer:
    """``with timer("merge"): ...`` records the stage's wall seconds and reports them; ``announce`` also reports
    each stage as it starts (for a command whose stages take minutes)."""

    def __init__(self, report: Callable[[str], None], *, announce: bool = False) -> None:
        self.seconds: dict[str, float] = {}
        self._report, self._announce = report, announce

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        if self._announce:
            self._report(f"{stage} ...")
        start = time.perf_counter()
        yield
        self.seconds[stage] = round(time.perf_counter() - start, 2)
        self._report(f"{stage}: done in {self.seconds[stage]:.1f}s")
