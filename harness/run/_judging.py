"""The optional LLM-as-judge stage: each answer graded ``judge.repeats`` times; fields merged into its record.

Per question: ``judge_score`` (mean rubric score of the valid repeats), ``judge_pass`` (share of valid repeats
that passed), ``judge_scores`` (every valid repeat's score), ``judge_sd`` (their spread: the judges'
disagreement on this answer), ``judge_errors`` (repeats without a valid verdict) and ``judge_error_causes``
(why, once per distinct cause: only valid verdicts are journaled, so this is where a failing judge is
explained). ``judge_summary`` turns them into the condition's judge numbers, with intervals that resample the
repeats as well as the questions.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from harness.backends import Generation, create_backend
from harness.cache import Cache, stage_key
from harness.config import Condition, GenerationConfig, JudgeConfig
from harness.data import Question
from harness.judge import JUDGE_PROMPT_VERSION, JudgeItem, Rubric, RubricJudge, Verdict
from harness.retrieval import Passage
from harness.stats import cohens_kappa, nested_bootstrap, wilson_interval

__all__ = ["JUDGE_FIELDS", "judge_answers", "judge_summary"]

JUDGE_FIELDS = (
    "judge_score",
    "judge_pass",
    "judge_scores",
    "judge_passes",
    "judge_sd",
    "judge_errors",
    "judge_error_causes",
)


def judge_answers(
    cond: Condition,
    questions: Sequence[Question],
    shown: Sequence[Sequence[Passage]],
    generations: Sequence[Generation],
    cache: Cache,
    say: Callable[[str], None],
    *,
    rescore: bool = False,
) -> list[dict[str, Any]]:
    """Judge fields for each question, in order; an errored generation is not judged (its fields are None)."""
    cfg = cond.judge
    items = [_item(q, p, g) for q, p, g in zip(questions, shown, generations, strict=True)]
    wanted = [item for item in items if item is not None]
    backend = create_backend(cfg.model, GenerationConfig(max_tokens=cfg.max_tokens, batch_size=1))
    try:
        judge = _judge(cfg, backend, cache, say, rescore=rescore)
        verdicts: dict[str, list[Verdict]] = {item.qid: [] for item in wanted}
        for repeat in range(cfg.repeats):
            say(f"judge: repeat {repeat + 1}/{cfg.repeats} over {len(wanted)} answers")
            for verdict in judge(wanted, repeat=repeat):
                verdicts[verdict.qid].append(verdict)
    finally:
        backend.close()
    return [_fields(verdicts.get(q.qid)) for q in questions]


def _judge(cfg: JudgeConfig, backend: Any, cache: Cache, say: Callable[[str], None], *, rescore: bool) -> RubricJudge:
    key = stage_key("judgements", JUDGE_PROMPT_VERSION, judge=dict(backend.describe()))
    journal = cache.root / "judgements" / f"{key}.jsonl"

    def progress(done: int, total: int) -> None:
        if done % 8 == 0 or done == total:
            say(f"judge: judged {done}/{total}")

    return RubricJudge(
        backend,
        rubric=Rubric(pass_threshold=cfg.pass_threshold, min_part=cfg.min_part),
        max_attempts=cfg.max_attempts,
        journal=journal,
        temperature=cfg.temperature,
        max_tokens=cfg.max_tokens,
        stored_only=rescore,
        progress=progress,
    )


def _item(question: Question, passages: Sequence[Passage], generation: Generation) -> JudgeItem | None:
    if generation.error:
        return None
    return JudgeItem(
        qid=question.qid,
        question=question.question,
        reference=tuple(question.answers),
        passages=tuple(p.chunk.text for p in passages),
        answer=generation.text,
    )


def _fields(verdicts: Sequence[Verdict] | None) -> dict[str, Any]:
    if verdicts is None:
        return dict.fromkeys(JUDGE_FIELDS)
    valid = [v for v in verdicts if v.error is None and v.score is not None]
    scores = [float(v.score) for v in valid if v.score is not None]
    passes = [1.0 if v.passed else 0.0 for v in valid]
    return {
        "judge_score": statistics.fmean(scores) if scores else None,
        "judge_pass": statistics.fmean(passes) if passes else None,
        "judge_scores": scores,
        "judge_passes": passes,
        "judge_sd": statistics.pstdev(scores) if len(scores) > 1 else None,
        "judge_errors": len(verdicts) - len(valid),
        "judge_error_causes": sorted({v.error for v in verdicts if v.error is not None}),
    }


def judge_summary(records: Sequence[Mapping[str, Any]], cond: Condition) -> dict[str, Any]:
    """The condition's judge numbers. Intervals come from the two-level bootstrap over questions and repeats,
    so a judge that disagrees with itself gives a wider interval than one that does not."""
    scored = [r for r in records if not r.get("error") and r.get("judge_scores")]
    attempted = [r for r in records if not r.get("error") and r.get("judge_errors") is not None]
    if not attempted:
        return {}
    out: dict[str, Any] = {
        "judge_repeats": cond.judge.repeats,
        "judge_model": cond.judge.model.identity,
        "judge_judged": len(scored),
        "judge_error_rate": sum(r["judge_errors"] for r in attempted) / (len(attempted) * cond.judge.repeats),
    }
    if not scored:
        return out
    for name, column in (("judge_score", "judge_scores"), ("judge_pass_rate", "judge_passes")):
        interval = nested_bootstrap(
            [r[column] for r in scored],
            resamples=cond.scoring.bootstrap_resamples,
            confidence=cond.scoring.confidence,
            seed=cond.scoring.seed,
        )
        out |= {name: interval.estimate, f"{name}_ci_low": interval.low, f"{name}_ci_high": interval.high}
    repeated = [r for r in scored if len(r["judge_scores"]) > 1]
    if repeated:
        out["judge_disagreement_sd"] = statistics.fmean(r["judge_sd"] for r in repeated)
        out["judge_pass_agreement"] = sum(len(set(r["judge_passes"])) == 1 for r in repeated) / len(repeated)
    return out | study_pass_rate(attempted, cond) | judge_agreement(scored, cond)


def _passed(record: Mapping[str, Any]) -> bool:
    """The judge's call on one question: pass when most of its valid repeats passed."""
    return statistics.fmean(record["judge_passes"]) >= 0.5


