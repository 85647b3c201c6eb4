"""The runs list, ``<reports>/index.html``: every run beside it with its commit, data set and verdict, and each
condition's headline metrics plotted over the runs. Rewritten when a run finishes (``BenchRun.finish``).

It reads each run through ``harness.results.read_run``, means only (no bootstrap): a list of many runs must stay
cheap to rebuild. A run it cannot read is listed with the reason rather than failing the run that is finishing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from harness.errors import HarnessError
from harness.report._trend_svg import trend_chart
from harness.report._verdict import HEADLINE_METRICS, Verdict, verdict_of
from harness.results import RUN_INDEX_FILE, read_run

__all__ = ["HISTORY_FILE", "MAX_RUNS", "RunRow", "history_rows", "write_history"]

HISTORY_FILE = "index.html"
MAX_RUNS = 50  # the most recent; older runs stay on disk, only the list stops naming them


@dataclass(frozen=True, kw_only=True)
class RunRow:
    """One run of the list: its verdict, or why it could not be read."""

    run_id: str
    finished: str  # UTC time its run index was written
    verdict: Verdict | None = None
    problem: str | None = None


def history_rows(reports: Path) -> list[RunRow]:
    """The runs under ``reports``, oldest first (by when their index was written: run ids need not sort by time)."""
    folders = [p for p in reports.iterdir() if p.is_dir() and not p.is_symlink() and (p / RUN_INDEX_FILE).is_file()]
    folders.sort(key=lambda p: ((p / RUN_INDEX_FILE).stat().st_mtime, p.name))
    return [_row(p) for p in folders[-MAX_RUNS:]]


def write_history(reports: Path) -> Path:
    from harness.cache import atomic_write_text

    path = reports / HISTORY_FILE
    atomic_write_text(path, _page(history_rows(reports)))
    return path


def _row(run_dir: Path) -> RunRow:
    stamp = dt.datetime.fromtimestamp((run_dir / RUN_INDEX_FILE).stat().st_mtime, dt.UTC)
    finished = stamp.strftime("%Y-%m-%d %H:%M UTC")
    try:
        return RunRow(run_id=run_dir.name, finished=finished, verdict=verdict_of(read_run(run_dir), intervals=False))
    except HarnessError as exc:
        return RunRow(run_id=run_dir.name, finished=finished, problem=str(exc))


def _page(rows: Sequence[RunRow]) -> str:
    read = [r for r in rows if r.verdict is not None]
    charts = "".join(f"<figure>{_chart(read, metric)}</figure>" for metric in HEADLINE_METRICS)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Benchmark runs</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.PASS{color:#1a7f37}.FAIL{color:#cf222e}"
        "</style></head><body><h1>Benchmark runs</h1>"
        f"<table><tr><th>run</th><th>finished</th><th>commit</th><th>data set</th><th>verdict</th></tr>"
        f"{''.join(_table_row(r) for r in reversed(rows))}</table>{charts}</body></html>\n"
    )


def _table_row(row: RunRow) -> str:
    link = f"<a href='{escape(row.run_id)}/index.html'>{escape(row.run_id)}</a>"
    if row.verdict is None:
        why = escape(str(row.problem))
        return f"<tr><td>{link}</td><td>{row.finished}</td><td colspan='3'>unreadable: {why}</td></tr>"
    v = row.verdict
    commit = (v.commit or "unknown")[:12] + (" (dirty)" if v.dirty else "")
    tally = f"{v.count('PASS')} passed, {v.count('FAIL', 'ERROR')} failed, {v.count('SKIP')} skipped"
    return (
        f"<tr><td>{link}</td><td>{row.finished}</td><td><code>{escape(commit)}</code></td>"
        f"<td>{escape(v.dataset or 'unknown')}</td><td class='{v.status}'>{v.status}: {tally}</td></tr>"
    )


def _chart(rows: Sequence[RunRow], metric: str) -> str:
    labels = list(dict.fromkeys(c.label for r in rows if r.verdict for c in r.verdict.conditions))
    series = {label: [_mean(r, label, metric) for r in rows] for label in labels}
    return trend_chart(f"{metric} over runs (mean over scored questions)", [r.run_id for r in rows], series)


def _mean(row: RunRow, label: str, metric: str) -> float | None:
    condition = next((c for c in row.verdict.conditions if c.label == label), None) if row.verdict else None
    estimate = condition.metric(metric) if condition else None
    return estimate.mean if estimate else None
