"""The verdict at the top of the page: the run's status, then one row per gate (and per condition that never
reached its gates) with its mark styled and the numbers it was decided on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from harness.report._verdict import GateLine

__all__ = ["run_status", "verdict_section"]


def run_status(lines: Sequence[GateLine]) -> str:
    """As ``Verdict.status``: FAIL when a gate failed or a condition errored, PASS when a gate passed."""
    marks = {line.mark for line in lines}
    if marks & {"FAIL", "ERROR"}:
        return "FAIL"
    return "PASS" if "PASS" in marks else "NO GATES"


def verdict_section(lines: Sequence[GateLine], gates: Mapping[str, Mapping[str, Any]]) -> str:
    status = run_status(lines)
    tally = {mark: sum(line.mark == mark for line in lines) for mark in ("PASS", "FAIL", "ERROR", "SKIP")}
    counts = ", ".join(f"{n} {mark.lower()}" for mark, n in tally.items() if n) or "nothing was gated"
    head = f"<p class='status {_css(status)}' id='run-status'>Verdict: {status} <small>({counts})</small></p>"
    if not lines:
        return f"<section id='verdict'><h2>Verdict</h2>{head}</section>"
    rows = "".join(_row(line, (gates.get(line.key) or {}) if line.gate != "condition" else {}) for line in lines)
    table = (
        "<div class='scroll'><table class='gates'><thead><tr><th>outcome</th><th>gate</th><th>condition</th>"
        f"<th>numbers</th><th>message</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )
    return f"<section id='verdict'><h2>Verdict</h2>{head}{table}</section>"


def _row(line: GateLine, gate: Mapping[str, Any]) -> str:
    numbers = "".join(f"<li>{escape(n)}</li>" for n in _numbers(gate.get("numbers") or {}))
    return (
        f"<tr class='gate {_css(line.mark)}' data-mark='{line.mark}'><td><span class='mark {_css(line.mark)}'>"
        f"{line.mark}</span></td><td>{escape(line.gate)}</td><td>{escape(line.key)}</td>"
        f"<td><ul class='numbers'>{numbers}</ul></td><td>{escape(line.message)}</td></tr>"
    )


def _numbers(numbers: Mapping[str, Any]) -> list[str]:
    """The figures a reader checks the decision against, from whatever of them the gate recorded."""
    cmp = numbers.get("comparison") or {}
    limits = numbers.get("thresholds") or {}
    out = [*_comparison(cmp)]
    if limits:
        out.append(f"needs Δ ≥ +{limits.get('delta_pp')} pp, CI low > 0, p < {limits.get('alpha')}")
    if _is_number(numbers.get("citation_grounding")):
        out.append(f"citation grounding {numbers['citation_grounding']:.3f} (needs ≥ {limits.get('grounding')})")
    if _is_number(numbers.get("margin_pp")):
        out.append(f"needs CI low > −{numbers['margin_pp']:g} pp")
    out += [f"{key} {numbers[key]:.3g}" for key in ("latency_p95_s", "peak_rss_mb") if _is_number(numbers.get(key))]
    return out


def _comparison(cmp: Mapping[str, Any]) -> list[str]:
    if not all(_is_number(cmp.get(k)) for k in ("difference", "ci_low", "ci_high")):
        return []
    level = f"{100 * cmp['confidence']:.0f}% CI" if _is_number(cmp.get("confidence")) else "CI"
    out = [f"Δ {cmp['difference']:+.1f} pp, {level} [{cmp['ci_low']:+.1f}, {cmp['ci_high']:+.1f}]"]
    if _is_number(cmp.get("p_value")):
        holm = f", Holm p = {cmp['p_holm']:.2g}" if _is_number(cmp.get("p_holm")) else ""
        out.append(f"p = {cmp['p_value']:.2g}{holm}, n = {cmp.get('n')}")
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _css(mark: str) -> str:
    return mark.lower().replace(" ", "-")
