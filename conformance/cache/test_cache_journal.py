"""JsonlJournal: durable appends; a crash mid-line loses that line only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.cache import JsonlJournal
from harness.errors import CacheError


@dataclass(frozen=True)
class Generation:
    qid: str
    text: str


def test_append_then_read_in_order(tmp_path: Path) -> None:
    journal = JsonlJournal(tmp_path / "gen.jsonl")
    assert journal.read() == []
    for i in range(3):
        journal.append({"qid": f"q{i}", "text": "ünïcode ok", "latency_s": 0.5 * i})
    assert [r["qid"] for r in JsonlJournal(tmp_path / "gen.jsonl").read()] == ["q0", "q1", "q2"]


def test_dataclasses_and_paths_are_written_as_json(tmp_path: Path) -> None:
    journal = JsonlJournal(tmp_path / "gen.jsonl")
    journal.append({"generation": Generation(qid="q1", text="t"), "file": Path("a/b.txt")})
    assert journal.read() == [{"generation": {"qid": "q1", "text": "t"}, "file": "a/b.txt"}]


def test_truncated_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "gen.jsonl"
    journal = JsonlJournal(path)
    journal.append({"qid": "q1"})
    journal.append({"qid": "q2"})
    path.write_bytes(path.read_bytes()[:-6])  # a crash in the middle of writing q2
    assert JsonlJournal(path).read() == [{"qid": "q1"}]


def test_append_after_a_crash_drops_the_partial_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "gen.jsonl"
    path.write_text('{"qid": "q1"}\n{"qid": "q', encoding="utf-8")
    JsonlJournal(path).append({"qid": "q2"})
    assert JsonlJournal(path).read() == [{"qid": "q1"}, {"qid": "q2"}]
    assert "truncated last line" in caplog.text


def test_corrupt_line_in_the_middle_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gen.jsonl"
    path.write_text('{"qid": "q1"}\nnot json\n{"qid": "q3"}\n', encoding="utf-8")
    with pytest.raises(CacheError, match=r"gen\.jsonl:2"):
        JsonlJournal(path).read()
