"""List the experiment matrix and whether each condition can run on this machine."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from harness.config import load_matrix
from harness.errors import ModelUnavailable

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("--configs", type=Path, default=Path("configs"), help="experiment matrix directory")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.run import check_condition

    matrix = load_matrix(args.configs)
    rows = []
    for name in matrix.names():
        cond = matrix.condition(name)
        try:
            check_condition(cond)
            status, why = "runnable", ""
        except ModelUnavailable as exc:
            status, why = "skips", f"{exc.reason}; to run it: {exc.remedy}"
        rows.append(
            {
                "condition": name,
                "size_group": cond.size_group,
                "role": cond.role,
                "arm": cond.arm,
                "model": cond.model.identity,
                "status": status,
                "reason": why,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max((len(row["condition"]) for row in rows), default=0)
    for row in rows:
        cells = f"{row['condition']:<{width}} {row['size_group']:<6} {row['arm']:<19} {row['status']:<9}"
        print(f"{cells} {row['model']}")
        if row["reason"]:
            print(f"{'':<{width}} -> {row['reason']}")
    return 0
