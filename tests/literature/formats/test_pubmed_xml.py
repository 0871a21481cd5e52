"""PubMed XML: the real Biopython samples, Lifelong's update-file sample, streaming, gzip,
malformed files."""

from __future__ import annotations

import gzip
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from lifelong.literature.formats import (
    CommentCorrection,
    Deletion,
    MeshQualifier,
    ParseEvent,
    Problem,
    Record,
    iter_pubmed_xml,
    parse_file,
    parse_pubmed_xml,
)
from tests.literature.formats.data import BIOPYTHON, EDGE


def only_record(path: Path) -> Record:
    result = parse_pubmed_xml(path)
    assert result.problems == []
    assert len(result.records) == 1
    return result.records[0]


def by_pmid(path: Path) -> dict[str, Record]:
    return {record.pmid or "": record for record in parse_pubmed_xml(path).records}


def test_the_title_keeps_its_words_apart_around_inline_markup() -> None:
    record = only_record(BIOPYTHON / "pubmed4.xml")

    assert record.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of "
        "pancreatic cancer."
    )
    assert record.title_html == (
        "Leucocyte telomere length, genetic variants at the <i>TERT</i> gene region and risk of "
        "pancreatic cancer."
    )


def test_nested_markup_keeps_every_piece_of_text_in_order() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    assert record.title == (
        "Variants of the APOE ε4 allele and the 10-19 threshold: a randomised controlled trial."
    )
    assert record.title_html == (
        "Variants of the <i>APOE <sup>ε4</sup></i> allele and the <b>10<sup>-19</sup></b> "
        "threshold: a randomised controlled trial."
    )


def test_a_structured_abstract_keeps_its_labels_and_inline_markup() -> None:
    record = only_record(BIOPYTHON / "pubmed4.xml")

    assert [section.label for section in record.abstract] == [
        "OBJECTIVE",
        "DESIGN",
        "RESULTS",
        "CONCLUSIONS",
    ]
    results = record.abstract[2]
    assert "95% CI 1.07 to 2.78; ptrend=0.048)" in results.text
    assert "p<sub>trend</sub>=0.048" in results.html
    assert "(linkage disequilibrium r2<0.25)" in results.text
    assert "r<sup>2</sup>&lt;0.25" in results.html
    assert "transcriptase (TERT) gene" in record.abstract[0].text


def test_nlm_categories_are_kept_beside_the_labels() -> None:
    record = only_record(BIOPYTHON / "pubmed5.xml")

    assert [(section.label, section.category) for section in record.abstract] == [
        ("OBJECTIVES", "OBJECTIVE"),
        ("METHODS", "METHODS"),
        ("RESULTS", "RESULTS"),
        ("CONCLUSIONS", "CONCLUSIONS"),
    ]


def test_an_empty_label_is_no_label_and_empty_sections_are_dropped() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    assert [(section.label, section.category) for section in record.abstract] == [
        (None, "UNASSIGNED"),
        ("RESULTS", "RESULTS"),
    ]
    assert record.abstract[0].html == (
        "<b>Background:</b> Unlabelled text with <b>bold</b> lead-in."
    )


def test_an_underlined_less_than_sign_reads_as_less_than_or_equal() -> None:
    record = only_record(BIOPYTHON / "pubmed5.xml")

    methods = record.abstract[1]
    assert "compared with normal TSH (0.4-≤4.5 mIU/L)" in methods.text
    assert "(0.4-≤4.5 mIU/L)" in methods.html
    assert "<u>" not in methods.html
    edge = by_pmid(EDGE / "update_file.xml")["91000001"]
    assert edge.abstract[1].text == "Risk rose (p≤0.05; age≥65)."


def test_scripts_inside_an_abstract_are_removed_with_their_content() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    assert "alert" not in record.abstract[1].text
    assert "script" not in record.abstract[1].html


def test_mathml_reads_as_its_tokens_in_text_and_stays_mathml_in_html() -> None:
    record = only_record(BIOPYTHON / "pubmed6.xml")

    text = record.abstract[0].text
    html = record.abstract[0].html
    assert "maximal oxygen uptake ( V\u0307O2max ) 67.6 ± 4.1 ml·kg-1·min-1]" in text
    assert "<math><msub><mrow><mover><mrow><mi>V</mi></mrow><mo>.</mo></mover>" in html
    assert "mml:" not in html
    assert "xmlns" not in html


