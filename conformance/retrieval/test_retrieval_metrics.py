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
