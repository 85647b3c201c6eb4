"""Per-question metrics, their registry, and summaries over many questions.

Each metric is a pure function ``metric(ctx, cfg) -> {key: value}`` in its own module, registered by
name in ``METRICS``; ``score_item`` runs them all on one item and ``aggregate`` summarises many.
"""

from harness.metrics._aggregate import LATENCY_PERCENTILES, aggregate
from harness.metrics._citations import Citations, parse_citations, resolve_citations
from harness.metrics._crag import CRAG_CORRECT_F1, crag_outcome
from harness.metrics._label_table import NO_LABEL, label_table
from harness.metrics._labels import find_label, predicted_label
from harness.metrics._refusal_detector import RefusalDetector, detector_for
from harness.metrics._registry import METRICS, GenerationFailed, score_item
from harness.metrics._squad2 import SquadQuestion, squad2_evaluate, squad2_predictions, squad2_questions
from harness.metrics._squad_text import compute_exact, compute_f1, gold_answers, normalize_answer
from harness.metrics._text import answer_text, visible_text
from harness.metrics._types import ItemContext, Metric, MetricValues

__all__ = [
    "CRAG_CORRECT_F1",
    "LATENCY_PERCENTILES",
    "METRICS",
    "NO_LABEL",
    "Citations",
    "GenerationFailed",
    "ItemContext",
    "Metric",
    "MetricValues",
    "RefusalDetector",
    "SquadQuestion",
    "aggregate",
    "answer_text",
    "compute_exact",
    "compute_f1",
    "crag_outcome",
    "detector_for",
    "find_label",
    "gold_answers",
    "label_table",
    "normalize_answer",
    "parse_citations",
    "predicted_label",
    "resolve_citations",
    "score_item",
    "squad2_evaluate",
    "squad2_predictions",
    "squad2_questions",
    "visible_text",
]
