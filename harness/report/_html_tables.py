"""The page's tables as HTML: the per-condition summary with intervals, the study's arms and effects per size group,
and the cross-size table. Each sits in its own scrolling box, so a wide table never widens the page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from harness.config import STUDY_ARMS
from harness.report._plot_metrics import BAR_METRICS, MetricMean
from harness.report._study import _METRICS, EFFECT_METRICS, EFFECTS, STUDY_METRICS, StudyGroup, _effect_text, _pct
from harness.results import ConditionEntry

__all__ = ["conditions_table", "study_tables"]

_PLAIN = (("hit_at_k", "hit@k"), ("mrr", "MRR"), ("latency_p50_s", "latency p50 s"),
          ("latency_p95_s", "latency p95 s"), ("tokens_per_s", "tokens/s"))  # fmt: skip


def _table(cls: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """``rows`` hold cell HTML, already escaped."""
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<div class='scroll'><table class='{cls}'><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>"


def _mean_cell(m: MetricMean | None) -> str:
    return "–" if m is None else f"{m.mean:.3f} <span class='ci'>[{m.low:.3f}, {m.high:.3f}]</span>"


def _plain(value: object) -> str:
    return f"{value:.3g}" if isinstance(value, float) else "–" if value is None else escape(str(value))


def conditions_table(entries: Sequence[ConditionEntry], means: Mapping[str, Sequence[MetricMean]]) -> str:
    """One row per condition (and quantisation variant): means over scored questions with 95% CIs."""
    by_label = {key: {m.label: m for m in ms} for key, ms in means.items()}
    head = ["condition", "arm", "size group", "quant", "n", "errors", *(label for _, label in BAR_METRICS),
            *(label for _, label in _PLAIN)]  # fmt: skip
    rows = []
    for e in entries:
        errors = sum(bool(r.get("error")) for r in e.records)
        cells = [escape(e.label), escape(e.arm or "–"), escape(e.size_group), escape(e.quantization),
                 str(len(e.records)), str(errors)]  # fmt: skip
        cells += [_mean_cell(by_label.get(key, {}).get(e.label)) for key, _ in BAR_METRICS]
        cells += [_plain(e.summary.get(key)) for key, _ in _PLAIN]
        rows.append(cells)
    return _table("conditions", head, rows)


def _arm_table(group: StudyGroup) -> str:
    shown = [m for m in STUDY_METRICS if any((a, m.key) in group.cells for a in group.arms)]
    head = ["arm", "condition", *(f"{m.label} % (95% CI)" for m in shown)]
    rows = []
    for arm, label in STUDY_ARMS.items():
        entry = group.arms.get(arm)
        if entry is not None:
            cells = [escape(_pct(group.cells.get((arm, m.key)))) for m in shown]
            rows.append([escape(label), escape(entry.condition), *cells])
    return _table("study-arms", head, rows)


def _effect_table(group: StudyGroup) -> str:
    metrics = [m for m in EFFECT_METRICS if any((e.key, m) in group.effects for e in EFFECTS)]
    if not metrics:
        return ""
    rows = [
        [escape(eff.label), *(escape(_effect_text(group.effects.get((eff.key, m)))) for m in metrics)]
        for eff in EFFECTS
        if any((eff.key, m) in group.effects for m in metrics)
    ]
    table = _table("study-effects", ["effect (paired, same questions)", *(_METRICS[m].label for m in metrics)], rows)
    ratio = f"<p>RAG benefit as a ratio of pass rates: {group.ratio:.2f}×.</p>" if group.ratio is not None else ""
    return table + ratio


def study_tables(groups: Sequence[StudyGroup], labels: Mapping[str, str]) -> str:
    """Per size group: the arms with intervals, then the effects with paired CIs; the cross-size table last."""
    parts = []
    for g in groups:
        title = f"{labels.get(g.size_group, g.size_group)} ({g.size_group})"
        parts.append(f"<h3>{escape(title)}</h3>{_arm_table(g)}{_effect_table(g)}")
    if len(groups) >= 2:
        parts.append(f"<h3>Across sizes</h3>{_cross_size(groups)}")
    return "".join(parts)


def _cross_size(groups: Sequence[StudyGroup]) -> str:
    rows = [
        [escape(f"{STUDY_ARMS[arm]} pass rate"), *(escape(_pct(g.cells.get((arm, "pass")))) for g in groups)]
        for arm in ("base", "rag", "ft_rag_trained_rag")
    ]
    rows.append(["RAG benefit (×)", *("–" if g.ratio is None else f"{g.ratio:.2f}×" for g in groups)])
    for eff in EFFECTS:
        if eff.key != "recipe":
            rows.append([escape(eff.label), *(escape(_effect_text(g.effects.get((eff.key, "pass")))) for g in groups)])
    return _table("cross-size", ["metric", *(g.size_group for g in groups)], rows)
