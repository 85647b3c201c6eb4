"""A tiny data set and experiment matrix for reliability runs: 4 documents, 12 questions, every one in the test split.

Written into a test's ``tmp_path`` so runs never touch the shipped fixture, configs or cache.
"""

from __future__ import annotations

import json
from pathlib import Path

TOWNS = ("Avelor", "Brinmoor", "Caldris", "Dunhollow")
EXPORTS = ("copper", "wool", "glass", "amber")


def _document(i: int, town: str) -> dict[str, str]:
    text = (
        f"{town} is a river town founded in the year {1200 + 37 * i}. Its main export is {EXPORTS[i]}, "
        f"carried downstream on flat boats every spring. The town hall of {town} has a clock with {i + 3} bells."
    )
    return {"doc_id": f"doc{i}", "title": f"History of {town}", "text": text}


def _questions(i: int, town: str) -> list[dict[str, object]]:
    def row(n: int, question: str, answers: list[str]) -> dict[str, object]:
        answerable = bool(answers)
        return {
            "qid": f"q{i}-{n}",
            "question": question,
            "answers": answers,
            "answerable": answerable,
            "gold_doc_ids": [f"doc{i}"] if answerable else [],
            "task_type": "grounded" if answerable else "refusal",
        }

    return [
        row(0, f"In what year was {town} founded?", [str(1200 + 37 * i)]),
        row(1, f"What is the main export of {town}?", [EXPORTS[i]]),
        row(2, f"How many people live in {town} today?", []),
    ]


def answer_table() -> dict[str, str]:
    """Question text -> a correct, cited answer (what the fault server says when it behaves)."""
    table: dict[str, str] = {}
    for i, town in enumerate(TOWNS):
        table[f"In what year was {town} founded?"] = f"{1200 + 37 * i} [1]"
        table[f"What is the main export of {town}?"] = f"{EXPORTS[i]} [1]"
    return table


def write_dataset(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    docs = [_document(i, t) for i, t in enumerate(TOWNS)]
    questions = [q for i, t in enumerate(TOWNS) for q in _questions(i, t)]
    (out / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    (out / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions), encoding="utf-8")
    return out


DEFAULTS = """\
size_groups:
  tiny: {label: "embedded", order: 0, baseline: rag_baseline_tiny}
  remote: {label: "fault-injecting server", order: 1, baseline: remote_openai}
defaults:
  model: {provider: llama_cpp, name: embedded, quantization: Q4_1, context_length: 2048}
  retrieval: {mode: faiss, top_k: 2}
  data: {dataset: DATASET, tag: reliability_tiny, ratios: [0.0, 0.0, 1.0]}
  generation: {max_tokens: 24, batch_size: 2}
"""


def write_configs(out: Path, dataset: Path, *, host: str = "http://127.0.0.1:9", retrieval: str = "faiss") -> Path:
    """``defaults.yaml``, ``rag_baseline_tiny`` (embedded model) and ``remote_openai`` / ``remote_ollama``
    (served by ``host``, answering from the gold documents so no embedding model is needed)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "defaults.yaml").write_text(DEFAULTS.replace("DATASET", str(dataset)), encoding="utf-8")
    (out / "rag_baseline_tiny.yaml").write_text(
        f"size_group: tiny\nrole: rag\nretrieval: {{mode: {retrieval}}}\n", encoding="utf-8"
    )
    remote = (
        "size_group: remote\nrole: rag\nretrieval: {mode: gold_context}\n"
        "generation: {max_retries: 3, backoff_s: 0.01, timeout_s: 1.0}\n"
    )
    (out / "remote_openai.yaml").write_text(
        remote + f"model: {{provider: openai, name: fault-model, host: '{host}/v1', api_key_env: OPENAI_API_KEY}}\n",
        encoding="utf-8",
    )
    (out / "remote_ollama.yaml").write_text(
        remote + f"model: {{provider: ollama, name: fault-model, host: '{host}'}}\n", encoding="utf-8"
    )
    return out
