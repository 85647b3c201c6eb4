"""The scaling study's tables: six arms per size group with intervals, and the effects between arms as paired
comparisons on the same questions (not differences of two means taken on different questions).

An effect is a contrast of arms: per question, the sum of the arms it adds minus the sum of the arms it takes away.
The synergy (FT+RAG − RAG) − (FT − Base) is thus (FT+RAG + Base) − (RAG + FT) per question, compared with the
same clustered bootstrap and tests as the gates (``harness.stats.compare``). A question that errored in any arm of
an effect is left out of it, as the gates leave it out of a pair.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.config import STUDY_ARMS
from harness.results import ConditionEntry

if TYPE_CHECKING:
    from harness.stats import Comparison

__all__ = [
    "EFFECTS",
    "STUDY_METRICS",
    "ArmCell",
    "Effect",
    "StudyGroup",
    "cross_size_markdown",
    "effect_comparison",
    "sample_outputs_markdown",
    "sample_questions",
    "study_groups",
    "study_markdown",
]


@dataclass(frozen=True)
class StudyMetric:
    key: str
    label: str
    value: Callable[[Mapping[str, Any]], float | None]  # per question; None where the metric does not apply


def _field(name: str) -> Callable[[Mapping[str, Any]], float | None]:
    def get(r: Mapping[str, Any]) -> float | None:
        v = r.get(name)
        return float(v) if isinstance(v, (int, float)) else None

    return get


def _passed(r: Mapping[str, Any]) -> float | None:
    # A question passes when it is answered correctly or correctly refused (CRAG score +1).
    v = r.get("crag")
    return None if not isinstance(v, (int, float)) else float(v >= 1)


def _judge_pass(r: Mapping[str, Any]) -> float | None:
    # The share of the judge's repeats that passed the answer (harness.run._judging), not a yes/no.
    v = r.get("judge_pass")
    return float(v) if isinstance(v, (int, float)) else None


STUDY_METRICS = (
    StudyMetric("pass", "pass rate", _passed),
    StudyMetric("f1", "factuality (F1)", _field("f1")),
    StudyMetric("citation_grounding", "citation criterion", _field("citation_grounding")),
    StudyMetric("correct_abstention", "refusal recall", _field("correct_abstention")),
    StudyMetric("over_refusal", "over-refusal", _field("over_refusal")),
    StudyMetric("cited", "citation rate", lambda r: None if r.get("citations") is None else float(r["citations"] > 0)),
    StudyMetric("judge_pass", "judge pass rate", _judge_pass),
)
_METRICS = {m.key: m for m in STUDY_METRICS}


@dataclass(frozen=True)
class Effect:
    key: str
    label: str
    plus: tuple[str, ...]  # arms added, per question
    minus: tuple[str, ...]  # arms taken away


EFFECTS = (
    Effect("rag_benefit", "RAG benefit (Base+RAG − Base)", ("rag",), ("base",)),
    Effect("ft_benefit", "FT benefit (FT RAG-trained+RAG − Base+RAG)", ("ft_rag_trained_rag",), ("rag",)),
    Effect(
        "synergy",
        "FT+RAG synergy ((FT+RAG − RAG) − (FT − Base))",
        ("ft_rag_trained_rag", "base"),
        ("rag", "ft_rag_trained"),
    ),
    Effect("recipe", "RAG-trained vs instruction-only (both +RAG)", ("ft_rag_trained_rag",), ("ft_instruction_rag",)),
)
EFFECT_METRICS = ("pass", "f1", "correct_abstention", "over_refusal", "cited")


@dataclass(frozen=True, kw_only=True)
class ArmCell:
    """One arm's mean of one metric with its interval, over the questions where the metric applies."""

    mean: float
    low: float
    high: float
    n: int


@dataclass(frozen=True, kw_only=True)
class StudyGroup:
    size_group: str
    arms: Mapping[str, ConditionEntry]  # arm -> the condition that ran it (plain label, no quantisation variant)
    cells: Mapping[tuple[str, str], ArmCell]  # (arm, metric) -> cell
    effects: Mapping[tuple[str, str], Comparison]  # (effect, metric) -> paired comparison, where computable
    ratio: float | None  # RAG benefit as the ratio of pass rates (the study's "×"), point estimate


