"""Drive ``resume_worker.py`` processes for the kill-and-resume tests: start, signal mid-run, collect records."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

WORKER = Path(__file__).with_name("resume_worker.py")
ROOT = WORKER.parents[2]
CONDITION = "rag_baseline_tiny"
QUESTIONS = 8


class Run:
    """One worker process answering ``condition`` with ``cache``; its stdout goes to a log file."""

    started: ClassVar[list[subprocess.Popen[bytes]]] = []  # every worker, so a failed test leaves none running

    def __init__(self, tmp: Path, configs: Path, cache: Path, tag: str, condition: str = CONDITION) -> None:
        self.out, self.log = tmp / f"{tag}.json", tmp / f"{tag}.log"
        args = [str(configs), str(cache), str(tmp / "reports"), tag, condition, str(self.out), str(QUESTIONS)]
        # The script's folder, not the checkout, heads the worker's sys.path: name the checkout, or an editable install
        # of another checkout (a git worktree's main tree) would be the harness under test.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(WORKER), *args], stdout=log, stderr=subprocess.STDOUT, env=env
            )
        Run.started.append(self.proc)

    @classmethod
    def stop_all(cls) -> None:
        for proc in cls.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        cls.started.clear()

    def finish(self, timeout_s: float = 300) -> list[dict[str, Any]]:
        code = self.proc.wait(timeout=timeout_s)
        assert code == 0, f"worker exited with {code}:\n{self.log.read_text()[-3000:]}"
        records: list[dict[str, Any]] = json.loads(self.out.read_text(encoding="utf-8"))
        return records

    def stop_after(self, journal_dir: Path, lines: int, sig: signal.Signals, timeout_s: float = 300) -> int:
        """Send ``sig`` once the journal holds ``lines`` answers; the worker's exit code."""
        end = time.monotonic() + timeout_s
        while journal_lines(journal_dir) < lines:
            assert self.proc.poll() is None, f"worker ended early:\n{self.log.read_text()[-3000:]}"
            assert time.monotonic() < end, "the journal did not grow"
            time.sleep(0.02)
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=120)


def journal_files(journal_dir: Path) -> list[Path]:
    return sorted(journal_dir.glob("*.jsonl")) if journal_dir.is_dir() else []


def journal_lines(journal_dir: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in journal_files(journal_dir))


def journal_qids(journal_dir: Path) -> list[str]:
    (path,) = journal_files(journal_dir)
    return [json.loads(line)["generation"]["qid"] for line in path.read_text(encoding="utf-8").splitlines()]


def append_records(path: str, writer: str, count: int, size: int) -> None:
    """Append ``count`` records of about ``size`` bytes to the journal at ``path`` (a concurrent writer)."""
    from harness.cache import JsonlJournal

    journal = JsonlJournal(Path(path))
    for n in range(count):
        journal.append({"writer": writer, "n": n, "payload": writer[0] * size})
