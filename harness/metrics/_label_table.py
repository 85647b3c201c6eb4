"""Per-label summary of closed questions: how many had each gold label, how often it was named, and what instead.

Reads the ``gold_label`` / ``predicted_label`` fields of per-question records (errors left out). A label-level
view matters because one accuracy hides a model that always says "yes" on a set that is mostly "yes".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

__all__ = ["NO_LABEL", "label_table"]

NO_LABEL = "(none)"  # the answer named no label, or refused


def label_table(records: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """One row per gold label (in first-seen order): ``label``, ``n``, ``correct``, ``accuracy`` and
    ``predicted`` (predicted label -> count, the confusion row). Empty when no record is a closed question."""
    pairs = [
        (str(r["gold_label"]), str(r.get("predicted_label") or NO_LABEL))
        for r in records
        if r.get("gold_label") is not None and not r.get("error")
    ]
    order = list(dict.fromkeys(gold for gold, _ in pairs))
    rows = []
    for gold in order:
        predicted = Counter(p for g, p in pairs if g == gold)
        n, correct = sum(predicted.values()), predicted.get(gold, 0)
        rows.append({"label": gold, "n": n, "correct": correct, "accuracy": correct / n, "predicted": dict(predicted)})
    return rows
