"""chunk_document: word windows that cover every word, overlap as configured, and are never empty."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.config import RetrievalConfig
from harness.data._model import Document
from harness.errors import DataError
from harness.retrieval import chunk_corpus, chunk_document

words = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=6), max_size=300)
separators = st.sampled_from([" ", "  ", "\n", "\t", " \n "])


@st.composite
def window_config(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=60))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


def _doc(text: str, doc_id: str = "d1") -> Document:
    return Document(doc_id=doc_id, title="T", text=text)


@given(words=words, sep=separators, config=window_config())
def test_windows_cover_every_word_with_the_configured_overlap(
    words: list[str], sep: str, config: tuple[int, int]
) -> None:
    size, overlap = config
    chunks = chunk_document(_doc(sep.join(words)), size, overlap)
    pieces = [c.text.split() for c in chunks]
    assert all(pieces), "no empty chunk"
    assert all(len(p) <= size for p in pieces)
    assert all(len(p) == size for p in pieces[:-1]), "only the last window may be short"
    for left, right in itertools.pairwise(pieces):
        assert left[size - overlap :] == right[:overlap], "consecutive chunks share exactly `overlap` words"
    rebuilt = pieces[0] + [w for p in pieces[1:] for w in p[overlap:]] if pieces else []
    assert rebuilt == words, "every word, in order, exactly once after removing overlaps"


@given(words=words, config=window_config())
def test_chunk_ids_number_the_windows(words: list[str], config: tuple[int, int]) -> None:
    chunks = chunk_document(_doc(" ".join(words)), *config)
    assert [c.chunk_id for c in chunks] == [f"d1::{n}" for n in range(len(chunks))]
    assert {(c.doc_id, c.title) for c in chunks} <= {("d1", "T")}


@pytest.mark.parametrize("n_words", [1, 5, 120])
def test_short_document_is_one_chunk(n_words: int) -> None:
    chunks = chunk_document(_doc(" ".join(["w"] * n_words)), 120, 30)
    assert [c.text.split() for c in chunks] == [["w"] * n_words]


def test_windows_step_by_size_minus_overlap() -> None:
    text = " ".join(str(i) for i in range(10))
    assert [c.text for c in chunk_document(_doc(text), 4, 1)] == ["0 1 2 3", "3 4 5 6", "6 7 8 9"]


def test_document_without_words_gives_no_chunks() -> None:
    assert chunk_document(_doc(" \n\t "), 8, 2) == []


def test_chunk_corpus_uses_the_config_and_keeps_corpus_order() -> None:
    cfg = RetrievalConfig(chunk_size=8, chunk_overlap=2)
    docs = [_doc(" ".join(["x"] * 10), "b"), _doc("y", "a")]
    assert [c.chunk_id for c in chunk_corpus(docs, cfg)] == ["b::0", "b::1", "a::0"]


def test_chunk_corpus_rejects_duplicate_doc_ids() -> None:
    with pytest.raises(DataError, match="doc_id='a' appears twice"):
        chunk_corpus([_doc("x", "a"), _doc("y", "a")], RetrievalConfig())
