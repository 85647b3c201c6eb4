"""The JSONL format: valid data loads; every kind of bad row is reported with file, line, field and fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.data import Dataset, load_dataset, read_questions_jsonl, write_dataset, write_questions_jsonl
from harness.errors import DataError

Line = dict[str, Any] | bytes


def doc(doc_id: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "title": doc_id.upper(), "text": f"Text of {doc_id}.", "lang": "en"}


def question(qid: str, **changes: Any) -> dict[str, Any]:
    row = {
        "qid": qid,
        "question": f"What about {qid}?",
        "answers": ["x"],
        "answerable": True,
        "gold_doc_ids": ["d1"],
        "task_type": "grounded",
        "difficulty": "easy",
    }
    return {**row, **changes}


def write(root: Path, corpus: list[Line], questions: list[Line]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, rows in (("corpus.jsonl", corpus), ("questions.jsonl", questions)):
        lines = [r if isinstance(r, bytes) else json.dumps(r).encode() for r in rows]
        (root / name).write_bytes(b"".join(line + b"\n" for line in lines))
    return root


def load_error(root: Path) -> str:
    with pytest.raises(DataError) as info:
        load_dataset(root)
    return str(info.value)


def test_fixture_loads(fixture_dataset: Dataset) -> None:
    assert fixture_dataset.tag == "squad2_tiny"
    assert len(fixture_dataset.corpus) > 100 and len(fixture_dataset.questions) > 1000
    assert len(fixture_dataset.content_hash) == 64
    first = fixture_dataset.questions[0]
    assert fixture_dataset.document(first.gold_doc_ids[0]).text


def test_write_then_load_is_identity(tmp_path: Path, fixture_dataset: Dataset, fixture_dir: Path) -> None:
    write_dataset(fixture_dataset, tmp_path)
    for name in ("corpus.jsonl", "questions.jsonl"):
        assert (tmp_path / name).read_bytes() == (fixture_dir / name).read_bytes()
    again = load_dataset(tmp_path, tag="copy")
    assert (again.tag, again.content_hash) == ("copy", fixture_dataset.content_hash)
    assert again.questions == fixture_dataset.questions and again.corpus == fixture_dataset.corpus


def test_metadata_and_optional_keywords_round_trip(tmp_path: Path) -> None:
    root = write(tmp_path, [doc("d1")], [question("q1", keywords=["x", "y"]), question("q2")])
    ds = load_dataset(root)
    assert ds.corpus[0].metadata == {"lang": "en"}
    assert ds.questions[0].keywords == ("x", "y") and ds.questions[1].keywords == ()
    assert ds.questions[1].metadata == {"difficulty": "easy"}


def test_content_hash_changes_with_either_file(tmp_path: Path) -> None:
    base = load_dataset(write(tmp_path / "a", [doc("d1")], [question("q1")])).content_hash
    other_doc = load_dataset(write(tmp_path / "b", [doc("d1"), doc("d2")], [question("q1")])).content_hash
    other_q = load_dataset(write(tmp_path / "c", [doc("d1")], [question("q1"), question("q2")])).content_hash
    assert len({base, other_doc, other_q}) == 3


# (file, bad row placed at line 2, field named in the message, words of the reason)
BAD_ROWS = [
    ("corpus", b'{"doc_id": "d2", "title": "T", "text": ', "row=", "not valid JSON"),
    ("corpus", b'{"doc_id": "d2", "title": "T", "text": "caf\xe9"}', "row=<byte 0xe9", "not valid UTF-8"),
    ("corpus", b'["d2", "T", "text"]', "row=", "not a JSON object"),
    ("corpus", {"doc_id": "d2", "title": "T"}, "text=<missing>", "is required"),
    ("corpus", {"doc_id": 7, "title": "T", "text": "t"}, "doc_id=7", "must be a string"),
    ("corpus", {"doc_id": "d2", "title": "T", "text": "   "}, 'text="   "', "must not be empty"),
    ("corpus", doc("d1"), 'doc_id="d1"', "duplicates"),
    ("questions", question("q1"), 'qid="q1"', "duplicates"),
    ("questions", question("q2", gold_doc_ids=["d9"]), 'gold_doc_ids[0]="d9"', "not a doc_id in corpus.jsonl"),
    ("questions", question("q2", answers=[]), "answers=[]", "answerable=true"),
    ("questions", question("q2", gold_doc_ids=[]), "gold_doc_ids=[]", "is empty but answerable=true"),
    ("questions", question("q2", task_type="essay"), 'task_type="essay"', "not a known task type"),
    ("questions", question("q2", answerable="yes"), 'answerable="yes"', "must be true or false"),
    ("questions", question("q2", answers="x"), 'answers="x"', "must be a list of strings"),
    ("questions", question("q2", answers=["x", ""]), 'answers[1]=""', "must be a non-empty string"),
    ("questions", question("q2", keywords=[3]), "keywords[0]=3", "must be a non-empty string"),
    ("questions", question("q2", task_type="refusal"), 'task_type="refusal"', "contradicts answerable=true"),
    ("questions", {k: v for k, v in question("q2").items() if k != "question"}, "question=<missing>", "is required"),
]


@pytest.mark.parametrize(
    ("file", "row", "field", "reason"), BAD_ROWS, ids=[f"{b[0]}-{b[2].split('=')[0]}-{b[3]}" for b in BAD_ROWS]
)
def test_bad_row_names_file_line_field_and_fix(tmp_path: Path, file: str, row: Line, field: str, reason: str) -> None:
    corpus: list[Line] = [doc("d1"), doc("d3")]
    # A second, independent bad row at the end of questions.jsonl must be reported as well.
    questions: list[Line] = [question("q1"), question("q3"), question("q4", task_type="quiz")]
    (corpus if file == "corpus" else questions).insert(1, row)
    message = load_error(write(tmp_path, corpus, questions))
    line = next(entry for entry in message.splitlines() if f"{file}.jsonl:2:" in entry)
    assert field in line and reason in line and "; fix: " in line
    last = f"questions.jsonl:{len(questions)}:"
    assert f'{last} task_type="quiz" is not a known task type; fix: use one of' in message


def test_duplicate_names_the_first_line(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, [doc("d1"), doc("d2"), doc("d1")], [question("q1")]))
    assert 'corpus.jsonl:3: doc_id="d1" duplicates' in message and "duplicates line 1;" in message


def test_unknown_gold_doc_suggests_a_close_one(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, [doc("doc-1")], [question("q1", gold_doc_ids=["doc_1"])]))
    assert "did you mean 'doc-1'?" in message


def test_many_bad_rows_are_capped(tmp_path: Path) -> None:
    questions: list[Line] = [question(f"q{i}", task_type="quiz") for i in range(30)]
    message = load_error(write(tmp_path, [doc("d1")], questions))
    assert "(30 problems)" in message and "... and 10 more" in message
    assert len(message.splitlines()) == 1 + 20 + 1


def test_problems_are_listed_in_line_order(tmp_path: Path) -> None:
    rows: list[Line] = [question("q1"), question("q1"), question("q2", task_type="quiz")]
    lines = load_error(write(tmp_path, [doc("d1")], rows)).splitlines()[1:]
    assert [entry.split(":")[1] for entry in lines] == ["2", "3"]


def test_empty_corpus_says_how_to_fix(tmp_path: Path) -> None:
    message = load_error(write(tmp_path, [], [question("q1")]))
    assert "corpus.jsonl" in message and "no documents" in message and "fix:" in message


def test_blank_lines_and_bom_are_fine(tmp_path: Path) -> None:
    root = write(tmp_path, [b"\xef\xbb\xbf" + json.dumps(doc("d1")).encode(), b"", b"  "], [question("q1")])
    assert [d.doc_id for d in load_dataset(root).corpus] == ["d1"]


def test_missing_directory_and_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not a directory; fix:"):
        load_dataset(tmp_path / "nope")
    (tmp_path / "corpus.jsonl").write_text(json.dumps(doc("d1")) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"questions\.jsonl: file not found; fix:"):
        load_dataset(tmp_path)


def test_questions_file_round_trip(tmp_path: Path, fixture_dataset: Dataset) -> None:
    path = write_questions_jsonl(tmp_path / "q.jsonl", fixture_dataset.questions[:50])
    assert read_questions_jsonl(path) == fixture_dataset.questions[:50]
    assert b"\\u" not in path.read_bytes()  # real UTF-8, not escapes
