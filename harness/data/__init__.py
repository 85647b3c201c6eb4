"""Data sets: the JSONL format users bring, importers, and stratified, leak-checked splits."""

from harness.data._folder import SUPPORTED_SUFFIXES, import_folder
from harness.data._given_split import given_splits
from harness.data._import_report import ImportReport
from harness.data._labels import gold_label, label_tokens, normalize_label
from harness.data._leaks import Encode, Leak, check_leaks, find_embedding_leaks, find_leaks
from harness.data._loader import (
    CORPUS_FILE,
    QUESTIONS_FILE,
    load_dataset,
    read_questions_jsonl,
    write_dataset,
    write_questions_jsonl,
)
from harness.data._model import TASK_TYPES, Dataset, Document, Question, SplitName, Splits, TaskType
from harness.data._similarity import NearDuplicateIndex, jaccard, normalize_text, token_set
from harness.data._split_files import load_splits, split_paths, write_splits
from harness.data._splits import SPLIT_NAMES, allocate, build_splits, stratum_of
from harness.data._squad import import_squad2

__all__ = [
    "CORPUS_FILE",
    "QUESTIONS_FILE",
    "SPLIT_NAMES",
    "SUPPORTED_SUFFIXES",
    "TASK_TYPES",
    "Dataset",
    "Document",
    "Encode",
    "ImportReport",
    "Leak",
    "NearDuplicateIndex",
    "Question",
    "SplitName",
    "Splits",
    "TaskType",
    "allocate",
    "build_splits",
    "check_leaks",
    "find_embedding_leaks",
    "find_leaks",
    "given_splits",
    "gold_label",
    "import_folder",
    "import_squad2",
    "jaccard",
    "label_tokens",
    "load_dataset",
    "load_splits",
    "normalize_label",
    "normalize_text",
    "read_questions_jsonl",
    "split_paths",
    "stratum_of",
    "token_set",
    "write_dataset",
    "write_questions_jsonl",
    "write_splits",
]