def _cell(entry: ConditionEntry, metric: StudyMetric) -> ArmCell | None:
    from harness.report._intervals import mean_interval

    values = [v for r in entry.records if not r.get("error") and (v := metric.value(r)) is not None]
    interval = mean_interval(values, entry.scoring)
    if interval is None:
        return None
    return ArmCell(mean=interval[0], low=interval[1], high=interval[2], n=len(values))


def _per_question(entry: ConditionEntry, metric: StudyMetric) -> dict[str, float | None]:
    """qid -> value, None for errored questions and where the metric does not apply."""
    return {str(r["qid"]): None if r.get("error") else metric.value(r) for r in entry.records}


def effect_comparison(effect: Effect, arms: Mapping[str, ConditionEntry], metric: str) -> Comparison | None:
    """The paired contrast of ``effect`` on ``metric`` (in pp for rates), over the questions every arm answered;
    None when an arm is missing or no question is common to all."""
    from harness.gates import ResultSet, scoring_of
    from harness.stats import compare

    needed = (*effect.plus, *effect.minus)
    if any(a not in arms for a in needed):
        return None
    m = _METRICS[metric]
    columns = {a: _per_question(arms[a], m) for a in needed}
    qids = sorted(set.intersection(*(set(c) for c in columns.values())))
    qids = [q for q in qids if all(columns[a][q] is not None for a in needed)]
    if len(qids) < 2:
        return None
    plus = [100 * sum(columns[a][q] or 0.0 for a in effect.plus) for q in qids]
    minus = [100 * sum(columns[a][q] or 0.0 for a in effect.minus) for q in qids]
    first = arms[effect.plus[0]]
    scoring = scoring_of(first.scoring)
    labels = ResultSet.from_entry(first).clusters(scoring.cluster_by)  # the gates' clustering
    clusters = [labels[q] for q in qids]
    return compare(
        minus, plus, metric=metric, binary=False, clusters=clusters, resamples=scoring.bootstrap_resamples,
        confidence=scoring.confidence, seed=scoring.seed,
    )  # fmt: skip


def _group(size_group: str, arms: Mapping[str, ConditionEntry]) -> StudyGroup:
    cells = {(arm, m.key): cell for arm, e in arms.items() for m in STUDY_METRICS if (cell := _cell(e, m)) is not None}
    effects = {
        (eff.key, metric): cmp
        for eff in EFFECTS
        for metric in EFFECT_METRICS
        if (cmp := effect_comparison(eff, arms, metric)) is not None
    }
    base, rag = cells.get(("base", "pass")), cells.get(("rag", "pass"))
    ratio = rag.mean / base.mean if base and rag and base.mean > 0 else None
    return StudyGroup(size_group=size_group, arms=arms, cells=cells, effects=effects, ratio=ratio)


def study_groups(entries: Sequence[ConditionEntry], order: Sequence[str]) -> list[StudyGroup]:
    """One study per size group that ran at least two arms of the six, in the groups' order."""
    by_group: dict[str, dict[str, ConditionEntry]] = {}
    for e in entries:
        if "@" in e.label or e.arm not in STUDY_ARMS:
            continue  # quantisation variants and checks such as the oracle are not arms of the study
        by_group.setdefault(e.size_group, {}).setdefault(e.arm, e)
    ranked = sorted(by_group, key=lambda g: (order.index(g) if g in order else len(order), g))
    return [_group(g, by_group[g]) for g in ranked if len(by_group[g]) >= 2]


def _pct(cell: ArmCell | None) -> str:
    if cell is None:
        return "–"
    return f"{100 * cell.mean:.1f} ({100 * cell.low:.1f}–{100 * cell.high:.1f})"


def _effect_text(cmp: Comparison | None) -> str:
    if cmp is None:
        return "–"
    return f"{cmp.difference:+.1f} pp ({cmp.ci_low:+.1f}..{cmp.ci_high:+.1f}, p={cmp.p_value:.2g}, n={cmp.n})"


