"""The run-level report: versioned results JSON, Markdown summary and a self-contained HTML page."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from harness.report._intervals import mean_interval
from harness.report._study import cross_size_markdown, sample_outputs_markdown, study_groups, study_markdown
from harness.report._svg import Bar, ForestRow, bar_chart, forest_plot, line_chart
from harness.results import RUN_SCHEMA_VERSION, ConditionEntry, RunNote

__all__ = ["write_run_report"]

BAR_METRICS = (
    ("f1", "Token F1"),
    ("exact_match", "Exact match"),
    ("citation_grounding", "Citation grounding (gated)"),
    ("refused", "Refusal rate"),
)


def write_run_report(
    run_dir: Path,
    entries: Sequence[ConditionEntry],
    gates: Mapping[str, Mapping[str, Any]],
    *,
    group_order: Sequence[str],
    provenance: Mapping[str, Any],
    group_labels: Mapping[str, str] | None = None,
    hypothesis: str = "",
    notes: Sequence[RunNote] = (),
) -> dict[str, Path]:
    """Write results.json, summary.md and index.html for the run; return their paths. ``hypothesis`` and ``notes``
    are the run's experiment log (``--bench-hypothesis``, ``harness note``)."""
    from harness.cache import atomic_write_text

    run_dir.mkdir(parents=True, exist_ok=True)
    body = {
        "schema_version": RUN_SCHEMA_VERSION,
        "run_id": run_dir.name,
        "conditions": {e.label: e.index_json() for e in entries},
        "gates": dict(gates),
        "provenance": dict(provenance),
        # What it takes to render the report again from the stored files alone (``rewrite_run_report``).
        "group_order": list(group_order),
        "group_labels": dict(group_labels or {}),
    }
    paths = {"json": run_dir / "results.json", "markdown": run_dir / "summary.md", "html": run_dir / "index.html"}
    atomic_write_text(paths["json"], json.dumps(body, indent=2, sort_keys=True, default=str) + "\n")
    layout = _Layout(
        order=tuple(group_order), labels=dict(group_labels or {}), hypothesis=hypothesis, notes=tuple(notes)
    )
    atomic_write_text(paths["markdown"], _markdown(run_dir.name, entries, gates, layout))
    atomic_write_text(paths["html"], _html(run_dir.name, entries, gates, layout))
    return paths


