"""Split a data set 70/15/15 (stratified, seeded), check it for leaks and write the split files."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli._import import fraction
from harness.config import DataConfig, LeakCheckConfig

__all__ = ["add_parser", "run"]

_DEFAULTS = DataConfig()


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("dataset", type=Path, metavar="DATASET_DIR", help="holds corpus.jsonl and questions.jsonl")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    p.add_argument("--seed", type=int, default=_DEFAULTS.split_seed, help="split seed (default %(default)s)")
    p.add_argument("--tag", help="names the files <tag>_train.jsonl, ... (default: the data set's folder name)")
    p.add_argument(
        "--near-duplicate-threshold",
        type=fraction,
        default=_DEFAULTS.leak_check.jaccard,
        metavar="J",
        help="leak if a test question's Jaccard with train/val is >= J (default %(default)s)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.data import build_splits, check_leaks, load_dataset, write_splits

    dataset = load_dataset(args.dataset, tag=args.tag)
    cfg = DataConfig(
        dataset=str(args.dataset),
        tag=dataset.tag,
        split_seed=args.seed,
        leak_check=LeakCheckConfig(jaccard=args.near_duplicate_threshold),
    )
    splits = build_splits(dataset, cfg)
    check_leaks(splits, cfg.leak_check.jaccard)
    paths = write_splits(splits, args.out_dir)
    for name, part in (("train", splits.train), ("val", splits.val), ("test", splits.test)):
        answerable = sum(q.answerable for q in part)
        print(f"{name:>5}: {len(part):5d} questions ({answerable} answerable, {len(part) - answerable} unanswerable)")
    how = "as the data set gives it" if splits.given else f"seed {splits.seed}"
    print(f"{how}, no leaks at Jaccard >= {cfg.leak_check.jaccard:g}; wrote {paths[-1].parent}")
    return 0