def _arm_table(group: StudyGroup) -> list[str]:
    shown = [m for m in STUDY_METRICS if any((a, m.key) in group.cells for a in group.arms)]
    lines = [
        "| arm | condition | " + " | ".join(f"{m.label} % (95% CI)" for m in shown) + " |",
        "|---|---|" + "---|" * len(shown),
    ]
    for arm, label in STUDY_ARMS.items():
        entry = group.arms.get(arm)
        if entry is None:
            continue
        cells = " | ".join(_pct(group.cells.get((arm, m.key))) for m in shown)
        lines.append(f"| {label} | {entry.condition} | {cells} |")
    return lines


def _effect_table(group: StudyGroup) -> list[str]:
    metrics = [m for m in EFFECT_METRICS if any((e.key, m) in group.effects for e in EFFECTS)]
    if not metrics:
        return []
    lines = [
        "| effect (paired, same questions) | " + " | ".join(_METRICS[m].label for m in metrics) + " |",
        "|---|" + "---|" * len(metrics),
    ]
    for eff in EFFECTS:
        if any((eff.key, m) in group.effects for m in metrics):
            lines.append(_row(eff.label, [_effect_text(group.effects.get((eff.key, m))) for m in metrics]))
    if group.ratio is not None:
        lines.append(f"\nRAG benefit as a ratio of pass rates: {group.ratio:.2f}×.")
    return lines


def study_markdown(groups: Sequence[StudyGroup], labels: Mapping[str, str]) -> str:
    """The study section: per size group, the arms with intervals and the effects with paired CIs."""
    parts: list[str] = []
    for g in groups:
        parts += [f"### {labels.get(g.size_group, g.size_group)} (`{g.size_group}`)", "", *_arm_table(g), ""]
        effects = _effect_table(g)
        if effects:
            parts += [*effects, ""]
    return "\n".join(parts)


def cross_size_markdown(groups: Sequence[StudyGroup]) -> str:
    """Across size groups (two or more): base / RAG / FT+RAG pass rates, RAG benefit (×), FT benefit, synergy."""
    if len(groups) < 2:
        return ""
    head = "| metric | " + " | ".join(g.size_group for g in groups) + " |"
    lines = [head, "|---|" + "---|" * len(groups)]
    for arm in ("base", "rag", "ft_rag_trained_rag"):
        lines.append(_row(f"{STUDY_ARMS[arm]} pass rate", [_pct(g.cells.get((arm, "pass"))) for g in groups]))
    lines.append(_row("RAG benefit (×)", ["–" if g.ratio is None else f"{g.ratio:.2f}×" for g in groups]))
    for key in ("rag_benefit", "ft_benefit", "synergy"):
        label = next(e.label for e in EFFECTS if e.key == key)
        lines.append(_row(label, [_effect_text(g.effects.get((key, "pass"))) for g in groups]))
    return "\n".join(lines)


def _row(head: str, cells: Sequence[str]) -> str:
    return f"| {head} | " + " | ".join(cells) + " |"


SAMPLE_QUESTIONS = 10


def _shorten(text: object, limit: int = 160) -> str:
    flat = " ".join(str(text or "").split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def sample_questions(group: StudyGroup, k: int = SAMPLE_QUESTIONS) -> list[str]:
    """``k`` test questions every arm of the group answered, the same ones in every report of the same data: chosen
    by a hash of the qid, not by position, so they spread over the test split."""
    import hashlib

    answered = [{str(r["qid"]) for r in e.records if not r.get("error")} for e in group.arms.values()]
    common = set.intersection(*answered) if answered else set()
    return sorted(common, key=lambda q: hashlib.sha256(q.encode()).hexdigest())[:k]


def sample_outputs_markdown(group: StudyGroup, k: int = SAMPLE_QUESTIONS) -> str:
    """The experiment log's sample outputs: per question, the gold answers and each arm's answer."""
    records = {arm: {str(r["qid"]): r for r in e.records} for arm, e in group.arms.items()}
    parts: list[str] = []
    for qid in sample_questions(group, k):
        first = next(iter(records.values()))[qid]
        gold = " / ".join(str(a) for a in first.get("gold_answers") or []) or "(unanswerable: a refusal is right)"
        parts += [f"**{_shorten(first.get('question'))}** (`{qid}`) — gold: {_shorten(gold, 80)}", ""]
        for arm, label in STUDY_ARMS.items():
            if arm in records:
                parts.append(f"- {label}: {_shorten(records[arm][qid].get('answer'))}")
        parts.append("")
    return "\n".join(parts)
