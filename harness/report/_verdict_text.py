"""The verdict as text: a short block for the terminal (the end of ``pytest benchmarks`` and ``harness run``) and
GitHub-flavoured Markdown for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment (``harness summary``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.report._verdict import HEADLINE_METRICS, ConditionLine, MetricEstimate, Verdict, verdict_of

__all__ = ["summary_markdown", "terminal_lines", "verdict_lines"]

_ICON = {"PASS": "✅", "FAIL": "❌", "SKIP": "⏭️", "ERROR": "💥", "NO GATES": "⚪"}


def verdict_lines(run_dir: Path) -> list[str]:
    """The terminal block of the run stored in ``run_dir``, as the end of a run prints it."""
    from harness.results import read_run

    return terminal_lines(verdict_of(read_run(run_dir)))


def terminal_lines(verdict: Verdict) -> list[str]:
    """Gate lines, one line per condition with its headline metrics, and the tally."""
    lines = [f"{g.mark} [{g.gate}] {g.message}" for g in verdict.gates]
    width = max((len(c.label) for c in verdict.conditions), default=0)
    for c in verdict.conditions:
        cells = "  ".join(f"{m.metric} {_estimate(m)}" for m in c.metrics)
        lines.append(f"{c.label.ljust(width)}  n={c.n_questions}{_errors(c)}  {cells}".rstrip())
    lines.append(f"verdict: {verdict.status} ({_tally(verdict)})")
    return lines


def summary_markdown(verdict: Verdict, changes: str | None = None) -> str:
    """The whole Markdown summary; ``changes``: the "since the baseline run" section (``diff_markdown``)."""
    parts = [f"## {_ICON[verdict.status]} Benchmark verdict: {verdict.status} — run `{verdict.run_id}`", "",
             _provenance(verdict), ""]  # fmt: skip
    if verdict.gates:
        parts += ["| | gate | outcome |", "|---|---|---|"]
        parts += [f"| {_ICON[g.mark]} {g.mark} | {g.gate} | {_cell(g.message)} |" for g in verdict.gates]
        parts.append("")
    parts += _conditions_table(verdict.conditions)
    if changes is not None:
        parts += ["", changes]
    return "\n".join(parts).rstrip() + "\n"


def _conditions_table(conditions: Sequence[ConditionLine]) -> list[str]:
    if not conditions:
        return ["No condition finished in this run."]
    level = next((m.confidence for c in conditions for m in c.metrics if m.confidence), None)
    head = f"### Conditions (mean over scored questions{f', {100 * level:.0f}% CI' if level else ''})"
    lines = [head, "", "| condition | n | errors | " + " | ".join(HEADLINE_METRICS) + " |",
             "|---|---:|---:|" + "---|" * len(HEADLINE_METRICS)]  # fmt: skip
    for c in conditions:
        cells = [(_estimate(m) if (m := c.metric(name)) else "n/a") for name in HEADLINE_METRICS]
        lines.append(f"| {c.label} | {c.n_questions} | {c.n_errors} | " + " | ".join(cells) + " |")
    return lines


def _provenance(verdict: Verdict) -> str:
    commit = f"`{verdict.commit[:12]}`" + (" (dirty)" if verdict.dirty else "") if verdict.commit else "unknown"
    return f"commit {commit} · data set {f'`{verdict.dataset}`' if verdict.dataset else 'unknown'} · {_tally(verdict)}"


def _tally(verdict: Verdict) -> str:
    failed = verdict.count("FAIL") + verdict.count("ERROR")
    return f"{verdict.count('PASS')} passed, {failed} failed, {verdict.count('SKIP')} skipped"


def _estimate(m: MetricEstimate) -> str:
    interval = f" [{m.low:.3f}, {m.high:.3f}]" if m.low is not None and m.high is not None else ""
    return f"{m.mean:.3f}{interval}"


def _errors(c: ConditionLine) -> str:
    return f" errors={c.n_errors}" if c.n_errors else ""


def _cell(text: str) -> str:
    """A table cell: a pipe would end it, a newline the row."""
    return text.replace("|", "\\|").replace("\n", " ")
