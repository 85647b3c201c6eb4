"""Plant each bug class the verdict depends on, one at a time, and check that its named test fails.

    python conformance/plant_bugs.py            # every plant
    python conformance/plant_bugs.py mcnemar    # plants whose name contains "mcnemar"

Each plant replaces one exact piece of library code, runs the test that must catch it, and restores the file
(also on Ctrl-C). A plant whose text is no longer in the file is reported as STALE: the code moved, and the table
here must follow it. Exit status 1 when any planted bug went unnoticed or is stale. ``docs/verdict-tests.md``
lists the same bug classes for readers.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Plant:
    name: str
    path: str
    old: str
    new: str
    test: str


PLANTS = (
    Plant("promotion without 'CI lower bound > 0'", "harness/gates/_promotion.py",
          "big_enough = cmp.difference >= gate.min_factuality_delta_pp and cmp.ci_low > 0",
          "big_enough = cmp.difference >= gate.min_factuality_delta_pp",
          "conformance/gates/test_gates.py::test_the_ci_lower_bound_alone_decides"),
    Plant("promotion without the +5 pp threshold", "harness/gates/_promotion.py",
          "big_enough = cmp.difference >= gate.min_factuality_delta_pp and cmp.ci_low > 0",
          "big_enough = cmp.ci_low > 0",
          "conformance/gates/test_gates.py::test_the_delta_threshold_alone_decides"),
    Plant("promotion without the citation criterion", "harness/gates/_promotion.py",
          "passed = big_enough and significant and grounded", "passed = big_enough and significant",
          "conformance/gates/test_gates.py::test_citation_grounding_alone_fails_a_correct_candidate"),
    Plant("promotion ignoring the Holm family", "harness/gates/_promotion.py",
          "p_holm = holm([cmp.p_value, *family])[0]", "p_holm = cmp.p_value",
          "conformance/gates/test_gates.py::test_holm_correction_across_the_runs_promotion_comparisons"),
    Plant("quantisation gate on the point estimate", "harness/gates/_quantization.py",
          "passed = cmp.ci_low > -margin", "passed = cmp.difference > -margin",
          "conformance/gates/test_gates.py::test_an_underpowered_level_is_not_called_a_regression"),
    Plant("benchmark session passing no Holm family", "harness/run/_session.py",
          "family=family)", "family=())",
          "conformance/plugin/test_plugin.py::test_the_session_holm_corrects_across_the_selected_candidates"),
    Plant("benchmark session swapping candidate and baseline", "harness/run/_session.py",
          "promotion_gate(self.result_set(name), self.result_set(baseline),",
          "promotion_gate(self.result_set(baseline), self.result_set(name),",
          "conformance/plugin/test_plugin.py::test_the_session_compares_the_candidate_against_its_baseline"),
    Plant("a run that no longer fails on a leak", "harness/run/_stages.py",
          "        check_leaks(splits, leak.jaccard, embedding=leak.embedding, "
          "encode=_encoder(cond, leak.embedding))\n", "",
          "conformance/data/test_data_leaks.py::test_a_run_fails_on_a_leaking_data_set"),
    Plant("stratification ignoring the document", "harness/data/_splits.py",
          'return (question.gold_doc_ids[0] if question.gold_doc_ids else "", question.task_type)',
          'return ("", question.task_type)',
          "conformance/data/test_data_splits.py::test_split_properties"),
    Plant("McNemar's chi-square without abs()", "harness/stats/_mcnemar.py",
          "(abs(n01 - n10) - 1) ** 2", "((n01 - n10) - 1) ** 2",
          "conformance/stats/test_stats_reference.py::test_mcnemar_is_symmetric_in_the_two_discordant_counts"),
    Plant("a LoRA cache key ignoring the base weights", "harness/adapt/_cache_key.py",
          "base=base.identity(),", 'base={"name": base.name},',
          "conformance/adapt/test_adapt_cache_key.py"),
    Plant("a parity check accepting every mismatch", "harness/adapt/export/_parity.py",
          "(ties if gap <= tolerance else mismatches).append(note)", "ties.append(note)",
          "conformance/export/test_export_rules.py::test_near_tie_rule"),
    Plant("retries with constant backoff", "harness/backends/_retry.py",
          "self.backoff_s * 2**n", "self.backoff_s",
          "conformance/reliability/test_reliability_retry.py::test_backoff_doubles_with_each_attempt_until_the_cap"),
    Plant("a damaged checkpoint adapter accepted", "harness/adapt/train/_checkpoints.py",
          "        load_file(str(path))\n", "        pass\n",
          "conformance/reliability/test_reliability_fuzz_weights.py::test_a_damaged_checkpoint_adapter_is_a_cache_error"),
    Plant("GGUF metadata read letting parse errors escape", "harness/adapt/export/_modelfile.py",
          "except (ValueError, IndexError, OSError, EOFError) as exc:", "except OSError as exc:",
          "conformance/reliability/test_reliability_fuzz_weights.py::test_damaged_gguf_metadata_read_never_crashes_or_hangs"),
    Plant("adapt() ignoring adaptation.grid.backend: ray", "harness/adapt/train/_ray_grid.py",
          'if grid.backend == "local":', "if True:",
          "conformance/scale/test_scale_ray_grid.py::test_the_real_adaptation_pipeline_trains_its_grid_on_ray"),
    Plant("intervals resampling questions one by one", "harness/gates/_results.py",
          'if key == "none":', "if True:",
          "conformance/gates/test_gates.py::test_questions_sharing_a_document_are_resampled_together"),
    Plant("judges not asking for the verdict schema", "harness/judge/_prompt.py",
          "json_schema=dict(VERDICT_SCHEMA) if constrained else None", "json_schema=None",
          "conformance/reliability/test_reliability_judge.py::test_judges_ask_for_the_verdict_schema_unless_told_not_to"),
    Plant("CI=true no longer strict by default", "harness/run/_flags.py",
          'return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}', "return False",
          "conformance/plugin/test_plugin.py::test_under_ci_a_missing_model_fails_unless_told_otherwise"),
)  # fmt: skip


def run(plant: Plant) -> str:
    path = ROOT / plant.path
    original = path.read_text(encoding="utf-8")
    if original.count(plant.old) != 1:
        return "STALE"
    path.write_text(original.replace(plant.old, plant.new), encoding="utf-8")
    try:
        args = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "", plant.test]
        proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    finally:
        path.write_text(original, encoding="utf-8")
    return {0: "MISSED", 1: "caught"}.get(proc.returncode, f"error (pytest exit {proc.returncode})")


def main(selected: list[str]) -> int:
    plants = [p for p in PLANTS if not selected or any(s in p.name for s in selected)]
    bad = 0
    for plant in plants:
        start = time.monotonic()
        verdict = run(plant)
        bad += verdict != "caught"
        print(f"{verdict:8} {time.monotonic() - start:6.1f} s  {plant.name}  <- {plant.test}", flush=True)
    print(f"{len(plants) - bad} of {len(plants)} planted bugs caught")
    return int(bad > 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
