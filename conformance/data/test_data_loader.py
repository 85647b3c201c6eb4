"""The JSONL format: valid data loads; every kind of bad row is reported with file, line, field and fix."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.data import Dataset, Document, load_dataset, read_questions_jsonl, write_dataset, write_questions_jsonl
from harness.data._jsonl import Row
from harness.data._problems import Problems
from harness.data._rows import document_from_row, question_from_row
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


def plain_id(text: str) -> str:
    """A test id that survives a command line: ASCII word characters and dashes."""
    return re.sub(r"\W+", "-", text, flags=re.ASCII).strip("-")


FIX_STRINGS = 'set "{0}" to a list of strings'
TYPES = "use one of grounded, synthesis, refusal"
# (file, bad row placed at line 2, every problem line it must give, after "<file>:2: "), written out by hand.
EXACT_PROBLEMS: list[tuple[str, Line, list[str]]] = [
    (
        "corpus",
        {"doc_id": "d2", "title": "T", "text": "   "},
        ['text="   " must not be empty; fix: give "text" some text'],
    ),
    ("corpus", {"doc_id": 7, "title": "T", "text": "t"}, ['doc_id=7 must be a string; fix: set "doc_id" to a string']),
    ("corpus", {"doc_id": "d2", "title": "T"}, ['text=<missing> is required; fix: set "text" to a string']),
    ("corpus", b'{"a": "\xe9"}', ["row=<byte 0xe9 at column 8> is not valid UTF-8; fix: re-save the file as UTF-8"]),
    (
        "corpus",
        b"{nope",
        [
            'row="{nope" is not valid JSON (Expecting property name enclosed in double quotes at column 2); '
            "fix: write one complete JSON object per line"
        ],
    ),
    ("corpus", b'["d2"]', ['row=["d2"] is not a JSON object; fix: write one object per line, like {"id": ...}']),
    (
        "corpus",
        b"[" * 100_000,
        [f'row="{"[" * 56}... is nested too deeply to be a row; fix: write one flat JSON object per line'],
    ),
    ("corpus", doc("d1"), ['doc_id="d1" duplicates line 1; fix: give every row a unique doc_id']),
    (
        "questions",
        b"{nope",
        [
            'row="{nope" is not valid JSON (Expecting property name enclosed in double quotes at column 2); '
            "fix: write one complete JSON object per line"
        ],
    ),
    ("questions", question("q1"), ['qid="q1" duplicates line 1; fix: give every row a unique qid']),
    ("questions", question("q2", task_type="essé"), [f'task_type="essé" is not a known task type; fix: {TYPES}']),
    (
        "questions",
        {k: v for k, v in question("q2").items() if k != "task_type"},
        [f"task_type=<missing> is required; fix: {TYPES}"],
    ),
    (
        "questions",
        {k: v for k, v in question("q2").items() if k != "answerable"},
        ['answerable=<missing> is required; fix: set "answerable" to true or false'],
    ),
    (
        "questions",
        {k: v for k, v in question("q2").items() if k != "answers"},
        [f"answers=<missing> is required; fix: {FIX_STRINGS.format('answers')}"],
    ),
    (
        "questions",
        question("q2", answers=["x", ""]),
        ['answers[1]="" must be a non-empty string; fix: remove it or give the text of answers[1]'],
    ),
    (
        "questions",
        question("q2", answers=[]),
        ["answers=[] is empty but answerable=true; fix: add the gold answer text(s), or set answerable to false"],
    ),
    (
        "questions",
        question("q2", gold_doc_ids=[]),
        ["gold_doc_ids=[] is empty but answerable=true; fix: list the doc_id(s) that hold the answer"],
    ),
    (
        "questions",
        question("q2", task_type="refusal"),
        ['task_type="refusal" contradicts answerable=true; fix: use task_type grounded or synthesis'],
    ),
    (
        "questions",
        question("q2", answerable=False, answers=[]),
        ['task_type="grounded" contradicts answerable=false; fix: use task_type refusal'],
    ),
    (
        "questions",
        question("q2", gold_doc_ids=["d9"]),
        [
            'gold_doc_ids[0]="d9" is not a doc_id in corpus.jsonl; '
            "fix: name an existing document, or add it to corpus.jsonl"
        ],
    ),
    # A field that is already bad is not reported again as a contradiction with the fields after it.
    (
        "questions",
        {**{k: v for k, v in question("q2").items() if k != "question"}, "answerable": "yes"},
        [
            'question=<missing> is required; fix: set "question" to a string',
            'answerable="yes" must be true or false; fix: set "answerable" to true or false',
        ],
    ),
    # Long values are cut to 60 characters, so one line stays one line.
    (
        "questions",
        question("q2", task_type="x" * 100),
        [f'task_type="{"x" * 56}... is not a known task type; fix: {TYPES}'],
    ),
]


@pytest.mark.parametrize(
    ("file", "row", "expected"),
    EXACT_PROBLEMS,
    ids=[plain_id(f"{case[0]}-{case[2][0].split(' ')[0]}") for case in EXACT_PROBLEMS],
)
def test_bad_row_message_is_exactly_file_line_field_reason_fix(
    tmp_path: Path, file: str, row: Line, expected: list[str]
) -> None:
    corpus: list[Line] = [doc("d1"), doc("d3")]
    questions: list[Line] = [question("q1"), question("q3")]
    (corpus if file == "corpus" else questions).insert(1, row)
    root = write(tmp_path, corpus, questions)
    count = f"{len(expected)} problem{'s' if len(expected) > 1 else ''}"
    assert load_error(root).splitlines() == [
        f"{root}: the data set has bad rows ({count}):",
        *(f"  {root / file}.jsonl:2: {line}" for line in expected),
    ]


def test_problems_are_ordered_by_line_number_even_with_a_colon_in_the_path(tmp_path: Path) -> None:
    root = tmp_path / "v1:final"  # the line number is what follows the last colon
    rows: list[Line] = [question(f"q{i}") for i in range(1, 12)]
    rows[1] = question("q2", task_type="quiz")  # line 2
    rows[9] = question("q1")  # line 10: sorted as text, "10" would come before "2"
    lines = load_error(write(root, [doc("d1")], rows)).splitlines()[1:]
    assert lines == [
        f'  {root}/questions.jsonl:2: task_type="quiz" is not a known task type; fix: {TYPES}',
        f'  {root}/questions.jsonl:10: qid="q1" duplicates line 1; fix: give every row a unique qid',
    ]


def test_twenty_problems_are_all_listed_without_a_more_line(tmp_path: Path) -> None:
    questions: list[Line] = [question(f"q{i}", task_type="quiz") for i in range(20)]
    lines = load_error(write(tmp_path, [doc("d1")], questions)).splitlines()
    assert lines[0].endswith("(20 problems):") and len(lines) == 21 and "more" not in lines[-1]


def test_empty_title_is_allowed(tmp_path: Path) -> None:
    root = write(tmp_path, [{"doc_id": "d1", "title": "", "text": "t"}], [question("q1")])
    assert load_dataset(root).corpus[0].title == ""


def test_empty_corpus_message(tmp_path: Path) -> None:
    root = write(tmp_path, [], [question("q1")])
    assert load_error(root) == (
        f"{root}/corpus.jsonl: the corpus has no documents; fix: add one JSON object per line like "
        '{"doc_id": "d1", "title": "...", "text": "..."}, or build it with `harness import folder`'
    )


def test_read_questions_jsonl_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_bytes(json.dumps(question("q1", task_type="quiz")).encode() + b"\n{nope\n")
    with pytest.raises(DataError) as info:
        read_questions_jsonl(path)
    assert str(info.value).splitlines() == [
        f"{path}: bad rows (2 problems):",
        f'  {path}:1: task_type="quiz" is not a known task type; fix: {TYPES}',
        f'  {path}:2: row="{{nope" is not valid JSON (Expecting property name enclosed in double quotes at column 2); '
        "fix: write one complete JSON object per line",
    ]


def test_unreadable_file_names_the_reason(tmp_path: Path) -> None:
    write(tmp_path, [doc("d1")], [])
    (tmp_path / "questions.jsonl").unlink()
    (tmp_path / "questions.jsonl").mkdir()  # exists, but cannot be read as a file
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path)
    assert str(info.value) == f"{tmp_path}/questions.jsonl: cannot be read (Is a directory); fix: check its permissions"


def test_write_dataset_creates_missing_parent_directories(tmp_path: Path) -> None:
    root = write(tmp_path / "src", [doc("d1")], [question("q1")])
    out = tmp_path / "a" / "b" / "c"
    write_dataset(load_dataset(root), out)
    assert (out / "corpus.jsonl").read_bytes() == json.dumps(doc("d1"), sort_keys=True).encode() + b"\n"


def test_write_dataset_over_a_file_says_how_to_fix(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path / "src", [doc("d1")], [question("q1")]))
    (tmp_path / "taken").write_text("a file, not a directory", encoding="utf-8")
    with pytest.raises(DataError) as info:
        write_dataset(dataset, tmp_path / "taken")
    assert str(info.value) == (
        f"{tmp_path}/taken/corpus.jsonl: cannot be written (File exists); fix: check the directory's permissions"
    )


def test_written_questions_carry_keywords_only_when_present(tmp_path: Path) -> None:
    root = write(tmp_path, [doc("d1")], [question("q1", keywords=["x", "y"]), question("q2")])
    path = write_questions_jsonl(tmp_path / "out.jsonl", load_dataset(root).questions)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["keywords"] == ["x", "y"] and "keywords" not in rows[1]


class CountingCorpus(tuple[Document, ...]):
    """A corpus that counts how often it is walked."""

    walks = 0

    def __iter__(self) -> Iterator[Document]:
        type(self).walks += 1
        return super().__iter__()


def test_document_lookup_indexes_the_corpus_once() -> None:
    docs = CountingCorpus(Document(doc_id=f"d{i}", title="", text=f"t{i}") for i in range(3))
    CountingCorpus.walks = 0
    dataset = Dataset(tag="t", corpus=docs, questions=(), content_hash="h")
    assert [dataset.document(f"d{i}").text for i in (2, 0, 1, 2)] == ["t2", "t0", "t1", "t2"]
    assert CountingCorpus.walks == 1


def test_a_bad_row_gives_no_document_or_question() -> None:
    problems = Problems()
    assert document_from_row(Row("c.jsonl:1", {"doc_id": "d1", "title": "T", "text": ""}), problems) is None
    assert question_from_row(Row("q.jsonl:1", question("q1", answerable="yes")), problems) is None
    assert [p.field for p in problems.items] == ["text", "answerable"]
