"""Matplotlib figures as inline SVG for the report page: no files beside it, no fonts embedded, same bytes each time.

Determinism: ``svg.hashsalt`` fixes the ids matplotlib derives by hashing (a salt per figure, so two figures inlined
in one page never share a clip-path id), ``svg.fonttype: none`` writes text as ``<text>`` (searchable, no glyph
paths), and the metadata drops the date. matplotlib is imported here only, when a report is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PALETTE", "Plot", "figure", "svg_of"]

PALETTE = ("#4c78a8", "#e45756", "#54a24b", "#b279a2", "#f58518", "#72b7b2", "#9d755d", "#eeca3b")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}


@dataclass(frozen=True, kw_only=True)
class Plot:
    """One chart of the page: ``name`` is its anchor and ``data-plot`` attribute, ``svg`` the inline element."""

    name: str
    title: str
    svg: str
    note: str = ""  # a line under the chart: what the marks and lines mean
    wide: bool = False  # spans the page's width (many columns of text) instead of half of it


def _rc(name: str) -> Any:  # Any: matplotlib types rc keys as a Literal union a built dict cannot match
    return {**_STYLE, "svg.hashsalt": f"harness-report-{name}"}


@contextmanager
def figure(name: str, width: float, height: float) -> Iterator[Figure]:
    """A figure (inches) drawn under the report's style; ``name`` salts its SVG ids."""
    import matplotlib

    matplotlib.use("Agg")  # no display on CI machines; the SVG backend is used through savefig
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc(name)):
        yield Figure(figsize=(width, height), layout="constrained")


def svg_of(fig: Figure, name: str, title: str) -> str:
    """The figure as an ``<svg>`` element for inlining: no XML prolog or DOCTYPE, a title for screen readers, and a
    ``data-plot`` attribute naming it."""
    buffer = io.StringIO()
    metadata: dict[str, Any] = {"Date": None, "Creator": None, "Title": title}
    import matplotlib

    with matplotlib.rc_context(_rc(name)):
        fig.savefig(buffer, format="svg", metadata=metadata)
    text = buffer.getvalue()
    svg = _METADATA.sub("", text[text.index("<svg") :].strip())  # RDF namespace URLs; the <title> says it all
    return re.sub(r"^<svg ", f'<svg data-plot="{name}" role="img" ', svg, count=1)
