"""The shipped fixture: big enough for a ~300-question test split, attributed, and reproducible."""

from __future__ import annotations

import re
from pathlib import Path

from harness.cli import main
from harness.config import DataConfig
from harness.data import Dataset, build_splits, check_leaks


def test_test_split_size_and_mix(fixture_dataset: Dataset) -> None:
    cfg = DataConfig()
    splits = build_splits(fixture_dataset, cfg)
    assert 250 <= len(splits.test) <= 350
    assert {q.answerable for q in splits.test} == {True, False}
    assert {q.task_type for q in fixture_dataset.questions} == {"grounded", "refusal"}
    check_leaks(splits, cfg.leak_check.jaccard)


def test_licence_and_attribution(fixture_dir: Path) -> None:
    licence = (fixture_dir / "LICENSE").read_text(encoding="utf-8")
    readme = (fixture_dir / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in licence and "Rajpurkar" in licence and "The MIT License" in licence
    assert "Rajpurkar, Robin Jia and Percy Liang (2018)" in readme and "CC BY-SA 4.0" in readme


def test_readme_stats_match_the_data(fixture_dir: Path, fixture_dataset: Dataset) -> None:
    readme = (fixture_dir / "README.md").read_text(encoding="utf-8")
    answerable = sum(q.answerable for q in fixture_dataset.questions)
    expected = (
        f"{len(fixture_dataset.corpus)} Wikipedia paragraphs (documents) and\n"
        f"{len(fixture_dataset.questions):,} questions, {answerable:,} answerable"
    )
    assert expected in readme


def test_readme_command_reproduces_the_fixture_byte_for_byte(
    squad_source: Path, fixture_dir: Path, tmp_path: Path
) -> None:
    readme = (fixture_dir / "README.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^harness import squad2 .*$", readme, flags=re.MULTILINE)
    argv = command.split()[1:]
    assert argv[2:4] == ["../shared/data/squad2-dev/dev-v2.0.json", "fixtures/squad2_tiny"]
    argv[2:4] = [str(squad_source), str(tmp_path)]
    assert main(argv) == 0
    for name in ("corpus.jsonl", "questions.jsonl"):
        assert (tmp_path / name).read_bytes() == (fixture_dir / name).read_bytes(), name
