"""Run one condition end to end: data -> splits -> index -> model -> answers -> scores -> files."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.backends import Backend, Generation, GenerationRequest, create_backend
from harness.cache import Cache, default_cache_dir, file_lock
from harness.config import Condition
from harness.data import Question
from harness.errors import BackendError, StorageError
from harness.prompting import build_request
from harness.retrieval import Passage, cached_search
from harness.run._answers import GENERATIONS_VERSION, CountingBackend, journal_path
from harness.run._availability import check_condition
from harness.run._generate import generate_journaled
from harness.run._judging import judge_answers
from harness.run._max_tokens import resolve_max_tokens
from harness.run._options import RunOptions
from harness.run._records import build_record
from harness.run._stages import gold_passages, prepare_index, prepare_model, prepare_splits, resolve_dataset
from harness.run._write import write_condition

__all__ = ["GENERATIONS_VERSION", "ConditionResult", "run_condition"]

Progress = Callable[[str], None]
_SERVED = ("openai", "ollama")  # the providers that keep generation.concurrency requests in flight


@dataclass(frozen=True, kw_only=True)
class ConditionResult:
    condition: Condition
    records: tuple[dict[str, Any], ...]
    summary: dict[str, Any]
    out_dir: Path
    context: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    # What was sent, and to which file: lets the latency benchmark replay real prompts.
    requests: tuple[GenerationRequest, ...] = ()
    model_path: Path | None = None


def run_condition(
    cond: Condition, opts: RunOptions, progress: Progress = lambda _m: None, *, label: str | None = None
) -> ConditionResult:
    """Everything needed for one condition; each stage is cached by content.

    ``label`` names the report folder when one condition runs in several variants
    (e.g. ``hybrid_tiny@Q8_0``); it defaults to the condition name.
    """
    check_condition(cond)
    cache = Cache(opts.cache_dir or default_cache_dir())
    timings: dict[str, float] = {}
    label = label or cond.name
    say = _prefixed(label, progress)
    with _timed(timings, "data"):
        dataset = resolve_dataset(cond, opts.dataset)
        # Before anything keys a cache on the condition: the adapter and the journal see the resolved number.
        cond, max_tokens = resolve_max_tokens(cond, dataset.questions)
        splits = prepare_splits(cond, dataset, cache, say)
    with _timed(timings, "retrieval_index"):
        index = prepare_index(cond, dataset, cache, say)
    with _timed(timings, "adaptation"):
        served = prepare_model(cond, splits, cache, say)
        cond = served.with_lora(cond)
    questions = _test_questions(splits.test, cond.data.max_test_questions, opts.max_questions)
    with _timed(timings, "retrieval"):
        shown = _passages(cond, questions, index, dataset, cache)
    with _timed(timings, "generation"):
        requests = tuple(
            build_request(q.qid, q.question, p or None, cond.generation) for q, p in zip(questions, shown, strict=True)
        )
        # The oracle answers from the run's own data set: it is its "model file".
        model_path = (opts.dataset or Path(cond.data.dataset)) if cond.model.provider == "oracle" else served.path
        generations, identity, computed = _generate(cond, requests, model_path, cache, say, opts)
    with _timed(timings, "scoring"):
        records = tuple(
            build_record(cond, q, p, g, cond.scoring) for q, p, g in zip(questions, shown, generations, strict=True)
        )
    if cond.judge.enabled:
        with _timed(timings, "judging"):
            verdicts = judge_answers(cond, questions, shown, generations, cache, say, rescore=opts.rescore)
            records = tuple({**r, **v} for r, v in zip(records, verdicts, strict=True))
    context = {
        "dataset": {"tag": dataset.tag, "content_hash": dataset.content_hash, "documents": len(dataset.corpus)},
        "splits": {
            "seed": splits.seed,
            "given": splits.given,
            "train": len(splits.train),
            "val": len(splits.val),
            "test": len(splits.test),
        },
        "model": identity,
        "retrieval": index.describe() if index is not None else {"mode": cond.retrieval.mode},
        "adaptation": served.adaptation,
        "timings_s": timings,
        "generations": {
            "generated": computed.generated,
            "reused": len(generations) - computed.generated,
            # What this run's answers cost the engine: prompt tokens sent, and those its prefix cache did not hold.
            "prompt_tokens": computed.prompt_tokens(),
            # A server batching concurrent requests into one forward pass can change greedy answers (llama.cpp
            # issue 7052; measured on llama-server, docs/scale.md), so the level that generated them is kept.
            "concurrency": cond.generation.concurrency if cond.model.provider in _SERVED else None,
        },
        # finish_reason "length": the answer hit the cap (the per-answer flag is the record's ``truncated``).
        "max_tokens": {**max_tokens, "truncated": sum(g.truncated for g in generations)},
    }
    context["peak_rss_mb"] = peak_rss_mb()
    out_dir, summary = write_condition(cond, opts, records, context, label=label)
    _record_evaluation(served.adaptation, label, summary, say)
    return ConditionResult(
        condition=cond,
        records=records,
        summary=summary,
        out_dir=out_dir,
        context=context,
        timings=timings,
        requests=requests,
        model_path=model_path,
    )


_EVALUATION_KEYS = (
    "n_questions", "n_errors", "exact_match", "f1", "citation_grounding", "cited_passage_coverage", "refused", "crag",
)  # fmt: skip


def _record_evaluation(adaptation: dict[str, Any] | None, label: str, summary: dict[str, Any], say: Progress) -> None:
    """Put this condition's headline numbers into the artifact's EXPERIMENT_METADATA.json.

    One artifact can serve several conditions (lora_tiny_ft and hybrid_tiny), so results are keyed by
    label, under a lock, and the artifact is re-verified and re-sealed by ``record_evaluation``.
    """
    if adaptation is None:
        return
    from harness.adapt import read_metadata, record_evaluation
    from harness.cache import file_lock

    directory = Path(adaptation["artifact_dir"])
    try:
        with file_lock(directory.parent / f"{directory.name}.evaluation.lock"):
            current = read_metadata(directory).get("evaluation") or {}
            by_label = dict(current.get("by_condition") or {}) if isinstance(current, dict) else {}
            by_label[label] = {k: summary.get(k) for k in _EVALUATION_KEYS}
            record_evaluation(directory, {"status": "recorded", "by_condition": by_label})
    except StorageError as exc:  # a note in the artifact, not a result: a read-only cache is re-scored without it
        say(f"evaluation not recorded in the adapter's metadata: {exc}")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _test_questions(test: Sequence[Question], *limits: int | None) -> list[Question]:
    caps = [n for n in limits if n is not None]
    return list(test[: min(caps)] if caps else test)


def _passages(
    cond: Condition, questions: Sequence[Question], index: Any, dataset: Any, cache: Cache
) -> list[list[Passage]]:
    if cond.retrieval.mode == "off":
        return [[] for _ in questions]
    if cond.retrieval.mode == "gold_context":
        return [gold_passages(q, dataset) for q in questions]
    return cached_search(index, [q.question for q in questions], cond.retrieval.top_k, cache)


def _generate(
    cond: Condition,
    requests: Sequence[GenerationRequest],
    model_path: Path | None,
    cache: Cache,
    say: Progress,
    opts: RunOptions,
) -> tuple[list[Generation], dict[str, Any], CountingBackend]:
    """The answers, the model identity, and the (closed) backend that counted what was generated, not read from the
    journal."""
    backend = CountingBackend(_backend(cond, model_path, opts), cond.generation.batch_size)
    try:
        identity = dict(backend.describe())
        journal = journal_path(cache.root, identity, cond.generation)
        # Processes sharing the cache (pytest-xdist workers) never answer the same journal at once: the second
        # waits, then finds every answer stored.
        # Re-scoring writes nothing to the journal, so it takes no lock: a read-only warm cache can be re-scored.
        with nullcontext() if opts.rescore else file_lock(journal.with_suffix(".lock")):
            gens = generate_journaled(
                backend,
                requests,
                journal,
                batch_size=cond.generation.batch_size,
                progress=say,
                label="answers",
                rescore=opts.rescore,
            )
    finally:
        backend.close()
    _check_error_rate(cond, gens)
    return gens, identity, backend


def _backend(cond: Condition, model_path: Path | None, opts: RunOptions) -> Backend:
    """The condition's backend in this process, or sharded across Ray workers (``--bench-ray-shards``)."""
    if opts.ray_shards is None:
        return create_backend(cond.model, cond.generation, model_path=model_path)
    from harness.scale import RayShardedBackend

    return RayShardedBackend(
        cond.model, cond.generation, shards=opts.ray_shards, model_path=model_path, address=opts.ray_address
    )


def _check_error_rate(cond: Condition, gens: Sequence[Generation]) -> None:
    errors = [g for g in gens if g.error]
    if gens and len(errors) / len(gens) > cond.gate.max_error_rate:
        first = errors[0]
        raise BackendError(
            f"{cond.name}: {len(errors)} of {len(gens)} generations failed (limit gate.max_error_rate="
            f"{cond.gate.max_error_rate:g}); first: {first.qid}: {first.error}. Answers that succeeded are journaled "
            "and reused on the next run"
        )


def _prefixed(name: str, progress: Progress) -> Progress:
    return lambda message: progress(f"[{name}] {message}")


class _timed:
    """Context manager adding the wall time of a stage to ``timings``."""

    def __init__(self, timings: dict[str, float], stage: str) -> None:
        self.timings, self.stage = timings, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.stage] = round(time.perf_counter() - self.start, 3)
