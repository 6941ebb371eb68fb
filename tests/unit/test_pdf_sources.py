"""PDF sources (issue 13, the optional `pdf` extra): text read with pypdf into numbered paragraphs,
and every PDF that cannot be read refused with one line naming it."""

from __future__ import annotations

import json
import sys
import time

import pytest
from minimal_pdf import content, pdf

from maliterm import pdftext

HEAD = "Field Report 2026"

# Two pages: a running header and page number on each, a word hyphenated at a line end, and a
# paragraph that goes on over the page break.
PAGES = [
    content([["The first paragraph runs over two lines, and its", "second line ends here."],
             ["A second para-", "graph with a hyphen broken across lines, and it goes on"]], HEAD, 1),
    content([["over the page break, ending here."], ["Seventh attack (this year): [bold]not markup[/]."]], HEAD, 2),
]
EXPECTED = ["The first paragraph runs over two lines, and its second line ends here.",
            "A second paragraph with a hyphen broken across lines, and it goes on over the page break, ending here.",
            "Seventh attack (this year): [bold]not markup[/]."]


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf(PAGES))
    return path


def test_a_pdf_is_added_as_numbered_paragraphs(runner, small_db, report):
    added = runner("source", "add", report, "--db", small_db)
    assert added.exit_code == 0
    assert " ".join(added.stdout.split()) == (
        f"added source the-first-paragraph-runs-over-two: 3 paragraphs (pdf, 2 pages) from {report}")
    shown = json.loads(runner("source", "show", "the-first-paragraph-runs-over-two", "--json", "--db", small_db).stdout)
    assert shown["text_format"] == "pdf"
    assert [p["text"] for p in shown["paragraphs"]] == EXPECTED  # no header, no page numbers
    assert [p["page"] for p in shown["paragraphs"]] == [1, 1, 2]  # the second starts on page 1, ends on 2
    para = runner("source", "show", "the-first-paragraph-runs-over-two", "--para", "3", "--db", small_db).stdout
    assert para.splitlines()[1:] == ["¶3  p. 2  not cited yet", "Seventh attack (this year): [bold]not markup[/]."]


def test_pages_say_where_each_page_starts():
    texts = ["Head 1\n\nOne.\n\nTwo.\n\n1", "Head 2\n\nThree\n\n2", "Head 3\n\ngoes on.\n\nFour.\n\n3"]
    paras, pages = pdftext.paragraphs(texts)
    assert paras == ["One.", "Two.", "Three goes on.", "Four."]
    assert pages == [1, 3, 4]  # page 3 starts inside paragraph 3: its first own paragraph is 4


def test_a_line_repeated_on_few_pages_is_text_not_a_header():
    texts = ["Summary\n\nAlpha.", "Body one.", "Body two.", "Body three."]
    assert pdftext.paragraphs(texts)[0] == ["Summary", "Alpha.", "Body one.", "Body two.", "Body three."]


def test_control_characters_from_a_pdf_never_reach_the_store(runner, small_db, tmp_path):
    path = tmp_path / "ctl.pdf"
    path.write_bytes(pdf([content([["Clear \x1b[2J screen", "and \x07 bell."]])]))
    runner("source", "add", path, "--db", small_db, "--title", "Controls")
    data = json.loads(small_db.read_text(encoding="utf-8"))
    assert data["sources"]["controls"]["paragraphs"] == ["Clear [2J screen and bell."]


def test_without_pypdf_one_line_says_how_to_install_it(runner, small_db, report, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdf", None)  # what an install without the extra sees
    refused = runner("source", "add", report, "--db", small_db)
    assert refused.exit_code == 1
    assert " ".join(refused.stderr.split()) == (
        f"{report}: is a PDF, and reading PDF needs the optional extra (expected pip install 'maliterm[pdf]' "
        "(the optional pypdf reader))")


@pytest.mark.parametrize("body, says", [
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj trailer << /Root 1 0 R >>\n%%EOF",
     "could not be read as a PDF (PdfReadError"),
    (b"not a pdf at all", "could not be read as a PDF"),
])
def test_a_broken_pdf_is_one_clear_line(runner, small_db, tmp_path, body, says):
    path = tmp_path / "broken.pdf"
    path.write_bytes(body)
    refused = runner("source", "add", path, "--db", small_db)
    assert refused.exit_code == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: {says}")


def test_an_encrypted_pdf_is_refused(runner, small_db, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    refused = runner("source", "add", path, "--db", small_db)
    assert refused.exit_code == 1 and refused.stderr.strip() == (
        f"{path}: is encrypted (expected a PDF that opens without a password)")


def test_a_scanned_pdf_says_it_holds_no_text(runner, small_db, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf([content([])]))
    refused = runner("source", "add", path, "--db", small_db)
    assert refused.exit_code == 1 and "has no paragraphs as pdf (expected a PDF with a text layer" in refused.stderr


def test_a_pdf_over_the_size_limit_is_not_read(runner, small_db, report, monkeypatch):
    monkeypatch.setattr(pdftext, "MAX_BYTES", 100)
    monkeypatch.setattr(pdftext, "_extract", lambda *a: pytest.fail("a file over the limit was read"))
    refused = runner("source", "add", report, "--db", small_db)
    assert refused.exit_code == 1 and f"{report}: is 0 MB (expected a PDF of at most 0 MB)" in refused.stderr


def test_a_pdf_that_never_finishes_is_given_up_on(runner, small_db, report, monkeypatch):
    def loops(path, data):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(pdftext, "_extract", loops)
    monkeypatch.setattr(pdftext, "TIME_LIMIT", 0.2)
    refused = runner("source", "add", report, "--db", small_db)
    assert refused.exit_code == 1 and refused.stderr.strip() == (
        f"{report}: was still being read after 0 s (a damaged or hostile PDF?) "
        "(expected a PDF with a text layer, or its text exported to a .txt file)")
