"""The run report page in a real browser (Debian's headless chromium): built from a stored tiny-study-like run (six
arms, three quantisation variants, 300 questions) and from a run of one condition. Checked from the rendered DOM:
the verdict, the tables, every plot, the explorer and its filters (through the URL hash and through the selects, as
a reader uses them); nothing loaded from the network; tables inside the page at 1400 px. Screenshots are kept in
``/tmp/report_screens/`` and their paths printed.

Marked slow: the browser tests take about 20 s together. Expected counts come from the stored records and the
outcome definitions (README), not from the page's code.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from conformance.report.browser import dump_dom, need_chromium, screenshot
from conformance.report.study_run import HOSTILE_ANSWER, SKIPPED, StudyRun, store_study_run

SCREENS = Path("/tmp/report_screens")
WIDTH = 1400
# Appended to a copy of the page: measures what a reader would see, then uses the filters as a reader does.
PROBE = """<script>
(function () {
  const b = document.body, w = window.innerWidth;
  b.dataset.fits = String(document.documentElement.scrollWidth <= w);
  // Every table within the page's text column, or scrolling inside a box that is.
  const edge = b.getBoundingClientRect().right - parseFloat(getComputedStyle(b).paddingRight);
  const within = (n) => n.getBoundingClientRect().right <= edge + 0.5;
  b.dataset.boxesInside = String([...document.querySelectorAll("table")].every((t) => {
    const box = t.closest(".scroll");
    return within(t) || (box !== null && within(box) && ["auto", "scroll"].includes(getComputedStyle(box).overflowX));
  }) && [...document.querySelectorAll("figure")].every(within));
  b.dataset.resources = String(performance.getEntriesByType("resource").length);
  for (const [id, value] of [["filter-condition", "base_tiny"], ["filter-outcome", "right"]]) {
    const s = document.getElementById(id); s.value = value; s.dispatchEvent(new Event("change"));
  }
  b.dataset.uiShown = document.getElementById("explorer").dataset.shown;
  b.dataset.uiHash = location.hash;
})();
</script>"""


def _outcome(r: Mapping[str, Any]) -> str:
    """The README's outcome definitions, written again here as the test's oracle."""
    if r.get("error"):
        return "error"
    if r.get("truncated") == 1 or r.get("finish_reason") == "length":
        return "truncated"
    if r.get("refused") == 1:
        return "refused"
    return "right" if r.get("crag") == 1 else "wrong"


def _expected(run: StudyRun, condition: str | None, outcome: str) -> int:
    qids = {str(r["qid"]) for e in run.stored.entries if condition in (None, e.label)
            for r in e.records if _outcome(r) == outcome}  # fmt: skip
    return len(qids)


def _keep(shot: Path, name: str) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    kept = SCREENS / name
    shutil.copyfile(shot, kept)
    print(f"screenshot: {shot} (copy: {kept})")
    return kept


def _attr(dom: str, name: str) -> str:
    match = re.search(rf'<body[^>]*\sdata-{name}="([^"]*)"', dom)
    assert match, f"data-{name} missing from <body>: the probe did not run"
    return match.group(1)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> StudyRun:
    return store_study_run(tmp_path_factory.mktemp("study"))


def _probe(run: StudyRun) -> str:
    page = run.html.read_text(encoding="utf-8")
    probe = run.html.with_name("probe.html")
    probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return dump_dom(probe.as_uri(), width=WIDTH)


def test_the_page_holds_no_reference_to_the_network_and_forbids_loading(study: StudyRun) -> None:
    page = study.html.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//)""", page, re.IGNORECASE)
    assert not re.findall(r"url\(\s*['\"]?(?:https?:|//)", page) and "@import" not in page
    assert "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none';" in page
    size = study.html.stat().st_size
    print(f"page size: {size / 2**20:.2f} MiB for 9 conditions x 300 questions")
    assert size < 5 * 2**20


def test_the_explorer_data_block_cannot_be_closed_by_an_answer(study: StudyRun) -> None:
    page = study.html.read_text(encoding="utf-8")
    block = re.search(r"<script type='application/json' id='explorer-data'>(.*?)</script>", page, re.DOTALL)
    assert block is not None and "<" not in block.group(1)
    data = json.loads(block.group(1))
    answers = {row["a"] for q in data["questions"] for row in q["rows"]}
    assert HOSTILE_ANSWER in answers  # intact, only escaped


