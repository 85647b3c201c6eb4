"""``RubricJudge``: grade answers through any backend; retry invalid replies; journal valid verdicts.

A reply that is not a valid verdict (prose, cut off, a score out of range, an extra key) is asked again,
up to ``max_attempts``; after that the item gets a Verdict with ``error`` set and its cause. A backend
failure (already retried by the backend's own policy) is such an error too. Only valid verdicts are
journaled, so a rerun asks again exactly for the items that failed, and never twice for the others.

``repeat`` numbers independent judgements of the same item (repeated judging); each repeat has its own
journal key and seed. ``stored_only`` (re-scoring) answers from the journal and never asks the backend.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from harness.backends import Backend
from harness.cache import JsonlJournal, canonical_json
from harness.errors import ConfigError
from harness.judge._parse import JudgeOutputError, parse_verdict
from harness.judge._prompt import JUDGE_PROMPT_VERSION, JudgeItem, judge_request
from harness.judge._rubric import VERDICT_MAX_CHARS, Rubric, Verdict

__all__ = ["RubricJudge"]


class RubricJudge:
    """Callable over a batch of items; verdicts come back in item order."""

    def __init__(
        self,
        backend: Backend,
        *,
        rubric: Rubric | None = None,
        max_attempts: int = 3,
        journal: Path | None = None,
        temperature: float = 0.7,
        max_tokens: int = 256,
        stored_only: bool = False,
        progress: Callable[[int, int], None] | None = None,
        constrained: bool = True,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts={max_attempts} must be >= 1")
        if constrained and max_tokens < VERDICT_MAX_CHARS:
            raise ConfigError(
                f"judge.max_tokens={max_tokens} can cut a verdict off: the longest reply the verdict schema allows is "
                f"{VERDICT_MAX_CHARS} characters; set judge.max_tokens >= {VERDICT_MAX_CHARS}"
            )
        self._backend, self._rubric, self._max_attempts = backend, rubric or Rubric(), max_attempts
        self._temperature, self._max_tokens, self._stored_only = temperature, max_tokens, stored_only
        self._progress, self._constrained = progress, constrained
        self._journal = JsonlJournal(journal) if journal is not None else None
        self._identity = canonical_json({"judge": dict(backend.describe()), "prompt": JUDGE_PROMPT_VERSION})

    def __call__(self, items: Sequence[JudgeItem], *, repeat: int = 0) -> list[Verdict]:
        done = self._journaled(items, repeat)
        todo = [item for item in items if item.qid not in done]
        for n, item in enumerate(todo, start=1):
            done[item.qid] = verdict = self._judge(item, repeat)
            if verdict.error is None and self._journal is not None:
                self._journal.append({"key": self._key(item, repeat), "verdict": _to_json(verdict)})
            if self._progress is not None:
                self._progress(n, len(todo))
        return [done[item.qid] for item in items]

    def _judge(self, item: JudgeItem, repeat: int) -> Verdict:
        if self._stored_only:
            return _failed(item, "no stored verdict, and re-scoring never asks the judge", 0)
        problem = ""
        for attempt in range(self._max_attempts):
            request = judge_request(
                item, self._rubric, attempt=attempt, repeat=repeat, temperature=self._temperature,
                max_tokens=self._max_tokens, constrained=self._constrained,
            )  # fmt: skip
            (gen,) = self._backend.generate([request])
            if gen.error:
                return _failed(item, f"judge backend failed: {gen.error}", attempt + 1)
            try:
                parts, rationale = parse_verdict(gen.text)
            except JudgeOutputError as exc:
                problem = str(exc)
                continue
            score = self._rubric.score(parts)
            return Verdict(
                qid=item.qid, parts=parts, score=score, passed=self._rubric.passes(parts), rationale=rationale,
                attempts=attempt + 1,
            )  # fmt: skip
        return _failed(item, f"invalid judge output after {self._max_attempts} attempts: {problem}", self._max_attempts)

    def _key(self, item: JudgeItem, repeat: int) -> str:
        rubric = self._rubric
        terms = {"weights": dict(rubric.weights), "pass": rubric.pass_threshold, "min_part": rubric.min_part}
        sampling = {"temperature": self._temperature, "max_tokens": self._max_tokens, "constrained": self._constrained}
        body = {"item": asdict(item), "rubric": terms, "judge": self._identity, "sampling": sampling, "repeat": repeat}
        return hashlib.sha256(canonical_json(body).encode()).hexdigest()

    def _journaled(self, items: Sequence[JudgeItem], repeat: int) -> dict[str, Verdict]:
        if self._journal is None:
            return {}
        wanted = {self._key(item, repeat): item.qid for item in items}
        found: dict[str, Verdict] = {}
        for row in self._journal.read():
            key, data = row.get("key"), row.get("verdict")
            if isinstance(key, str) and key in wanted and isinstance(data, Mapping):
                found[wanted[key]] = Verdict(**data)
        return found


def _failed(item: JudgeItem, error: str, attempts: int) -> Verdict:
    return Verdict(qid=item.qid, parts=None, score=None, passed=None, attempts=attempts, error=error)


def _to_json(verdict: Verdict) -> dict[str, object]:
    data = asdict(verdict)
    data["parts"] = dict(verdict.parts) if verdict.parts is not None else None
    return data
