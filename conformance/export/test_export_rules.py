"""The near-tie rule, tokenisation comparison, and how the converters are found (no model runs here)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from harness.adapt.export import (
    NEAR_TIE_TOLERANCE,
    GreedyRun,
    compare_runs,
    compare_tokenization,
    find_converters,
)
from harness.errors import ModelUnavailable


def _run(tokens: list[int], rows: list[dict[int, float]], vocab: int = 6) -> GreedyRun:
    logits = []
    for row in rows:
        values = np.zeros(vocab, dtype=np.float32)
        for token, value in row.items():
            values[token] = value
        logits.append(values)
    return GreedyRun(tokens=tuple(tokens), logits=tuple(logits))


def _diverging(gap_a: float, gap_b: float) -> tuple[GreedyRun, GreedyRun]:
    """Engine A picks 1 over 2 by ``gap_a``; engine B picks 2 over 1 by ``gap_b``; both agree on the first token."""
    a = _run([3, 1], [{3: 5.0}, {1: 4.0 + gap_a, 2: 4.0}])
    b = _run([3, 2], [{3: 5.0}, {2: 4.0 + gap_b, 1: 4.0}])
    return a, b


def test_the_tolerance_is_small() -> None:
    assert 0 < NEAR_TIE_TOLERANCE <= 0.25


@pytest.mark.parametrize(
    ("gap_a", "gap_b", "accepted"),
    [
        (0.004, 0.0, True),  # the Qwen3 case from the issue: 11.392 vs 11.388
        (0.1, 0.1, True),  # summed 0.2 <= 0.25
        (0.2, 0.1, False),  # summed 0.3: one engine had a preference
        (0.0, 0.3, False),  # B alone decides: a clear preference in one engine is enough to fail
        (0.3, 0.0, False),  # A alone decides
    ],
)
def test_near_tie_rule(gap_a: float, gap_b: float, accepted: bool) -> None:
    a, b = _diverging(gap_a, gap_b)
    report = compare_runs("t", [a], [b], NEAR_TIE_TOLERANCE)
    assert report.ok is accepted
    assert report.near_ties == int(accepted) and report.exact == 0
    note = f"prompt 0: token 1 differs (1 vs 2, logit gap {gap_a + gap_b:.3f})"
    assert (report.accepted_ties, report.mismatches) == (((note,), ()) if accepted else ((), (note,)))


def test_equal_runs_are_exact_and_report_the_largest_logit_difference() -> None:
    a = _run([3, 1], [{3: 5.0}, {1: 4.0}])
    b = _run([3, 1], [{3: 5.06}, {1: 4.0}])
    report = compare_runs("t", [a, a], [a, b], NEAR_TIE_TOLERANCE)
    assert report.ok and report.exact == 2 and report.near_ties == 0
    assert report.max_logit_diff == pytest.approx(0.06, abs=1e-5)


def test_tokenisation_mismatch_names_prompt_position_and_ids() -> None:
    report = compare_tokenization("tok", [[1, 2, 3], [5, 6], [7]], [[1, 2, 3], [5, 9, 4], [7, 8]])
    assert not report.ok and report.equal == 1
    assert report.mismatches == (
        "prompt 1: token 1 differs (6 vs 9; lengths 2 vs 3)",
        "prompt 2: token 1 differs (end vs 8; lengths 1 vs 2)",
    )


def _sdist(path: Path, version: str, *, with_converters: bool = True) -> Path:
    files = {"PKG-INFO": b"Name: llama_cpp_python\n", "vendor/llama.cpp/src/llama.cpp": b"// engine\n",
             "vendor/llama.cpp/models/ggml-vocab-qwen2.gguf.inp": b"test text\n"}  # fmt: skip
    if with_converters:
        files |= {"vendor/llama.cpp/convert_hf_to_gguf.py": b"# hf\n",
                  "vendor/llama.cpp/convert_lora_to_gguf.py": b"# lora\n",
                  "vendor/llama.cpp/conversion/__init__.py": b"",
                  "vendor/llama.cpp/gguf-py/gguf/__init__.py": b"",
                  "vendor/llama.cpp/models/ggml-vocab-qwen2.gguf": b"GGUF"}  # fmt: skip
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"llama_cpp_python-{version}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("HARNESS_LLAMA_CPP_DIR", raising=False)
    monkeypatch.delenv("HARNESS_LLAMA_CPP_SDIST", raising=False)
    monkeypatch.setenv("HARNESS_CONVERTERS_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_converters_are_extracted_from_the_sdist_of_the_installed_version(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import metadata

    version = metadata.version("llama-cpp-python")
    monkeypatch.setenv("HARNESS_LLAMA_CPP_SDIST", str(_sdist(isolated / "s.tar.gz", version)))
    found = find_converters(download=False)
    assert found.version == version and found.root == isolated / "cache" / f"llama.cpp-{version}"
    assert found.hf_script.read_text() == "# hf\n" and found.lora_script.is_file()
    assert found.vocab("qwen2").read_bytes() == b"GGUF"
    assert not (found.root / "src").exists() and not (found.root / "models" / "ggml-vocab-qwen2.gguf.inp").exists()
    monkeypatch.delenv("HARNESS_LLAMA_CPP_SDIST")
    assert find_converters(download=False).root == found.root  # extracted once, then reused
    with pytest.raises(ModelUnavailable, match=r"no vocabulary 'gemma-9'.*\['qwen2'\]"):
        found.vocab("gemma-9")


def test_no_converters_anywhere_says_how_to_get_them(isolated: Path) -> None:
    with pytest.raises(ModelUnavailable) as caught:
        find_converters(download=False)
    message = str(caught.value)
    assert "converters for llama-cpp-python" in message and "pip download --no-deps --no-binary :all:" in message
    assert "HARNESS_LLAMA_CPP_SDIST" in message and "HARNESS_LLAMA_CPP_DIR" in message


def test_an_sdist_without_converters_is_refused(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    version = metadata.version("llama-cpp-python")
    sdist = _sdist(isolated / "s.tar.gz", version, with_converters=False)
    monkeypatch.setenv("HARNESS_LLAMA_CPP_SDIST", str(sdist))
    with pytest.raises(ModelUnavailable, match=r"holds no vendor/llama\.cpp converters"):
        find_converters(download=False)
    assert not (isolated / "cache" / f"llama.cpp-{version}").exists()


def test_a_local_checkout_must_hold_the_converters(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_LLAMA_CPP_DIR", str(isolated))
    with pytest.raises(ModelUnavailable, match=r"HARNESS_LLAMA_CPP_DIR=.* has no convert_hf_to_gguf\.py"):
        find_converters()
