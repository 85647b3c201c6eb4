"""Print a run's verdict as Markdown for $GITHUB_STEP_SUMMARY or a pull-request comment."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder: reports/<run-id> or reports/latest")
    p.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="RUN_DIR",
        help="add what changed since this run (the comparisons of `harness diff BASELINE RUN_DIR`)",
    )
    p.add_argument("--margin", type=float, default=0.0, metavar="PP",
                   help="with --baseline: a regression must exceed this many pp (default: %(default)s)")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.gates import diff_runs
    from harness.report import diff_markdown, summary_markdown, verdict_of
    from harness.results import read_run

    stored = read_run(args.run_dir)
    changes = None
    if args.baseline is not None:
        changes = diff_markdown(diff_runs(read_run(args.baseline), stored, margin_pp=args.margin))
    print(summary_markdown(verdict_of(stored), changes), end="")
    return 0
