"""The SQuAD 2.0 and folder importers, run on small inputs written into tmp_path."""

from __future__ import annotations

import io
import json
import re
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


def minimal_pdf(pages: Sequence[str], title: str | None) -> bytes:
    """A valid PDF with one page per text (in Helvetica; "" is a blank page), with a correct cross-reference
    table; ``title`` goes into its document information, and None leaves that dictionary out."""
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        stream = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode() if text else b""
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    info = b""
    if title is not None:
        objects.append(b"<< /Title (%s) >>" % title.encode())
        info = b" /Info %d 0 R" % len(objects)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(out)


def make_folder(root: Path) -> Path:
    (root / "notes").mkdir(parents=True)
    (root / "a.txt").write_text("Plain text about rivers.\n", encoding="utf-8")
    (root / "notes" / "b.md").write_text("# Mars notes\n\nMars is red.\n", encoding="utf-8")
    (root / "c.pdf").write_bytes(minimal_pdf(["Jupiter is the largest planet"], "Planets"))
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


def test_folder_text_formats_titles_and_metadata(tmp_path: Path) -> None:
    docs_dir = tmp_path / "docs"
    docs_dir.mkdir()
    (docs_dir / "a.txt").write_text("# Not a title in plain text\n", encoding="utf-8")
    (docs_dir / "b.md").write_text("Intro without a heading.\n\n# Later heading\n", encoding="utf-8")
    (docs_dir / "C.MD").write_text("\n# Shouting\n", encoding="utf-8")
    docs = {d.doc_id: d for d in import_folder(docs_dir, tmp_path / "out").dataset.corpus}
    assert {k: (d.title, dict(d.metadata)) for k, d in docs.items()} == {
        "C.MD": ("Shouting", {"source_path": "C.MD", "format": "md"}),
        "a.txt": ("a", {"source_path": "a.txt", "format": "txt"}),
        "b.md": ("b", {"source_path": "b.md", "format": "md"}),
    }


