"""A small line chart of one metric over runs, one line per condition: self-contained SVG for the runs list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["trend_chart"]

_W, _H, _LEFT, _TOP, _BOTTOM = 640, 220, 40, 30, 170
_COLOURS = ("#4c78a8", "#e45756", "#54a24b", "#b279a2", "#f58518", "#72b7b2", "#9d755d", "#bab0ac")


def trend_chart(title: str, runs: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """``series``: condition -> its value in each of ``runs`` (None: absent from that run), on a 0..1 axis.

    A fixed axis (not scaled to the data) so that a drop from one run to the next looks as large as it is."""
    step = (_W - _LEFT - 160) / max(len(runs) - 1, 1)
    body = [_axis(), *_run_ticks(runs, step)]
    for k, (name, values) in enumerate(series.items()):
        colour = _COLOURS[k % len(_COLOURS)]
        points = [(_LEFT + j * step, _y(v)) for j, v in enumerate(values) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
        body.append(f'<text x="{_W - 150}" y="{_TOP + 14 * k}" font-size="11" fill="{colour}">{escape(name)}</text>')
    head = f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" role="img">'
    caption = f'<text x="4" y="16" font-weight="bold" font-size="13">{escape(title)}</text>'
    return "\n".join([head, caption, *body, "</svg>"])


def _y(value: float) -> float:
    return _BOTTOM - max(0.0, min(1.0, value)) * (_BOTTOM - _TOP)


def _axis() -> str:
    lines = [
        f'<line x1="{_LEFT}" x2="{_W - 160}" y1="{_y(v):.1f}" y2="{_y(v):.1f}" stroke="#ddd"/>' for v in (0, 0.5, 1)
    ]
    labels = [f'<text x="4" y="{_y(v) + 4:.1f}" font-size="10">{v:g}</text>' for v in (0, 0.5, 1)]
    return "\n".join(lines + labels)


def _run_ticks(runs: Sequence[str], step: float) -> list[str]:
    """Every run's position; its id under the first and the last (ids are long, the table names the others)."""
    ticks = []
    for j, run in enumerate(runs):
        x = _LEFT + j * step
        ticks.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{_BOTTOM}" y2="{_BOTTOM + 4}" stroke="#999"/>')
        if j in (0, len(runs) - 1):
            anchor = "start" if j == 0 else "end"
            ticks.append(
                f'<text x="{x:.1f}" y="{_BOTTOM + 18}" font-size="10" text-anchor="{anchor}">{escape(run)}</text>'
            )
    return ticks