def _gate_lines(gates: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [f"- {'PASS' if g['passed'] else 'FAIL'} [{g['gate']}] {g['message']}" for g in gates.values()]


def _summary_table(entries: Sequence[ConditionEntry]) -> list[str]:
    cols = (
        "exact_match",
        "f1",
        "source_hit",
        "citation_grounding",
        "cited_passage_coverage",
        "abstention_recall",
        "over_refusal_rate",
        "hit_at_k",
        "mrr",
        "latency_p50_s",
        "latency_p95_s",
    )
    lines = ["| condition | quant | n | " + " | ".join(cols) + " |", "|---" * (len(cols) + 3) + "|"]
    for e in entries:
        s = e.summary
        cells = [_fmt(s.get(c)) for c in cols]
        lines.append(f"| {e.label} | {e.quantization} | {s.get('n_questions')} | " + " | ".join(cells) + " |")
    return lines


@dataclass(frozen=True)
class _Layout:
    order: tuple[str, ...]  # size groups in run order
    labels: Mapping[str, str]  # size group -> its label (e.g. "Qwen2.5 3B")
    hypothesis: str = ""
    notes: tuple[RunNote, ...] = ()


def _markdown(run_id: str, entries: Sequence[ConditionEntry], gates: Mapping[str, Any], layout: _Layout) -> str:
    parts = [f"# Run {run_id}", ""]
    if layout.hypothesis:
        parts += [f"**Hypothesis:** {layout.hypothesis}", ""]
    parts += ["## Conditions", "", *_summary_table(entries), ""]
    if gates:
        parts += ["## Gates", "", *_gate_lines(gates), ""]
    hypotheses = [f"- **{e.condition}**: {e.hypothesis}" for e in entries if e.hypothesis and "@" not in e.label]
    if hypotheses:
        parts += ["## Hypotheses", "", *hypotheses, ""]
    groups = study_groups(entries, layout.order)
    if groups:
        note = "rates in %, 95% CI in brackets; pass = correct answer or correct refusal"
        parts += [f"## The study ({note})", "", study_markdown(groups, layout.labels)]
    cross = cross_size_markdown(groups)
    if cross:
        parts += ["## Across sizes (pass rates; effects as paired differences with 95% CI)", "", cross, ""]
    for g in groups:
        parts += [f"## Sample outputs: {layout.labels.get(g.size_group, g.size_group)}", "", sample_outputs_markdown(g)]
    if layout.notes:
        parts += ["## Learnings", "", *(f"- {n.time}: {n.text}" for n in layout.notes), ""]
    return "\n".join(parts)


def _html(run_id: str, entries: Sequence[ConditionEntry], gates: Mapping[str, Any], layout: _Layout) -> str:
    charts = [_metric_bars(entries, key, label) for key, label in BAR_METRICS]
    charts.append(forest_plot("Paired differences vs baseline / F16 (factuality, pp)", _forest_rows(gates)))
    charts += _quantization_charts(entries)
    charts.append(_task_type_chart(entries))
    markdown = escape(_markdown(run_id, entries, gates, layout))
    figures = "\n".join(f"<figure>{c}</figure>" for c in charts)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Run {escape(run_id)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}figure{margin:1em 0}pre{background:#f6f6f6;padding:1em}</style>"
        f"</head><body><h1>Run {escape(run_id)}</h1>{figures}<h2>Summary</h2><pre>{markdown}</pre></body></html>\n"
    )


def _values(records: Sequence[Mapping[str, Any]], key: str) -> list[float]:
    out = []
    for r in records:
        v = r.get(key)
        if not r.get("error") and isinstance(v, (int, float)):
            out.append(float(v))
    return out


def _metric_bars(entries: Sequence[ConditionEntry], key: str, label: str) -> str:
    bars = []
    for e in entries:
        ci = mean_interval(_values(e.records, key), e.scoring)
        if ci is not None:
            bars.append(Bar(label=e.label, value=ci[0], low=ci[1], high=ci[2]))
    return bar_chart(f"{label} (mean, 95% bootstrap CI)", bars)


def _forest_rows(gates: Mapping[str, Mapping[str, Any]]) -> list[ForestRow]:
    rows = []
    for key, g in gates.items():
        cmp = (g.get("numbers") or {}).get("comparison")
        if cmp:
            rows.append(ForestRow(label=key, estimate=cmp["difference"], low=cmp["ci_low"], high=cmp["ci_high"]))
    return rows


def _quantization_charts(entries: Sequence[ConditionEntry]) -> list[str]:
    by_condition: dict[str, list[ConditionEntry]] = {}
    for e in entries:
        by_condition.setdefault(e.condition, []).append(e)
    charts = []
    for name, group in by_condition.items():
        if len({e.quantization for e in group}) < 2:
            continue
        group = sorted(group, key=lambda e: e.quantization)
        labels = [e.quantization for e in group]
        series = {
            "F1": [e.summary.get("f1") for e in group],
            "tokens/s": [e.summary.get("tokens_per_s") for e in group],
        }
        charts.append(
            line_chart(f"{name}: quantisation level vs score and speed (each scaled to its max)", labels, series)
        )
    return charts


def _task_type_chart(entries: Sequence[ConditionEntry]) -> str:
    bars = []
    for e in entries:
        types = sorted({str(r.get("task_type")) for r in e.records})
        for t in types:
            values = _values([r for r in e.records if r.get("task_type") == t], "crag")
            if values:
                bars.append(Bar(label=f"{e.label} / {t}", value=(sum(values) / len(values) + 1) / 2))
    return bar_chart("Per task type: pass-equivalent score ((CRAG + 1) / 2)", bars)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "n/a" if v is None else str(v)
