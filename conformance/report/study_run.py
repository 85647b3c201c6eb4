"""A tiny-study-like stored run for the report's tests: the six arms of the ``tiny`` size group (the shipped configs),
quantisation variants of the hybrid, per-question records scripted with a seed (answers, passages, refusals,
truncations, errors), the retrieval index's cache entry holding the passages' text, two adapters with loss curves,
and the gates decided by the real gate functions. Everything is written by the results package's own writers and
read back with ``read_run``, as ``BenchRun.finish`` would leave it."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from conformance.tracking.stored_run import HISTORY
from harness.adapt._artifacts import write_metadata
from harness.adapt.train._history import epoch_records
from harness.cache import write_checksums
from harness.config import GateConfig, ScoringConfig, load_matrix
from harness.gates import ResultSet, promotion_gate, quantization_gate
from harness.report import write_run_report
from harness.results import ConditionStatus, RunIndex, StoredRun, read_run, write_condition_files, write_run_index
from harness.run._write import summarise

ROOT = Path(__file__).resolve().parents[2]
# arm -> (condition, chance of a right answer, shown passages, adapter)
ARMS = {
    "base": ("base_tiny", 0.10, False, None),
    "rag": ("rag_baseline_tiny", 0.35, True, None),
    "ft_instruction": ("ft_instruction_tiny", 0.15, False, "instruction"),
    "ft_instruction_rag": ("ft_instruction_rag_tiny", 0.40, True, "instruction"),
    "ft_rag_trained": ("lora_tiny_ft", 0.12, False, "rag_trained"),
    "ft_rag_trained_rag": ("hybrid_tiny", 0.55, True, "rag_trained"),
}
VARIANTS = {"F16": 0.56, "Q8_0": 0.55, "Q4_K_M": 0.50}  # hybrid_tiny at other levels: chance of a right answer
SPEED = {"F16": 9.0, "Q8_0": 14.0, "Q4_K_M": 21.0, "Q4_1": 23.0}  # tokens/s
TASKS = ("grounded", "grounded", "grounded", "refusal", "synthesis")
RUN_ID = "tiny-study"
SKIPPED = ("hybrid_science_3b", "the 3B model is not downloaded", "ollama pull qwen2.5:3b")
# Markup an answer may hold: it must stay text in the page, never end the data block or run.
HOSTILE_ANSWER = "</script><script>document.title='pwned'</script><!-- & \u2028"


def _chunks(n_docs: int) -> list[dict[str, str]]:
    rng = random.Random(5)
    words = [
        "river",
        "castle",
        "norman",
        "duke",
        "abbey",
        "charter",
        "rollo",
        "frankish",
        "treaty",
        "coast",
        "harbour",
        "monks",
    ]
    return [
        {"chunk_id": f"Doc{d}#0::{k}", "doc_id": f"Doc{d}#0", "title": f"Doc{d}",
         "text": f"Doc{d} passage {k}: " + " ".join(rng.choice(words) for _ in range(90))}
        for d in range(n_docs) for k in range(2)
    ]  # fmt: skip


def index_entry(cache: Path, n_docs: int) -> Path:
    """A retrieval index cache entry as far as the report reads it: ``chunks.jsonl``."""
    entry = cache / "retrieval_index" / "k-tiny"
    entry.mkdir(parents=True, exist_ok=True)
    (entry / "chunks.jsonl").write_text("".join(json.dumps(c) + "\n" for c in _chunks(n_docs)), encoding="utf-8")
    return entry


def adapter_entry(cache: Path, recipe: str) -> Path:
    """An adapt/ cache entry holding the training history's loss curve, sealed as the adapt stage seals it."""
    entry = cache / "adapt" / recipe
    entry.mkdir(parents=True, exist_ok=True)
    (entry / "adapter_model.safetensors").write_bytes(b"\0" * 64)
    curve = [dataclasses.asdict(r) for r in epoch_records(HISTORY)]
    write_metadata(entry, {"condition": recipe, "training": {"loss_curve": curve, "best_epoch": 2}})
    write_checksums(entry)
    return entry


def _question(i: int, n_docs: int) -> dict[str, Any]:
    task = TASKS[i % len(TASKS)]
    doc = f"Doc{i % n_docs}#0"
    gold = [] if task == "refusal" else [f"answer {i}", f"the answer {i}"]
    return {"qid": f"q{i:03d}", "question": f"Question {i} about {doc}?", "task_type": task,
            "answerable": task != "refusal", "gold_answers": gold, "gold_doc_ids": [doc]}  # fmt: skip


def _passages(i: int, n_docs: int, shown: bool) -> list[dict[str, Any]]:
    if not shown:
        return []
    docs = [i % n_docs, (i + 1) % n_docs, (i + 7) % n_docs]
    return [{"chunk_id": f"Doc{d}#0::{r % 2}", "doc_id": f"Doc{d}#0", "rank": r + 1, "score": round(0.6 - 0.05 * r, 6)}
            for r, d in enumerate(docs)]  # fmt: skip


def _scores(q: Mapping[str, Any], kind: str, passages: Sequence[Any], rng: random.Random) -> dict[str, Any]:
    right, refused = kind == "right", kind == "refused"
    f1 = 1.0 if right else (0.0 if refused else round(rng.random() * 0.4, 4))
    crag = (1.0 if not q["answerable"] else 0.0) if refused else (1.0 if right else -1.0)
    return {
        "f1": f1, "exact_match": float(right and rng.random() < 0.7), "crag": crag, "refused": float(refused),
        "citation_grounding": round(rng.random(), 4) if passages else None, "citations": float(bool(passages)),
        "correct_abstention": None if q["answerable"] else float(refused),
        "over_refusal": float(refused) if q["answerable"] else None,
        "hit_at_k": 1.0 if passages else None, "mrr": 1.0 if passages else None,
        "source_hit": 1.0 if passages else 0.0, "truncated": float(kind == "truncated"),
    }  # fmt: skip


