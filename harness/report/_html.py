"""The run report page, ``index.html``: one self-contained file that opens from disk with no network. Inline CSS, the
charts as inline SVG, the explorer's data as a JSON block and its script inline; a Content-Security-Policy that
forbids loading anything, so a stray external reference fails loudly in the browser instead of phoning out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources

from harness.report._mpl import Plot

__all__ = ["CSP", "Page", "page_html"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True, kw_only=True)
class Page:
    run_id: str
    provenance: str  # one line: commit, data set
    verdict: str  # HTML of the verdict section
    study: str  # HTML of the study tables ("" when the run is no study)
    conditions: str  # HTML of the per-condition table
    plots: Sequence[Plot]
    explorer_data: str  # JSON, already safe inside a script element
    outcome_help: Mapping[str, str]  # outcome -> its definition
    hypotheses: Sequence[tuple[str, str]]  # (condition, hypothesis)
    learnings: Sequence[tuple[str, str]] = ()  # (time, text), from harness note


def _asset(name: str) -> str:
    return (resources.files("harness.report") / name).read_text(encoding="utf-8")


def _figures(plots: Sequence[Plot]) -> str:
    figures = []
    for p in plots:
        caption = escape(p.title) + (f"<br>{escape(p.note)}" if p.note else "")
        wide = " class='wide'" if p.wide else ""
        figures.append(f"<figure id='{escape(p.name)}'{wide}>{p.svg}<figcaption>{caption}</figcaption></figure>")
    return "".join(figures)


def _explorer(page: Page) -> str:
    terms = "".join(f"<dt><span class='outcome {k}'>{k}</span></dt><dd>{escape(v)}</dd>"
                    for k, v in page.outcome_help.items())  # fmt: skip
    named = (("condition", "condition"), ("outcome", "outcome"), ("task", "task type"))
    filters = "".join(f"<label>{label} <select id='filter-{key}'></select></label>" for key, label in named)
    return (
        "<section id='explorer'><h2>Questions</h2>"
        f"<details><summary>What the outcomes mean</summary><dl>{terms}</dl></details>"
        f"<div class='filters'>{filters}<span id='explorer-count'></span></div><div id='explorer-list'></div>"
        f"<script type='application/json' id='explorer-data'>{page.explorer_data}</script>"
        f"<script>{_asset('explorer.js')}</script></section>"
    )


def _hypotheses(items: Sequence[tuple[str, str]]) -> str:
    if not items:
        return ""
    rows = "".join(f"<li><b>{escape(c)}</b>: {escape(h)}</li>" for c, h in items)
    return f"<section id='hypotheses'><h2>Hypotheses</h2><ul>{rows}</ul></section>"


def _learnings(items: Sequence[tuple[str, str]]) -> str:
    if not items:
        return ""
    rows = "".join(f"<li><span class='muted'>{escape(when)}</span> {escape(text)}</li>" for when, text in items)
    return f"<section id='learnings'><h2>Learnings</h2><ul>{rows}</ul></section>"


def page_html(page: Page) -> str:
    title = f"Run {escape(page.run_id)}"
    study = f"<section id='study'><h2>The study</h2>{page.study}</section>" if page.study else ""
    nav = "".join(f"<a href='#{a}'>{t}</a>" for a, t in (("verdict", "Verdict"), ("study", "Study"),
                  ("conditions", "Conditions"), ("plots", "Plots"), ("explorer", "Questions")))  # fmt: skip
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{_asset('report.css')}</style></head><body>"
        f"<h1>{title}</h1><p class='muted'>{escape(page.provenance)}</p><nav>{nav}</nav>"
        f"{page.verdict}{study}"
        f"<section id='conditions'><h2>Conditions</h2><p class='muted'>means over scored questions with 95% "
        f"bootstrap CIs; a failed generation is left out</p>{page.conditions}</section>"
        f"<section id='plots'><h2>Plots</h2><div class='plots'>{_figures(page.plots)}</div></section>"
        f"{_explorer(page)}{_hypotheses(page.hypotheses)}{_learnings(page.learnings)}</body></html>\n"
    )
