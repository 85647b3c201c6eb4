"""Score a predictions file against a data file as an official evaluation script would."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from harness.errors import DataError

__all__ = ["add_parser", "run"]

FORMATS = ("squad2",)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("--format", choices=FORMATS, default="squad2",
                   help="squad2: the official SQuAD 2.0 script (v2.0), same JSON output")  # fmt: skip
    p.add_argument("data", type=Path, metavar="DATA.json", help="SQuAD 2.0 data file")
    p.add_argument("predictions", type=Path, metavar="PREDICTIONS.json", help='{"question id": "answer text", ...}')
    p.set_defaults(func=run)


def read_json(path: Path) -> object:
    """A whole JSON file, or a DataError naming the file and what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found; fix: check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot be read ({exc}); fix: pass a readable UTF-8 JSON file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); fix: repair the file") from None


def run(args: argparse.Namespace) -> int:
    from harness.metrics import squad2_evaluate, squad2_predictions, squad2_questions

    questions = squad2_questions(read_json(args.data), str(args.data))
    predictions = squad2_predictions(read_json(args.predictions), str(args.predictions))
    print(json.dumps(squad2_evaluate(questions, predictions), indent=2))
    return 0
