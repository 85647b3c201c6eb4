"""The pytest plugin, driven through pytester as a user would drive it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

# Import the run pipeline (numpy, scipy, ...) once, here: pytester's in-process runs drop the modules they imported,
# and a second run would then re-import a C extension ("cannot load module more than once per process").
import harness.run._pipeline  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_dir(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("CI", raising=False)  # CI=true makes --bench-strict the default; tests choose explicitly
    shutil.copy(ROOT / "benchmarks" / "test_conditions.py", pytester.path / "test_conditions.py")
    shutil.copytree(ROOT / "configs", pytester.path / "configs")
    return pytester


def test_options_form_one_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["model-adaptation benchmark harness:", "*--bench-dataset=PATH*", "*--bench-strict*"])


def test_every_condition_is_a_parametrized_case_with_its_name(bench_dir: pytest.Pytester) -> None:
    result = bench_dir.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["*test_answers_every_test_question?rag_baseline_tiny?*", "*?hybrid_science_3b?*"])


def test_k_hybrid_3b_selects_the_3b_hybrid_only(bench_dir: pytest.Pytester) -> None:
    result = bench_dir.runpytest("--collect-only", "-q", "-k", "hybrid_3b")
    result.stdout.fnmatch_lines(["*[[]hybrid_science_3b[]]*", "*2/40 tests collected*"])  # 20 conditions x 2 tests


def test_missing_model_skips_with_the_reason_and_the_remedy(bench_dir: pytest.Pytester) -> None:
    result = bench_dir.runpytest("-k", "hybrid_3b", "-rs", "--bench-reports-dir", str(bench_dir.path / "reports"))
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*Qwen/Qwen2.5-3B-Instruct*huggingface-cli download Qwen/Qwen2.5-3B-Instruct*"])


def test_strict_turns_the_skip_into_a_failure_without_traceback(bench_dir: pytest.Pytester) -> None:
    result = bench_dir.runpytest("-k", "hybrid_3b", "--bench-strict", "--bench-reports-dir", str(bench_dir.path / "r"))
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*--bench-strict: hybrid_science_3b: base model 'Qwen/Qwen2.5-3B-Instruct'*"])
    assert "Traceback" not in result.stdout.str()


def test_under_ci_a_missing_model_fails_unless_told_otherwise(
    bench_dir: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    strict = bench_dir.runpytest("-k", "hybrid_3b", "--bench-reports-dir", str(bench_dir.path / "r1"))
    strict.assert_outcomes(failed=2)
    lenient = bench_dir.runpytest("-k", "hybrid_3b", "--bench-no-strict", "--bench-reports-dir", str(bench_dir.path))
    lenient.assert_outcomes(skipped=2)
    assert lenient.ret == pytest.ExitCode.OK  # no gate was selected, so nothing claims to have been checked


def test_a_run_whose_every_gate_skipped_exits_non_zero(bench_dir: pytest.Pytester) -> None:
    # not test_gates.py: conformance/gates/test_gates.py is already imported under that module name in a full run
    shutil.copy(ROOT / "benchmarks" / "test_gates.py", bench_dir.path / "test_bench_gates.py")
    result = bench_dir.runpytest("-k", "hybrid_3b", "--bench-reports-dir", str(bench_dir.path / "r"))
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped", 0) >= 3 and "passed" not in outcomes and "failed" not in outcomes, outcomes
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*all * selected gates were skipped: nothing was checked (exit 1)*"])


def test_malformed_config_is_a_usage_error(bench_dir: pytest.Pytester) -> None:
    cfg = bench_dir.path / "configs" / "rag_baseline_tiny.yaml"
    cfg.write_text(cfg.read_text() + "retrieval: {top_k: 0}\n")
    for args in (["--collect-only"], []):
        result = bench_dir.runpytest(*args)
        output = result.stdout.str() + result.stderr.str()
        # one precise message, once, and no traceback (not a collection error per test module)
        assert output.count("rag_baseline_tiny.yaml: retrieval.top_k=0 must be >= 1") == 1, output
        assert "Traceback" not in output and "pluggy/_" not in output and "ERROR collecting" not in output, output
        assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_the_promotion_family_is_the_selected_candidates(bench_dir: pytest.Pytester) -> None:
    """Holm corrects each promotion gate for the candidates this run selects (after -k), no more, no fewer."""
    bench_dir.makepyfile(
        test_family="""
        import pytest

        @pytest.mark.bench_promotion
        def test_gate(candidate_name, bench_session):
            print("FAMILY=" + ",".join(bench_session.promotion_candidates))
        """
    )
    result = bench_dir.runpytest("test_family.py", "-s", "-k", "hybrid_3b or hybrid_science_0p5")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*FAMILY=hybrid_science_0p5,hybrid_science_3b*"])
    alone = bench_dir.runpytest("test_family.py", "-s", "-k", "hybrid_tiny")
    alone.stdout.fnmatch_lines(["*FAMILY=hybrid_tiny"])
    group = bench_dir.runpytest("test_family.py", "-s", "-k", "tiny")  # the baseline is no candidate
    group.assert_outcomes(passed=5)
    group.stdout.fnmatch_lines(["*FAMILY=ft_instruction_rag_tiny,ft_instruction_tiny,hybrid_tiny,lora_tiny_ft,oracle_tiny"])


# Scripted per-question results (not a model): the baseline scores F1 0.5 on every question; a candidate gains 15 pp
# on four questions in five and loses 30 pp on the fifth. Alone its gate passes (Δ +7.1 pp, CI lower bound +1.5 pp,
# Wilcoxon p = 0.029); beside a second equally strong candidate Holm doubles p to 0.058 and neither passes.
SCRIPTED_RESULTS = """
import pytest
from pathlib import Path
from harness.run import ConditionResult

