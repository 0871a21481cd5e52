"""The PDF layout kit (lifelong.core.pdf) the audit packet's transcript is written with."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from lifelong.core.pdf import Column, PdfDocument, clean_text
from tests.licensure.audit_factories import pdf_text


def test_text_beyond_latin_1_comes_back_out_of_the_pdf() -> None:
    document = PdfDocument(title="Test")
    line = "“Ética” — Ñandú\u2019s care, 50 € · ≥ 3 h · Œuvre"

    document.paragraph(line)

    assert line in pdf_text(document.to_bytes())


def test_every_page_has_its_number_out_of_the_total_and_the_footer_note() -> None:
    document = PdfDocument(title="Test", footer_note="Generated on June 15, 2026 by Lifelong")
    document.table(
        [Column("Completed", 1), Column("Activity", 4), Column("Hours", 1, "RIGHT")],
        [["2026-02-10", f"Course number {number}", "3"] for number in range(150)],
    )

    reader = PdfReader(io.BytesIO(document.to_bytes()))

    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert "Generated on June 15, 2026 by Lifelong" in text


def test_a_long_table_repeats_its_headings_on_each_page() -> None:
    document = PdfDocument(title="Test")
    document.table(
        [Column("Completed", 1), Column("Activity", 4)],
        [["2026-02-10", f"Course number {number}"] for number in range(150)],
    )

    reader = PdfReader(io.BytesIO(document.to_bytes()))

    assert all("Completed Activity" in page.extract_text() for page in reader.pages)


def test_long_words_wrap_inside_their_cell_instead_of_being_lost() -> None:
    document = PdfDocument(title="Test")
    address = "https://example.org/" + "segment/" * 30

    document.table([Column("Source", 1), Column("Note", 1)], [[address, "short"]])

    assert address in pdf_text(document.to_bytes()).replace(" ", "")


def test_key_values_keep_each_label_with_its_value() -> None:
    document = PdfDocument(title="Test")

    document.key_values([("License number", "TX-12345"), ("Status", "COMPLIANT")])

    text = pdf_text(document.to_bytes())
    assert "License number TX-12345" in text
    assert "Status COMPLIANT" in text


def test_control_characters_are_dropped_and_newlines_kept() -> None:
    assert clean_text("a\x00b\x07c\r\nd\te") == "abc\nd e"


def test_the_document_records_its_title_author_and_creation_date() -> None:
    created = datetime(2026, 6, 15, 19, 0, tzinfo=UTC)
    document = PdfDocument(title="CE transcript — LPC", author="Olivia Owner", created_at=created)

    metadata = PdfReader(io.BytesIO(document.to_bytes())).metadata

    assert metadata is not None
    assert metadata.title == "CE transcript — LPC"
    assert metadata.author == "Olivia Owner"
    assert metadata.creation_date == created
