"""``harness artifacts push|pull|verify`` against a real S3-compatible server on loopback (moto's server mode) and
a local folder; entries are real cache entries (``Cache.get_or_build`` seals them with ``checksums.txt``)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cache import CHECKSUMS_FILE, Cache
from harness.cli import main

s3fs = pytest.importorskip("s3fs", reason="the storage extra: pip install -e '.[storage]'")
moto_server = pytest.importorskip("moto.server", reason="the test extra: moto[server]")

BUCKET = "adapters"
FILES = {"adapter_model.safetensors": b"\x01" * 4096, "gguf/model-Q8_0.gguf": b"GGUF" + b"\x02" * 2048}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A moto S3 server on loopback; the harness reaches it through $AWS_ENDPOINT_URL, as a user would MinIO."""
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as env:
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": url}.items():  # fmt: skip
            env.setenv(key, value)
        s3fs.S3FileSystem(endpoint_url=url, skip_instance_cache=True).mkdir(BUCKET)
        yield url
    server.stop()


@pytest.fixture
def entry(tmp_path: Path) -> Path:
    """An adapt/ cache entry: two artifact files and EXPERIMENT_METADATA.json, sealed by the cache."""

    def build(out: Path) -> None:
        for name, data in FILES.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)
        (out / "EXPERIMENT_METADATA.json").write_text('{"condition": "lora_tiny_ft"}\n', encoding="utf-8")

    return Cache(tmp_path / "cache").get_or_build("adapt", "k1", build)


def _s3(endpoint: str) -> s3fs.S3FileSystem:
    return s3fs.S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True)


def _tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def test_push_then_pull_through_s3_gives_identical_verified_bytes(
    endpoint: str, entry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"s3://{BUCKET}/round-trip/k1"
    assert main(["artifacts", "push", str(entry), url]) == 0
    pushed = capsys.readouterr().out
    assert f"-> {url}: 5 files" in pushed and "verified at the destination" in pushed, pushed
    remote = _s3(endpoint)
    assert remote.cat_file(f"{BUCKET}/round-trip/k1/{CHECKSUMS_FILE}") == (entry / CHECKSUMS_FILE).read_bytes()
    assert main(["artifacts", "verify", url]) == 0 and "ok, 4 files match" in capsys.readouterr().out
    pulled = tmp_path / "other-cache" / "adapt" / "k1"
    assert main(["artifacts", "pull", url, str(pulled)]) == 0
    print(capsys.readouterr().out)  # the evidence, under -s
    assert _tree(pulled) == _tree(entry)
    assert main(["artifacts", "verify", str(pulled)]) == 0
    assert sorted(p.name for p in pulled.parent.iterdir()) == ["k1"]  # the staging folder is gone


def test_a_remote_file_changed_after_push_is_refused_on_pull_and_nothing_lands(
    endpoint: str, entry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"s3://{BUCKET}/corrupted/k1"
    assert main(["artifacts", "push", str(entry), url]) == 0
    _s3(endpoint).pipe_file(f"{BUCKET}/corrupted/k1/gguf/model-Q8_0.gguf", b"GGUF" + b"\x03" * 2048)
    pulled = tmp_path / "other-cache" / "adapt" / "k1"
    capsys.readouterr()
    assert main(["artifacts", "pull", url, str(pulled)]) == 2
    err = capsys.readouterr().err
    assert "gguf/model-Q8_0.gguf: checksum mismatch" in err and f"nothing was put at {pulled}" in err, err
    assert not pulled.exists() and list(pulled.parent.iterdir()) == []  # no half-verified entry, no leftovers
    assert main(["artifacts", "verify", url]) == 2
    assert "gguf/model-Q8_0.gguf: checksum mismatch" in capsys.readouterr().err


def test_a_local_entry_that_does_not_match_its_checksums_is_refused_on_push(
    endpoint: str, entry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (entry / "adapter_model.safetensors").write_bytes(b"\x09" * 4096)
    url = f"s3://{BUCKET}/refused/k1"
    assert main(["artifacts", "push", str(entry), url]) == 2
    assert "adapter_model.safetensors: checksum mismatch" in capsys.readouterr().err
    assert not _s3(endpoint).exists(f"{BUCKET}/refused")  # nothing uploaded


def test_a_file_beside_the_seal_or_a_missing_seal_is_refused(
    endpoint: str, entry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"s3://{BUCKET}/extra/k1"
    assert main(["artifacts", "push", str(entry), url]) == 0
    remote = _s3(endpoint)
    remote.pipe_file(f"{BUCKET}/extra/k1/injected.bin", b"x")
    assert main(["artifacts", "pull", url, str(tmp_path / "a")]) == 2
    assert "injected.bin: not listed in checksums.txt" in capsys.readouterr().err
    assert main(["artifacts", "verify", url]) == 2
    assert "injected.bin: not listed in checksums.txt" in capsys.readouterr().err
    remote.rm_file(f"{BUCKET}/extra/k1/{CHECKSUMS_FILE}")
    assert main(["artifacts", "pull", url, str(tmp_path / "b")]) == 2
    assert "no readable checksums.txt" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_push_refuses_a_prefix_that_already_holds_files(entry: Path, endpoint: str) -> None:
    url = f"s3://{BUCKET}/twice/k1"
    assert main(["artifacts", "push", str(entry), url]) == 0
    assert main(["artifacts", "push", str(entry), url]) == 2


def test_a_local_folder_is_a_destination_too(entry: Path, tmp_path: Path) -> None:
    shared = tmp_path / "share" / "k1"
    assert main(["artifacts", "push", str(entry), str(shared)]) == 0
    assert _tree(shared) == _tree(entry)
    pulled = tmp_path / "cache2" / "adapt" / "k1"
    assert main(["artifacts", "pull", f"file://{shared}", str(pulled)]) == 0
    assert _tree(pulled) == _tree(entry)


def test_storage_options_reach_the_filesystem(endpoint: str, entry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without $AWS_ENDPOINT_URL, --storage-option endpoint_url=... names the server."""
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    url = f"s3://{BUCKET}/options/k1"
    assert main(["artifacts", "push", str(entry), url, "--storage-option", f"endpoint_url={endpoint}"]) == 0
    assert _s3(endpoint).exists(f"{BUCKET}/options/k1/{CHECKSUMS_FILE}")
    assert main(["artifacts", "verify", url, "--storage-option", "endpoint_url"]) == 2
