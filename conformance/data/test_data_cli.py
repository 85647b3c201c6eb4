"""``harness import`` and ``harness split``: summaries on success, one-line-per-problem errors, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main


def test_split_prints_a_summary_and_writes_files(
    fixture_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["split", str(fixture_dir), str(tmp_path), "--seed", "7", "--tag", "tiny"]) == 0
    out = capsys.readouterr().out
    assert "test:   300 questions" in out and "seed 7, no leaks" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "tiny_split_seed.json",
        "tiny_test.jsonl",
        "tiny_train.jsonl",
        "tiny_val.jsonl",
    ]
    assert json.loads((tmp_path / "tiny_split_seed.json").read_text(encoding="utf-8"))["seed"] == 7


def test_import_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nSome text.\n", encoding="utf-8")
    (tmp_path / "docs" / "b.bin").write_bytes(b"\0")
    assert main(["import", "folder", str(tmp_path / "docs"), str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "1 documents, 0 questions" in out and "skipped" in out and "b.bin" in out


def test_import_squad2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    qa = {"id": "q1", "question": "Who?", "answers": [{"text": "Me", "answer_start": 0}], "is_impossible": False}
    data = {"data": [{"title": "T", "paragraphs": [{"context": "Me.", "qas": [qa]}]}]}
    (tmp_path / "s.json").write_text(json.dumps(data), encoding="utf-8")
    argv = [
        "import",
        "squad2",
        str(tmp_path / "s.json"),
        str(tmp_path / "out"),
        "--titles",
        "T",
        "--max-questions",
        "5",
    ]
    assert main(argv) == 0
    assert "1 documents, 1 questions (1 answerable, 0 unanswerable)" in capsys.readouterr().out


def test_data_errors_print_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "corpus.jsonl").write_text('{"doc_id": "d1", "title": "", "text": ""}\n', encoding="utf-8")
    (tmp_path / "questions.jsonl").write_text("", encoding="utf-8")
    assert main(["split", str(tmp_path), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("harness split: error: ") and "Traceback" not in err
    assert 'corpus.jsonl:1: text="" must not be empty; fix:' in err


def test_bad_threshold_is_an_argument_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["split", str(tmp_path), str(tmp_path), "--near-duplicate-threshold", "1.5"])
    assert info.value.code == 2 and "must be between 0 and 1" in capsys.readouterr().err
