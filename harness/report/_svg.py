"""Tiny dependency-free SVG charts, so the HTML report opens from disk without a server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "ForestRow", "bar_chart", "forest_plot", "line_chart"]

_W, _ROW, _LEFT = 640, 26, 210


@dataclass(frozen=True, kw_only=True)
class Bar:
    label: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, kw_only=True)
class ForestRow:
    label: str
    estimate: float
    low: float
    high: float


def _x(value: float, lo: float, hi: float) -> float:
    span = (hi - lo) or 1.0
    return _LEFT + (value - lo) / span * (_W - _LEFT - 30)


def _frame(height: int, title: str, body: list[str]) -> str:
    head = f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{height}" role="img">'
    caption = f'<text x="4" y="16" font-weight="bold" font-size="13">{escape(title)}</text>'
    return "\n".join([head, caption, *body, "</svg>"])


def bar_chart(title: str, bars: Sequence[Bar], *, lo: float = 0.0, hi: float = 1.0) -> str:
    """Horizontal bars with optional CI whiskers."""
    body = []
    for i, bar in enumerate(bars):
        y = 30 + i * _ROW
        x0, x1 = _x(lo, lo, hi), _x(max(lo, min(hi, bar.value)), lo, hi)
        body.append(f'<text x="4" y="{y + 14}" font-size="12">{escape(bar.label)}</text>')
        body.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 0.5):.1f}" height="15" fill="#4c78a8"/>')
        if bar.low is not None and bar.high is not None:
            a, b = _x(bar.low, lo, hi), _x(bar.high, lo, hi)
            body.append(f'<line x1="{a:.1f}" x2="{b:.1f}" y1="{y + 10}" y2="{y + 10}" stroke="#222" stroke-width="2"/>')
        body.append(f'<text x="{x1 + 4:.1f}" y="{y + 14}" font-size="11">{bar.value:.3f}</text>')
    return _frame(40 + len(bars) * _ROW, title, body)


def forest_plot(title: str, rows: Sequence[ForestRow], *, unit: str = "pp") -> str:
    """Paired differences with CIs around a zero line."""
    if not rows:
        return _frame(40, f"{title}: no comparisons in this run", [])
    lo = min(min(r.low for r in rows), 0.0) - 1
    hi = max(max(r.high for r in rows), 0.0) + 1
    zero = _x(0.0, lo, hi)
    height = 50 + len(rows) * _ROW
    body = [f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="24" y2="{height - 20}" stroke="#999" stroke-dasharray="4"/>']
    for i, row in enumerate(rows):
        y = 34 + i * _ROW
        a, b, m = _x(row.low, lo, hi), _x(row.high, lo, hi), _x(row.estimate, lo, hi)
        body.append(f'<text x="4" y="{y + 4}" font-size="12">{escape(row.label)}</text>')
        body.append(f'<line x1="{a:.1f}" x2="{b:.1f}" y1="{y}" y2="{y}" stroke="#222" stroke-width="2"/>')
        body.append(f'<circle cx="{m:.1f}" cy="{y}" r="4" fill="#e45756"/>')
        text = f"{row.estimate:+.1f} {unit} [{row.low:+.1f}, {row.high:+.1f}]"
        body.append(f'<text x="{_W - 150}" y="{y + 4}" font-size="11">{escape(text)}</text>')
    body.append(f'<text x="{zero - 4:.1f}" y="{height - 6}" font-size="11">0</text>')
    return _frame(height, title, body)


def line_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """One polyline per series over categorical x labels; each series scaled to its own max."""
    width, top, bottom = _W - 80, 30, 170
    colours = ["#4c78a8", "#e45756", "#54a24b", "#b279a2"]
    body, step = [], width / max(len(labels) - 1, 1)
    for j, label in enumerate(labels):
        body.append(f'<text x="{60 + j * step:.1f}" y="{bottom + 18}" font-size="11">{escape(label)}</text>')
    for k, (name, values) in enumerate(series.items()):
        peak = max((v for v in values if v is not None), default=1.0) or 1.0
        points = [(60 + j * step, bottom - (v / peak) * (bottom - top)) for j, v in enumerate(values) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        colour = colours[k % len(colours)]
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body.append(f'<text x="{_W - 200}" y="{top + 14 * k}" font-size="11" fill="{colour}">{escape(name)}</text>')
    return _frame(bottom + 30, title, body)