def test_mathml_prescripts_come_before_their_base() -> None:
    record = only_record(BIOPYTHON / "pubmed7.xml")

    text = record.abstract[0].text
    # the source's no-break space after "(1)" and the thin space of the formula's <mtext> are
    # kept: only XML whitespace (space, tab, line breaks) is collapsed
    assert "(1)\xa0inhaled 3He/129Xe\u2009MRI ventilation and apparent diffusion" in text
    assert "ultrashort echo-time 1H\u2009MRI proton density" in text
    assert "<mmultiscripts><mrow><mi>He</mi></mrow><mprescripts></mprescripts>" in (
        record.abstract[0].html
    )


def test_a_quote_inside_italics_is_kept_as_the_source_has_it() -> None:
    record = only_record(BIOPYTHON / "pubmed6.xml")

    assert record.title.startswith('A "Blood Relationship" Between the Overlooked')
    assert record.title_html.startswith('A "<i>Blood Relationship"</i> Between')


def test_a_collective_author_is_a_group_beside_the_people() -> None:
    record = only_record(BIOPYTHON / "pubmed7.xml")

    assert record.authors[-1].collective == "Canadian Respiratory Research Network"
    assert record.authors[-1].family is None
    assert record.authors[0].family == "Guo"
    assert record.authors[0].given == "Fumin"
    assert record.authors[0].initials == "F"
    assert len(record.authors[0].affiliations) == 3


def test_orcid_urls_and_bare_orcids_become_the_bare_identifier() -> None:
    record = only_record(BIOPYTHON / "pubmed7.xml")
    edge = by_pmid(EDGE / "update_file.xml")["91000001"]

    orcids = {author.family: author.orcid for author in record.authors if author.orcid}
    assert orcids == {"Capaldi": "0000-0002-4590-7461", "Fenster": "0000-0003-3525-2788"}
    assert edge.authors[0].orcid == "0000-0002-1825-009X"
    assert edge.authors[0].suffix == "Jr"


def test_invalid_author_names_are_skipped() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    assert [author.name for author in record.authors] == [
        "Jane Doe Jr",
        "Guideline Development Panel for the Treatment of Depressive Disorders",
    ]


def test_doi_comes_from_elocationid_or_else_the_article_id_list() -> None:
    from_elocation = only_record(BIOPYTHON / "pubmed4.xml")
    edge = by_pmid(EDGE / "update_file.xml")

    assert from_elocation.doi == "10.1136/gutjnl-2016-312510"
    # ValidYN="N" on the ELocationID: the ArticleIdList's DOI is the article's
    assert edge["91000001"].doi == "10.5555/edge.1998.101"


def test_identifiers_of_references_are_never_taken_as_the_articles_own() -> None:
    edge = by_pmid(EDGE / "update_file.xml")
    real = only_record(BIOPYTHON / "pubmed7.xml")

    assert edge["91000002"].doi is None
    assert edge["91000002"].pmcid is None
    assert edge["91000001"].pmid == "91000001"
    assert edge["91000001"].pmcid == "PMC2762775"  # from OtherID, without its version
    assert real.pmid == "29963580"
    assert real.doi == "10.1117/1.JMI.5.2.026002"
    assert real.pmcid == "PMC6022861"


def test_comments_are_read_and_cites_links_left_out() -> None:
    """pubmed4 has 49 CommentsCorrections: 48 "Cites" (its references, like a ReferenceList)
    and one "CommentIn"."""
    record = only_record(BIOPYTHON / "pubmed4.xml")

    assert record.comments_corrections == (
        CommentCorrection("CommentIn", "27920200", "Gut. 2017 Jun;66(6):1"),
    )
    assert not record.retracted


def test_a_retraction_link_and_type_mark_the_record_retracted() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    assert record.retracted
    assert [(link.ref_type, link.pmid) for link in record.comments_corrections] == [
        ("RetractionIn", "91000009"),
        ("ErratumIn", None),
    ]


def test_mesh_headings_keep_qualifiers_and_both_major_topic_facts() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    apoe, humans = record.mesh
    assert apoe.descriptor == "Apolipoprotein E4"
    assert apoe.ui == "D000001"
    assert apoe.descriptor_major is False
    assert apoe.qualifiers == (MeshQualifier("genetics", True), MeshQualifier("metabolism", False))
    assert apoe.major is True
    assert humans.major is False


def test_real_mesh_headings_with_major_descriptors() -> None:
    record = by_pmid(BIOPYTHON / "pubmed1.xml")["12091962"]

    majors = [heading.descriptor for heading in record.mesh if heading.major]
    assert len(record.mesh) == 19
    assert "Acquired Immunodeficiency Syndrome" in majors
    assert "Humans" not in majors