def study_pass_rate(attempted: Sequence[Mapping[str, Any]], cond: Condition) -> dict[str, Any]:
    """The scaling study's pass rate: questions the judge passed over the questions it judged, with a Wilson
    interval; questions with no valid verdict are counted apart (``judge_invalid``), never as failures."""
    judged = [r for r in attempted if r.get("judge_passes")]
    out: dict[str, Any] = {"judge_invalid": len(attempted) - len(judged)}
    if judged:
        interval = wilson_interval(sum(_passed(r) for r in judged), len(judged), confidence=cond.scoring.confidence)
        out |= {"pass_rate": interval.estimate, "pass_rate_ci_low": interval.low, "pass_rate_ci_high": interval.high,
                "pass_rate_n": len(judged)}  # fmt: skip
    return out


def judge_agreement(scored: Sequence[Mapping[str, Any]], cond: Condition) -> dict[str, Any]:
    """Cohen's kappa between the judge's pass and a reference pass (token F1 >= scoring.correct_threshold) on
    answerable questions: near 0, the judge agrees with the reference no more than chance would, so do not trust it."""
    both = [r for r in scored if r.get("answerable") and isinstance(r.get("f1"), int | float)]
    if len(both) < 2:
        return {}
    judge = [_passed(r) for r in both]
    reference = [float(r["f1"]) >= cond.scoring.correct_threshold for r in both]
    return {"judge_reference_kappa": cohens_kappa(judge, reference), "judge_reference_n": len(both)}