@pytest.mark.slow  # a real browser, about 2 s a page
def test_the_rendered_page_shows_verdict_tables_plots_and_explorer(study: StudyRun) -> None:
    need_chromium()
    url = f"{study.html.as_uri()}#task=grounded&q=q000"  # the explorer with one question open
    shot = _keep(screenshot(url, study.run_dir / "study.png", width=WIDTH, height=7000), "study.png")
    assert shot.stat().st_size > 10_000
    dom = _probe(study)
    assert "<title>Run tiny-study</title>" in dom  # the hostile answer did not run
    assert re.search(r"id=\"run-status\"[^>]*>Verdict: FAIL", dom)
    marks = re.findall(r'<tr class="gate \w+" data-mark="(\w+)">', dom)
    assert sorted(marks) == ["FAIL", "FAIL", "PASS", "SKIP"]  # promotion passes, Q8_0 and Q4_K_M fail, 3B skipped
    assert SKIPPED[1] in dom and "<pre" not in dom
    for table in ("gates", "study-arms", "study-effects", "conditions"):
        assert f'<table class="{table}">' in dom
    for e in study.stored.entries:
        assert f"<td>{e.label.replace('&', '&amp;')}</td>" in dom
    plots = re.findall(r'<svg data-plot="([^"]+)"', dom)
    assert plots == ["metric-f1", "metric-exact_match", "metric-citation_grounding", "metric-refused", "forest",
                     "task-types", "quantization-hybrid_tiny", "loss-ft_instruction_tiny",
                     "loss-lora_tiny_ft"]  # fmt: skip
    assert _attr(dom, "resources") == "0", "the page loaded something"
    assert _attr(dom, "fits") == "true" and _attr(dom, "boxes-inside") == "true", "wider than 1400 px"
    assert 'data-ready="true"' in dom
    assert _attr(dom, "ui-shown") == str(_expected(study, "base_tiny", "right"))
    assert _attr(dom, "ui-hash") == "#condition=base_tiny&amp;outcome=right"


@pytest.mark.slow  # a real browser, about 2 s a page
@pytest.mark.parametrize(("hash_", "condition", "outcome"), [
    ("outcome=error", None, "error"),
    ("outcome=truncated", None, "truncated"),
    ("condition=hybrid_tiny%40Q4_K_M&outcome=refused", "hybrid_tiny@Q4_K_M", "refused"),
    ("condition=rag_baseline_tiny&outcome=wrong", "rag_baseline_tiny", "wrong"),
])  # fmt: skip
def test_the_explorer_filters_from_the_url(study: StudyRun, hash_: str, condition: str | None, outcome: str) -> None:
    need_chromium()
    dom = dump_dom(f"{study.html.as_uri()}#{hash_}", width=WIDTH)
    expected = _expected(study, condition, outcome)
    assert 0 < expected < 300 and f'data-shown="{expected}"' in dom
    assert len(re.findall(r'<details class="question"', dom)) == expected


@pytest.mark.slow  # a real browser, about 2 s a page
def test_an_opened_question_shows_passages_answers_gold_and_scores(study: StudyRun) -> None:
    need_chromium()
    dom = dump_dom(f"{study.html.as_uri()}#task=grounded&q=q000", width=WIDTH)
    assert re.search(r'<details class="question" data-qid="q000"[^>]*\sopen', dom)
    opened = dom[dom.index('data-qid="q000"') :]
    assert "Gold answers: </b>answer 0 | the answer 0" in opened
    for e in study.stored.entries:
        assert f'<div class="arm" data-condition="{e.label}">' in opened
    record = next(r for r in study.stored.entry("rag_baseline_tiny").records if r["qid"] == "q000")  # type: ignore[union-attr]
    assert record["answer"] in opened and "Doc0 passage 0:" in opened  # the passage's text, from the index cache
    assert '<table class="scores">' in opened and "<th>citation_grounding</th>" in opened


def test_quantisation_ticks_and_gate_thresholds_are_drawn(study: StudyRun) -> None:
    page = study.html.read_text(encoding="utf-8")
    quant = re.search(r'<svg data-plot="quantization-hybrid_tiny".*?</svg>', page, re.DOTALL)
    assert quant is not None
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", quant.group(0))
    for level in ("F16", "Q8_0", "Q4_K_M", "Q4_1"):
        assert texts.count(level) == 2  # each level named in full under both charts
    citation = re.search(r'<svg data-plot="metric-citation_grounding".*?</svg>', page, re.DOTALL)
    assert citation is not None and "criterion 0.35" in citation.group(0)
    forest = re.search(r'<svg data-plot="forest".*?</svg>', page, re.DOTALL)
    assert forest is not None and "+5 pp promotion" in forest.group(0) and "−3 pp margin" in forest.group(0)


@pytest.mark.slow  # a real browser, about 2 s a page
def test_a_run_of_one_condition(tmp_path: Path) -> None:
    need_chromium()
    run = store_study_run(tmp_path, arms=["rag"], variants=(), n=40)
    _keep(screenshot(run.html.as_uri(), tmp_path / "one.png", width=WIDTH, height=2000), "one_condition.png")
    dom = _probe(run)
    assert re.search(r"id=\"run-status\"[^>]*>Verdict: NO GATES", dom) and SKIPPED[1] in dom
    assert re.findall(r'<svg data-plot="([^"]+)"', dom) == ["metric-f1", "metric-exact_match",
                                                            "metric-citation_grounding", "metric-refused",
                                                            "task-types"]  # fmt: skip
    assert 'id="study"' not in dom and _attr(dom, "resources") == "0" and _attr(dom, "fits") == "true"
    # The probe's condition is not in this run, so its select stays on "all conditions".
    assert _attr(dom, "ui-shown") == str(_expected(run, None, "right")) and 'data-ready="true"' in dom