def test_an_in_data_review_record_has_keywords_but_no_mesh_yet() -> None:
    record = only_record(BIOPYTHON / "pubmed5.xml")

    assert record.status == "In-Data-Review"
    assert record.mesh == ()
    assert record.keywords == (
        "agriculture",
        "hypothyroidism",
        "pesticides",
        "thyroid disease",
        "thyroid stimulating hormone",
    )


def test_keywords_from_every_list_are_merged_without_repeats_or_markup() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    assert record.keywords == ("APOE variants", "risk")


def test_publication_types_are_kept_in_order() -> None:
    record = only_record(BIOPYTHON / "pubmed4.xml")

    assert record.publication_types == (
        "Journal Article",
        "Observational Study",
        "Research Support, N.I.H., Extramural",
        "Research Support, U.S. Gov't, Non-P.H.S.",
        "Research Support, Non-U.S. Gov't",
    )


@pytest.mark.parametrize(
    ("path", "pmid", "iso", "text"),
    [
        (BIOPYTHON / "pubmed1.xml", "12091962", "1990", "1990 Spring"),
        (BIOPYTHON / "pubmed1.xml", "9997", "1976-09-28", "1976 Sep 28"),
        (BIOPYTHON / "pubmed5.xml", "28775130", "2018-02", "2018 Feb"),
        (BIOPYTHON / "pubmed6.xml", "30108519", "2018", "2018"),
        (EDGE / "update_file.xml", "91000001", "1998-12", "1998 Dec-1999 Jan"),
        (EDGE / "update_file.xml", "91000002", "2024", "2024 Winter"),
    ],
)
def test_publication_dates_keep_what_is_known_and_the_original_text(
    path: Path, pmid: str, iso: str, text: str
) -> None:
    record = by_pmid(path)[pmid]

    assert record.published is not None
    assert record.published.iso == iso
    assert record.published.text == text


def test_journal_details_and_pages() -> None:
    record = by_pmid(BIOPYTHON / "pubmed1.xml")["12091962"]

    journal = record.journal
    assert journal.title == "Social justice (San Francisco, Calif.)"
    assert journal.iso_abbreviation == "Soc Justice"
    assert journal.issn == "1043-1578"
    assert (journal.volume, journal.issue, journal.pages) == ("17", "1", "113-25")
    assert by_pmid(EDGE / "update_file.xml")["91000001"].journal.pages == "e101"


def test_entrez_date_status_language_and_url() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000001"]

    assert record.entrez_date is not None
    assert record.entrez_date.isoformat() == "1998-12-24"
    assert record.status == "MEDLINE"
    assert record.language == "eng"
    assert record.url == "https://pubmed.ncbi.nlm.nih.gov/91000001/"
    assert record.source_format == "pubmed-xml"


def test_a_record_without_a_title_uses_its_vernacular_title() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000002"]

    assert record.title == "Titre seulement en français."
    assert record.status == "Publisher"


def test_a_book_chapter_is_read_with_its_book() -> None:
    record = by_pmid(EDGE / "update_file.xml")["91000003"]

    assert record.title == "Chapter 3: Practice guideline for handling edge cases"
    assert record.journal.title == "Handbook of Edge Cases"
    assert [author.name for author in record.authors] == ["Wanda Writer"]
    assert record.publication_types == ("Review",)
    assert record.published is not None
    assert record.published.iso == "2021-03"


def test_delete_citations_become_deleted_pmids_after_the_records() -> None:
    events = list(iter_pubmed_xml(EDGE / "update_file.xml"))

    kinds = [type(event).__name__ for event in events]
    assert kinds == ["Record", "Record", "Record", "Deletion", "Deletion", "Deletion"]
    deletions = [event for event in events if isinstance(event, Deletion)]
    assert [deletion.pmid for deletion in deletions] == ["88000001", "88000002", "88000003"]
    assert all(deletion.line for deletion in deletions)
    assert parse_file(EDGE / "update_file.xml").deleted_pmids == [
        "88000001",
        "88000002",
        "88000003",
    ]


def test_every_record_knows_the_line_it_starts_on() -> None:
    records = parse_pubmed_xml(EDGE / "mismatched_tag.xml").records

    assert records[0].line == 4


