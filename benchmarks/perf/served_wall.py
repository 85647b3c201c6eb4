"""Wall time of the tiny RAG condition's prompts through the harness's OpenAI-compatible backend against llama.cpp's
``llama-server`` (the embedded model, N slots), at concurrency 1 and at N. A measurement, not a target: the figures
go into docs/scale.md.

    HARNESS_LLAMA_SERVER=.../llama-server python -m benchmarks.perf.served_wall --questions 300 --concurrency 4

Prints one JSON object: seconds per concurrency, the ratio, errors, answers equal between the two, the load average
before and after.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.perf._prompts import condition_prompts, tiny_rag_condition
from conformance.llama_server import serving
from harness.backends import Generation, GenerationRequest
from harness.backends._openai import OpenAIBackend
from harness.config import GenerationConfig, ModelSpec
from harness.run import RunOptions


def _timed(
    url: str, generation: GenerationConfig, requests: Sequence[GenerationRequest]
) -> tuple[float, list[Generation]]:
    backend = OpenAIBackend(ModelSpec(provider="openai", name="embedded", host=url), generation)
    try:
        start = time.perf_counter()
        gens = backend.generate(requests)
        return time.perf_counter() - start, gens
    finally:
        backend.close()


def measure(questions: int, concurrency: int, work: Path) -> dict[str, object]:
    cond = tiny_rag_condition()
    # The shipped tiny conditions answer 120 test questions (the study's budget); a wall-time figure takes all asked.
    cond = dataclasses.replace(cond, data=dataclasses.replace(cond.data, max_test_questions=None))
    opts = RunOptions(cache_dir=work / "cache", reports_dir=work / "reports", run_id="prompts")
    requests = condition_prompts(cond, opts, questions)
    load_before = os.getloadavg()
    seconds: dict[int, float] = {}
    answers: dict[int, list[Generation]] = {}
    with serving(work, parallel=concurrency, threads=len(os.sched_getaffinity(0))) as served:
        for level in (1, concurrency):
            generation = dataclasses.replace(cond.generation, concurrency=level, max_retries=0)
            seconds[level], answers[level] = _timed(served.url, generation, requests)
            # As it goes: a run cut short by its time limit still says what it measured.
            print(f"concurrency {level}: {len(requests)} answers in {seconds[level]:.1f} s", flush=True)
    pairs = zip(answers[1], answers[concurrency], strict=True)
    return {
        "questions": len(requests),
        "server_slots": concurrency,
        "seconds": {f"concurrency_{k}": round(v, 2) for k, v in seconds.items()},
        "wall_ratio_n_vs_1": round(seconds[concurrency] / seconds[1], 4),
        "errors": {f"concurrency_{k}": sum(g.error is not None for g in v) for k, v in answers.items()},
        "answers_equal": sum(a.text == b.text for a, b in pairs),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="served-wall-") as work:
        print(json.dumps(measure(args.questions, args.concurrency, Path(work)), indent=2))


if __name__ == "__main__":
    main()
