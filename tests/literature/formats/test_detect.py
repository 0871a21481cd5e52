"""Formats are recognised by content, never by file name; unknown content is refused with
what it looks like; exports are written in the three formats."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from lifelong.literature.formats import (
    EXPORT_FORMATS,
    Record,
    SourceFormat,
    detect_format,
    export_records,
    parse_bytes,
    parse_file,
)
from tests.literature.formats.data import BIBTEXPARSER, BIOPYTHON, EDGE, JABREF, RISPY

SAMPLES: list[tuple[Path, SourceFormat]] = [
    (BIOPYTHON / "pubmed1.xml", "pubmed-xml"),
    (BIOPYTHON / "pubmed4.xml", "pubmed-xml"),
    (EDGE / "update_file.xml", "pubmed-xml"),
    (BIOPYTHON / "pubmed_result1.txt", "medline"),
    (BIOPYTHON / "pubmed_result2.txt", "medline"),
    (RISPY / "example_basic.ris", "ris"),
    (RISPY / "example_bom.ris", "ris"),
    (RISPY / "example_starting_newlines.ris", "ris"),
    (RISPY / "example_extraneous_data.ris", "ris"),
    (BIBTEXPARSER / "article_start_with_bom.bib", "bibtex"),
    (JABREF / "complex.bib", "bibtex"),
    (JABREF / "jabref-authors.bib", "bibtex"),
    (EDGE / "crossref.json", "csl-json"),
]


@pytest.mark.parametrize(("path", "expected"), SAMPLES, ids=lambda value: str(value)[-30:])
def test_each_sample_is_recognised_by_its_content(path: Path, expected: SourceFormat) -> None:
    assert detect_format(path.read_bytes()[:65536]) == expected


def test_a_misleading_file_name_does_not_matter(tmp_path: Path) -> None:
    disguised = tmp_path / "references.ris"
    shutil.copy(BIOPYTHON / "pubmed_result3.txt", disguised)

    result = parse_file(disguised)

    assert [record.source_format for record in result.records] == ["medline"]


def test_gzip_is_recognised_by_its_magic_bytes(tmp_path: Path) -> None:
    compressed = tmp_path / "export.txt"
    compressed.write_bytes(gzip.compress((RISPY / "example_full.ris").read_bytes()))

    result = parse_file(compressed)

    assert [record.source_format for record in result.records] == ["ris", "ris"]


def test_gzip_content_in_memory_is_read_too() -> None:
    data = gzip.compress((BIOPYTHON / "pubmed_result2.txt").read_bytes())

    result = parse_bytes(data, "upload.gz")

    assert len(result.records) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"%PDF-1.7\n...", "not a supported format"),
        (b"title,year\nA,2001\n", "not a supported format"),
        (b"<html><body>Not found</body></html>", "root element is <html>"),
        (b'<?xml version="1.0"?><!-- c --><eFetchResult><ERROR>x</ERROR>', "<eFetchResult>"),
    ],
)
def test_unknown_content_is_refused_with_what_it_looks_like(content: bytes, message: str) -> None:
    result = parse_bytes(content, "upload")

    assert result.records == []
    assert len(result.problems) == 1
    assert message in result.problems[0].message
    assert result.problems[0].severity == "error"


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = parse_file(tmp_path / "missing.xml")

    assert result.records == []
    assert "cannot read the file" in result.problems[0].message


def test_text_files_over_the_size_limit_are_not_read() -> None:
    data = (RISPY / "example_full.ris").read_bytes()

    result = parse_bytes(data, "big.ris", max_text_bytes=100)

    assert result.records == []
    assert "larger than 100 bytes" in result.problems[0].message


def test_the_pubmed_xml_stream_is_not_limited_by_the_text_size_limit() -> None:
    data = (BIOPYTHON / "pubmed4.xml").read_bytes()

    result = parse_bytes(data, "pubmed4.xml", max_text_bytes=100)

    assert len(result.records) == 1


def sample_records() -> list[Record]:
    return (
        parse_file(EDGE / "update_file.xml").records + parse_file(BIOPYTHON / "pubmed4.xml").records
    )


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_exports_are_recognised_and_read_back(export_format: str) -> None:
    records = sample_records()

    text = export_records(records, export_format)  # type: ignore[arg-type]
    result = parse_bytes(text.encode("utf-8"), f"export.{export_format}")

    assert detect_format(text.encode("utf-8")) == export_format
    assert result.errors == []
    assert [record.title for record in result.records] == [record.title for record in records]
    assert [record.pmid for record in result.records] == [record.pmid for record in records]
    assert [record.doi for record in result.records] == [record.doi for record in records]


def test_an_unknown_export_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format 'endnote'"):
        export_records([], "endnote")  # type: ignore[arg-type]


def test_exporting_nothing_gives_an_empty_file_or_list() -> None:
    assert export_records([], "ris") == ""
    assert export_records([], "bibtex") == ""
    assert export_records([], "csl-json") == "[]\n"
