"""Run conditions and their gates without pytest; writes the same report, with the same exit status rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from harness.errors import HarnessError

if TYPE_CHECKING:
    from harness.gates import GateOutcome
    from harness.run import BenchRun

T = TypeVar("T")

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    from harness.run import BENCH_FLAGS

    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("-k", dest="keyword", default="", metavar="EXPR",
                   help="select conditions as pytest's -k does (name, size group, role_<role>, alias), "
                        "e.g. hybrid_3b")  # fmt: skip
    for flags, kwargs in BENCH_FLAGS:
        p.add_argument(*flags, **kwargs)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.run import BenchRun, options_from

    bench = BenchRun(options=options_from(lambda key: getattr(args, key)), progress=_say)
    selected = select(bench, args.keyword)
    if not selected:
        raise HarnessError(f"-k {args.keyword!r} selects no condition of {bench.options.configs_dir}; "
                           "`harness conditions` lists them")  # fmt: skip
    bench.promotion_candidates = tuple(bench.candidates(selected))
    tally = _Tally(bench.disposition)
    for name in selected:
        tally.check(name, partial(bench.answer_problems, name))
    for name in bench.promotion_candidates:
        tally.gate(name, "promotion", partial(_one, bench.promotion_outcome, name))
        tally.gate(name, "quantization", partial(bench.quantization_outcomes, name))
    for name in selected:
        tally.gate(name, "budget", partial(_one, bench.budget_outcome, name))
    if bench.ran_any:
        _finish(bench)
    return tally.exit_status()


def _finish(bench: BenchRun) -> None:
    """Write the run's files, then its verdict: the block the pytest run ends with."""
    from harness.report import verdict_lines

    run_dir = bench.finish()
    print(f"reports written to {run_dir}")
    try:
        lines = verdict_lines(run_dir)
    except HarnessError as exc:  # the files are written and the gates decided; only the summary is lost
        print(f"verdict not shown: {exc}", file=sys.stderr)
        return
    print("\n".join(["--- benchmark verdict ---", *lines]), flush=True)


def select(bench: BenchRun, expression: str) -> list[str]:
    """Condition names whose keywords match ``expression``, read as pytest reads -k (substrings, and/or/not)."""
    names = bench.matrix.names()
    if not expression.strip():
        return names
    # pytest's own -k grammar, so the expression means what it means to `pytest benchmarks -k`.
    from _pytest.mark.expression import Expression

    try:
        compiled = Expression.compile(expression)
    except Exception as exc:  # pytest raises its own ParseError / UsageError
        raise HarnessError(f"-k {expression!r}: {exc}") from None
    return [n for n in names if compiled.evaluate(_matcher(bench.keywords(n)))]


def _matcher(keywords: set[str]) -> Callable[..., bool]:
    lowered = [k.lower() for k in keywords]

    def match(subname: str, /, **kwargs: object) -> bool:
        return not kwargs and any(subname.lower() in k for k in lowered)

    return match


class _Tally:
    """What each check and gate came to, printed as it goes; the exit status follows the pytest session's rules."""

    def __init__(self, disposition: Callable[[HarnessError, str], tuple[bool, str]]) -> None:
        self.disposition = disposition
        self.failed = self.passed = self.skipped = 0

    def check(self, name: str, compute: Callable[[], Sequence[str]]) -> None:
        problems = self._guard(name, "answers", compute) or ()
        for problem in problems:
            self._line("FAIL", "answers", problem)
        self.failed += bool(problems)

    def gate(self, name: str, kind: str, compute: Callable[[], Sequence[GateOutcome]]) -> None:
        outcomes = self._guard(name, kind, compute, gate=True) or ()
        for outcome in outcomes:
            self._line("PASS" if outcome.passed else "FAIL", kind, outcome.message)
            self.passed += outcome.passed
            self.failed += not outcome.passed

    def _guard(self, name: str, kind: str, compute: Callable[[], T], *, gate: bool = False) -> T | None:
        """``compute()``; a skip or an error is printed and counted (as the pytest session would), and gives None."""
        try:
            return compute()
        except HarnessError as exc:
            skipped, message = self.disposition(exc, name)
        self._line("SKIP" if skipped else "FAIL", kind, message)
        if skipped:
            self.skipped += gate
        else:
            self.failed += 1
        return None

    @staticmethod
    def _line(verdict: str, kind: str, message: str) -> None:
        print(f"{verdict} [{kind}] {message}", flush=True)

    def exit_status(self) -> int:
        if self.failed:
            return 1
        if not self.passed and self.skipped:
            print(f"all {self.skipped} selected gates were skipped: nothing was checked (exit 1)", file=sys.stderr)
            return 1
        return 0


def _one(gate: Callable[[str], GateOutcome], name: str) -> list[GateOutcome]:
    return [gate(name)]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
