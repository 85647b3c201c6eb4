"""Compare two stored runs condition by condition; exit 1 on a significant regression beyond --margin."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from harness.results import ConditionEntry

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    from harness.gates import DIFF_METRICS

    p = sub.add_parser(name, help=__doc__, description=__doc__ + " Exit 0: none; 2: a usage error.")
    p.add_argument("run_a", type=Path, metavar="RUN_A", help="the earlier run folder (the baseline)")
    p.add_argument("run_b", type=Path, metavar="RUN_B", help="the later run folder; Δ = B - A")
    p.add_argument(
        "--metric",
        action="append",
        default=None,
        metavar="NAME",
        help=f"a metric to compare (repeat for more; default: {', '.join(DIFF_METRICS)}); "
        "factuality means the gates' f1",
    )
    p.add_argument(
        "--margin",
        type=float,
        default=0.0,
        metavar="PP",
        help="a regression must be worse than this many percentage points (default: %(default)s)",
    )
    p.add_argument("--alpha", type=float, default=0.05,
                   help="significance level, Holm-corrected over the comparisons (default: %(default)s)")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.gates import DIFF_METRICS, diff_runs, metric_key, unknown_metric
    from harness.report import diff_lines
    from harness.results import read_run

    a, b = read_run(args.run_a), read_run(args.run_b)
    records = [r for e in (*a.entries, *b.entries) for r in e.records]
    metrics = [metric_key(m, records) for m in args.metric or DIFF_METRICS]
    available = _metrics_in([*a.entries, *b.entries])
    for asked, metric in zip(args.metric or (), metrics, strict=False):
        if metric not in available:
            raise unknown_metric(asked, available, f"{args.run_a} and {args.run_b}")
    diff = diff_runs(a, b, metrics=metrics, margin_pp=args.margin, alpha=args.alpha)
    print("\n".join(diff_lines(diff)))
    return 1 if diff.regressions else 0


def _metrics_in(entries: Iterable[ConditionEntry]) -> set[str]:
    """Every key some scored question of ``entries`` holds a number (or true/false) for."""
    return {k for e in entries for r in e.records if not r.get("error") for k, v in r.items()
            if k != "qid" and isinstance(v, int | float)}  # fmt: skip
