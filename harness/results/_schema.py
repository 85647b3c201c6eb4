"""JSON Schemas of the result files, for users' tools (``harness schema DIR`` writes them)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from harness.results._versions import CONDITION_SCHEMA_VERSION, RUN_SCHEMA_VERSION

__all__ = ["SCHEMAS", "write_schemas"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_SCORE = {"type": ["number", "boolean", "null"]}
_OBJECT = {"type": "object"}
_OPTIONAL_OBJECT = {"type": ["object", "null"]}

_SCORES = ("exact_match", "f1", "citation_grounding", "cited_passage_coverage", "crag", "label_accuracy", "truncated")
# harness.metrics.label_table: one row per gold label of a data set's closed questions.
_LABEL_TABLE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["label", "n", "correct", "accuracy", "predicted"],
        "properties": {
            "label": {"type": "string"},
            "n": {"type": "integer", "minimum": 1},
            "correct": {"type": "integer", "minimum": 0},
            "accuracy": {"type": "number", "minimum": 0, "maximum": 1},
            "predicted": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        },
    },
}

QUESTION_RECORD = {
    "$schema": _DRAFT,
    "title": "One question's result (a line of <run>/<label>/results.jsonl)",
    "type": "object",
    "required": ["qid"],
    "properties": {
        "qid": {"type": "string", "minLength": 1},
        "error": {"type": ["string", "null"], "description": "set when no answer was produced; never scored"},
        "answer": {"type": ["string", "null"]},
        "task_type": {"type": ["string", "null"]},
        "gold_doc_ids": {"type": ["array", "null"], "items": {"type": "string"}},
        **{
            metric: _SCORE
            for metric in (
                "exact_match",
                "f1",
                "citation_grounding",
                "cited_passage_coverage",
                "crag",
                "label_accuracy",
            )
        },
        "labels": {"type": "array", "items": {"type": "string"}, "description": "a closed question's labels"},
        "gold_label": {"type": ["string", "null"], "description": "the label the gold answer names"},
        "predicted_label": {"type": ["string", "null"], "description": "the label the answer named first; null: none"},
    },
    "additionalProperties": True,
}

CONDITION_RESULT = {
    "$schema": _DRAFT,
    "title": "One condition's result (<run>/<label>/result.json)",
    "type": "object",
    "required": ["schema_version", "run_id", "label", "condition", "summary"],
    "properties": {
        "schema_version": {"const": CONDITION_SCHEMA_VERSION},
        "run_id": {"type": "string"},
        "label": {"type": "string"},
        "condition": {
            "type": "object",
            "required": ["name", "size_group", "role", "model"],
            "properties": {"model": {"type": "object", "required": ["quantization"]}},
        },
        "summary": {
            "type": "object",
            "required": ["n_questions", "n_errors"],
            "properties": {"labels": _LABEL_TABLE},
        },
        "model": _OPTIONAL_OBJECT,
        "dataset": _OPTIONAL_OBJECT,
        "splits": _OPTIONAL_OBJECT,
        "timings_s": _OPTIONAL_OBJECT,
        "provenance": _OBJECT,
    },
}

_GATE = {
    "type": "object",
    "required": ["gate", "passed", "message", "numbers"],
    "properties": {
        "gate": {"type": "string"},
        "passed": {"type": "boolean"},
        "message": {"type": "string"},
        "numbers": _OBJECT,
    },
}
_STATUS = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"enum": ["ok", "skipped", "error"]},
        "dir": {"type": "string"},
        "summary": _OBJECT,
        "reason": {"type": "string"},
        "remedy": {"type": "string"},
        "error": {"type": "string"},
    },
    "additionalProperties": False,
}

RUN_INDEX = {
    "$schema": _DRAFT,
    "title": "How each condition of a run ended, and every gate's outcome (<run>/run.json)",
    "type": "object",
    "required": ["schema_version", "run_id", "conditions", "gates"],
    "properties": {
        "schema_version": {"const": RUN_SCHEMA_VERSION},
        "run_id": {"type": "string"},
        "conditions": {"type": "object", "additionalProperties": _STATUS},
        "gates": {"type": "object", "additionalProperties": _GATE},
        "worker": {"type": "string"},
        "hypothesis": {"type": "string"},
        "notes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["time", "text"],
                "properties": {"time": {"type": "string"}, "text": {"type": "string"}},
            },
        },
    },
}

RUN_REPORT = {
    "$schema": _DRAFT,
    "title": "The run report's data (<run>/results.json)",
    "type": "object",
    "required": ["schema_version", "run_id", "conditions", "gates", "provenance"],
    "properties": {
        "schema_version": {"const": RUN_SCHEMA_VERSION},
        "run_id": {"type": "string"},
        "conditions": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["condition", "size_group", "role", "quantization", "summary", "results"],
                "properties": {"results": {"type": "string"}, "summary": _OBJECT},
            },
        },
        "gates": {"type": "object", "additionalProperties": _GATE},
        "provenance": _OBJECT,
    },
}

SCHEMAS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "question-record": QUESTION_RECORD,
        "condition-result": CONDITION_RESULT,
        "run-index": RUN_INDEX,
        "run-report": RUN_REPORT,
    }
)


def write_schemas(out: Path) -> list[Path]:
    """``<name>.schema.json`` for each result file; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in SCHEMAS.items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
