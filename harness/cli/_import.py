"""Import a data set: SQuAD 2.0 JSON, or a folder of .txt/.md/.pdf files."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "fraction", "run_folder", "run_squad2"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    squad = kinds.add_parser("squad2", help="official SQuAD 2.0 JSON -> corpus.jsonl + questions.jsonl")
    squad.add_argument("json", type=Path, metavar="JSON", help="e.g. dev-v2.0.json")
    squad.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    squad.add_argument("--titles", nargs="+", metavar="TITLE", help="only these articles (default: all)")
    squad.add_argument("--max-questions", type=int, metavar="N", help="stop once N questions are kept")
    squad.add_argument(
        "--dedupe-threshold",
        type=fraction,
        default=0.9,
        metavar="J",
        help="drop questions whose token-set Jaccard with an earlier one is >= J (default 0.9)",
    )
    squad.set_defaults(func=run_squad2)
    folder = kinds.add_parser("folder", help="a folder of .txt/.md/.pdf files -> corpus.jsonl (+ empty questions)")
    folder.add_argument("folder", type=Path, metavar="DIR")
    folder.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    folder.set_defaults(func=run_folder)


def fraction(text: str) -> float:
    """An argparse type: a number between 0 and 1."""
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and 1")
    return value


def run_squad2(args: argparse.Namespace) -> int:
    from harness.data import import_squad2

    titles, limit = args.titles, args.max_questions
    report = import_squad2(
        args.json, args.out_dir, titles=titles, max_questions=limit, dedupe_threshold=args.dedupe_threshold
    )
    print(f"wrote {args.out_dir}\n{report.summary()}")
    return 0


def run_folder(args: argparse.Namespace) -> int:
    from harness.data import import_folder

    report = import_folder(args.folder, args.out_dir)
    print(f"wrote {args.out_dir}\n{report.summary()}")
    return 0
