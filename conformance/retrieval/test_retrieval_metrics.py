"""hit@k and reciprocal rank over hand-built rankings."""

from __future__ import annotations

import pytest

from harness.errors import ConfigError
from harness.retrieval import Chunk, Passage, hit_at_k, reciprocal_rank


def _ranking(*doc_ids: str) -> list[Passage]:
    return [
        Passage(chunk=Chunk(chunk_id=f"{d}::0", doc_id=d, title=d, text=d), rank=n, score=1.0 / n)
        for n, d in enumerate(doc_ids, start=1)
    ]


@pytest.mark.parametrize(
    ("ranking", "gold", "k", "expected"),
    [
        pytest.param(("a", "b", "c"), {"a"}, 1, 1.0, id="gold-first"),
        pytest.param(("a", "b", "c"), {"b"}, 1, 0.0, id="gold-second-k1"),
        pytest.param(("a", "b", "c"), {"b"}, 2, 1.0, id="gold-second-k2"),
        pytest.param(("a", "b", "c"), {"z"}, 3, 0.0, id="no-gold"),
        pytest.param(("a", "b"), {"b"}, 10, 1.0, id="k-beyond-ranking"),
        pytest.param(("a", "b"), set(), 2, 0.0, id="unanswerable"),
    ],
)
def test_hit_at_k(ranking: tuple[str, ...], gold: set[str], k: int, expected: float) -> None:
    assert hit_at_k(_ranking(*ranking), gold, k) == expected


@pytest.mark.parametrize(
    ("ranking", "gold", "expected"),
    [
        pytest.param(("a", "b", "c"), {"a"}, 1.0, id="first"),
        pytest.param(("a", "b", "c"), {"c"}, 1 / 3, id="third"),
        pytest.param(("a", "b", "b"), {"b", "c"}, 0.5, id="first-of-several-gold"),
        pytest.param(("a", "b"), {"z"}, 0.0, id="none"),
        pytest.param((), {"a"}, 0.0, id="empty-ranking"),
    ],
)
def test_reciprocal_rank(ranking: tuple[str, ...], gold: set[str], expected: float) -> None:
    assert reciprocal_rank(_ranking(*ranking), gold) == pytest.approx(expected)


def test_hit_at_k_rejects_k_below_one() -> None:
    with pytest.raises(ConfigError, match="k=0"):
        hit_at_k(_ranking("a"), {"a"}, 0)


def test_questions_without_a_gold_document_are_left_out_of_retrieval_metrics() -> None:
    """An unanswerable question that names no gold document is neither a hit nor a miss (it used to count as a miss,
    halving hit@k on a data set where half the questions are such)."""
    from harness.backends import Generation
    from harness.config import Condition, ModelSpec, RetrievalConfig, ScoringConfig
    from harness.data import Question
    from harness.metrics import aggregate
    from harness.run._records import build_record
    from harness.run._write import _over

    cond = Condition(name="c", size_group="tiny", role="rag", model=ModelSpec(provider="llama_cpp", name="x"),
                     retrieval=RetrievalConfig(top_k=2))  # fmt: skip
    shown = _ranking("a", "b")
    import dataclasses

    gen = Generation(qid="q", text="x [1]", latency_s=0.1, prompt_tokens=1, completion_tokens=1, finish_reason="stop")
    with_gold = Question(qid="q1", question="?", answers=("x",), answerable=True, gold_doc_ids=("a",),
                         task_type="grounded")  # fmt: skip
    without = Question(qid="q2", question="?", answers=(), answerable=False, gold_doc_ids=(), task_type="refusal")
    records = [build_record(cond, q, shown, dataclasses.replace(gen, qid=q.qid), ScoringConfig())
               for q in (with_gold, without)]  # fmt: skip
    assert [r["hit_at_k"] for r in records] == [1.0, None] and records[1]["mrr"] is None
    summary = {**aggregate(records), "n_questions": 2}
    assert summary["hit_at_k"] == 1.0 and summary["n_hit_at_k"] == 1
    assert _over(summary, "hit_at_k") == " (over 1 of 2 questions)" and _over(summary, "f1") == ""
