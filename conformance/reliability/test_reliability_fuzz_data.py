"""Fuzz the data loaders: bad UTF-8, missing and mistyped fields, duplicate ids, empty text, deep nesting,
huge documents, answers found in no document, malformed SQuAD JSON and unreadable folder files.

Every input loads into a consistent data set or fails with a DataError listing the bad rows; nothing else escapes.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.reliability.fuzz_budget import fuzz, tried
from harness.backends import Generation
from harness.config import RetrievalConfig, ScoringConfig
from harness.data import Dataset, import_folder, import_squad2, load_dataset, read_questions_jsonl
from harness.errors import DataError
from harness.metrics import ItemContext, score_item
from harness.retrieval import chunk_corpus

ids = st.sampled_from(["d1", "d2", "d3", "", " ", "q1", "q2", "q3"])
junk = st.one_of(
    st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.lists(st.integers(), max_size=2)
)
texts = st.one_of(st.text(max_size=40), st.just(""), st.just("   "), junk)


def _maybe(field: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field value, a value of the wrong type, or (None ->) the field left out."""
    return st.one_of(field, junk, st.just(_MISSING))


_MISSING = object()


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    row = {"doc_id": draw(_maybe(ids)), "title": draw(_maybe(texts)), "text": draw(_maybe(texts))}
    return {k: v for k, v in row.items() if v is not _MISSING}


@st.composite
def questions(draw: st.DrawFn) -> dict[str, Any]:
    row = {
        "qid": draw(_maybe(ids)),
        "question": draw(_maybe(texts)),
        "answers": draw(_maybe(st.lists(texts, max_size=3))),
        "answerable": draw(_maybe(st.booleans())),
        "gold_doc_ids": draw(_maybe(st.lists(ids, max_size=2))),
        "task_type": draw(_maybe(st.sampled_from(["grounded", "synthesis", "refusal", "other"]))),
    }
    if draw(st.booleans()):
        row["keywords"] = draw(st.lists(texts, max_size=2))
    return {k: v for k, v in row.items() if v is not _MISSING}


garbage_line = st.one_of(
    st.binary(min_size=1, max_size=30),  # mostly invalid UTF-8
    st.sampled_from([b"\xff\xfe\x00", b"{", b"[1, 2]", b'"just a string"', b"null", b"[" * 5000 + b"]" * 5000]),
)


def _lines(rows: list[dict[str, Any]], garbage: list[bytes], positions: list[int]) -> bytes:
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass") for r in rows]
    for line, at in zip(garbage, positions, strict=False):
        lines.insert(min(at, len(lines)), line)
    return b"\n".join(lines) + b"\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz_data")


def _load(root: Path, corpus: bytes, questions_: bytes) -> Dataset | None:
    (root / "corpus.jsonl").write_bytes(corpus)
    (root / "questions.jsonl").write_bytes(questions_)
    try:
        dataset = load_dataset(root)
    except DataError as exc:
        assert str(root) in str(exc) and len(str(exc)) < 20_000
        return None
    _check_consistent(dataset)
    return dataset


def _check_consistent(dataset: Dataset) -> None:
    doc_ids = [d.doc_id for d in dataset.corpus]
    qids = [q.qid for q in dataset.questions]
    assert len(doc_ids) == len(set(doc_ids)) and len(qids) == len(set(qids))
    assert all(d.doc_id.strip() and d.text.strip() for d in dataset.corpus)
    assert all(q.question.strip() and set(q.gold_doc_ids) <= set(doc_ids) for q in dataset.questions)
    assert all(q.answers and q.gold_doc_ids for q in dataset.questions if q.answerable)


@fuzz("data: corpus and questions rows")
@given(
    docs=st.lists(documents(), max_size=6),
    qs=st.lists(questions(), max_size=6),
    garbage=st.lists(garbage_line, max_size=2),
    positions=st.lists(st.integers(0, 8), min_size=2, max_size=2),
)
def test_rows_load_consistently_or_fail_clearly(
    root: Path, docs: list[dict[str, Any]], qs: list[dict[str, Any]], garbage: list[bytes], positions: list[int]
) -> None:
    tried("data: corpus and questions rows")
    _load(root, _lines(docs, garbage, positions), _lines(qs, [], []))
    (root / "q_only.jsonl").write_bytes(_lines(qs, garbage, positions))
    with contextlib.suppress(DataError):
        read_questions_jsonl(root / "q_only.jsonl")


@fuzz("data: garbage bytes")
@given(corpus=st.binary(max_size=400), questions_=st.binary(max_size=400))
def test_garbage_files_fail_clearly(root: Path, corpus: bytes, questions_: bytes) -> None:
    tried("data: garbage bytes")
    _load(root, corpus, questions_)


