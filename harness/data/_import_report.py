"""What an importer did: the data set it wrote and what it left out, and why."""

from __future__ import annotations

from dataclasses import dataclass

from harness.data._model import Dataset

__all__ = ["ImportReport"]


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    dataset: Dataset  # as loaded back from the written files
    dropped_near_duplicates: int = 0  # questions dropped because an earlier kept one near-duplicates them
    skipped: tuple[str, ...] = ()  # "path: reason; fix: ..." for files that could not be imported

    def summary(self) -> str:
        d = self.dataset
        answerable = sum(q.answerable for q in d.questions)
        lines = [
            f"{d.tag}: {len(d.corpus)} documents, {len(d.questions)} questions "
            f"({answerable} answerable, {len(d.questions) - answerable} unanswerable)"
        ]
        if self.dropped_near_duplicates:
            lines.append(f"dropped {self.dropped_near_duplicates} near-duplicate questions")
        lines += [f"skipped {line}" for line in self.skipped]
        return "\n".join(lines)
