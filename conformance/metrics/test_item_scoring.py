"""Quality and latency metrics, ``score_item`` and ``aggregate``."""

from __future__ import annotations

import pytest

from conformance.metrics.metrics_builders import ctx, generation, passage, question
from harness.config import ScoringConfig
from harness.errors import ConfigError, DataError
from harness.metrics import METRICS, GenerationFailed, ItemContext, aggregate, score_item
from harness.metrics._registry import METRICS as REGISTERED

CFG = ScoringConfig(substantive_min_words=3)

METRIC_KEYS = {
    "exact_match": {"exact_match"}, "f1": {"f1"}, "keyword_coverage": {"keyword_coverage"},
    "citation_precision": {"citation_precision"}, "citation_recall": {"citation_recall"},
    "source_hit": {"source_hit"}, "cited_source_hit": {"cited_source_hit"},
    "cited_passage_coverage": {"cited_passage_coverage"}, "citation_grounding": {"citation_grounding"},
    "citation_count": {"citations", "invalid_citations"}, "answer_similarity": {"answer_similarity"},
    "label_accuracy": {"label_accuracy"},
    "refusal": {"refused", "answerable", "correct_abstention", "over_refusal"}, "crag": {"crag"},
    "substantive": {"substantive"}, "truncated": {"truncated"}, "empty": {"empty"}, "think_leak": {"think_leak"},
    "latency_s": {"latency_s"}, "tokens_per_s": {"tokens_per_s"},
}  # fmt: skip


def one(name: str, text: str, **kw: object) -> float | None:
    (value,) = METRICS.get(name)(ctx(text, **kw), CFG).values()  # type: ignore[arg-type]
    return value


def test_every_metric_is_registered_with_its_keys() -> None:
    assert REGISTERED is METRICS
    assert set(METRICS.names()) == set(METRIC_KEYS)
    item = ctx("Paris [1]", passages=(passage(1, "gold"),))
    for name, keys in METRIC_KEYS.items():
        assert set(METRICS.get(name)(item, CFG)) == keys, name


def test_score_item_runs_all_or_the_named_metrics() -> None:
    item = ctx("Paris [1]", passages=(passage(1, "gold"),), latency_s=0.5, completion_tokens=10)
    scores = score_item(item, CFG)
    assert set(scores) == set().union(*METRIC_KEYS.values())
    assert scores["exact_match"] == 1.0 and scores["tokens_per_s"] == 20.0 and scores["citation_precision"] == 1.0
    assert score_item(item, CFG, names=["f1", "empty"]) == {"f1": 1.0, "empty": 0.0}


def test_score_item_refuses_failed_generations() -> None:
    with pytest.raises(GenerationFailed, match=r"qid='q1' was not scored: its generation failed \(timeout\)") as exc:
        score_item(ctx("", error="timeout", finish_reason="error"), CFG)
    assert exc.value.qid == "q1" and exc.value.error == "timeout"


def test_unknown_metric_names_suggest_one() -> None:
    with pytest.raises(ConfigError, match="unknown metric 'f_1'; did you mean 'f1'"):
        score_item(ctx("Paris"), CFG, names=["f_1"])


def test_context_checks_the_pairing() -> None:
    with pytest.raises(DataError, match=r"generation\.qid='q2' does not match question\.qid='q1'"):
        ItemContext(question=question(), generation=generation("x", qid="q2"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Paris is the capital [1]", 1.0), ("Paris is the", 0.0), ("I cannot answer that from these passages", 0.0),
     ("<think>long musing here</think> Paris", 0.0)],
)  # fmt: skip
def test_substantive(text: str, expected: float) -> None:
    assert one("substantive", text) == expected


