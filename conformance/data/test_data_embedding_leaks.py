"""The embedding leak check (``data.leak_check.embedding``) with the real shipped MiniLM: a paraphrased test question
that Jaccard misses is caught, an unrelated one is not, and the run's split stage fails on it like a Jaccard leak."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.cache import Cache
from harness.config import LeakCheckConfig, load_matrix
from harness.data import Dataset, Question, Splits, find_embedding_leaks, find_leaks, jaccard, token_set
from harness.errors import LeakError
from harness.run._stages import prepare_splits

pytestmark = pytest.mark.slow  # loads the embedding model

ROOT = Path(__file__).resolve().parents[2]
TRAIN = "How many lighthouses did the Corvane coastal guild build before the great storm of 1881?"
PARAPHRASE = "Before the great storm of 1881, how many lighthouses had been built by the Corvane coastal guild?"
UNRELATED = "Which enzyme do tide pool crabs release when the water warms?"


def _q(qid: str, text: str, split: str) -> Question:
    return Question(qid=qid, question=text, answers=("x",), answerable=True, gold_doc_ids=("d",),
                    task_type="grounded", split=split)  # type: ignore[arg-type]  # fmt: skip


def _splits() -> Splits:
    questions = (_q("train", TRAIN, "train"), _q("para", PARAPHRASE, "test"), _q("other", UNRELATED, "test"))
    dataset = Dataset(tag="leaky", corpus=(), questions=questions, content_hash="leaky-v1")
    return Splits(dataset=dataset, seed=0, train=questions[:1], val=(), test=questions[1:])


def test_jaccard_misses_the_paraphrase() -> None:
    # Normalised sets: 13 and 15 tokens sharing 11 (how many lighthouses corvane coastal guild before great storm of
    # 1881), so 11 / (13 + 15 - 11) = 11/17.
    assert jaccard(token_set(TRAIN), token_set(PARAPHRASE)) == pytest.approx(11 / 17)
    assert find_leaks(_splits(), 0.9) == []


def test_the_embedding_check_catches_the_paraphrase_and_not_the_unrelated_question() -> None:
    from harness.retrieval import load_embedder

    leaks = find_embedding_leaks(_splits(), 0.92, load_embedder("embedded").encode)
    print(f"\nparaphrase cosine {leaks[0].similarity:.3f}" if leaks else "")
    assert [(leak.test.qid, leak.other.qid, leak.measure) for leak in leaks] == [("para", "train", "embedding")]
    assert leaks[0].similarity >= 0.92


def test_the_split_stage_fails_on_a_paraphrase_leak_when_configured(tmp_path: Path) -> None:
    splits = _splits()
    cond = load_matrix(ROOT / "configs").condition("rag_baseline_tiny")
    cond = dataclasses.replace(cond, data=dataclasses.replace(cond.data, leak_check=LeakCheckConfig(embedding=0.92)))
    with pytest.raises(LeakError) as info:
        prepare_splits(cond, splits.dataset, Cache(tmp_path / "cache"), lambda _m: None)
    lines = str(info.value).splitlines()
    assert "at Jaccard 0.9 or embedding cosine 0.92" in lines[0] and "data.leak_check.embedding" in lines[0]
    assert len(lines) == 2 and lines[1].startswith("  test qid=para ") and "(embedding cosine 0.9" in lines[1]
    off = dataclasses.replace(cond, data=dataclasses.replace(cond.data, leak_check=LeakCheckConfig()))
    assert prepare_splits(off, splits.dataset, Cache(tmp_path / "cache2"), lambda _m: None).given