def test_folder_pdf_pages_are_joined_and_a_missing_title_falls_back_to_the_name(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "two.pdf").write_bytes(minimal_pdf(["Jupiter is the largest planet", ""], None))
    [doc] = import_folder(tmp_path / "docs", tmp_path / "out").dataset.corpus
    assert (doc.title, doc.text) == ("two", "Jupiter is the largest planet\n\n")
    assert doc.metadata == {"source_path": "two.pdf", "format": "pdf", "pages": 2}


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-40")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_folder_skip_reasons_are_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("Readable.", encoding="utf-8")
    (root / "empty.md").write_text("\n \n", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / "locked.pdf").write_bytes(encrypted_pdf())
    (root / "secret.txt").write_text("unreadable", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = import_folder(root, tmp_path / "out")
    assert report.skipped == (
        f"{root}/empty.md: has no text; fix: add text, or OCR a scanned PDF first",
        f"{root}/image.png: is not one of .txt, .md, .markdown, .pdf; fix: convert it, or ignore this line",
        f"{root}/locked.pdf: is encrypted; fix: save a decrypted copy",
        f"{root}/secret.txt: cannot be read (Permission denied); fix: check its permissions",
    )
    assert report.summary() == "\n".join(
        ["out: 1 documents, 0 questions (0 answerable, 0 unanswerable)", *(f"skipped {s}" for s in report.skipped)]
    )


def test_folder_broken_pdf_names_the_pdf_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Readable.", encoding="utf-8")
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf")
    [skipped] = import_folder(tmp_path / "docs", tmp_path / "out").skipped
    assert re.fullmatch(
        r".*/broken\.pdf: is not a readable PDF \(Pdf\w*Error: .+\); fix: re-export or repair it", skipped
    )


def test_folder_with_nothing_readable_lists_every_file(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "x.txt").write_bytes(b"ok \xff")
    (root / "y.png").write_bytes(b"\x89PNG")
    with pytest.raises(DataError) as info:
        import_folder(root, tmp_path / "out")
    assert str(info.value) == (
        f"{root}: no readable .txt/.md/.pdf files, so the corpus would be empty; fix: add some\n"
        f"  {root}/x.txt: is not valid UTF-8 (byte 3); fix: re-save it as UTF-8\n"
        f"  {root}/y.png: is not one of .txt, .md, .markdown, .pdf; fix: convert it, or ignore this line"
    )


def test_folder_that_is_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        import_folder(tmp_path / "nope", tmp_path / "out")
    assert str(info.value) == f"{tmp_path}/nope: not a directory; fix: pass the folder holding your .txt/.md/.pdf files"


def test_squad_document_metadata_and_no_empty_plausible_answers(tmp_path: Path) -> None:
    ds = import_squad2(squad_file(tmp_path), tmp_path / "out").dataset
    assert ds.corpus[1].metadata == {"source": "squad2", "article": "Solar_System", "paragraph": 1}
    assert ds.questions[0].metadata == {}  # s1 has no plausible answers: no key at all


def test_squad_impossible_question_keeps_no_answers(tmp_path: Path) -> None:
    odd = {**qa("q1", "Who?", ["Me"]), "is_impossible": True}  # a listed answer, yet marked impossible
    path = squad_file(tmp_path, [{"title": "T", "paragraphs": [{"context": "Me.", "qas": [odd]}]}])
    [q] = import_squad2(path, tmp_path / "out").dataset.questions
    assert (q.answers, q.answerable, q.task_type) == ((), False, "refusal")


TRAILING = [
    {
        "title": "A",
        "paragraphs": [
            {"context": "One.", "qas": [qa("a1", "What is the first number?", ["One"])]},
            {"context": "Two.", "qas": [qa("a2", "What is the first number??")]},  # a near-copy of a1: dropped
            {"context": "Three.", "qas": []},
        ],
    }
]


@pytest.mark.parametrize("max_questions", [None, 5], ids=["no-cap", "cap-not-reached"])
def test_squad_without_reaching_the_cap_keeps_every_paragraph(tmp_path: Path, max_questions: int | None) -> None:
    report = import_squad2(squad_file(tmp_path, TRAILING), tmp_path / "out", max_questions=max_questions)
    assert [d.doc_id for d in report.dataset.corpus] == ["A#0", "A#1", "A#2"]
    assert [q.qid for q in report.dataset.questions] == ["a1"] and report.dropped_near_duplicates == 1


def test_squad_cap_counts_the_dropped_questions_before_it(tmp_path: Path) -> None:
    report = import_squad2(squad_file(tmp_path), tmp_path / "out", max_questions=3)
    assert [q.qid for q in report.dataset.questions] == ["s1", "s2", "s4"]
    assert [d.doc_id for d in report.dataset.corpus] == ["Solar_System#0", "Solar_System#1"]
    assert report.dropped_near_duplicates == 1  # s3; r1 and r2 were never reached


def test_squad_titles_may_use_spaces(tmp_path: Path) -> None:
    ds = import_squad2(squad_file(tmp_path), tmp_path / "out", titles=["Solar System"]).dataset
    assert [d.doc_id for d in ds.corpus] == ["Solar_System#0", "Solar_System#1"]


def test_squad_unknown_title_without_a_close_one_lists_the_titles(tmp_path: Path) -> None:
    path = squad_file(tmp_path)
    with pytest.raises(DataError) as info:
        import_squad2(path, tmp_path / "out", titles=["Rivers", "Zebra"])
    assert str(info.value) == f"{path}: titles=['Zebra'] not in the file; fix: available: Rivers, Solar_System"


@pytest.mark.parametrize("title", ["None", "XXXX"])
def test_squad_untitled_article_is_never_offered_as_a_title(tmp_path: Path, title: str) -> None:
    path = squad_file(tmp_path, [{"paragraphs": []}, *ARTICLES])
    with pytest.raises(DataError) as info:
        import_squad2(path, tmp_path / "out", titles=[title])
    message = str(info.value)
    assert f"titles=[{title!r}] not in the file" in message
    assert [t for t in message.split("available: ")[1].split(", ") if t] == ["Rivers", "Solar_System"]


FIX_SOURCE = "fix: pass the official train/dev-v2.0.json"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{nope", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (b"[" * 100_000, "nested too deeply"),
        (b"\xff", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    ],
    ids=["not-json", "nested", "not-utf8"],
)
def test_squad_file_that_is_not_json(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        import_squad2(path, tmp_path / "out")
    assert str(info.value) == f"{path}: not a SQuAD JSON file ({reason}); {FIX_SOURCE}"


@pytest.mark.parametrize("top", [[], {"version": "v2.0"}, {"data": {}}], ids=["list", "no-data", "data-not-list"])
def test_squad_json_without_a_data_list(tmp_path: Path, top: object) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(top), encoding="utf-8")
    with pytest.raises(DataError) as info:
        import_squad2(path, tmp_path / "out")
    assert str(info.value) == (
        f'{path}: data=<missing> is required at the top level; fix: pass a SQuAD file ({{"data": [...]}})'
    )


def article(paragraph: object) -> list[Any]:
    return [{"title": "T", "paragraphs": [paragraph]}]


def one_qa(**changes: Any) -> list[Any]:
    return article({"context": "c", "qas": [{**qa("q1", "Who?", ["Me"]), **changes}]})


QA = "data[0].paragraphs[0].qas[0]"
# (articles, the one problem line they give, after "<file>: " and before "; fix: ...")
SQUAD_PROBLEMS = [
    ([{"title": "T"}], "data[0].paragraphs=<missing> is required"),
    ([{"title": "T", "paragraphs": "p"}], 'data[0].paragraphs="p" must be a list'),
    ([{"title": 3, "paragraphs": []}], "data[0].title=3 must be a str"),
    (article("p"), "data[0].paragraphs[0].context=<missing> is required"),
    (article({"context": "c", "qas": 5}), "data[0].paragraphs[0].qas=5 must be a list"),
    (article({"context": "c", "qas": [{"question": "Who?"}]}), f"{QA}.id=<missing> is required"),
    (one_qa(question=None), f"{QA}.question=null must be a str"),
    (article({"context": "c", "qas": [{"id": "q1", "answers": []}]}), f"{QA}.question=<missing> is required"),
    (one_qa(is_impossible="no"), f'{QA}.is_impossible="no" must be a bool'),
    (one_qa(answers="Me"), f'{QA}.answers="Me" must be a list'),
    (one_qa(plausible_answers="Me"), f'{QA}.plausible_answers="Me" must be a list'),
    (one_qa(answers=["Me"]), f'{QA}.answers=["Me"] must be a list of {{"text": ...}} objects'),
    (one_qa(answers=[{"text": 1}]), f'{QA}.answers=[{{"text": 1}}] must be a list of {{"text": ...}} objects'),
]


@pytest.mark.parametrize(
    ("articles", "line"), SQUAD_PROBLEMS, ids=[re.sub(r"\W+", "-", case[1]).strip("-") for case in SQUAD_PROBLEMS]
)
def test_squad_structure_problem_is_exactly_path_field_reason_fix(
    tmp_path: Path, articles: list[Any], line: str
) -> None:
    path = squad_file(tmp_path, articles)
    with pytest.raises(DataError) as info:
        import_squad2(path, tmp_path / "out")
    assert str(info.value).splitlines() == [
        f"{path}: not a valid SQuAD file (1 problem):",
        f"  {path}: {line}; fix: repair the source file, or re-download the official SQuAD JSON",
    ]


@pytest.mark.parametrize("max_questions", [0, -1])
def test_squad_cap_below_one_is_refused(tmp_path: Path, max_questions: int) -> None:
    with pytest.raises(DataError) as info:
        import_squad2(squad_file(tmp_path), tmp_path / "out", max_questions=max_questions)
    assert str(info.value) == (
        f"max_questions={max_questions} must be at least 1; fix: leave it out to import every question"
    )
    assert not (tmp_path / "out").exists()


def test_squad_cap_of_one_keeps_the_first_question(tmp_path: Path) -> None:
    report = import_squad2(squad_file(tmp_path), tmp_path / "out", max_questions=1)
    assert [q.qid for q in report.dataset.questions] == ["s1"]
    assert [d.doc_id for d in report.dataset.corpus] == ["Solar_System#0"]
