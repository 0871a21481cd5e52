"""CSL-JSON: Zotero and Crossref shapes, single objects, malformed JSON with lines."""

from __future__ import annotations

import json

from lifelong.literature.formats import Problem, parse_csl_json, parse_file
from tests.literature.formats.data import EDGE


def test_a_crossref_item_with_lists_rich_text_and_a_jats_abstract() -> None:
    result = parse_file(EDGE / "crossref.json")

    record = result.records[0]
    assert record.title == (
        "Telehealth versus in-person CBT for insomnia: a systematic review and meta-analysis"
    )
    assert record.title_html.startswith("Telehealth <i>versus</i> in-person CBT")
    assert record.journal.title == "Journal of Sleep Research"
    assert record.journal.iso_abbreviation == "J Sleep Res"
    assert record.journal.issn == "0962-1105"
    assert record.journal.pages == "e14012"
    assert record.doi == "10.1111/JSR.14012"
    assert record.published is not None
    assert record.published.iso == "2024-04"  # published-print before published-online
    assert record.publication_types == ("Journal Article",)
    assert record.language == "en"
    assert [(section.label, section.text) for section in record.abstract] == [
        ("Background", "Insomnia is common in therapists."),
        ("Results", "Twelve trials (n = 1,204)."),
    ]
    assert record.abstract[1].html == "Twelve trials (<i>n</i> = 1,204)."


def test_authors_with_particles_orcids_and_affiliations() -> None:
    record = parse_file(EDGE / "crossref.json").records[0]

    silva, gogh = record.authors
    assert silva.orcid == "0000-0002-1825-0097"
    assert silva.affiliations == ("University of Porto",)
    assert (gogh.family, gogh.given) == ("van Gogh", "Vincent")


def test_a_zotero_item_with_a_literal_author_string_dates_and_notes() -> None:
    record = parse_file(EDGE / "crossref.json").records[1]

    assert record.authors[0].collective == "Counselling Outcomes Research Network"
    assert record.authors[1].name == "Chidi Okafor"
    assert record.published is not None
    assert record.published.iso == "2022-11-05"
    assert record.pmid == "36000001"
    assert record.pmcid == "PMC9000001"
    assert record.keywords == ("burnout", "counselling", "cohort")
    assert record.journal.iso_abbreviation == "Couns Psychol Q"
    assert [section.label for section in record.abstract] == [
        "BACKGROUND",
        "METHODS",
        "RESULTS",
        "CONCLUSIONS",
    ]


def test_items_without_title_or_identifier_are_skipped_with_their_line() -> None:
    result = parse_file(EDGE / "crossref.json")

    assert [record.line for record in result.records] == [2, 22, 39]
    assert result.problems == [
        Problem(
            str(EDGE / "crossref.json"),
            34,
            "an item without a title or an identifier: skipped",
            "warning",
        )
    ]


def test_a_raw_date_and_a_doi_url() -> None:
    record = parse_file(EDGE / "crossref.json").records[2]

    assert record.published is not None
    assert record.published.iso == "2019-03"
    assert record.doi == "10.1000/chapter.1"
    assert record.publication_types == ("Book Chapter",)


def test_a_single_object_is_one_record() -> None:
    text = json.dumps({"type": "book", "title": "One book", "issued": {"date-parts": [[2001]]}})

    result = parse_csl_json(text, "one.json")

    assert [(record.title, record.publication_types) for record in result.records] == [
        ("One book", ("Book",))
    ]
    assert result.problems == []


def test_malformed_json_keeps_the_items_before_and_names_the_line() -> None:
    result = parse_file(EDGE / "broken.json")

    assert [record.title for record in result.records] == ["The first item is fine"]
    assert result.problems == [
        Problem(str(EDGE / "broken.json"), 10, "malformed JSON: Expecting ',' delimiter")
    ]


def test_an_item_that_is_not_an_object_is_reported() -> None:
    result = parse_csl_json('[\n  "just a string",\n  {"title": "Fine"}\n]', "mixed.json")

    assert [record.title for record in result.records] == ["Fine"]
    assert result.problems == [Problem("mixed.json", 2, "a CSL item must be an object, not str")]


def test_an_unclosed_list_is_reported() -> None:
    result = parse_csl_json('[{"title": "Fine"}', "open.json")

    assert [record.title for record in result.records] == ["Fine"]
    assert [problem.message for problem in result.problems] == [
        "malformed JSON: the list is not closed by ']'"
    ]


def test_lifelong_custom_fields_are_read_back() -> None:
    item = {
        "title": "T",
        "custom": {
            "publication_types": ["Meta-Analysis", "Journal Article"],
            "mesh": [
                {
                    "descriptor": "Depression",
                    "ui": "D003863",
                    "descriptor_major": False,
                    "qualifiers": [{"name": "therapy", "major": True}],
                }
            ],
            "comments_corrections": [{"ref_type": "RetractionIn", "pmid": "123"}],
            "status": "MEDLINE",
            "entrez_date": "2020-01-02",
        },
    }

    (record,) = parse_csl_json(json.dumps([item])).records

    assert record.publication_types == ("Meta-Analysis", "Journal Article")
    assert record.mesh[0].major is True
    assert record.retracted
    assert record.status == "MEDLINE"
    assert record.entrez_date is not None
    assert record.entrez_date.isoformat() == "2020-01-02"