def streamed_positions(monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[int, list[int]]:
    """Parse ``count`` small articles; for each, its index under the root and the number of
    elements the root holds at that moment."""
    from lifelong.literature.formats import pubmed_xml

    articles = "".join(
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><ArticleTitle>"
        f"Title {pmid}</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        for pmid in range(1, count + 1)
    )
    data = f"<PubmedArticleSet>{articles}</PubmedArticleSet>".encode()
    indexes: list[int] = []
    sizes: list[int] = []
    original = pubmed_xml._pubmed_article

    def spy(element: etree._Element, name: str) -> Iterator[ParseEvent]:
        parent = element.getparent()
        assert parent is not None
        indexes.append(parent.index(element))
        sizes.append(len(parent))
        yield from original(element, name)

    monkeypatch.setattr(pubmed_xml, "_pubmed_article", spy)
    records = list(iter_pubmed_xml(io.BytesIO(data), "many.xml"))
    assert len(records) == count
    return max(indexes), sizes


def test_records_already_handled_are_removed_while_streaming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    highest_index, _sizes = streamed_positions(monkeypatch, 3000)

    # at most the cleared previous record is left before the current one
    assert highest_index <= 1


def test_the_tree_does_not_grow_with_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """lxml parses ahead by one read buffer; what the root holds is bounded by that, not
    by the number of records in the file."""
    _index, small = streamed_positions(monkeypatch, 1000)
    _index, large = streamed_positions(monkeypatch, 20000)

    assert max(large) <= max(small) + 1
    assert max(large) < 1000


def test_gzip_files_are_read_whatever_their_name(tmp_path: Path) -> None:
    compressed = tmp_path / "baseline-chunk.dat"
    with gzip.open(compressed, "wb") as output:
        output.write((EDGE / "update_file.xml").read_bytes())

    result = parse_file(compressed)

    assert [record.pmid for record in result.records] == ["91000001", "91000002", "91000003"]
    assert result.deleted_pmids == ["88000001", "88000002", "88000003"]
    assert result.problems == []


def test_a_truncated_gzip_file_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    document = (EDGE / "mismatched_tag.xml").read_bytes().replace(b"ArticleTitel", b"ArticleTitle")
    compressed = gzip.compress(document)
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(compressed[: len(compressed) * 2 // 3])

    result = parse_file(cut)

    assert [record.pmid for record in result.records] == ["28775130"]
    assert len(result.problems) == 1
    assert result.problems[0].severity == "error"
    assert "the compressed file is cut short or corrupt after line" in result.problems[0].message


def test_a_truncated_file_returns_the_records_before_the_cut_and_the_line() -> None:
    result = parse_file(EDGE / "truncated.xml")

    assert [record.pmid for record in result.records] == ["28775130"]
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.severity == "error"
    assert problem.file.endswith("truncated.xml")
    assert problem.line is not None
    assert problem.line >= 515
    assert "malformed XML" in problem.message


def test_a_mismatched_tag_is_reported_with_its_line_after_the_records_before_it() -> None:
    result = parse_file(EDGE / "mismatched_tag.xml")

    assert [record.pmid for record in result.records] == ["28775130"]
    assert result.problems == [
        Problem(
            str(EDGE / "mismatched_tag.xml"),
            425,
            "malformed XML: Opening and ending tag mismatch: ArticleTitle line 425 and "
            "ArticleTitel, line 425, column 136",
        )
    ]


def test_xml_that_is_not_pubmed_is_refused_with_its_root(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')

    result = parse_file(feed)

    assert result.records == []
    assert "root element is <rss>" in result.problems[0].message
    assert result.problems[0].severity == "error"


def test_an_empty_pubmed_set_is_a_warning_not_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_text("<PubmedArticleSet></PubmedArticleSet>")

    result = parse_pubmed_xml(empty)

    assert result.records == []
    assert [problem.severity for problem in result.problems] == ["warning"]


def test_an_article_without_a_pmid_is_skipped_with_its_line() -> None:
    data = (
        b"<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><Article><ArticleTitle>No id"
        b"</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n<PubmedArticle>"
        b"<MedlineCitation><PMID>5</PMID></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )

    result = parse_pubmed_xml(io.BytesIO(data), "no-pmid.xml")

    assert [record.pmid for record in result.records] == ["5"]
    assert result.problems == [Problem("no-pmid.xml", 2, "PubmedArticle without a PMID: skipped")]


def test_every_sample_file_reads_without_problems(tmp_path: Path) -> None:
    expected = {
        "pubmed1.xml": ["12091962", "9997"],
        "pubmed2.xml": ["11748933", "11700088"],
        "pubmed4.xml": ["27797938"],
        "pubmed5.xml": ["28775130"],
        "pubmed6.xml": ["30108519"],
        "pubmed7.xml": ["29963580"],
    }
    for name, pmids in expected.items():
        copy = tmp_path / name
        shutil.copy(BIOPYTHON / name, copy)
        result = parse_file(copy)
        assert [record.pmid for record in result.records] == pmids, name
        assert result.problems == [], name
        assert all(record.title for record in result.records)