def _records(shift):
    return tuple({"qid": f"q{i:03d}", "f1": 0.5 + d / 100, "citation_grounding": 1.0, "gold_doc_ids": [f"d{i}"],
                  "answerable": True} for i, d in enumerate(shift))

@pytest.fixture(autouse=True)
def scripted_results(bench_session, tmp_path):
    gain = [-30.0 if i % 6 == 0 else 15.0 for i in range(40)]
    arms = {"rag_baseline_tiny": [0.0] * 40, "hybrid_tiny": gain, "hybrid_tiny_twin": gain}
    for name, shift in arms.items():
        cond = bench_session.matrix.condition(name)
        result = ConditionResult(condition=cond, records=_records(shift), summary={}, out_dir=tmp_path)
        bench_session.run._results.setdefault(name, result)
"""


@pytest.fixture
def scripted_gates(bench_dir: pytest.Pytester) -> pytest.Pytester:
    shutil.copy(ROOT / "benchmarks" / "test_gates.py", bench_dir.path / "test_gates.py")
    twin = (bench_dir.path / "configs" / "hybrid_tiny.yaml").read_text().replace("Fine-tuned + RAG", "Twin of hybrid")
    (bench_dir.path / "configs" / "hybrid_tiny_twin.yaml").write_text(twin)
    bench_dir.makeconftest(SCRIPTED_RESULTS)
    return bench_dir


def test_the_session_compares_the_candidate_against_its_baseline(scripted_gates: pytest.Pytester) -> None:
    """Through the real benchmark test: the candidate is the first arm and its size group's baseline the second, so
    a candidate better than its baseline passes; with the arms swapped Δ would be -7.1 pp and it would fail."""
    result = scripted_gates.runpytest("test_gates.py", "-k", "test_promotion_gate and hybrid_tiny and not twin")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*comparisons*")
    run = scripted_gates.path / "reports" / "latest" / "run.json"
    message = json.loads(run.read_text())["gates"]["hybrid_tiny"]["message"]
    assert message.startswith("hybrid_tiny vs rag_baseline_tiny: Δ factuality +7.1 pp (95% CI +1.5..+11.6"), message


def test_the_session_holm_corrects_across_the_selected_candidates(scripted_gates: pytest.Pytester) -> None:
    """Each candidate passes alone; selected together, each gate is corrected for the other and both fail."""
    alone = scripted_gates.runpytest("test_gates.py", "-k", "test_promotion_gate and twin")
    alone.assert_outcomes(passed=1)
    both = scripted_gates.runpytest("test_gates.py", "-k", "test_promotion_gate and hybrid_tiny")
    both.assert_outcomes(failed=2)
    both.stdout.fnmatch_lines(["*hybrid_tiny vs rag_baseline_tiny*over 2 comparisons*Holm p=0.058*"])
    both.stdout.fnmatch_lines(["*hybrid_tiny_twin vs rag_baseline_tiny*over 2 comparisons*Holm p=0.058*"])
