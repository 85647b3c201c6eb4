"""The run-level report: versioned results JSON, a Markdown summary, and ``index.html`` (verdict, study tables,
conditions with intervals, matplotlib plots and the per-question explorer, in one self-contained page)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.report._study import (
    StudyGroup,
    cross_size_markdown,
    sample_outputs_markdown,
    study_groups,
    study_markdown,
)
from harness.results import RUN_SCHEMA_VERSION, ConditionEntry, ConditionStatus, RunNote

__all__ = ["write_run_report"]


@dataclass(frozen=True)
class _Layout:
    order: tuple[str, ...]  # size groups in run order
    labels: Mapping[str, str]  # size group -> its label (e.g. "Qwen2.5 3B")
    hypothesis: str = ""  # the run's (--bench-hypothesis)
    provenance: Mapping[str, Any] | None = None  # the run's (git commit, packages), when the entries lack their own
    notes: tuple[RunNote, ...] = ()  # learnings added afterwards (harness note)


def write_run_report(
    run_dir: Path,
    entries: Sequence[ConditionEntry],
    gates: Mapping[str, Mapping[str, Any]],
    *,
    group_order: Sequence[str],
    provenance: Mapping[str, Any],
    group_labels: Mapping[str, str] | None = None,
    statuses: Mapping[str, ConditionStatus] | None = None,
    hypothesis: str = "",
    notes: Sequence[RunNote] = (),
) -> dict[str, Path]:
    """Write results.json, summary.md and index.html for the run; return their paths. ``statuses``: every
    condition's status from the run index, so the verdict also lists those skipped or errored. ``hypothesis`` and
    ``notes`` are the run's experiment log (``--bench-hypothesis``, ``harness note``)."""
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
    layout = _Layout(order=tuple(group_order), labels=dict(group_labels or {}), hypothesis=hypothesis,
                     notes=tuple(notes), provenance=provenance)  # fmt: skip
    groups = study_groups(entries, layout.order)
    atomic_write_text(paths["markdown"], _markdown(run_dir.name, entries, gates, groups, layout))
    atomic_write_text(paths["html"], _html(run_dir.name, entries, gates, groups, layout, statuses or {}))
    return paths


def _gate_lines(gates: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [f"- {'PASS' if g['passed'] else 'FAIL'} [{g['gate']}] {g['message']}" for g in gates.values()]


_SUMMARY_COLUMNS = ("exact_match", "f1", "source_hit", "citation_grounding", "cited_passage_coverage",
                    "abstention_recall", "over_refusal_rate", "hit_at_k", "mrr", "latency_p50_s",
                    "latency_p95_s")  # fmt: skip


def _summary_table(entries: Sequence[ConditionEntry]) -> list[str]:
    cols = _SUMMARY_COLUMNS
    lines = ["| condition | quant | n | " + " | ".join(cols) + " |", "|---" * (len(cols) + 3) + "|"]
    for e in entries:
        cells = [_fmt(e.summary.get(c)) for c in cols]
        lines.append(f"| {e.label} | {e.quantization} | {e.summary.get('n_questions')} | " + " | ".join(cells) + " |")
    return lines


def _hypotheses(entries: Sequence[ConditionEntry]) -> list[tuple[str, str]]:
    return [(e.condition, e.hypothesis) for e in entries if e.hypothesis and "@" not in e.label]


def _markdown(
    run_id: str, entries: Sequence[ConditionEntry], gates: Mapping[str, Any], groups: Sequence[StudyGroup],
    layout: _Layout,
) -> str:  # fmt: skip
    parts = [f"# Run {run_id}", ""]
    if layout.hypothesis:
        parts += [f"**Hypothesis:** {layout.hypothesis}", ""]
    parts += ["## Conditions", "", *_summary_table(entries), ""]
    if gates:
        parts += ["## Gates", "", *_gate_lines(gates), ""]
    hypotheses = [f"- **{c}**: {h}" for c, h in _hypotheses(entries)]
    if hypotheses:
        parts += ["## Hypotheses", "", *hypotheses, ""]
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


def _html(
    run_id: str, entries: Sequence[ConditionEntry], gates: Mapping[str, Mapping[str, Any]],
    groups: Sequence[StudyGroup], layout: _Layout, statuses: Mapping[str, ConditionStatus],
) -> str:  # fmt: skip
    from harness.report._explorer import OUTCOME_HELP, explorer_json
    from harness.report._html import Page, page_html
    from harness.report._html_tables import conditions_table, study_tables
    from harness.report._html_verdict import verdict_section
    from harness.report._page_plots import page_plots
    from harness.report._plot_metrics import BAR_METRICS, metric_means
    from harness.report._verdict import gate_lines

    means = {key: metric_means(entries, key) for key, _ in BAR_METRICS}
    page = Page(
        run_id=run_id,
        provenance=_provenance_line(entries, layout.provenance),
        verdict=verdict_section(gate_lines(statuses, gates), gates),
        study=study_tables(groups, layout.labels),
        conditions=conditions_table(entries, means),
        plots=page_plots(entries, gates, groups, means),
        explorer_data=explorer_json(entries),
        outcome_help=OUTCOME_HELP,
        hypotheses=[*([("this run", layout.hypothesis)] if layout.hypothesis else []), *_hypotheses(entries)],
        learnings=[(n.time, n.text) for n in layout.notes],
    )
    return page_html(page)


def _provenance_line(entries: Sequence[ConditionEntry], run: Mapping[str, Any] | None) -> str:
    first = entries[0] if entries else None
    # A condition read back from its files carries its own provenance; one just computed has the run's.
    stored = (first.provenance if first else None) or run or {}
    git = stored.get("git") or {}
    commit = str(git.get("commit") or "unknown")[:12] + (" (dirty)" if git.get("dirty") else "")
    dataset = (first.dataset or {}).get("tag") if first else None
    return f"commit {commit} · data set {dataset or 'unknown'} · {len(entries)} condition(s)"


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "n/a" if v is None else str(v)
