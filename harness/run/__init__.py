"""Running conditions end to end, for the pytest plugin and the CLI.

The pipeline is imported lazily: the pytest plugin imports this package at start-up and must
stay cheap (no torch, faiss or llama_cpp until a benchmark asks for a result).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.run._options import RunOptions, new_run_id

if TYPE_CHECKING:
    from harness.run._availability import check_condition
    from harness.run._flags import BENCH_FLAGS, options_from
    from harness.run._pipeline import ConditionResult, run_condition
    from harness.run._provenance import provenance
    from harness.run._session import BenchRun, GateSkipped

__all__ = [
    "BENCH_FLAGS",
    "BenchRun",
    "ConditionResult",
    "GateSkipped",
    "RunOptions",
    "check_condition",
    "new_run_id",
    "options_from",
    "provenance",
    "run_condition",
]

_LAZY = {
    "ConditionResult": "harness.run._pipeline",
    "run_condition": "harness.run._pipeline",
    "check_condition": "harness.run._availability",
    "provenance": "harness.run._provenance",
    "BenchRun": "harness.run._session",
    "GateSkipped": "harness.run._session",
    "BENCH_FLAGS": "harness.run._flags",
    "options_from": "harness.run._flags",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'harness.run' has no attribute {name!r}")
