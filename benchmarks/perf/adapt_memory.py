"""One tiny adaptation, cold, in this process: ``python -m benchmarks.perf.adapt_memory CONDITION CACHE_DIR [N]``.

Run as a child by ``test_perf_memory`` so its peak resident memory is its own. Prints the stage times and the
process's peak after each stage (``StageTimer``) as JSON on the last line. ``N`` caps the training samples (quick
mode); the batch shape (batch size, sequence length) is the condition's, so the peak is the real one's.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from benchmarks.perf._perf import ROOT
from harness.adapt import adapt
from harness.cache import Cache
from harness.config import load_matrix
from harness.run._stages import prepare_splits, resolve_dataset


def main(name: str, cache_dir: Path, max_samples: int | None) -> None:
    cond = load_matrix(ROOT / "configs").condition(name)
    cfg = cond.adaptation if max_samples is None else dataclasses.replace(
        cond.adaptation, max_train_samples=max_samples, epochs=1
    )  # fmt: skip
    cond = dataclasses.replace(
        cond, adaptation=cfg, data=dataclasses.replace(cond.data, dataset=str(ROOT / cond.data.dataset))
    )
    splits = prepare_splits(cond, resolve_dataset(cond, None), Cache(cache_dir), print)
    model = adapt(cond, splits, cache_dir, progress=lambda line: print(line, flush=True))
    meta = model.metadata
    print(json.dumps({"stage_wall_s": meta.get("stage_wall_s"), "stage_peak_rss_mb": meta.get("stage_peak_rss_mb"),
                      "token_stats": meta.get("token_stats")}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
