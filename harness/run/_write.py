"""Write one condition's results: per-question JSONL, a versioned result JSON, a Markdown summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.config import Condition
from harness.results import write_condition_files
from harness.run._options import RunOptions
from harness.run._provenance import provenance

__all__ = ["summarise", "write_condition"]


def write_condition(
    cond: Condition,
    opts: RunOptions,
    records: Sequence[Mapping[str, Any]],
    context: Mapping[str, Any],
    *,
    label: str,
) -> tuple[Path, dict[str, Any]]:
    out = opts.reports_dir / opts.run_id / label
    summary = summarise(records)
    if cond.judge.enabled:
        from harness.run._judging import judge_summary

        summary.update(judge_summary(records, cond))
    summary["peak_rss_mb"] = context.get("peak_rss_mb")
    result = {
        "run_id": opts.run_id,
        "label": label,
        "condition": asdict(cond),
        "summary": summary,
        **context,
        "provenance": provenance(),
    }
    write_condition_files(out, records, result, _markdown(cond, summary, context))
    return out, summary


def summarise(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    from harness.metrics import aggregate, label_table

    scored = [r for r in records if not r.get("error")]
    summary: dict[str, Any] = dict(aggregate(scored)) if scored else {}
    summary["n_questions"] = len(records)
    summary["n_errors"] = len(records) - len(scored)
    labels = label_table(scored)
    if labels:  # closed questions only: an open data set's summary stays as it was
        summary["labels"] = labels
    return summary


_HEADLINE = (
    ("exact_match", "Exact match"),
    ("label_accuracy", "Label accuracy (closed questions: the answer names the gold label)"),
    ("f1", "Token F1"),
    ("source_hit", "Citation hit (a gold document was shown)"),
    ("cited_source_hit", "Cited a gold document"),
    ("citation_grounding", "Citation grounding: answer words the cited passages hold (gated)"),
    ("cited_passage_coverage", "Cited-passage coverage: passage words the answer restates (scaling study)"),
    ("answer_similarity", "Answer-gold semantic similarity"),
    ("truncated", "Truncated at generation.max_tokens"),
    ("abstention_recall", "Refusal recall on unanswerable"),
    ("abstention_precision", "Refusal precision"),
    ("over_refusal_rate", "Over-refusal on answerable"),
    ("hit_at_k", "Retrieval hit@k"),
    ("mrr", "Retrieval MRR"),
    ("latency_p50_s", "Latency p50 (s)"),
    ("latency_p95_s", "Latency p95 (s)"),
    ("judge_score", "Judge rubric score"),
    ("judge_pass_rate", "Judge pass rate"),
    ("pass_rate", "Pass rate (judge passes over questions judged; Wilson interval)"),
    ("judge_invalid", "Questions without a valid verdict (not counted as failures)"),
    ("judge_reference_kappa", "Judge vs reference (F1 >= threshold) agreement, Cohen's kappa"),
    ("judge_disagreement_sd", "Judge disagreement (SD across repeats)"),
    ("judge_pass_agreement", "Judges agree on pass/fail"),
    ("judge_error_rate", "Judge replies without a valid verdict"),
)


def _markdown(cond: Condition, summary: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    model = context.get("model", {})
    rows = [
        f"| {label}{_over(summary, key)} | {_fmt(summary.get(key))}{_ci(summary, key)} |"
        for key, label in _HEADLINE
        if key in summary
    ]
    return "\n".join(
        [
            f"# {cond.name}",
            "",
            cond.description,
            "",
            f"- size group: `{cond.size_group}`, role: `{cond.role}`",
            f"- model: `{cond.model.identity}` ({model.get('model_path', model.get('model', ''))})"
            + (f" + LoRA applied at load ({model['lora_path']})" if model.get("lora_path") else ""),
            f"- questions: {summary.get('n_questions')} (errors: {summary.get('n_errors')})",
            _data_line(context),
            *_max_tokens_line(context),
            "",
            "| metric | value |",
            "| --- | --- |",
            *rows,
            "",
            *_label_lines(summary.get("labels")),
        ]
    )


def _label_lines(labels: object) -> list[str]:
    """The per-label table of closed questions: count, accuracy per gold label, and what was answered instead."""
    if not isinstance(labels, list) or not labels:
        return []
    named = list(dict.fromkeys([str(row["label"]) for row in labels] + [p for r in labels for p in r["predicted"]]))
    head = "| gold label | n | accuracy | " + " | ".join(f"answered {p}" for p in named) + " |"
    lines = ["## Per label", "", head, "|---" * (len(named) + 3) + "|"]
    for row in labels:
        counts = " | ".join(str(row["predicted"].get(p, 0)) for p in named)
        lines.append(f"| {row['label']} | {row['n']} | {row['accuracy']:.3f} | {counts} |")
    return [*lines, ""]


def _over(summary: Mapping[str, Any], key: str) -> str:
    """How many questions a mean covers, where it is not every question (retrieval: those with gold documents)."""
    n, total = summary.get(f"n_{key}"), summary.get("n_questions")
    return f" (over {n} of {total} questions)" if isinstance(n, int) and isinstance(total, int) and n < total else ""


def _ci(summary: Mapping[str, Any], key: str) -> str:
    low, high = summary.get(f"{key}_ci_low"), summary.get(f"{key}_ci_high")
    return f" ({low:.3f}..{high:.3f})" if isinstance(low, float) and isinstance(high, float) else ""


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "n/a" if value is None else str(value)


def _max_tokens_line(context: Mapping[str, Any]) -> list[str]:
    info = context.get("max_tokens")
    if not isinstance(info, Mapping):
        return []
    how = f"auto from p95 of {info['answers']} gold answers" if info.get("source") == "auto" else "from the config"
    return [f"- generation.max_tokens: {info['max_tokens']} ({how}); answers that hit it: {info.get('truncated')}"]


def _data_line(context: Mapping[str, Any]) -> str:
    data, splits = context["dataset"], context["splits"]
    split = "the data set's own split" if splits.get("given") else f"split seed {splits['seed']}"
    return f"- data: `{data['tag']}` sha256 `{str(data['content_hash'])[:12]}`, {split}"
