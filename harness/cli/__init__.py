"""The ``harness`` command: everything that is not a test.

Each sub-command lives in its own module exposing ``add_parser(subparsers)`` and ``run(args) -> int``;
modules are imported lazily so ``harness --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from harness.errors import HarnessError

__all__ = ["COMMANDS", "main"]

# name -> module; the module's docstring first line is the help text.
COMMANDS: dict[str, str] = {
    "import": "harness.cli._import",
    "split": "harness.cli._split",
    "conditions": "harness.cli._conditions",
    "run": "harness.cli._run",
    "schema": "harness.cli._schema",
    "score": "harness.cli._score",
    "compare": "harness.cli._compare",
    "diff": "harness.cli._diff",
    "summary": "harness.cli._summary",
    "note": "harness.cli._note",
    "verify": "harness.cli._verify",
    "export": "harness.cli._export",
    "artifacts": "harness.cli._artifacts",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description="Benchmark harness for model adaptation.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        importlib.import_module(module_name).add_parser(sub, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except HarnessError as exc:
        print(f"harness {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"harness {args.command}: interrupted; completed work is kept in the cache", file=sys.stderr)
        return 130
    return code
