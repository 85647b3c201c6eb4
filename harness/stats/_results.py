"""What the statistical tests return: frozen records, never loose tuples."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Interval", "PairedTestResult"]


@dataclass(frozen=True, kw_only=True)
class PairedTestResult:
    """One paired significance test: its name, statistic, two-sided p-value and the variant used."""

    test: str
    statistic: float
    p_value: float
    method: str


@dataclass(frozen=True, kw_only=True)
class Interval:
    """A point estimate with a percentile bootstrap confidence interval, and what produced it."""

    estimate: float
    low: float
    high: float
    confidence: float
    resamples: int
    seed: int

    def excludes(self, value: float = 0.0) -> bool:
        return not self.low <= value <= self.high
