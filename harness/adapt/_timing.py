"""Per-stage wall times and the process's peak resident memory after each stage, reported as each stage ends.

The peak is the kernel's high-water mark (it only grows), so the stage where it jumps is the stage that needed the
memory: that is how a training run's memory is attributed without a sampling thread."""

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
        self.peak_rss_mb: dict[str, float] = {}  # the process's peak so far, read as each stage ends
        self._report, self._announce = report, announce

    def report(self, line: str) -> None:
        """A progress line inside a stage (a long stage's steps), to the same place as the stage lines."""
        self._report(line)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        if self._announce:
            self._report(f"{stage} ...")
        start = time.perf_counter()
        yield
        self.seconds[stage] = round(time.perf_counter() - start, 2)
        before = max(self.peak_rss_mb.values(), default=_peak_rss_mb())
        self.peak_rss_mb[stage] = _peak_rss_mb()
        grew = self.peak_rss_mb[stage] - before
        note = f", peak RSS {self.peak_rss_mb[stage] / 1024:.2f} GB" + (f" (+{grew:.0f} MB)" if grew >= 1 else "")
        self._report(f"{stage}: done in {self.seconds[stage]:.1f}s{note}")


def _peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB
