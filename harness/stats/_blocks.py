"""Bootstrap draws in memory-bounded blocks, shared by the i.i.d. and the clustered paired bootstrap."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCK_ENTRIES", "resample_in_blocks"]

# Resampled index matrices are drawn in blocks of about this many entries to bound memory. The block size
# depends only on n, so a (seed, n, resamples) triple always gives the same interval.
BLOCK_ENTRIES = 4_000_000


def resample_in_blocks(
    units: int, resamples: int, seed: int, statistic: Callable[[NDArray[np.int64]], NDArray[np.float64]]
) -> NDArray[np.float64]:
    """``resamples`` values of ``statistic(idx)``, where each row of ``idx`` draws ``units`` indices with
    replacement from ``range(units)``; rows are drawn ``BLOCK_ENTRIES // units`` at a time."""
    rng = np.random.default_rng(seed)
    rows = max(1, BLOCK_ENTRIES // units)
    blocks = []
    for start in range(0, resamples, rows):
        idx = rng.integers(0, units, size=(min(rows, resamples - start), units))
        blocks.append(statistic(idx))
    return np.concatenate(blocks)
