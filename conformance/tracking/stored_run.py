"""A finished run built in a temporary folder by the harness's own writers: an adapter condition whose cache entry
holds a loss curve, a condition without adaptation, a skipped one, and their gates."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from harness.adapt._artifacts import write_metadata
from harness.adapt.train._history import epoch_records
from harness.cache import write_checksums
from harness.config import load_matrix
from harness.gates import GateOutcome
from harness.results import ConditionStatus, RunIndex, write_condition_files, write_run_index
from harness.run._write import summarise

ROOT = Path(__file__).resolve().parents[2]
RUN_ID = "stored-run"
# Varied enough that bootstrap intervals drawn with another seed or resample count come out different.
LORA_F1 = [1.0, 0.5, 0.0, 1.0, 0.25, 0.75, 0.1, 0.9, 0.33, 0.6, 0.0, 0.45]

# A Trainer's log_history: two logged steps per epoch, one evaluation at each epoch's end.
HISTORY = [
    {"epoch": 0.5, "step": 2, "loss": 2.4, "mean_token_accuracy": 0.30},
    {"epoch": 1.0, "step": 4, "loss": 2.0, "mean_token_accuracy": 0.40},
    {"epoch": 1.0, "step": 4, "eval_loss": 2.1, "eval_mean_token_accuracy": 0.38},
    {"epoch": 1.5, "step": 6, "loss": 1.6, "mean_token_accuracy": 0.50},
    {"epoch": 2.0, "step": 8, "loss": 1.2, "mean_token_accuracy": 0.60},
    {"epoch": 2.0, "step": 8, "eval_loss": 1.7, "eval_mean_token_accuracy": 0.45},
]


def records(condition: str, f1s: list[float]) -> list[dict[str, Any]]:
    return [{"qid": f"q{i}", "condition": condition, "f1": f, "exact_match": float(f == 1.0), "refused": 0.0,
             "citation_grounding": 0.5, "error": None} for i, f in enumerate(f1s)]  # fmt: skip


def adapter_entry(cache: Path) -> Path:
    """An adapt/ cache entry as the adapt stage leaves it: metadata with the loss curve, sealed by checksums.txt."""
    entry = cache / "adapt" / "k1"
    entry.mkdir(parents=True)
    (entry / "adapter_model.safetensors").write_bytes(b"\0" * 64)
    curve = [dataclasses.asdict(r) for r in epoch_records(HISTORY)]
    write_metadata(entry, {"condition": "lora_tiny_ft", "training": {"loss_curve": curve, "best_epoch": 2}})
    write_checksums(entry)
    return entry


def write_condition(run_dir: Path, name: str, recs: list[dict[str, Any]], **context: Any) -> Path:
    cond = load_matrix(ROOT / "configs").condition(name)
    out = run_dir / name
    summary = summarise(recs) | {"latency_p95_s": 0.25}
    result = {"run_id": RUN_ID, "label": name, "condition": dataclasses.asdict(cond), "summary": summary,
              "dataset": {"tag": "squad2_tiny", "content_hash": "abc123"}, "timings_s": {"generation": 1.5},
              **context}  # fmt: skip
    write_condition_files(out, recs, result, f"# {name}\n")
    return out


def stored_run(tmp: Path) -> Path:
    run_dir = tmp / "reports" / RUN_ID
    entry = adapter_entry(tmp / "cache")
    lora = write_condition(run_dir, "lora_tiny_ft", records("lora_tiny_ft", LORA_F1),
                           adaptation={"artifact_dir": str(entry), "reused": False})  # fmt: skip
    oracle = write_condition(run_dir, "oracle_tiny", records("oracle_tiny", [1.0, 1.0, 1.0]))
    gates = {
        "lora_tiny_ft": GateOutcome(gate="promotion", passed=False, message="Δ too small").to_dict(),
        "oracle_tiny": GateOutcome(gate="promotion", passed=True, message="promoted").to_dict(),
    }
    conditions = {
        "lora_tiny_ft": ConditionStatus(status="ok", dir=str(lora)),
        "oracle_tiny": ConditionStatus(status="ok", dir=str(oracle)),
        "hybrid_science_3b": ConditionStatus(status="skipped", reason="no model", remedy="download it"),
    }
    write_run_index(run_dir / "run.json", RunIndex(run_id=RUN_ID, conditions=conditions, gates=gates))
    (run_dir / "summary.md").write_text("# run\n", encoding="utf-8")
    return run_dir
