"""The evaluation prompts an export is checked on when no data set supplies its own.

Built by the harness's one prompt builder, so they hold exactly what evaluation sends: the system rules, numbered
passages (or none, closed-book), the question, the reminder; the chat template is applied by the model's tokenizer.
The passages mix digits, punctuation, accents and a long word, which is where tokenisers tend to disagree.
"""

from __future__ import annotations

from harness.backends import Message
from harness.prompting import build_messages
from harness.retrieval import Chunk, Passage

__all__ = ["default_conversations"]

_DOCS = (
    ("d1", "Normans", "The Normans (Norman: Nourmands; French: Normands) gave their name to Normandy, a region in "
     "France. In the 10th and 11th centuries they descended from Norse raiders — \"Northmen\" — led by Rollo."),
    ("d2", "Oxygen", "Oxygen is a chemical element with symbol O and atomic number 8; at STP, two atoms bind to form "
     "dioxygen (O2), a colourless gas that makes up 20.95% of Earth's atmosphere."),
    ("d3", "Université de Genève", "The University of Geneva was founded in 1559 by John Calvin as a theological "
     "seminary; today about 19,000 students attend its faculties, antidisestablishmentarianism aside."),
)  # fmt: skip


def _passages(*indices: int) -> list[Passage]:
    return [
        Passage(chunk=Chunk(chunk_id=f"{_DOCS[i][0]}::0", doc_id=_DOCS[i][0], title=_DOCS[i][1], text=_DOCS[i][2]),
                rank=rank, score=1.0 / rank)
        for rank, i in enumerate(indices, start=1)
    ]  # fmt: skip


def default_conversations() -> list[tuple[Message, ...]]:
    """Three prompts: answerable from two passages, unanswerable from the passage shown, and closed-book."""
    return [
        build_messages("In what country is Normandy located?", _passages(0, 1)),
        build_messages("How many students attended the University of Geneva in 1600?", _passages(2)),
        build_messages("What is the atomic number of oxygen?", None),
    ]
