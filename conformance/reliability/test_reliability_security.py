"""Security: weights never unpickled, remote code off unless asked, YAML loaded safely, paths contained, keys secret.

The scans read the harness's own source (AST, not regexes over text), so a new ``torch.load`` without
``weights_only=True`` or a ``yaml.load`` fails here before it ships.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.reliability.conftest import PLANTED_KEY
from conformance.reliability.fault_server import FaultInjectingServer
from harness.cache import Cache
from harness.config import DataConfig, ModelSpec, load_matrix
from harness.config._convert import FieldError
from harness.data import build_splits, load_dataset
from harness.errors import CacheError, ConfigError
from harness.run import RunOptions
from harness.run._options import check_run_id

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "harness"
UNSAFE_YAML = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}
UNSAFE_LOADERS = {"Loader", "UnsafeLoader", "FullLoader", "UnsafeConstructor", "FullConstructor"}
PICKLE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "marshal", "shelve"}


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(HARNESS.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else "?"


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def test_the_scan_sees_the_whole_harness() -> None:
    files = [name for name, _ in _sources()]
    assert len(files) > 100 and "harness/backends/_hf.py" in files and "harness/adapt/train/_checkpoints.py" in files


def test_nothing_is_unpickled() -> None:
    found = []
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{name}: imports {m}" for m in modules if m.split(".")[0] in PICKLE_MODULES]
        for call in _calls(tree):
            func = _dotted(call.func)
            if func.endswith("torch.load") and not _is_true(_keyword(call, "weights_only")):
                found.append(f"{name}:{call.lineno}: torch.load without weights_only=True")
            if func.endswith(("np.load", "numpy.load")) and _is_true(_keyword(call, "allow_pickle")):
                found.append(f"{name}:{call.lineno}: numpy.load(allow_pickle=True)")
            safetensors = _keyword(call, "use_safetensors")
            if func.endswith("from_pretrained") and safetensors is not None and not _is_true(safetensors):
                found.append(f"{name}:{call.lineno}: from_pretrained(use_safetensors=...) not True")
    assert found == []


def test_torch_load_is_only_ever_called_with_weights_only() -> None:
    loads = [(n, c) for n, t in _sources() for c in _calls(t) if _dotted(c.func).endswith("torch.load")]
    assert loads, "the scan should find the checkpoint check's torch.load"
    assert all(_is_true(_keyword(c, "weights_only")) for _, c in loads)


def test_models_load_from_safetensors_only_in_backends_and_retrieval() -> None:
    offenders = []
    for name, tree in _sources():
        if name.startswith("harness/adapt/"):
            continue  # owned elsewhere; see the xfail below
        for call in _calls(tree):
            func = _dotted(call.func)
            model = func.endswith("from_pretrained") and "Tokenizer" not in func
            if model and not _is_true(_keyword(call, "use_safetensors")):
                offenders.append(f"{name}:{call.lineno}: {func} without use_safetensors=True")
            if func.endswith("SentenceTransformer") and "use_safetensors" not in ast.unparse(call):
                offenders.append(f"{name}:{call.lineno}: SentenceTransformer without use_safetensors")
    assert offenders == []


def test_adaptation_loads_weights_from_safetensors_only() -> None:
    offenders = [
        f"{name}:{call.lineno}"
        for name, tree in _sources()
        if name.startswith("harness/adapt/")
        for call in _calls(tree)
        if _dotted(call.func).endswith("from_pretrained") and "Tokenizer" not in _dotted(call.func)
        if not (_is_true(_keyword(call, "use_safetensors")) or "gguf_file" in ast.unparse(call))
    ]
    assert offenders == []


def test_yaml_is_only_loaded_safely() -> None:
    found = []
    for name, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or node.attr not in UNSAFE_YAML | UNSAFE_LOADERS:
                continue
            if _dotted(node.value) == "yaml":
                found.append(f"{name}:{node.lineno}: yaml.{node.attr}")
    assert found == []


def test_remote_code_runs_only_when_a_config_asks() -> None:
    assert ModelSpec(provider="hf", name="x").trust_remote_code is False
    passed = []
    for name, tree in _sources():
        for call in _calls(tree):
            value = _keyword(call, "trust_remote_code")
            if value is not None:
                passed.append((name, ast.unparse(value)))
    assert passed and all(value.endswith(".trust_remote_code") for _, value in passed), passed
    for cond in load_matrix(ROOT / "configs").conditions.values():
        assert cond.model.trust_remote_code is False, cond.name


# --- paths ------------------------------------------------------------------------------------------------------

ESCAPES = ["../x", "..", "../../etc", "a/b", "/abs", ".hidden", "", "a\\b", "latest"]


@pytest.mark.parametrize("name", [e for e in ESCAPES if e != "latest"])  # 'latest' is reserved for run ids only
def test_cache_entries_cannot_escape_the_cache(tmp_path: Path, name: str) -> None:
    cache = Cache(tmp_path)
    for stage, key in ((name, "k"), ("stage", name)):
        with pytest.raises(CacheError, match="is not a valid cache path component"):
            cache.entry(stage, key)


@pytest.mark.parametrize("run_id", ESCAPES)
def test_run_ids_cannot_escape_the_reports_folder(run_id: str) -> None:
    if run_id == "":
        assert RunOptions(run_id="").run_id == ""  # "no id yet": the plugin fills in a fresh one
        return
    with pytest.raises(ConfigError, match="is not a plain folder name"):
        check_run_id(run_id)
    with pytest.raises(ConfigError):
        RunOptions(run_id=run_id)


def test_a_good_run_id_is_accepted() -> None:
    assert check_run_id("20251121T101500Z-4242") == "20251121T101500Z-4242"


def test_the_plugin_refuses_an_escaping_run_id(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--bench-run-id", "../../x", "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--bench-run-id*run id '../../x' is not a plain folder name*"])


@pytest.mark.parametrize("tag", ["../x", "a/b", ".hidden", ""])
def test_a_data_tag_cannot_name_files_outside_the_cache(tag: str) -> None:
    with pytest.raises(FieldError, match="must be a plain name"):
        DataConfig(tag=tag)


def test_a_condition_file_name_cannot_escape_the_run_folder(tmp_path: Path) -> None:
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    shutil.copy(configs / "rag_baseline_tiny.yaml", configs / "...yaml")  # stem '..': reports/<run>/.. = reports/
    with pytest.raises(ConfigError, match="is not a plain condition name"):
        load_matrix(configs)


# --- the planted key --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_planted_api_key_appears_in_no_written_file_and_no_log(
    pytester: pytest.Pytester,
    fault_server: FaultInjectingServer,
    tiny_configs: Path,
    tiny_dataset: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A whole ``pytest benchmarks`` run (embedded model, OpenAI-compatible and Ollama conditions against the
    fault-injecting server, one of whose replies echoes the Authorization header) writes reports, cache and a DEBUG
    log; the key is in none of them, nor in what the run printed."""
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    matrix = load_matrix(tiny_configs)
    first = build_splits(load_dataset(tiny_dataset, tag="reliability_tiny"), matrix.condition("remote_openai").data)
    echoed = next(q for q in first.test[:4] if q.answerable)
    fault_server.always(echoed.question, "leak_key")  # fails for every provider: 1 of 4 is within this limit
    for name in ("remote_openai", "remote_ollama"):
        with open(tiny_configs / f"{name}.yaml", "a", encoding="utf-8") as fh:
            fh.write("gate: {max_error_rate: 0.25}\n")
    fault_server.script("500", "429")
    shutil.copy(ROOT / "benchmarks" / "test_conditions.py", pytester.path / "test_conditions.py")
    cache, reports, log = pytester.path / "cache", pytester.path / "reports", pytester.path / "debug.log"
    result = pytester.runpytest_subprocess(
        "--bench-configs", str(tiny_configs), "--bench-cache-dir", str(cache), "--bench-reports-dir", str(reports),
        "--bench-run-id", "planted", "--bench-max-questions", "4", "-p", "no:cacheprovider",
        "--log-file", str(log), "--log-file-level", "DEBUG",
    )  # fmt: skip
    result.assert_outcomes(passed=6)
    assert fault_server.authorization.count(f"Bearer {PLANTED_KEY}") >= 4  # the key was really used...
    written = [p for root in (cache, reports, tiny_configs) for p in root.rglob("*") if p.is_file()] + [log]
    assert len(written) > 20 and log.stat().st_size > 0
    leaks = [str(p) for p in written if PLANTED_KEY.encode() in p.read_bytes()]
    assert leaks == []  # ...and appears in none of the files the run wrote...
    assert PLANTED_KEY not in result.stdout.str() + result.stderr.str()  # ...nor in what it printed
    records = (reports / "planted" / "remote_openai" / "results.jsonl").read_text(encoding="utf-8")
    assert "upstream rejected credentials Bearer ***" in records  # the echoed key was redacted, not dropped
