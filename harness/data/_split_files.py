"""Split files: ``<tag>_{train,val,test}.jsonl`` plus ``<tag>_split_seed.json`` recording how they were made."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.data._jsonl import read_bytes, write_bytes
from harness.data._loader import read_questions_jsonl, write_questions_jsonl
from harness.data._model import Dataset, Question, Splits
from harness.data._splits import SPLIT_NAMES, stratum_of
from harness.errors import DataError

__all__ = ["load_splits", "split_paths", "write_splits"]

FORMAT_VERSION = 1


def split_paths(out_dir: str | Path, tag: str) -> dict[str, Path]:
    """Where each split file of ``tag`` lives; the key ``seed`` names the record."""
    if not tag or "/" in tag or "\\" in tag or "\0" in tag:
        raise DataError(f"tag={tag!r} would name files outside {out_dir}; fix: use a plain name such as my_data")
    out = Path(out_dir)
    return {**{name: out / f"{tag}_{name}.jsonl" for name in SPLIT_NAMES}, "seed": out / f"{tag}_split_seed.json"}


def write_splits(splits: Splits, out_dir: str | Path) -> list[Path]:
    """Write the three question files and the seed record; returns their paths (record last)."""
    paths = split_paths(out_dir, splits.dataset.tag)
    written = [write_questions_jsonl(paths[name], _parts(splits)[name]) for name in SPLIT_NAMES]
    record = json.dumps(_record(splits), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return [*written, write_bytes(paths["seed"], record.encode("utf-8"))]


def load_splits(split_dir: str | Path, tag: str, *, dataset: Dataset | None = None) -> Splits:
    """Read splits back. With ``dataset`` its hash is checked and its questions reused; without, the
    returned ``Splits.dataset`` has the split questions and the recorded hash but no corpus."""
    paths = split_paths(split_dir, tag)
    record = _read_record(paths["seed"])
    parts: dict[str, tuple[Question, ...]] = {name: read_questions_jsonl(paths[name]) for name in SPLIT_NAMES}
    base = _bound_dataset(dataset, record, paths["seed"]) if dataset else _bare_dataset(tag, record, parts)
    parts = {name: _rebind(base, questions, paths[name]) for name, questions in parts.items()}
    return Splits(
        dataset=base,
        seed=record["seed"],
        train=parts["train"],
        val=parts["val"],
        test=parts["test"],
        ratios=record["ratios"],
    )


def _parts(splits: Splits) -> dict[str, tuple[Question, ...]]:
    return {"train": splits.train, "val": splits.val, "test": splits.test}


def _record(splits: Splits) -> dict[str, Any]:
    parts = _parts(splits)
    return {
        "format_version": FORMAT_VERSION,
        "tag": splits.dataset.tag,
        "seed": splits.seed,
        "ratios": list(splits.ratios),
        "dataset_content_hash": splits.dataset.content_hash,
        "counts": {name: len(parts[name]) for name in SPLIT_NAMES},
        "strata": _strata_counts(parts),
    }


def _strata_counts(parts: Mapping[str, Sequence[Question]]) -> list[dict[str, object]]:
    counts = {name: Counter(stratum_of(q) for q in questions) for name, questions in parts.items()}
    keys = sorted(set().union(*counts.values()))
    return [
        {"gold_doc_id": doc, "task_type": task, **{name: counts[name][(doc, task)] for name in SPLIT_NAMES}}
        for doc, task in keys
    ]


def _read_record(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(read_bytes(path).decode("utf-8"))
        ratios = tuple(float(r) for r in record["ratios"])
        if len(ratios) != len(SPLIT_NAMES) or not isinstance(record["seed"], int):
            raise ValueError("wrong shape")
        return {**record, "ratios": ratios}
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path}: not a valid split record ({exc}); fix: rebuild it with `harness split`") from None


def _bound_dataset(dataset: Dataset, record: Mapping[str, Any], path: Path) -> Dataset:
    if record.get("dataset_content_hash") != dataset.content_hash:
        raise DataError(
            f"{path}: dataset_content_hash={record.get('dataset_content_hash')!r} does not match the "
            f"data set {dataset.tag!r} ({dataset.content_hash}); the data changed since the split was "
            "made; fix: rebuild the splits with `harness split`"
        )
    return dataset


def _bare_dataset(tag: str, record: Mapping[str, Any], parts: Mapping[str, tuple[Question, ...]]) -> Dataset:
    questions = tuple(q for name in SPLIT_NAMES for q in parts[name])
    return Dataset(tag=tag, corpus=(), questions=questions, content_hash=str(record.get("dataset_content_hash", "")))


def _rebind(dataset: Dataset, questions: tuple[Question, ...], path: Path) -> tuple[Question, ...]:
    """The data set's own Question objects for the qids in a split file (the split file only names them)."""
    by_qid = {q.qid: q for q in dataset.questions}
    missing = [q.qid for q in questions if q.qid not in by_qid]
    if missing:
        raise DataError(
            f"{path}: qid={missing[0]!r} (and {len(missing) - 1} more) not in data set "
            f"{dataset.tag!r}; fix: rebuild the splits with `harness split`"
        )
    return tuple(by_qid[q.qid] for q in questions)
