"""Kill a real run (the embedded model through llama.cpp) mid-way, more than once, and let it resume.

No question may be answered twice or go missing, and the final per-question scores must equal those of
an uninterrupted run with the same seed. A simulated power loss (a half-written journal line, a corrupt
cached split) is repaired the same way: detected, rebuilt, never used.
"""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest

from conformance.reliability.resume_runs import QUESTIONS, Run, journal_files, journal_qids
from conformance.reliability.tiny_data import write_configs
from harness.cache import verify_checksums

pytestmark = pytest.mark.slow


@pytest.fixture
def configs(tmp_path: Path, tiny_dataset: Path) -> Path:
    # gold_context: the journal and resume logic are what is under test, and no embedding model loads per restart
    return write_configs(tmp_path / "configs", tiny_dataset, retrieval="gold_context")


def test_killed_twice_and_interrupted_once_the_run_resumes_to_identical_scores(tmp_path: Path, configs: Path) -> None:
    reference = Run(tmp_path, configs, tmp_path / "reference_cache", "reference").finish()
    cache = tmp_path / "cache"
    journal = cache / "generations"
    exits = [
        Run(tmp_path, configs, cache, f"killed{i}").stop_after(journal, lines, sig)
        for i, (lines, sig) in enumerate([(2, signal.SIGKILL), (4, signal.SIGKILL), (6, signal.SIGINT)])
    ]
    assert exits == [-signal.SIGKILL, -signal.SIGKILL, 130]
    resumed = Run(tmp_path, configs, cache, "resumed")
    final = resumed.finish()

    qids = journal_qids(journal)
    assert len(qids) == len(set(qids)) == QUESTIONS, f"answered twice or missing: {qids}"
    assert sorted(qids) == sorted(r["qid"] for r in reference)
    assert final == reference
    assert "answers reused from the journal" in resumed.log.read_text()


def test_power_loss_mid_write_and_a_corrupt_cached_split_are_repaired(tmp_path: Path, configs: Path) -> None:
    cache = tmp_path / "cache"
    reference = Run(tmp_path, configs, cache, "first").finish()
    (journal,) = journal_files(cache / "generations")
    data = journal.read_bytes()
    last_line_start = data.rstrip(b"\n").rfind(b"\n") + 1
    journal.write_bytes(data[: last_line_start + (len(data) - last_line_start) // 2])  # the last answer half-written
    (split_dir,) = [p for p in (cache / "splits").iterdir() if p.is_dir()]
    victim = next(p for p in sorted(split_dir.glob("*.jsonl")) if p.stat().st_size > 0)
    garbled = bytearray(victim.read_bytes())
    garbled[random.Random(0).randrange(len(garbled))] ^= 0xFF
    victim.write_bytes(bytes(garbled))

    again = Run(tmp_path, configs, cache, "again")
    assert again.finish() == reference
    log = again.log.read_text()
    assert f"{QUESTIONS - 1} of {QUESTIONS} answers reused from the journal" in log
    assert "splits: building" in log  # the damaged split was detected and rebuilt, not used
    assert verify_checksums(split_dir) == []
    assert len(journal_qids(cache / "generations")) == QUESTIONS
