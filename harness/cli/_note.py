"""Append a learning to a run's experiment log; the run's report shows it."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("run", metavar="RUN", help="a run folder (reports/<run-id>, reports/latest) or a run id")
    p.add_argument("text", metavar="TEXT", help="what was learnt, e.g. \"rank 32 overfits after epoch 2\"")
    p.add_argument("--reports-dir", type=Path, default=Path("reports"), metavar="DIR",
                   help="where run ids are looked up (default: %(default)s)")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.report import rewrite_run_report
    from harness.results import append_note

    run_dir = Path(args.run)
    if not run_dir.is_dir():
        run_dir = args.reports_dir / args.run
    index = append_note(run_dir, args.text)
    paths = rewrite_run_report(run_dir)
    print(f"{index.run_id}: {len(index.notes)} note(s); report rewritten: {paths['markdown']}")
    return 0
