"""One metric over runs, one line per condition: a matplotlib chart inlined as SVG in the runs list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.report._mpl import PALETTE, figure, svg_of

__all__ = ["trend_chart"]


def trend_chart(title: str, runs: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """``series``: condition -> its value in each of ``runs`` (None: absent from that run), on a 0..1 axis.

    A fixed axis (not scaled to the data) so that a drop from one run to the next looks as large as it is."""
    name = "trend-" + "".join(c if c.isalnum() else "-" for c in title.split(" ")[0])
    with figure(name, 7.0, 2.6) as fig:
        ax = fig.add_subplot()
        positions = list(range(len(runs)))
        for k, (label, values) in enumerate(series.items()):
            points = [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            ax.plot(xs, ys, marker="o", color=PALETTE[k % len(PALETTE)], label=label)
        ax.set_ylim(0.0, 1.0)
        ax.set_xticks(positions, [r[-15:] for r in runs], rotation=30, ha="right", fontsize=7)
        ax.set_xlabel("run")
        ax.set_ylabel(title.split(" ")[0])
        ax.set_title(title, fontsize=9, loc="left")
        if series:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
        return svg_of(fig, name, title)
