"""The result files: one writer and one reader each, versioned, with JSON Schemas a user's tool can check them by."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harness.errors import DataError
from harness.gates import ResultSet
from harness.report import write_run_report
from harness.results import (
    CONDITION_SCHEMA_VERSION,
    RUN_SCHEMA_VERSION,
    SCHEMAS,
    ConditionEntry,
    ConditionStatus,
    RunIndex,
    merge_worker_indexes,
    read_condition,
    read_run_index,
    worker_index_name,
    write_condition_files,
    write_run_index,
    write_schemas,
)

ROWS = [{"qid": "q1", "f1": 1.0, "refused": False, "gold_doc_ids": ["d1"]},
        {"qid": "q2", "f1": 0.25, "refused": True, "gold_doc_ids": ["d1"]},
        {"qid": "q3", "error": "HTTP 500", "f1": None}]  # fmt: skip
CONDITION = {"name": "hybrid_tiny", "size_group": "tiny", "role": "ft_rag", "model": {"quantization": "Q4_1"},
             "scoring": {"seed": 7, "confidence": 0.9, "bootstrap_resamples": 500}}  # fmt: skip
RESULT = {"run_id": "r1", "label": "hybrid_tiny", "condition": CONDITION,
          "summary": {"n_questions": 3, "n_errors": 1, "f1": 0.625}, "model": {"sha256": "ab"},
          "dataset": {"tag": "t"}, "splits": {"seed": 1}, "timings_s": {"generation": 1.5},
          "provenance": {}}  # fmt: skip


def _written(tmp_path: Path) -> Path:
    out = tmp_path / "r1" / "hybrid_tiny"
    write_condition_files(out, ROWS, RESULT, "# hybrid_tiny\n")
    return out


def test_a_condition_reads_back_as_it_was_written(tmp_path: Path) -> None:
    entry = read_condition(_written(tmp_path), "hybrid_tiny@Q8_0")
    assert (entry.label, entry.condition, entry.size_group, entry.role, entry.quantization) == (
        "hybrid_tiny@Q8_0", "hybrid_tiny", "tiny", "ft_rag", "Q4_1")  # fmt: skip
    assert entry.records == tuple(ROWS) and entry.summary == RESULT["summary"]
    assert (entry.model, entry.timings_s, entry.scoring) == ({"sha256": "ab"}, {"generation": 1.5},
                                                             CONDITION["scoring"])  # fmt: skip
    body = json.loads((_written(tmp_path) / "result.json").read_text())
    assert body["schema_version"] == CONDITION_SCHEMA_VERSION


def test_an_answer_holding_unicode_line_separators_reads_back_whole(tmp_path: Path) -> None:
    """One record per "\n"-ended line: U+2028, U+0085 and a form feed inside an answer are part of it."""
    rows = [{"qid": "q1", "answer": "a\u2028b\x85c\x0cd\u2029e\x1cf", "f1": 0.5}, {"qid": "q2", "answer": "ok"}]
    write_condition_files(tmp_path / "c", rows, RESULT, "")
    assert read_condition(tmp_path / "c").records == tuple(rows)


def test_the_gates_see_a_stored_arm_as_it_was_scored(tmp_path: Path) -> None:
    arm = ResultSet.from_entry(read_condition(_written(tmp_path)))
    assert (arm.condition, arm.size_group, arm.quantization) == ("hybrid_tiny", "tiny", "Q4_1")
    assert arm.scores("f1") == {"q1": 1.0, "q2": 0.25} and arm.scores("refused") == {"q1": 0.0, "q2": 1.0}
    assert arm.errored() == {"q3"} and arm.mean("f1") == pytest.approx(0.625) and arm.mean("nope") is None


def test_a_damaged_results_file_names_the_file_and_the_line(tmp_path: Path) -> None:
    out = _written(tmp_path)
    (out / "results.jsonl").write_text('{"qid": "q1", "f1": 1.0}\n{"qid": "q2", "f1"\n')
    with pytest.raises(DataError, match=r"results\.jsonl:2: not valid JSON"):
        read_condition(out)
    (out / "results.jsonl").write_text('{"qid": "q1"}\n[1, 2]\n')
    with pytest.raises(DataError, match=r"results\.jsonl:2: each line must be a JSON object with a string qid"):
        read_condition(out)
    with pytest.raises(DataError, match=r"missing.result\.json: cannot read stored results"):
        read_condition(tmp_path / "missing")


@pytest.mark.parametrize(
    ("version", "fix"),
    [(CONDITION_SCHEMA_VERSION + 1, "upgrade the harness to read it"), ("1", "re-run the conditions")],
)
def test_a_result_of_another_version_fails_naming_its_version(tmp_path: Path, version: object, fix: str) -> None:
    out = _written(tmp_path)
    body = json.loads((out / "result.json").read_text()) | {"schema_version": version}
    (out / "result.json").write_text(json.dumps(body))
    with pytest.raises(DataError, match=rf"result\.json: schema_version={version!r}, but this harness reads "
                                        rf"version {CONDITION_SCHEMA_VERSION}; {fix}"):  # fmt: skip
        read_condition(out)


def test_a_result_missing_a_field_names_it(tmp_path: Path) -> None:
    out = _written(tmp_path)
    body = json.loads((out / "result.json").read_text())
    del body["condition"]["role"]
    (out / "result.json").write_text(json.dumps(body))
    with pytest.raises(DataError, match=r"result\.json: field 'role' is missing or malformed"):
        read_condition(out)


def _index(worker: str | None = None, **conditions: ConditionStatus) -> RunIndex:
    return RunIndex(run_id="r1", conditions=conditions, gates={}, worker=worker)


def test_the_run_index_round_trips_and_an_unversioned_one_reads_as_version_zero(tmp_path: Path) -> None:
    index = RunIndex(run_id="r1", conditions={"a": ConditionStatus(status="ok", dir="/x", summary={"f1": 1.0}),
                                              "b": ConditionStatus(status="skipped", reason="no model", remedy="get")},
                     gates={"a": {"gate": "promotion", "passed": True, "message": "m", "numbers": {}}})  # fmt: skip
    write_run_index(tmp_path / "run.json", index)
    assert read_run_index(tmp_path / "run.json") == index
    body = json.loads((tmp_path / "run.json").read_text())
    assert body["schema_version"] == RUN_SCHEMA_VERSION
    del body["schema_version"]  # as run.json was written before versions
    (tmp_path / "old.json").write_text(json.dumps(body))
    assert read_run_index(tmp_path / "old.json") == index
    body["conditions"]["a"]["status"] = "done"
    (tmp_path / "bad.json").write_text(json.dumps(body))
    with pytest.raises(DataError, match=r"bad\.json: field .* is missing or malformed"):
        read_run_index(tmp_path / "bad.json")


def test_workers_merge_into_one_index_preferring_completed_outcomes(tmp_path: Path) -> None:
    ok, error, skipped = (ConditionStatus(status="ok", dir="x"), ConditionStatus(status="error", error="e"),
                          ConditionStatus(status="skipped", reason="r"))  # fmt: skip
    gate = {"gate": "promotion", "passed": True, "message": "m", "numbers": {}}
    a = RunIndex(run_id="r1", conditions={"base": ok, "baseline": error}, gates={"hybrid": gate}, worker="gw0")
    b = RunIndex(run_id="r1", conditions={"baseline": ConditionStatus(status="ok", dir="y"), "big": skipped},
                 worker="gw1")  # fmt: skip
    write_run_index(tmp_path / worker_index_name("gw0"), a)
    write_run_index(tmp_path / worker_index_name("gw1"), b)
    merged = merge_worker_indexes(tmp_path, "r1")
    assert {k: v.status for k, v in merged.conditions.items()} == {"base": "ok", "baseline": "ok", "big": "skipped"}
    assert merged.conditions["baseline"].dir == "y" and merged.gates == {"hybrid": gate} and merged.worker is None


def _validate(name: str, body: Any) -> None:
    jsonschema.validate(body, SCHEMAS[name], cls=jsonschema.Draft202012Validator)


def test_the_files_a_run_writes_match_their_published_schemas(tmp_path: Path) -> None:
    out = _written(tmp_path)
    _validate("condition-result", json.loads((out / "result.json").read_text()))
    for line in (out / "results.jsonl").read_text().splitlines():
        _validate("question-record", json.loads(line))
    index = RunIndex(
        run_id="r1",
        conditions={"hybrid_tiny": ConditionStatus(status="ok", dir=str(out))},
        gates={"hybrid_tiny": {"gate": "promotion", "passed": False, "message": "m", "numbers": {}}},
    )
    write_run_index(tmp_path / "r1" / "run.json", index)
    _validate("run-index", json.loads((tmp_path / "r1" / "run.json").read_text()))
    paths = write_run_report(tmp_path / "r1", [read_condition(out)], index.gates, group_order=["tiny"],
                             provenance={})  # fmt: skip
    _validate("run-report", json.loads(paths["json"].read_text()))


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("question-record", {"f1": 1.0}),  # no qid
        ("condition-result", {"schema_version": 99, "run_id": "r", "label": "l", "condition": {}, "summary": {}}),
        ("run-index", {"schema_version": 1, "run_id": "r", "conditions": {"a": {"status": "done"}}, "gates": {}}),
    ],
)
def test_the_schemas_refuse_what_the_readers_refuse(name: str, body: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validate(name, body)


def test_the_schemas_are_written_for_users_tools(tmp_path: Path) -> None:
    paths = write_schemas(tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{name}.schema.json" for name in SCHEMAS)
    for path in paths:
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_an_entry_lists_its_records_file_not_its_records() -> None:
    entry = ConditionEntry(label="a@Q8_0", condition="a", size_group="g", role="rag", quantization="Q8_0",
                           summary={"n_questions": 0}, records=({"qid": "q"},))  # fmt: skip
    body = entry.index_json()
    assert body["results"] == "a@Q8_0/results.jsonl" and "records" not in body and body["quantization"] == "Q8_0"
