"""LLM-as-judge: a rubric verdict per answer from any backend, parsed strictly, retried when malformed, journaled.

Rubric: factuality 0.40, grounding 0.30, completeness 0.20, communication 0.10; an answer passes at a
weighted score >= 0.65 with no part below 0.4. The judge supplies part scores only; how they combine is fixed here.
"""

from harness.judge._judge import RubricJudge
from harness.judge._parse import JudgeOutputError, parse_verdict
from harness.judge._prompt import JUDGE_PROMPT_VERSION, TAGS, JudgeItem, judge_messages, judge_request
from harness.judge._rubric import PARTS, Rubric, Verdict

__all__ = [
    "JUDGE_PROMPT_VERSION",
    "PARTS",
    "TAGS",
    "JudgeItem",
    "JudgeOutputError",
    "Rubric",
    "RubricJudge",
    "Verdict",
    "judge_messages",
    "judge_request",
    "parse_verdict",
]
