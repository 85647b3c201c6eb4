"""Synthetic QA pairs: every pair validated against its passage, de-duplicated, rejections counted by reason."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from harness.adapt.data import generate_synthetic_pairs, validate_pair
from harness.backends import Generation, GenerationRequest
from harness.retrieval import Chunk

PASSAGE = Chunk(chunk_id="d::0", doc_id="d", title="Avelor", text="Avelor was founded in 1200 by the merchant Avemar.")


class CannedBackend:
    """Answers request i with ``outputs[i]``; records the requests (JSON mode must be on)."""

    def __init__(self, outputs: Sequence[str | None]) -> None:
        self.outputs, self.requests = list(outputs), []

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self.requests.extend(requests)
        return [self._one(r) for r in requests]

    def _one(self, request: GenerationRequest) -> Generation:
        text = self.outputs.pop(0)
        error = "engine failed" if text is None else None
        return Generation(qid=request.qid, text=text or "", latency_s=0.1, prompt_tokens=1, completion_tokens=1,
                          finish_reason="error" if error else "stop", error=error)  # fmt: skip

    def describe(self) -> Mapping[str, object]:
        return {"provider": "canned"}

    def close(self) -> None:
        pass


def _json(question: str, answer: str) -> str:
    return json.dumps({"question": question, "answer": answer})


def test_a_supported_pair_is_accepted() -> None:
    reason, pair = validate_pair(PASSAGE, _json("Who founded Avelor?", "the merchant Avemar"), "p0")
    assert reason is None and pair is not None and pair.answer == "the merchant Avemar"


def test_each_kind_of_bad_pair_is_rejected_with_its_reason() -> None:
    cases = {
        "invalid_json": "not json",
        "missing_fields": json.dumps({"title": "Who founded Avelor?"}),
        "empty": _json("", "x"),
        "not_a_question": _json("Tell me the founder.", "Avemar"),
        "unsupported_answer": _json("Who founded Avelor?", "King Charles"),
        "answer_in_question": _json("Was Avelor founded in 1200?", "1200"),
        "answer_too_long": _json("What happened?", " ".join(["Avelor"] * 13)),
    }
    for reason, text in cases.items():
        assert validate_pair(PASSAGE, text, "p") == (reason, None), reason
    assert validate_pair(PASSAGE, None, "p") == ("generation_error", None)


def test_generation_deduplicates_skips_held_out_questions_and_counts_rejections() -> None:
    chunks = [Chunk(chunk_id=f"d::{i}", doc_id="d", title="Avelor", text=PASSAGE.text) for i in range(6)]
    backend = CannedBackend([
        _json("Who founded Avelor?", "Avemar"),
        _json("Who founded Avelor?", "Avemar"),  # duplicate
        _json("When was Avelor founded?", "1200"),  # a held-out question
        "garbage",
        None,
        _json("Which merchant founded the town?", "Avemar"),
    ])  # fmt: skip
    report = generate_synthetic_pairs(chunks, 2, backend, seed=1, held_out=["When was Avelor founded?"])
    assert [p.question for p in report.accepted] == ["Who founded Avelor?", "Which merchant founded the town?"]
    assert dict(report.rejected) == {
        "duplicate": 1,
        "near_held_out_question": 1,
        "invalid_json": 1,
        "generation_error": 1,
    }
    assert all(r.json_output for r in backend.requests)
    assert report.summary()["accepted"] == 2


def test_synthetic_pairs_come_from_train_documents_and_become_samples(make_condition, toy_splits) -> None:
    from harness.adapt.data._stage import add_synthetic

    condition = make_condition(synthetic_pairs=2)
    good = [_json("What kind of town is this?", "river town"), _json("Where do boats go each spring?", "downstream")]
    backend = CannedBackend([*good, *["unused"] * 4])  # one batch asks for up to 3 passages per wanted pair
    train, report = add_synthetic([], condition, toy_splits, backend)
    held_out_docs = {d for q in (*toy_splits.val, *toy_splits.test) for d in q.gold_doc_ids}
    assert len(report.accepted) == 2 and not report.rejected
    assert all(p.chunk.doc_id not in held_out_docs for p in report.accepted)
    assert [s.kind for s in train] == ["synthetic", "synthetic"]
    assert train[0].answer.content.startswith("river town [")
