"""Fuzz the config loader: random documents, wrong types, unknown keys, huge numbers, YAML bombs, garbage bytes.

Every input either loads into a valid matrix or fails with a ConfigError naming the file; nothing else
escapes, nothing hangs, no message balloons, and a value under a credential-like key is never echoed.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conformance.reliability.fuzz_budget import fuzz, tried
from harness.config import Matrix, load_matrix, read_yaml
from harness.errors import ConfigError

SECRET = "sk-FUZZ-never-echo-0123456789"
DEFAULTS = """\
size_groups:
  tiny: {label: tiny, order: 0, baseline: cond}
defaults:
  model: {provider: llama_cpp, name: embedded}
"""
SECTIONS = ("model", "retrieval", "generation", "data", "gate", "scoring", "adaptation")
FIELDS = {
    "model": ("provider", "name", "quantization", "host", "api_key_env", "context_length", "trust_remote_code"),
    "retrieval": ("mode", "chunk_size", "chunk_overlap", "top_k", "embed_batch_size"),
    "generation": (
        "max_tokens",
        "temperature",
        "top_p",
        "seed",
        "batch_size",
        "stop",
        "timeout_s",
        "max_retries",
        "concurrency",
    ),
    "data": ("ratios", "split_seed", "leak_check", "max_test_questions"),
    "gate": ("max_error_rate", "alpha", "min_citation_grounding", "latency_p95_budget_s"),
    "scoring": ("substantive_min_words", "bootstrap_resamples", "confidence", "refusal_patterns"),
    "adaptation": ("method", "rank", "learning_rate", "epochs", "export_quantizations"),
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["faiss", "off", "lora", "openai", "llama_cpp", "rag", "tiny", "", "1e309"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def overrides(draw: st.DrawFn) -> dict[str, Any]:
    """A condition file: known sections with known or misspelt keys, plus the odd unknown or secret key."""
    doc: dict[str, Any] = {"size_group": "tiny", "role": draw(st.sampled_from(["rag", "base", "ft", "weird"]))}
    for section in draw(st.lists(st.sampled_from(SECTIONS), max_size=4, unique=True)):
        keys = st.one_of(st.sampled_from(FIELDS[section]), st.text(min_size=1, max_size=12))
        doc[section] = draw(st.dictionaries(keys, values, max_size=4))
    if draw(st.booleans()):
        doc[draw(st.sampled_from(["aliases", "notes", "description", "retreival"]))] = draw(values)
    if draw(st.booleans()):  # a key pasted where it must never be: under a credential-like name, or as the env name
        places = [("model", "api_key"), ("model", "api_key_env"), ("gate", "token"), ("", "password")]
        where = draw(st.sampled_from(places))
        (doc.setdefault(where[0], {}) if where[0] else doc)[where[1]] = SECRET
    return doc


@pytest.fixture(scope="module")
def configs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz_configs")
    (root / "defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    return root


def _load(configs: Path, text: str | bytes) -> Matrix | None:
    """The matrix, or None after a well-formed ConfigError; anything else fails the test."""
    path = configs / "cond.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        return load_matrix(configs)
    except ConfigError as exc:
        message = str(exc)
        assert str(configs) in message, message  # every error names its file
        assert len(message) < 4000, "an error message must stay readable"
        assert SECRET not in message, "a credential was echoed"
        return None


def test_the_base_document_loads(configs: Path) -> None:
    assert _load(configs, "size_group: tiny\nrole: rag\n") is not None


@fuzz("config: random documents")
@given(doc=overrides())
def test_random_documents_load_or_fail_clearly(configs: Path, doc: dict[str, Any]) -> None:
    tried("config: random documents")
    matrix = _load(configs, yaml.safe_dump(doc, allow_unicode=True))
    if matrix is not None:
        cond = matrix.condition("cond")
        assert cond.generation.max_tokens < cond.model.context_length
        assert math.isfinite(cond.generation.temperature) and math.isfinite(cond.generation.timeout_s)


NUMERIC = [(s, f) for s in ("model", "retrieval", "generation", "data", "gate", "scoring") for f in FIELDS[s]]
huge = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([2**31, 2**32, 2**63, 2**64, 10**308, -(2**63), 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, float("inf"), float("-inf"), float("nan")]),
)


@fuzz("config: huge and non-finite numbers")
@given(field=st.sampled_from(NUMERIC), number=huge)
def test_huge_and_non_finite_numbers_load_or_fail_clearly(configs: Path, field: tuple[str, str], number: Any) -> None:
    tried("config: huge and non-finite numbers")
    section, name = field
    text = f"size_group: tiny\nrole: rag\n{section}:\n  {name}: {_yaml_number(number)}\n"
    matrix = _load(configs, text)
    if matrix is not None:
        value = getattr(getattr(matrix.condition("cond"), section), name)
        assert not isinstance(value, float) or math.isfinite(value)


def _yaml_number(number: Any) -> str:
    if isinstance(number, float) and math.isnan(number):
        return ".nan"
    if isinstance(number, float) and math.isinf(number):
        return ".inf" if number > 0 else "-.inf"
    return repr(number)


def _bomb(width: int, depth: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, depth):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "size_group: tiny\nrole: rag\nnotes:\n" + "\n".join(f"  {line}" for line in lines) + "\n"


def test_a_billion_laughs_is_refused_at_once(configs: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(ConfigError, match=r"aliases expand to more than 100000 values \(a YAML bomb\?\)"):
        read_yaml(_write(configs, _bomb(10, 9)))  # 10**9 strings once expanded
    assert time.perf_counter() - start < 1.0


@fuzz("config: alias bombs")
@given(width=st.integers(1, 30), depth=st.integers(1, 12))
def test_alias_expansions_are_bounded(configs: Path, width: int, depth: int) -> None:
    tried("config: alias bombs")
    start = time.perf_counter()
    _load(configs, _bomb(width, depth))  # a few expand to little and fail on types; the rest are refused
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [*a]\n",
        "[" * 20000 + "]" * 20000,
        "{" * 5000,
        "- just\n- a list\n",
        "key: !!python/object/apply:os.system [ls]\n",
    ],
    ids=["recursive", "deep", "unclosed", "list", "python-tag"],
)
def test_hostile_shapes_fail_clearly(configs: Path, text: str) -> None:
    assert _load(configs, text) is None


@fuzz("config: garbage bytes")
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_garbage_bytes_fail_clearly(configs: Path, data: bytes) -> None:
    tried("config: garbage bytes")
    _load(configs, data)


def test_a_file_too_big_to_be_a_config_is_refused(configs: Path) -> None:
    with pytest.raises(ConfigError, match="larger than 1000000 bytes"):
        read_yaml(_write(configs, "notes: {x: '" + "a" * 1_000_001 + "'}\n"))


def _write(configs: Path, text: str) -> Path:
    path = configs / "cond.yaml"
    path.write_text(text, encoding="utf-8")
    return path
