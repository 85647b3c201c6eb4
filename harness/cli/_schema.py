"""Write the JSON Schemas of the result files (results.jsonl rows, result.json, run.json, results.json)."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("out", type=Path, metavar="OUT_DIR", help="folder to write <name>.schema.json files into")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.results import write_schemas

    for path in write_schemas(args.out):
        print(path)
    return 0
