"""BibTeX: JabRef's complex.bib and authors library, biber's examples, a BOM, broken
entries."""

from __future__ import annotations

from collections import Counter

from lifelong.literature.formats import Problem, Record, parse_bibtex, parse_file
from tests.literature.formats.data import BIBTEXPARSER, EDGE, JABREF


def by_line(records: list[Record]) -> dict[int, Record]:
    return {record.line or 0: record for record in records}


def test_a_bom_and_a_blank_line_before_the_first_entry() -> None:
    result = parse_file(BIBTEXPARSER / "article_start_with_bom.bib")

    assert result.problems == []
    (record,) = result.records
    assert record.line == 2
    assert record.title == "An amazing title"
    assert [author.name for author in record.authors] == ["Jean César"]
    assert record.journal.title == "Nice Journal"
    assert record.published is not None
    assert record.published.iso == "2013-01"  # month = "jan"
    assert record.keywords == ("keyword1", "keyword2")
    assert record.abstract[0].text.startswith("This is an abstract. This line should be long")
    assert record.source_format == "bibtex"


def test_jabrefs_complex_file_with_comments_strings_and_preamble() -> None:
    result = parse_file(JABREF / "complex.bib")

    assert result.problems == []
    assert len(result.records) == 20
    types = Counter(record.publication_types for record in result.records)
    assert types == {
        ("Conference Paper",): 13,
        ("Journal Article",): 5,
        ("Thesis",): 1,
        ("Book",): 1,
    }
    titles = [record.title for record in result.records]
    assert not any("\\" in title or "{" in title for title in titles)
    authors = [author.name for record in result.records for author in record.authors]
    assert "Jaana Wäyrynen" in authors
    assert "Marine Bodén" in authors


def test_dois_given_as_urls_are_bare() -> None:
    records = parse_file(JABREF / "complex.bib").records

    dois = [record.doi for record in records if record.doi]
    assert dois
    assert all(doi.startswith("10.") for doi in dois)


def test_latex_accents_in_names_become_unicode() -> None:
    records = parse_file(JABREF / "jabref-authors.bib").records

    names = {author.name for record in records for author in record.authors}
    assert "Håkan Johansson" in names
    assert not any("\\" in name or "{" in name for name in names)
    assert len(records) == 212


def test_pages_with_latex_dashes_read_as_a_hyphenated_range() -> None:
    records = parse_file(JABREF / "jabref-authors.bib").records

    first = next(record for record in records if record.line == 3)
    assert first.journal.pages == "186-190"
    assert first.doi == "10.1109/TCSII.2015.2483422"


def test_biber_examples_with_mixed_case_types_and_fields() -> None:
    result = parse_file(BIBTEXPARSER / "biber-examples.bib")

    assert len(result.records) == 97
    assert result.errors == []
    duplicate = [problem for problem in result.problems if "duplicate key" in problem.message]
    assert [problem.line for problem in duplicate] == [1543]
    angenendt = next(record for record in result.records if record.title.startswith("In Honore"))
    # "Salvatoris~-- Vom" in the source: a no-break space and an en dash
    assert angenendt.title == (
        "In Honore Salvatoris\xa0\u2013 Vom Sinn und Unsinn der Patrozinienkunde"
    )
    assert angenendt.journal.title == "Revue d'Histoire Ecclésiastique"
    assert angenendt.publication_types == ("Journal Article",)
    skipped = [problem for problem in result.problems if "no title" in problem.message]
    assert skipped
    assert all(problem.severity == "warning" for problem in skipped)


def test_a_broken_entry_is_reported_and_the_entries_around_it_are_read() -> None:
    name = str(EDGE / "broken.bib")

    result = parse_file(EDGE / "broken.bib")

    assert [record.line for record in result.records] == [2, 22]
    assert result.problems == [
        Problem(
            name,
            17,
            "a BibTeX block that could not be read: Unexpected block start: `@misc`. "
            "Was still looking for field-value closing `}`",
        )
    ]


def test_group_authors_particles_and_lifelong_fields() -> None:
    records = by_line(parse_file(EDGE / "broken.bib").records)

    first = records[2]
    assert first.authors[0].collective == "World Health Organization"
    assert (first.authors[1].family, first.authors[1].given) == ("de la Fontaine", "Jean")
    assert first.authors[2].name == "Jörg Müller"
    assert first.title == "Mental health of éducateurs: a Randomized Controlled Trial"
    assert first.pmid == "31000001"
    assert first.doi == "10.1080/10503307.2019.1234567"
    assert first.publication_types == ("Randomized Controlled Trial", "Journal Article")
    assert first.keywords == ("burnout", "therapists", "trial")
    assert first.published is not None
    assert first.published.iso == "2020-03"
    assert first.journal.pages == "101-110"
    second = records[22]
    assert second.pmid == "32000002"  # eprinttype = pubmed
    assert second.published is not None
    assert second.published.iso == "2021-06-15"  # biblatex date
    assert second.language == "english"


def test_a_file_without_entries_is_an_error() -> None:
    result = parse_bibtex("% only a comment\n", "empty.bib")

    assert result.records == []
    assert result.problems == [Problem("empty.bib", 1, "no BibTeX entry in this file")]


def test_others_in_an_author_list_is_not_an_author() -> None:
    text = "@article{k, title={T}, author={Smith, John and others}}"

    (record,) = parse_bibtex(text).records

    assert [author.name for author in record.authors] == ["John Smith"]
