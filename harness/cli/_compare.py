"""Compare two runs question by question on one metric: difference, bootstrap CI, paired tests."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from harness.config import ScoringConfig
from harness.data._jsonl import Row, read_bytes, read_rows
from harness.data._problems import MISSING, Problems

__all__ = ["add_parser", "read_scores", "run"]

_DEFAULTS = ScoringConfig()


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("a", type=Path, metavar="A.jsonl", help='per-question scores of arm a: {"qid": ..., METRIC: ...}')
    p.add_argument("b", type=Path, metavar="B.jsonl", help="per-question scores of arm b (the difference is b - a)")
    p.add_argument("--metric", required=True,
                   help="the score key to compare, e.g. exact_match or f1; a gate's word means its metric: "
                        "factuality (f1), grounding (citation_grounding)")  # fmt: skip
    p.add_argument("--seed", type=int, default=_DEFAULTS.seed, help="bootstrap seed (default: %(default)s)")
    p.add_argument("--resamples", type=int, default=_DEFAULTS.bootstrap_resamples,
                   help="bootstrap resamples (default: %(default)s)")  # fmt: skip
    p.add_argument("--confidence", type=float, default=_DEFAULTS.confidence, help="CI level (default: %(default)s)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--binary", dest="binary", action="store_const", const=True, help="force McNemar")
    kind.add_argument("--continuous", dest="binary", action="store_const", const=False, help="force Wilcoxon")
    p.set_defaults(func=run, binary=None)


def _value(row: Row, metric: str, problems: Problems) -> float:
    """The row's score; NaN (left out of the comparison) for a failed generation or a null score."""
    if row.data.get("error"):
        return math.nan
    if metric not in row.data:
        problems.add(
            row.where, metric, MISSING, "is missing", f"write {metric!r} on every row (null if not applicable)"
        )
        return math.nan
    value = row.data[metric]
    if value is None:
        return math.nan
    if not isinstance(value, int | float) or not math.isfinite(value):
        problems.add(row.where, metric, value, "is not a finite number", "write a number, true/false or null")
        return math.nan
    return float(value)


def read_scores(path: Path, metric: str) -> dict[str, float]:
    """qid -> score from a per-question JSONL file; every bad line is reported as ``file:line``. A metric that no
    scored row holds is one error listing the metrics the file does hold, not one "missing" line per question."""
    problems = Problems()
    rows = list(read_rows(path, read_bytes(path), problems))
    _check_metric_present(path, rows, metric)
    scores: dict[str, float] = {}
    first_seen: dict[str, str] = {}
    for row in rows:
        qid = row.data.get("qid")
        if not isinstance(qid, str) or not qid:
            problems.add(row.where, "qid", qid, "must be a non-empty string", "give every row its question id")
        elif qid in first_seen:
            problems.add(row.where, "qid", qid, f"repeats {first_seen[qid]}", "keep one row per question")
        else:
            first_seen[qid] = row.where
            scores[qid] = _value(row, metric, problems)
    problems.raise_if_any(f"{path}: cannot compare {metric!r}")
    return scores


def _check_metric_present(path: Path, rows: list[Row], metric: str) -> None:
    from harness.gates import unknown_metric

    scored = [row.data for row in rows if not row.data.get("error")]
    if scored and not any(metric in data for data in scored):
        available = {k for data in scored for k, v in data.items() if k != "qid" and isinstance(v, int | float)}
        raise unknown_metric(metric, available, str(path))


def run(args: argparse.Namespace) -> int:
    from harness.errors import DataError
    from harness.gates import metric_key
    from harness.stats import compare, pair_by_qid

    metric = metric_key(args.metric)  # "factuality" is the metric the gates compare
    a, b = pair_by_qid(read_scores(args.a, metric), read_scores(args.b, metric),
                       labels=(str(args.a), str(args.b)))  # fmt: skip
    keep = ~(np.isnan(a) | np.isnan(b))
    if not keep.any():
        raise DataError(f"no question has a {metric!r} score in both files; fix: pick a metric both arms report")
    result = compare(a[keep], b[keep], metric=metric, binary=args.binary,
                     resamples=args.resamples, confidence=args.confidence, seed=args.seed)  # fmt: skip
    out = {**result.to_dict(), "excluded": int((~keep).sum())}
    print(json.dumps(out, indent=2))
    return 0
