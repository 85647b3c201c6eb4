"""The SQuAD 2.0 and folder importers, run on small inputs written into tmp_path."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from harness.data import import_folder, import_squad2, load_dataset
from harness.errors import DataError


def qa(qid: str, text: str, answers: Sequence[str] = (), plausible: Sequence[str] = ()) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": qid,
        "question": text,
        "answers": [{"text": a, "answer_start": 0} for a in answers],
        "is_impossible": not answers,
    }
    if plausible:
        row["plausible_answers"] = [{"text": a, "answer_start": 0} for a in plausible]
    return row


ARTICLES = [
    {
        "title": "Solar_System",
        "paragraphs": [
            {
                "context": "The Sun is a star. Jupiter is the largest planet.",
                "qas": [
                    qa("s1", "What is the largest planet?", ["Jupiter", "Jupiter", "jupiter"]),
                    qa("s2", "What is the smallest planet?", plausible=["Jupiter"]),
                    qa("s3", "What is the largest planet??"),  # a near-copy of s1: dropped
                ],
            },
            {"context": "Mars is red.", "qas": [qa("s4", "Which planet is red?", ["Mars"])]},
        ],
    },
    {
        "title": "Rivers",
        "paragraphs": [
            {
                "context": "The Nile flows north.",
                "qas": [
                    qa("r1", "Which way does the Nile flow?", ["north"]),
                    qa("r2", "Which way does the Amazon flow?"),
                ],
            },
        ],
    },
]


def squad_file(tmp_path: Path, articles: list[Any] | None = None) -> Path:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps({"version": "v2.0", "data": ARTICLES if articles is None else articles}), "utf-8")
    return path


def test_squad_documents_questions_and_dedupe(tmp_path: Path) -> None:
    report = import_squad2(squad_file(tmp_path), tmp_path / "out")
    ds = report.dataset
    assert [d.doc_id for d in ds.corpus] == ["Solar_System#0", "Solar_System#1", "Rivers#0"]
    assert ds.corpus[0].title == "Solar System" and ds.corpus[0].text.startswith("The Sun")
    assert [q.qid for q in ds.questions] == ["s1", "s2", "s4", "r1", "r2"]
    assert report.dropped_near_duplicates == 1 and "dropped 1 near-duplicate" in report.summary()
    s1, s2 = ds.questions[0], ds.questions[1]
    assert (s1.answers, s1.answerable, s1.task_type, s1.gold_doc_ids) == (
        ("Jupiter", "jupiter"),
        True,
        "grounded",
        ("Solar_System#0",),
    )
    assert (s2.answers, s2.answerable, s2.task_type, s2.gold_doc_ids) == ((), False, "refusal", ("Solar_System#0",))
    assert s2.metadata == {"plausible_answers": ["Jupiter"]}
    assert load_dataset(tmp_path / "out") == ds


def test_squad_dedupe_can_be_turned_off(tmp_path: Path) -> None:
    report = import_squad2(squad_file(tmp_path), tmp_path / "out", dedupe_threshold=None)
    assert len(report.dataset.questions) == 6 and report.dropped_near_duplicates == 0


def test_squad_titles_and_max_questions(tmp_path: Path) -> None:
    rivers = import_squad2(squad_file(tmp_path), tmp_path / "a", titles=["Rivers"]).dataset
    assert [d.doc_id for d in rivers.corpus] == ["Rivers#0"] and len(rivers.questions) == 2
    capped = import_squad2(squad_file(tmp_path), tmp_path / "b", max_questions=2)
    assert [q.qid for q in capped.dataset.questions] == ["s1", "s2"]
    assert [d.doc_id for d in capped.dataset.corpus] == ["Solar_System#0"]  # the corpus stops where the cap hit
    assert capped.dropped_near_duplicates == 0  # s3 was never reached


def test_squad_unknown_title_suggests(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"titles=\['River'\] not in the file; fix: did you mean 'Rivers'\?"):
        import_squad2(squad_file(tmp_path), tmp_path / "out", titles=["River"])


def test_squad_structure_errors_are_all_listed(tmp_path: Path) -> None:
    broken = [
        {"title": "A", "paragraphs": [{"qas": []}, {"context": "c", "qas": [{"id": 5, "question": "q?"}]}]},
        {"paragraphs": []},
    ]
    with pytest.raises(DataError) as info:
        import_squad2(squad_file(tmp_path, broken), tmp_path / "out")
    message = str(info.value)
    assert "data[0].paragraphs[0].context=<missing> is required" in message
    assert "data[0].paragraphs[1].qas[0].id=5 must be a str" in message
    assert "data[1].title=<missing> is required" in message and message.count("; fix: ") == 3


def test_squad_not_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(DataError, match="not a SQuAD JSON file"):
        import_squad2(path, tmp_path / "out")


def minimal_pdf(text: str, title: str) -> bytes:
    """A valid one-page PDF showing ``text`` in Helvetica, with a correct cross-reference table."""
    stream = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (%s) >>" % title.encode(),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_folder(root: Path) -> Path:
    (root / "notes").mkdir(parents=True)
    (root / "a.txt").write_text("Plain text about rivers.\n", encoding="utf-8")
    (root / "notes" / "b.md").write_text("# Mars notes\n\nMars is red.\n", encoding="utf-8")
    (root / "c.pdf").write_bytes(minimal_pdf("Jupiter is the largest planet", "Planets"))
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf")
    (root / "latin1.txt").write_bytes(b"caf\xe9\n")
    (root / "empty.md").write_text("   \n", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / ".hidden.txt").write_text("secret", encoding="utf-8")
    return root


def test_folder_imports_readable_files_and_reports_the_rest(tmp_path: Path) -> None:
    report = import_folder(make_folder(tmp_path / "docs"), tmp_path / "out")
    docs = {d.doc_id: d for d in report.dataset.corpus}
    assert sorted(docs) == ["a.txt", "c.pdf", "notes/b.md"]
    assert docs["a.txt"].title == "a" and docs["notes/b.md"].title == "Mars notes"
    assert docs["c.pdf"].title == "Planets" and "Jupiter is the largest planet" in docs["c.pdf"].text
    assert docs["c.pdf"].metadata == {"source_path": "c.pdf", "format": "pdf", "pages": 1}
    assert report.dataset.questions == () and (tmp_path / "out" / "questions.jsonl").read_bytes() == b""
    skipped = "\n".join(report.skipped)
    assert len(report.skipped) == 4 and "hidden" not in skipped
    for name, reason in [
        ("broken.pdf", "is not a readable PDF"),
        ("latin1.txt", "is not valid UTF-8"),
        ("empty.md", "has no text"),
        ("image.png", "is not one of .txt"),
    ]:
        assert f"{name}: {reason}" in skipped
    assert all("; fix: " in line for line in report.skipped)


def test_folder_with_nothing_readable(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "x.txt").write_bytes(b"\xff")
    with pytest.raises(DataError, match=r"no readable \.txt/\.md/\.pdf files.*\n.*x\.txt: is not valid UTF-8"):
        import_folder(tmp_path / "docs", tmp_path / "out")


def test_folder_skips_its_own_output(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    import_folder(tmp_path, tmp_path / "out")
    (tmp_path / "out" / "stale.txt").write_text("should not become a document", encoding="utf-8")
    assert [d.doc_id for d in import_folder(tmp_path, tmp_path / "out").dataset.corpus] == ["a.txt"]
