"""The run report: versioned JSON, Markdown with gate lines, a self-contained HTML page (study: test_study.py)."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from harness.report import write_run_report
from harness.results import ConditionEntry


def _records(n_pass: int, n: int = 10) -> list[dict[str, Any]]:
    return [
        {"qid": f"q{i}", "crag": 1.0 if i < n_pass else -1.0, "f1": 1.0 if i < n_pass else 0.0, "task_type": "grounded"}
        for i in range(n)
    ]


def _entry(label: str, group: str, role: str, n_pass: int) -> ConditionEntry:
    return ConditionEntry(
        label=label,
        condition=label.split("@")[0],
        size_group=group,
        role=role,
        quantization="Q4_K_M",
        summary={"n_questions": 10, "f1": n_pass / 10},
        records=tuple(_records(n_pass)),
    )


ENTRIES = [
    _entry("base_a", "0p5", "base", 1),
    _entry("rag_a", "0p5", "rag", 4),
    _entry("ft_a", "0p5", "ft", 2),
    _entry("hyb_a", "0p5", "ft_rag", 5),
    _entry("rag_b", "3b", "rag", 6),
    _entry("hyb_b", "3b", "ft_rag", 8),
]


def test_run_report_files(tmp_path: Path) -> None:
    gates = {
        "hyb_a": {
            "gate": "promotion",
            "passed": False,
            "message": "hyb_a vs rag_a: Δ factuality +1.0 pp",
            "numbers": {"comparison": {"difference": 1.0, "ci_low": -2.0, "ci_high": 4.0}},
        }
    }
    paths = write_run_report(tmp_path / "run1", ENTRIES, gates, group_order=["0p5", "3b"], provenance={"git": {}})
    body = json.loads(paths["json"].read_text())
    assert body["schema_version"] == 1 and set(body["conditions"]) == {e.label for e in ENTRIES}
    markdown = paths["markdown"].read_text()
    assert "- FAIL [promotion] hyb_a vs rag_a: Δ factuality +1.0 pp" in markdown
    html = paths["html"].read_text()
    # A chart for each metric the records hold (only F1 here), the forest plot of the gate, the task types.
    assert re.findall(r'<svg data-plot="([^"]+)"', html) == ["metric-f1", "forest", "task-types"]
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", html)
    assert "<span class='mark fail'>FAIL</span>" in html and "Δ +1.0 pp, CI [-2.0, +4.0]" in html


def test_the_page_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    """Plots included: no dates, no random ids, so a re-written report differs only where results do."""
    first = write_run_report(tmp_path / "a" / "r", ENTRIES, {}, group_order=["0p5", "3b"], provenance={})
    second = write_run_report(tmp_path / "b" / "r", ENTRIES, {}, group_order=["0p5", "3b"], provenance={})
    assert first["html"].read_bytes() == second["html"].read_bytes()
    assert "<svg data-plot=" in first["html"].read_text()


def test_report_files_are_readable_as_open_would_leave_them(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        paths = write_run_report(tmp_path / "r", ENTRIES, {}, group_order=["0p5"], provenance={})
    finally:
        os.umask(previous)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in paths.values()} == dict.fromkeys(
        ("results.json", "summary.md", "index.html"), 0o644
    )


def test_the_page_names_the_runs_commit_when_the_entries_were_just_computed(tmp_path: Path) -> None:
    """Entries of a live run carry no provenance of their own (only stored ones do): the run's is shown."""
    provenance = {"git": {"commit": "abcdef1234567890", "dirty": True}}
    write_run_report(tmp_path, ENTRIES[:2], {}, group_order=["0p5", "3b"], provenance=provenance)
    assert "commit abcdef123456 (dirty)" in (tmp_path / "index.html").read_text()
