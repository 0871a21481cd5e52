"""MEDLINE tagged text (nbib): Biopython's samples and malformed lines."""

from __future__ import annotations

from lifelong.literature.formats import MeshQualifier, Problem, Record, parse_file, parse_medline
from tests.literature.formats.data import BIOPYTHON, EDGE


def records(name: str) -> list[Record]:
    result = parse_file(BIOPYTHON / name)
    assert result.problems == []
    return result.records


def test_a_file_starting_with_an_empty_line_is_read() -> None:
    (record,) = records("pubmed_result1.txt")

    assert record.pmid == "12230038"
    assert record.title == "The Bio* toolkits--a brief overview."
    assert record.source_format == "medline"
    assert record.line == 2


def test_continuation_lines_are_joined_with_single_spaces() -> None:
    (record,) = records("pubmed_result1.txt")

    (abstract,) = record.abstract
    assert abstract.label is None
    assert abstract.text.startswith(
        "Bioinformatics research is often difficult to do with commercial software. The "
        "Open Source BioPerl, BioPython and Biojava projects provide toolkits with multiple"
    )
    assert "  " not in abstract.text
    assert abstract.text.endswith("the beginning biologist programmer.")


def test_starred_mesh_headings_and_qualifiers_are_major_topics() -> None:
    (record,) = records("pubmed_result3.txt")

    by_name = {heading.descriptor: heading for heading in record.mesh}
    ablation = by_name["High-Intensity Focused Ultrasound Ablation"]
    assert ablation.descriptor_major is False
    assert ablation.qualifiers == (
        MeshQualifier("adverse effects", False),  # wrapped onto a continuation line
        MeshQualifier("instrumentation", False),
        MeshQualifier("methods", True),
    )
    assert ablation.major is True
    (first,) = records("pubmed_result1.txt")
    assert [heading.descriptor for heading in first.mesh if heading.descriptor_major] == [
        "Computational Biology",
        "Programming Languages",
        "Software",
    ]


def test_records_separated_by_blank_lines_with_repeated_tags() -> None:
    found = records("pubmed_result2.txt")

    assert [record.pmid for record in found] == ["16403221", "16377612", "14871861", "14630660"]
    first = found[0]
    assert first.doi == "10.1186/1471-2105-7-10"  # the [doi] AID, not the [pii] one
    assert first.pmcid == "PMC1373603"
    assert first.publication_types == ("Evaluation Studies", "Journal Article")
    assert [author.name for author in first.authors] == [
        "James A Casbon",
        "Gavin E Crooks",
        "Mansoor A S Saqi",
    ]
    assert first.authors[0].initials == "JA"
    assert found[3].doi is None


def test_a_flattened_structured_abstract_is_split_at_its_labels() -> None:
    (record,) = records("pubmed_result3.txt")

    assert [section.label for section in record.abstract] == [
        "PURPOSE",
        "METHODS",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert record.abstract[1].text.startswith("Two transducers, six scanning paths")
    assert record.abstract[2].text.startswith("Based on the results of the fast-scanning")


def test_a_label_of_two_words_is_kept_whole() -> None:
    found = records("pubmed_result2.txt")

    assert [section.label for section in found[1].abstract] == [
        "SUMMARY",
        "AVAILABILITY",
        "SUPPLEMENTARY INFORMATION",
    ]


def test_journal_dates_language_and_identifiers() -> None:
    (record,) = records("pubmed_result3.txt")

    assert record.doi == "10.1118/1.4748329"
    assert record.journal.title == "Medical physics"
    assert record.journal.iso_abbreviation == "Med Phys"
    assert record.journal.issn == "0094-2405"
    assert (record.journal.volume, record.journal.issue, record.journal.pages) == (
        "39",
        "10",
        "5795-813",
    )
    assert record.published is not None
    assert record.published.iso == "2012-10"
    assert record.entrez_date is not None
    assert record.entrez_date.isoformat() == "2012-10-09"
    assert record.language == "eng"
    assert record.status == "MEDLINE"
    assert record.authors[0].affiliations == (
        "School of Biomedical Engineering, Shanghai Jiao Tong University, Shanghai, "
        "People's Republic of China.",
    )


def test_trailing_spaces_do_not_reach_the_values() -> None:
    found = records("pubmed_result2.txt") + records("pubmed_result3.txt")

    for record in found:
        for section in record.abstract:
            assert section.text == section.text.strip()
            assert "  " not in section.text


def test_comment_and_retraction_tags_become_links() -> None:
    text = (
        "PMID- 94000001\n"
        "TI  - A retracted trial.\n"
        "PT  - Journal Article\n"
        "RIN - Lancet. 2010 Feb 6;375(9713):445. PMID: 20137807\n"
        "CIN - BMJ. 1998;316:1.\n"
        "AUID- ORCID: 0000-0002-1825-0097\n"
        "CN  - The Study Group\n"
    )

    (record,) = parse_medline(text, "links.nbib").records

    assert [(link.ref_type, link.pmid) for link in record.comments_corrections] == [
        ("RetractionIn", "20137807"),
        ("CommentIn", None),
    ]
    assert record.comments_corrections[0].source == "Lancet. 2010 Feb 6;375(9713):445"
    assert record.retracted
    assert len(record.authors) == 1
    assert record.authors[0].collective == "The Study Group"


def test_broken_lines_are_reported_and_the_records_around_them_kept() -> None:
    name = str(EDGE / "garbage.nbib")

    result = parse_file(EDGE / "garbage.nbib")

    assert [record.pmid for record in result.records] == ["93000001", "93000002", "93000003"]
    assert result.problems == [
        Problem(name, 1, "a continuation line outside any record: skipped"),
        Problem(name, 4, "not a MEDLINE line (expected 'TAG - value'): 'this line has no tag'"),
    ]
    assert [record.line for record in result.records] == [2, 8, 11]
    assert result.records[0].published is not None
    assert result.records[0].published.text == "2019 Spring"
