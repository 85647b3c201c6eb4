"""A run-to-run diff (``harness.gates.diff_runs``) as text: lines for ``harness diff``, a Markdown section for
``harness summary --baseline``."""

from __future__ import annotations

from harness.gates import MetricChange, RunDiff, cluster_note

__all__ = ["diff_lines", "diff_markdown"]


def diff_lines(diff: RunDiff) -> list[str]:
    """A header saying what was compared and how, one line per change, what was not compared, and the tally."""
    lines = [_header(diff)]
    label_width = max((len(c.label) for c in diff.changes), default=0)
    metric_width = max((len(c.metric) for c in diff.changes), default=0)
    for c in diff.changes:
        name = f"{c.label.ljust(label_width)}  {c.metric.ljust(metric_width)}"
        lines.append(f"{'REGRESSION' if c.regression else 'ok':<10} {name}  {_change(c)}")
    lines += [f"not compared: {label}: {why}" for label, why in diff.not_compared]
    lines.append(_tally(diff))
    return lines


def diff_markdown(diff: RunDiff) -> str:
    head = "| | condition | metric | baseline → this run | Δ pp (CI) | p (Holm) | n |"
    rows = [f"### Since the baseline run `{diff.run_a}`", "", _header(diff), "", head, "|---" * 7 + "|"]
    for c in diff.changes:
        cmp = c.comparison
        mark = "❌ regression" if c.regression else ("⬆️" if cmp.difference > 0 else "")
        rows.append(f"| {mark} | {c.label} | {c.metric} | {cmp.mean_a:.1f} → {cmp.mean_b:.1f} | {_delta(c)} | "
                    f"{cmp.p_value:.2g} ({cmp.p_holm:.2g}) | {cmp.n}{cluster_note(cmp.clusters)} |")  # fmt: skip
    rows += [f"- not compared: {label}: {why}" for label, why in diff.not_compared]
    return "\n".join([*rows, "", _tally(diff)])


def _header(diff: RunDiff) -> str:
    m = len(diff.changes)
    return (f"{diff.run_b} against {diff.run_a}: Δ = B − A in percentage points of the score, paired on the questions "
            f"both runs scored; regression = Holm p < {diff.alpha:g} over {m} comparison{'s' * (m != 1)} and "
            f"Δ < −{diff.margin_pp:g} pp")  # fmt: skip


def _change(c: MetricChange) -> str:
    cmp = c.comparison
    return (f"{cmp.mean_a:.1f} → {cmp.mean_b:.1f}  Δ {_delta(c)}  p={cmp.p_value:.2g} Holm p={cmp.p_holm:.2g}  "
            f"n={cmp.n}{cluster_note(cmp.clusters)}")  # fmt: skip


def _delta(c: MetricChange) -> str:
    cmp = c.comparison
    return f"{cmp.difference:+.1f} ({100 * cmp.confidence:.0f}% CI {cmp.ci_low:+.1f}..{cmp.ci_high:+.1f})"


def _tally(diff: RunDiff) -> str:
    n = len(diff.regressions)
    if not n:
        return f"no significant regression beyond −{diff.margin_pp:g} pp"
    return f"{n} significant regression{'s' * (n != 1)} beyond −{diff.margin_pp:g} pp"