def _kind(q: Mapping[str, Any], chance: float, i: int, rng: random.Random) -> str:
    if i % 97 == 13:
        return "error"
    if i % 53 == 7:
        return "truncated"
    if not q["answerable"]:
        return "refused" if rng.random() < chance + 0.2 else "wrong"
    return "right" if rng.random() < chance else ("refused" if rng.random() < 0.1 else "wrong")


def records(label: str, chance: float, shown: bool, n: int, speed: float) -> list[dict[str, Any]]:
    rng = random.Random(label)
    n_docs = max(4, n // 3)
    rows = []
    for i in range(n):
        q = _question(i, n_docs)
        kind = _kind(q, chance, i, rng)
        passages = _passages(i, n_docs, shown)
        answer = "I cannot answer from the passages." if kind == "refused" else f"{label} says: answer {i} [1]"
        if i == 1:
            answer = HOSTILE_ANSWER
        row = {**q, "condition": label, "answer": answer, "passages": passages, "latency_s": round(rng.random(), 3),
               "tokens_per_s": speed, "finish_reason": "length" if kind == "truncated" else "stop"}  # fmt: skip
        row |= {"error": "HTTP 500 from the server", "f1": None, "crag": None} if kind == "error" else {"error": None}
        if kind != "error":
            row |= _scores(q, kind, passages, rng)
        rows.append(row)
    return rows


@dataclasses.dataclass(frozen=True, kw_only=True)
class StudyRun:
    run_dir: Path
    stored: StoredRun
    html: Path


def _write(run_dir: Path, label: str, cond: Mapping[str, Any], rows: list[dict[str, Any]], **context: Any) -> Path:
    out = run_dir / label
    result = {"run_id": RUN_ID, "label": label, "condition": cond, "summary": summarise(rows),
              "dataset": {"tag": "squad2_tiny", "content_hash": "abc123def456"},
              "provenance": {"git": {"commit": "0123456789abcdef", "dirty": False}}, **context}  # fmt: skip
    write_condition_files(out, rows, result, f"# {label}\n")
    return out


def _gates(stored: StoredRun) -> dict[str, dict[str, Any]]:
    gate, scoring = GateConfig(), ScoringConfig()
    arm = {e.label: ResultSet.from_entry(e) for e in stored.entries}
    gates = {}
    if "hybrid_tiny" in arm and "rag_baseline_tiny" in arm:
        gates["hybrid_tiny"] = promotion_gate(arm["hybrid_tiny"], arm["rag_baseline_tiny"], gate, scoring).to_dict()
    for label in (x for x in arm if x.startswith("hybrid_tiny@") and x != "hybrid_tiny@F16"):
        if "hybrid_tiny@F16" in arm:
            gates[label] = quantization_gate(arm["hybrid_tiny@F16"], arm[label], gate, scoring).to_dict()
    return gates


def store_study_run(
    tmp: Path, *, arms: Sequence[str] = tuple(ARMS), variants: Sequence[str] = tuple(VARIANTS), n: int = 300
) -> StudyRun:
    """The run under ``tmp/reports/tiny-study``, its report written from the stored files."""
    matrix = load_matrix(ROOT / "configs")
    run_dir, cache = tmp / "reports" / RUN_ID, tmp / "cache"
    index = {"entry": str(index_entry(cache, max(4, n // 3))), "key": "k-tiny", "retriever": "faiss"}
    statuses: dict[str, ConditionStatus] = {}
    plan = [(arm, ARMS[arm][0], ARMS[arm][1], None) for arm in arms]
    plan += [("ft_rag_trained_rag", f"hybrid_tiny@{level}", VARIANTS[level], level) for level in variants]
    for arm, label, chance, level in plan:
        name, _, shown, recipe = ARMS[arm]
        cond = dataclasses.asdict(matrix.condition(name))
        cond["model"]["quantization"] = level or cond["model"]["quantization"]
        context: dict[str, Any] = {"retrieval": index if shown else {"mode": "none"}}
        if recipe:
            context["adaptation"] = {"artifact_dir": str(adapter_entry(cache, recipe)), "reused": False}
        rows = records(label, chance, shown, n, SPEED[cond["model"]["quantization"]])
        statuses[label] = ConditionStatus(status="ok", dir=str(_write(run_dir, label, cond, rows, **context)))
    statuses[SKIPPED[0]] = ConditionStatus(status="skipped", reason=SKIPPED[1], remedy=SKIPPED[2])
    write_run_index(run_dir / "run.json", RunIndex(run_id=RUN_ID, conditions=statuses, gates={}))
    gates = _gates(read_run(run_dir))
    write_run_index(run_dir / "run.json", RunIndex(run_id=RUN_ID, conditions=statuses, gates=gates))
    stored = read_run(run_dir)
    paths = write_run_report(run_dir, stored.entries, stored.index.gates, group_order=["tiny"],
                             provenance={"git": {"commit": "0123456789abcdef"}}, group_labels={"tiny": "SmolLM2 135M"},
                             statuses=stored.index.conditions)  # fmt: skip
    return StudyRun(run_dir=run_dir, stored=stored, html=paths["html"])