def test_quality_flags() -> None:
    assert one("truncated", "Paris", finish_reason="length") == 1.0
    assert one("truncated", "Paris") == 0.0
    assert [one("empty", t) for t in ("", "  ", "[1]", "<think>x</think>", "Paris")] == [1.0, 1.0, 1.0, 1.0, 0.0]
    assert [one("think_leak", t) for t in ("<think>x</think>Paris", "x</think>Paris", "<THINK>", "Paris")] == [
        1.0, 1.0, 1.0, 0.0,
    ]  # fmt: skip


def test_think_blocks_are_not_scored_as_the_answer() -> None:
    assert one("exact_match", "<think>Maybe Lyon?</think>Paris") == 1.0
    assert one("exact_match", "I think it is Lyon.</think> Paris") == 1.0
    assert one("exact_match", "Paris <think>unfinished") == 1.0


def test_latency_and_throughput() -> None:
    assert one("latency_s", "x", latency_s=2.0) == 2.0
    assert one("tokens_per_s", "x", latency_s=2.0, completion_tokens=30) == 15.0
    assert one("tokens_per_s", "x", latency_s=0.0) is None


@pytest.mark.parametrize(
    ("keywords", "text", "expected"),
    [((), "Paris", None), (("Paris", "France"), "Paris, in France.", 1.0),
     (("Eiffel Tower", "Seine"), "the eiffel tower", 0.5), (("Paris",), "Parisian", 0.0),
     (("Paris",), "I cannot answer; not Paris?", 0.0), (("the", "Paris"), "Paris", 1.0)],
)  # fmt: skip
def test_keyword_coverage(keywords: tuple[str, ...], text: str, expected: float | None) -> None:
    assert one("keyword_coverage", text, q=question(keywords=keywords)) == expected


def _items() -> list[dict[str, object]]:
    answerable = [("Paris", 0.5), ("Lyon", 1.0), ("I don't know", 2.0), ("the Paris", 3.0)]
    unanswerable = [("I cannot answer", 1.0), ("Louis", 4.0)]
    out: list[dict[str, object]] = []
    for text, lat in answerable:
        out.append(score_item(ctx(text, q=question(("Paris",)), latency_s=lat), CFG))
    for text, lat in unanswerable:
        out.append(score_item(ctx(text, q=question((), answerable=False), latency_s=lat), CFG))
    return out


def test_aggregate_means_counts_and_rates() -> None:
    summary = aggregate(_items())
    assert summary["n_items"] == 6
    assert summary["exact_match"] == pytest.approx(3 / 6) and summary["n_exact_match"] == 6
    assert summary["answerable_exact_match"] == pytest.approx(2 / 4)
    assert summary["unanswerable_exact_match"] == pytest.approx(1 / 2)
    assert summary["answerable_total"] == 4 and summary["unanswerable_total"] == 2
    assert summary["abstention_precision"] == pytest.approx(1 / 2)  # two refusals, one of them right
    assert summary["abstention_recall"] == pytest.approx(1 / 2)
    assert summary["over_refusal_rate"] == pytest.approx(1 / 4)
    assert summary["correct_abstention"] == pytest.approx(1 / 2) and summary["n_correct_abstention"] == 2
    assert summary["crag"] == pytest.approx((1 - 1 + 0 + 1 + 1 - 1) / 6)
    assert summary["latency_p50_s"] == pytest.approx(1.5)
    assert summary["latency_p95_s"] == pytest.approx(3.75)
    assert summary["latency_p99_s"] == pytest.approx(3.95)
    assert "keyword_coverage" not in summary  # no item had keywords


def test_aggregate_reads_whole_result_records() -> None:
    extra = {"passages": [], "error": None}
    records = [{**s, **extra, "qid": f"q{i}", "answerable": i < 4} for i, s in enumerate(_items())]
    summary = aggregate(records)
    assert "qid" not in summary and "passages" not in summary and "error" not in summary
    assert summary["answerable"] == pytest.approx(4 / 6)
    assert summary["over_refusal_rate"] == pytest.approx(1 / 4)


def test_aggregate_of_nothing() -> None:
    assert aggregate([]) == {"n_items": 0}
