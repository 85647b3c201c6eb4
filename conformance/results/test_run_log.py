"""The experiment log of a run: its hypothesis, learnings added afterwards with ``harness note`` (kept in run.json,
shown in the re-rendered report), and the sample outputs the report shows per size group."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from conformance.results.stored_runs import records, store_run
from harness.cli import main
from harness.errors import DataError
from harness.report import rewrite_run_report, sample_questions, study_groups, write_run_report
from harness.results import ConditionEntry, append_note, read_run, read_run_index


def _run(tmp_path: Path) -> Path:
    run_dir = store_run(tmp_path, "r1", {"rag_baseline_tiny": records([0.5] * 6)})
    stored = read_run(run_dir)
    write_run_report(run_dir, stored.entries, {}, group_order=["tiny"], provenance={"git": {"commit": "abc"}},
                     hypothesis="RAG-trained tuning teaches refusals")  # fmt: skip
    return run_dir


def test_a_note_lands_in_run_json_and_in_the_rewritten_report(tmp_path: Path) -> None:
    run_dir = _run(tmp_path)
    index = append_note(run_dir, "  rank 32\n overfits  ")
    assert [n.text for n in index.notes] == ["rank 32 overfits"]
    assert [n.text for n in read_run_index(run_dir / "run.json").notes] == ["rank 32 overfits"]
    rewrite_run_report(run_dir)
    summary = (run_dir / "summary.md").read_text()
    assert "## Learnings" in summary and "rank 32 overfits" in summary
    assert json.loads((run_dir / "results.json").read_text())["group_order"] == ["tiny"]


def test_the_cli_takes_a_run_id_and_keeps_earlier_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = _run(tmp_path)
    assert main(["note", "r1", "first", "--reports-dir", str(tmp_path)]) == 0
    assert main(["note", str(run_dir), "second"]) == 0
    assert [n.text for n in read_run_index(run_dir / "run.json").notes] == ["first", "second"]
    assert "2 note(s)" in capsys.readouterr().out
    summary = (run_dir / "summary.md").read_text()
    assert summary.index("first") < summary.index("second")


def test_notes_written_at_once_all_land(tmp_path: Path) -> None:
    run_dir = _run(tmp_path)
    threads = [threading.Thread(target=append_note, args=(run_dir, f"note {i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(n.text for n in read_run_index(run_dir / "run.json").notes) == [f"note {i}" for i in range(8)]


def test_an_empty_note_or_a_folder_without_a_run_is_one_error(tmp_path: Path) -> None:
    run_dir = _run(tmp_path)
    with pytest.raises(DataError, match="empty"):
        append_note(run_dir, "   ")
    with pytest.raises(DataError, match=r"no run\.json"):
        append_note(tmp_path / "nowhere", "text")


def test_the_hypothesis_is_kept_in_run_json_and_shown() -> None:
    from harness.results import RunIndex

    index = RunIndex(run_id="r", hypothesis="h1")
    assert index.to_json()["hypothesis"] == "h1"
    assert "hypothesis" not in RunIndex(run_id="r").to_json()


def test_the_report_shows_the_hypothesis(tmp_path: Path) -> None:
    run_dir = _run(tmp_path)
    assert "**Hypothesis:** RAG-trained tuning teaches refusals" in (run_dir / "summary.md").read_text()


def _arm(arm: str, role: str, qids: list[str], answer: str) -> ConditionEntry:
    rows = tuple({"qid": q, "question": f"question {q}?", "answer": f"{answer} {q}", "gold_answers": ["x"],
                  "crag": 1.0} for q in qids)  # fmt: skip
    return ConditionEntry(label=arm, condition=arm, size_group="tiny", role=role, quantization="Q4_1",
                          summary={}, records=rows, arm=arm)  # fmt: skip


def test_sample_outputs_are_ten_questions_every_arm_answered_the_same_in_every_report() -> None:
    qids = [f"q{i:02d}" for i in range(30)]
    entries = [_arm("base", "base", qids[:25], "B"), _arm("rag", "rag", qids[5:], "R")]
    (group,) = study_groups(entries, ["tiny"])
    chosen = sample_questions(group)
    assert len(chosen) == 10 and set(chosen) <= set(qids[5:25])  # only questions both arms answered
    (again,) = study_groups(list(reversed(entries)), ["tiny"])
    assert sample_questions(again) == chosen
    assert chosen != sorted(qids[5:25])[:10]  # spread by hash, not the first ten


def test_the_report_lists_each_arms_answer_to_the_sample_questions(tmp_path: Path) -> None:
    qids = [f"q{i:02d}" for i in range(12)]
    entries = [_arm("base", "base", qids, "B"), _arm("rag", "rag", qids, "R")]
    write_run_report(tmp_path, entries, {}, group_order=["tiny"], provenance={})
    summary = (tmp_path / "summary.md").read_text()
    (group,) = study_groups(entries, ["tiny"])
    q = sample_questions(group)[0]
    assert f"- Base: B {q}" in summary and f"- Base + RAG: R {q}" in summary
