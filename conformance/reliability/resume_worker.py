"""Run one condition in this process and write its per-question records: the kill-and-resume tests kill it.

``python resume_worker.py CONFIGS CACHE REPORTS RUN_ID CONDITION OUT MAX_QUESTIONS``. The process pins itself
to one CPU: the suite shares the machine, and a fixed thread count keeps greedy decoding bit-identical
between the interrupted and the uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Timing differs between runs by nature; everything else in a record must be identical.
VOLATILE = frozenset({"latency_s", "tokens_per_s"})


def stable(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in VOLATILE}


def main(argv: list[str]) -> int:
    configs, cache, reports, run_id, name, out, max_questions = argv
    # A shell that starts a job in the background (`cmd &` without job control) makes its children ignore SIGINT,
    # and Python then installs no KeyboardInterrupt handler: restore it, so Ctrl-C is tested wherever CI runs us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from harness.config import load_matrix
    from harness.run import RunOptions, run_condition

    opts = RunOptions(cache_dir=Path(cache), reports_dir=Path(reports), run_id=run_id, max_questions=int(max_questions))
    try:
        result = run_condition(load_matrix(configs).condition(name), opts, lambda m: print(m, flush=True))
    except KeyboardInterrupt:
        print("interrupted; the journal keeps what was answered", flush=True)
        return 130
    Path(out).write_text(json.dumps([stable(r) for r in result.records], sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