def test_a_duplicate_id_an_empty_text_and_bad_utf8_are_all_listed(root: Path) -> None:
    corpus = b'{"doc_id": "d1", "title": "", "text": "x"}\n{"doc_id": "d1", "title": "", "text": " "}\n\xff\xfe\n'
    with pytest.raises(DataError) as info:
        _load_strict(root, corpus, b"")
    message = str(info.value)
    assert 'doc_id="d1" duplicates line 1' in message and 'text=" " must not be empty' in message
    assert "is not valid UTF-8" in message and "corpus.jsonl:3" in message


def _load_strict(root: Path, corpus: bytes, questions_: bytes) -> Dataset:
    (root / "corpus.jsonl").write_bytes(corpus)
    (root / "questions.jsonl").write_bytes(questions_)
    return load_dataset(root)


def test_a_10_mb_document_loads_and_chunks(root: Path) -> None:
    n = 1_300_000
    words = " ".join(f"word{i % 997}" for i in range(n))
    assert len(words) > 10_000_000
    corpus = json.dumps({"doc_id": "big", "title": "Big", "text": words}).encode() + b"\n"
    q = {"qid": "q1", "question": "Which word?", "answers": ["word7"], "answerable": True, "gold_doc_ids": ["big"],
         "task_type": "grounded"}  # fmt: skip
    dataset = _load_strict(root, corpus, json.dumps(q).encode() + b"\n")
    chunks = chunk_corpus(dataset.corpus, RetrievalConfig())
    assert len(chunks) == len(range(0, n - 30, 120 - 30)) and chunks[-1].text.split()[-1] == f"word{(n - 1) % 997}"


def test_an_answer_found_in_no_document_still_loads_and_scores_correctly(root: Path) -> None:
    corpus = b'{"doc_id": "d1", "title": "Paris", "text": "Paris is the capital of France."}\n'
    q = {"qid": "q1", "question": "Largest moon of Saturn?", "answers": ["Titan"], "answerable": True,
         "gold_doc_ids": ["d1"], "task_type": "grounded"}  # fmt: skip
    dataset = _load_strict(root, corpus, json.dumps(q).encode() + b"\n")
    (question,) = dataset.questions
    right = Generation(
        qid="q1", text="Titan", latency_s=1.0, prompt_tokens=5, completion_tokens=1, finish_reason="stop"
    )
    scores = score_item(ItemContext(question=question, generation=right), ScoringConfig())
    assert (scores["exact_match"], scores["f1"]) == (1.0, 1.0)


# --- importers ----------------------------------------------------------------------------------------------------

squad_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=10,
)


@st.composite
def squad_documents(draw: st.DrawFn) -> Any:
    """Mostly SQuAD-shaped, with any part replaced by something else."""
    answer = st.one_of(
        st.fixed_dictionaries({"text": st.text(max_size=8), "answer_start": st.integers()}), squad_values
    )
    qa = st.one_of(
        st.fixed_dictionaries(
            {"id": st.one_of(ids, squad_values), "question": st.one_of(st.text(max_size=20), squad_values),
             "answers": st.lists(answer, max_size=2), "is_impossible": st.one_of(st.booleans(), squad_values)}
        ),
        squad_values,
    )  # fmt: skip
    paragraph = st.one_of(
        st.fixed_dictionaries(
            {"context": st.one_of(st.text(max_size=30), squad_values), "qas": st.lists(qa, max_size=3)}
        ),
        squad_values,
    )
    article = st.one_of(
        st.fixed_dictionaries(
            {"title": st.one_of(st.text(max_size=8), squad_values), "paragraphs": st.lists(paragraph, max_size=2)}
        ),
        squad_values,
    )
    return draw(st.one_of(st.fixed_dictionaries({"data": st.lists(article, max_size=3)}), squad_values))


@fuzz("data: SQuAD JSON")
@given(doc=squad_documents(), raw=st.one_of(st.none(), st.binary(max_size=50)))
def test_squad_import_loads_or_fails_clearly(root: Path, doc: Any, raw: bytes | None) -> None:
    tried("data: SQuAD JSON")
    source = root / "squad.json"
    source.write_bytes(raw if raw is not None else json.dumps(doc).encode())
    try:
        report = import_squad2(source, root / "imported")
    except DataError:
        return
    _check_consistent(report.dataset)


@fuzz("data: folder files")
@given(
    files=st.dictionaries(
        st.sampled_from(["a.txt", "b.md", "c.pdf", "d.markdown", "e.bin"]),
        st.one_of(
            st.binary(max_size=200), st.sampled_from([b"%PDF-1.4\n%%EOF", b"%PDF-1.7\n1 0 obj <<>>", b"\xff" * 10])
        ),
        min_size=1,
        max_size=4,
    )
)
def test_folder_import_loads_or_fails_clearly(
    tmp_path_factory: pytest.TempPathFactory, files: dict[str, bytes]
) -> None:
    tried("data: folder files")
    folder = tmp_path_factory.mktemp("folder")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    try:
        report = import_folder(folder, folder / "out")
    except DataError:
        return
    assert all(d.text.strip() for d in report.dataset.corpus)
