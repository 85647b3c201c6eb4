"""The answer journal's request key: fields added later must not invalidate journals written before them."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from harness.backends import GenerationRequest, Message
from harness.run._generate import request_hash

REQUEST = GenerationRequest(qid="q1", messages=(Message(role="user", content="Why?"),), max_tokens=64)


def test_a_request_hashes_as_it_did_before_thinking_and_schemas_existed() -> None:
    old_fields = {k: v for k, v in dataclasses.asdict(REQUEST).items()
                  if k not in {"thinking", "thinking_budget", "json_schema"}}  # fmt: skip
    before = hashlib.sha256(json.dumps(old_fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert request_hash(REQUEST) == before


def test_a_request_that_uses_a_new_field_hashes_differently() -> None:
    variants = [dataclasses.replace(REQUEST, thinking="off"), dataclasses.replace(REQUEST, thinking_budget=256),
                dataclasses.replace(REQUEST, json_schema={"type": "object"})]  # fmt: skip
    hashes = {request_hash(REQUEST), *(request_hash(v) for v in variants)}
    assert len(hashes) == 4
