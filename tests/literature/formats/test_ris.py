"""RIS: rispy's test files (BOM, unknown tags, multi-line values, URLs, extraneous lines)
and unclosed records."""

from __future__ import annotations

from pathlib import Path

from lifelong.literature.formats import Problem, Record, parse_bytes, parse_file, parse_ris
from tests.literature.formats.data import EDGE, RISPY


def read(name: str) -> list[Record]:
    result = parse_file(RISPY / name)
    assert result.errors == []
    return result.records


def test_a_basic_record() -> None:
    (record,) = read("example_basic.ris")

    assert record.title == "A Mathematical Theory of Communication"
    assert record.source_format == "ris"
    assert record.publication_types == ("Journal Article",)
    assert [(author.family, author.given) for author in record.authors] == [
        ("Shannon", "Claude E.")
    ]
    assert record.published is not None
    assert record.published.iso == "1948-07"
    assert record.journal.title == "Bell System Technical Journal"
    assert (record.journal.volume, record.journal.pages) == ("27", "379-423")


def test_a_byte_order_mark_before_the_first_tag_is_ignored() -> None:
    (record,) = read("example_bom.ris")

    assert record.doi == "10.1186/s40981-020-0316-0"


def test_a_bom_and_cyrillic_text_with_a_non_standard_type() -> None:
    (record,) = read("example_utf_chars.ris")

    assert record.title.startswith("Состояние рецепторного аппарата эндометрия")
    assert record.publication_types == ("Journal Article",)
    assert record.journal.title == "Gynecology, Obstetrics and Perinatology"
    assert record.abstract[0].text.endswith(
        "in endometrial hyperplasia in the late reproductive period"
    )
    assert [author.family for author in record.authors][:2] == ["Dobrokhotova", "Yusupova"]


def test_unknown_tags_are_ignored_and_known_ones_kept() -> None:
    (single,) = read("example_single_unknown_tag.ris")
    (multi,) = read("example_multi_unknown_tags.ris")

    assert single.title == multi.title == "A Mathematical Theory of Communication"
    assert multi.journal.pages == "423"


def test_an_empty_tag_a_doi_url_and_a_starred_keyword() -> None:
    (record,) = read("example_empty_tag.ris")

    assert record.doi == "10.1177/2325967120950040"
    assert record.journal.pages is None
    assert record.journal.issn == "2325-9671"
    assert record.keywords[0] == "athlete"
    assert [(author.family, author.initials) for author in record.authors] == [("Fanning", "E")]
    assert record.abstract[0].text.startswith("Background: Athletic endeavor")
    assert record.abstract[0].text.endswith("safe return to sport...")


def test_multi_line_values_with_indented_and_unindented_continuations() -> None:
    text = (
        (RISPY / "example_multiline.ris")
        .read_text(encoding="utf-8")
        .replace("TY  - JOUR\n", "TY  - JOUR\nTI  - A title\n")
    )

    result = parse_ris(text, "multiline.ris")

    assert result.problems == []
    abstracts = [record.abstract[0].text for record in result.records]
    expected = "first line, ER then second line and at the end the last line"
    assert abstracts == [expected, expected, expected]


def test_records_without_a_title_or_identifier_are_skipped_with_a_warning() -> None:
    result = parse_file(RISPY / "example_multiline.ris")

    assert result.records == []
    assert [problem.severity for problem in result.problems] == ["warning"] * 3
    assert [problem.line for problem in result.problems] == [1, 8, 17]


def test_extraneous_header_and_number_lines_are_ignored() -> None:
    records = read("example_extraneous_data.ris")

    assert [record.title for record in records] == [
        "Title of reference",
        "The title of the reference",
    ]
    assert [section.label for section in records[0].abstract] == [
        "BACKGROUND",
        "RESULTS",
        "CONCLUSIONS",
    ]
    journal = records[0].journal
    assert (journal.title, journal.iso_abbreviation, journal.issn) == (
        "Lorem",
        "lorem",
        "1932-6208",
    )
    assert (journal.volume, journal.issue, journal.pages) == ("9", "3", "e0815")
    assert records[0].url == "http://example_url.com"
    assert records[0].keywords == ("Pippi", "Nordwind", "Piraten")


def test_urls_single_repeated_and_separated_by_semicolons() -> None:
    records = read("example_urls.ris")

    assert [record.url for record in records] == ["http://example.com"] * 4


def test_full_files_with_and_without_trailing_whitespace_read_the_same() -> None:
    assert read("example_full.ris") == read("example_full_without_whitespace.ris")


def test_unclosed_records_are_read_and_reported() -> None:
    name = str(EDGE / "unclosed.ris")

    result = parse_file(EDGE / "unclosed.ris")

    assert [record.title for record in result.records] == [
        "First record, never closed",
        "Second record",
        "Third record, cut at the end of the file",
    ]
    assert result.problems == [
        Problem(
            name,
            1,
            "the record starting here has no 'ER  -' line before line 4: read up to there",
        ),
        Problem(name, 9, "the last record is not closed by an 'ER  -' line"),
    ]
    assert result.records[2].publication_types == ("Book",)


def test_a_web_of_science_export_is_not_taken_for_ris() -> None:
    result = parse_file(RISPY / "example_wos.ris")

    assert result.records == []
    assert "Web of Science" in result.problems[0].message
    assert result.problems[0].severity == "error"


def test_pubmed_ids_and_publication_types_from_a_lifelong_export() -> None:
    text = (
        "TY  - JOUR\nTI  - A trial\nAN  - 31000001\nDB  - PubMed\nC2  - PMC9000001\n"
        "M3  - Randomized Controlled Trial; Journal Article\nER  - \n"
    )

    (record,) = parse_ris(text).records

    assert record.pmid == "31000001"
    assert record.pmcid == "PMC9000001"
    assert record.publication_types == ("Randomized Controlled Trial", "Journal Article")


def test_an_accession_number_is_not_a_pmid_outside_pubmed() -> None:
    text = "TY  - JOUR\nTI  - Embase record\nAN  - 2006713348\nDB  - Embase\nER  - \n"

    (record,) = parse_ris(text).records

    assert record.pmid is None


def test_a_doi_in_type_of_work_is_read_as_the_doi() -> None:
    text = "TY  - JOUR\nTI  - EndNote export\nM3  - 10.1000/endnote.1\nER  - \n"

    (record,) = parse_ris(text).records

    assert record.doi == "10.1000/endnote.1"
    assert record.publication_types == ("Journal Article",)


def test_a_windows_1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    data = "TY  - JOUR\nTI  - Café society\nER  - \n".encode("cp1252")

    result = parse_bytes(data, "legacy.ris")

    assert [record.title for record in result.records] == ["Café society"]
    assert [problem.severity for problem in result.problems] == ["warning"]
    assert result.problems[0].line == 2


def test_a_utf16_file_with_a_bom_is_read() -> None:
    data = "TY  - JOUR\nTI  - Ωmega\nER  - \n".encode("utf-16")  # with its BOM

    result = parse_bytes(data, "utf16.ris")

    assert [record.title for record in result.records] == ["Ωmega"]
    assert result.problems == []
