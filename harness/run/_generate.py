"""Answer questions through a backend, journaling every generation as it is produced.

Each answer is appended (and fsynced) the moment the backend hands it over (``completions``: a backend's own
stream, e.g. a server backend's concurrent requests, else its ``generate`` a batch at a time), so a run killed
mid-way loses only what was in flight. It resumes from the journal: no question is answered twice and none is lost.
A journal record is reused only when its request (prompt, settings) is byte-for-byte the same.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from harness.backends import Backend, Generation, GenerationRequest, completions, separate_thinking
from harness.cache import JsonlJournal
from harness.errors import HarnessError

__all__ = ["generate_journaled", "request_hash"]

Progress = Callable[[str], None]


# Request fields added after answers were first journaled: left out of the hash while at their default, so a
# journal written before they existed still matches (adding a field must not throw away hours of answers).
_LATER_FIELDS = {"thinking": "default", "thinking_budget": 0, "json_schema": None}


def request_hash(request: GenerationRequest) -> str:
    fields = {k: v for k, v in asdict(request).items() if not (k in _LATER_FIELDS and v == _LATER_FIELDS[k])}
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def generate_journaled(
    backend: Backend,
    requests: Sequence[GenerationRequest],
    journal_path: Path,
    *,
    batch_size: int,
    progress: Progress,
    label: str,
    rescore: bool = False,
) -> list[Generation]:
    """Generations for ``requests`` in order, from the journal where possible.

    With ``rescore`` nothing is generated: every answer must already be in the journal.
    """
    journal = JsonlJournal(journal_path)
    done = _load(journal, requests)
    pending = [r for r in requests if r.qid not in done]
    if rescore and pending:
        raise HarnessError(
            f"--bench-rescore: {len(pending)} of {len(requests)} questions have no stored answer "
            f"(first: {pending[0].qid}); run once without --bench-rescore to generate them"
        )
    if done:
        progress(f"{label}: {len(done)} of {len(requests)} answers reused from the journal")
    started = time.monotonic()
    for finished, item in enumerate(completions(backend, pending, batch_size), start=1):
        req, gen = pending[item.index], item.generation
        if not gen.error:  # an error is reported in this run's records and retried by the next run
            journal.append({"request_hash": request_hash(req), "generation": _to_json(gen)})
        done[req.qid] = gen
        if finished % batch_size == 0 or finished == len(pending):  # a progress line per batch, as before
            progress(_eta(label, finished, len(pending), time.monotonic() - started))
    # The journal keeps what the engine said; thinking is separated on the way out, for stored answers too.
    return [separate_thinking(done[r.qid]) for r in requests]


def _load(journal: JsonlJournal, requests: Sequence[GenerationRequest]) -> dict[str, Generation]:
    wanted = {r.qid: request_hash(r) for r in requests}
    done: dict[str, Generation] = {}
    for row in journal.read():
        gen = row.get("generation")
        if not isinstance(gen, Mapping):
            continue
        qid = gen.get("qid")
        # Errors are retried on the next run rather than frozen into the journal.
        if qid in wanted and row.get("request_hash") == wanted[qid] and not gen.get("error"):
            done[qid] = _from_json(gen)
    return done


def _to_json(gen: Generation) -> dict[str, object]:
    data = asdict(gen)
    data["extra"] = dict(gen.extra)
    return data


def _from_json(data: Mapping[str, object]) -> Generation:
    return Generation(**data)  # type: ignore[arg-type]


def _eta(label: str, done: int, total: int, elapsed: float) -> str:
    rate = done / elapsed if elapsed > 0 else 0.0
    remaining = (total - done) / rate if rate > 0 else 0.0
    return f"{label}: generated {done}/{total} ({100 * done / max(total, 1):.0f}%) {rate:.2f} q/s ETA {remaining:.0f}s"
