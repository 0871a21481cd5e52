"""Property tests: records -> export -> import give the same fields, for the fields each
format can hold (RIS, BibTeX, CSL-JSON)."""

from __future__ import annotations

import datetime
import html
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.literature.formats import (
    AbstractSection,
    Author,
    CommentCorrection,
    Journal,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    Record,
    parse_bibtex,
    parse_csl_json,
    parse_ris,
    to_bibtex,
    to_csl_json,
    to_ris,
)

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüñçøåßłЖж"
PUNCTUATION = ",.:;()-?!'&%/$#_{}~^\"*+=[]@<>"
LABELS = ("BACKGROUND", "OBJECTIVE", "METHODS", "RESULTS", "CONCLUSIONS")
PUBLICATION_TYPES = (
    "Journal Article",
    "Randomized Controlled Trial",
    "Meta-Analysis",
    "Systematic Review",
    "Review",
    "Case Reports",
    "Observational Study",
    "Research Support, Non-U.S. Gov't",
    "Practice Guideline",
    "Book",
    "Book Chapter",
)
SETTINGS = settings(max_examples=75, deadline=None)

word = st.text(alphabet=LETTERS + "0123456789", min_size=1, max_size=10)
tricky_word = st.text(alphabet=LETTERS + "0123456789" + PUNCTUATION, min_size=1, max_size=10)
phrase = st.lists(st.one_of(word, tricky_word), min_size=1, max_size=8).map(" ".join)
name_word = st.text(alphabet=LETTERS, min_size=2, max_size=9).map(lambda text: text.capitalize())
sentence_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=9)


@st.composite
def people(draw: st.DrawFn) -> Author:
    family = " ".join(draw(st.lists(name_word, min_size=1, max_size=2)))
    given_name = draw(st.one_of(st.none(), name_word))
    return Author(family=family, given=given_name)


@st.composite
def groups(draw: st.DrawFn) -> Author:
    words = draw(st.lists(name_word, min_size=1, max_size=3))
    return Author(collective=" ".join([*words, draw(st.sampled_from(["Network", "Group"]))]))


@st.composite
def abstracts(draw: st.DrawFn) -> tuple[AbstractSection, ...]:
    def body() -> str:
        words = draw(st.lists(sentence_word, min_size=1, max_size=12))
        return " ".join(words).capitalize() + "."

    if draw(st.booleans()):
        text = body()
        return (AbstractSection(None, text, html.escape(text, quote=False)),)
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=4, unique=True))
    sections = []
    for label in labels:
        text = body()
        sections.append(AbstractSection(label, text, html.escape(text, quote=False)))
    return tuple(sections)


@st.composite
def dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1900, 2030))
    month = draw(st.one_of(st.none(), st.integers(1, 12)))
    day = draw(st.one_of(st.none(), st.integers(1, 28))) if month else None
    return PartialDate(year, month, day, "")


@st.composite
def journals(draw: st.DrawFn) -> Journal:
    first_page = draw(st.integers(1, 5000))
    pages = draw(
        st.sampled_from(
            [
                None,
                f"{first_page}-{first_page + 9}",
                f"e{first_page}",
                f"{first_page}",
            ]
        )
    )
    return Journal(
        title=draw(st.one_of(st.none(), phrase)),
        iso_abbreviation=draw(st.one_of(st.none(), phrase)),
        issn=draw(st.one_of(st.none(), st.from_regex(r"\A\d{4}-\d{3}[\dX]\Z"))),
        volume=draw(st.one_of(st.none(), st.integers(1, 400).map(str))),
        issue=draw(st.one_of(st.none(), st.integers(1, 12).map(str))),
        pages=pages,
    )


@st.composite
def records(draw: st.DrawFn, *, rich: bool = False) -> Record:
    """A record with the fields every export format holds; ``rich`` adds inline markup in
    the title and the PubMed-only fields (CSL-JSON keeps them in ``custom``)."""
    title_words = draw(st.lists(st.one_of(word, tricky_word), min_size=1, max_size=10))
    tags = [
        draw(st.sampled_from([None, None, "i", "b", "sup", "sub"])) if rich else None
        for _ in title_words
    ]
    title = " ".join(title_words)
    title_html = " ".join(
        f"<{tag}>{html.escape(text, quote=False)}</{tag}>"
        if tag
        else html.escape(text, quote=False)
        for text, tag in zip(title_words, tags, strict=True)
    )
    authors = tuple(draw(st.lists(st.one_of(people(), groups()), max_size=4)))
    doi_suffix = draw(st.from_regex(r"\A[a-z0-9]([a-z0-9./-]{0,20}[a-z0-9])?\Z"))
    mesh: tuple[MeshHeading, ...] = ()
    links: tuple[CommentCorrection, ...] = ()
    status = None
    entrez = None
    if rich:
        mesh = tuple(
            MeshHeading(
                descriptor,
                draw(st.one_of(st.none(), st.from_regex(r"\AD\d{6}\Z"))),
                draw(st.booleans()),
                tuple(
                    MeshQualifier(qualifier, draw(st.booleans()))
                    for qualifier in draw(st.lists(sentence_word, max_size=2, unique=True))
                ),
            )
            for descriptor in draw(st.lists(phrase, max_size=3, unique=True))
        )
        links = tuple(
            CommentCorrection(
                draw(st.sampled_from(["RetractionIn", "ErratumIn", "CommentIn", "UpdateIn"])),
                draw(st.one_of(st.none(), st.integers(1, 99999999).map(str))),
                draw(st.one_of(st.none(), phrase)),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
        status = draw(st.sampled_from([None, "MEDLINE", "In-Data-Review", "Publisher"]))
        entrez = draw(
            st.one_of(st.none(), st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 1, 1)))
        )
    return Record(
        source_format="pubmed-xml",
        title=title,
        title_html=title_html,
        pmid=draw(st.one_of(st.none(), st.integers(1, 99999999).map(str))),
        doi=draw(
            st.one_of(st.none(), st.just(f"10.{draw(st.integers(1000, 99999))}/{doi_suffix}"))
        ),
        pmcid=draw(st.one_of(st.none(), st.integers(1, 9999999).map(lambda n: f"PMC{n}"))),
        abstract=draw(st.one_of(st.just(()), abstracts())),
        authors=authors,
        journal=draw(journals()),
        published=draw(st.one_of(st.none(), dates())),
        publication_types=tuple(
            draw(st.lists(st.sampled_from(PUBLICATION_TYPES), min_size=1, max_size=3, unique=True))
        ),
        mesh=mesh,
        keywords=tuple(
            draw(
                st.lists(
                    phrase.filter(keyword_is_portable),
                    max_size=4,
                    unique=True,
                )
            )
        ),
        language=draw(st.sampled_from([None, "eng", "fre", "spa"])),
        comments_corrections=links,
        url=draw(st.one_of(st.none(), st.from_regex(r"\Ahttps://example\.org/[a-z0-9/-]{0,20}\Z"))),
        status=status,
        entrez_date=entrez,
    )


def keyword_is_portable(text: str) -> bool:
    """Keywords are separated by commas or semicolons in BibTeX and CSL-JSON, and a leading
    "*" marks a major topic in RIS (Embase): such keywords do not survive every format."""
    return "," not in text and ";" not in text and not text.startswith("*")


def common_fields(record: Record) -> dict[str, Any]:
    """What RIS, BibTeX and CSL-JSON all hold."""
    return {
        "title": record.title,
        "pmid": record.pmid,
        "doi": record.doi,
        "pmcid": record.pmcid,
        "abstract": [(section.label, section.text, section.html) for section in record.abstract],
        "authors": [(author.family, author.given, author.collective) for author in record.authors],
        "journal": record.journal,
        "published": record.published.iso if record.published else None,
        "publication_types": record.publication_types,
        "keywords": record.keywords,
        "language": record.language,
        "url": record.url,
    }


def rich_fields(record: Record) -> dict[str, Any]:
    return {
        **common_fields(record),
        "title_html": record.title_html,
        "mesh": record.mesh,
        "comments_corrections": record.comments_corrections,
        "retracted": record.retracted,
        "status": record.status,
        "entrez_date": record.entrez_date,
    }


@SETTINGS
@given(st.lists(records(), min_size=1, max_size=4))
def test_ris_round_trip(original: list[Record]) -> None:
    result = parse_ris(to_ris(original), "export.ris")

    assert result.problems == []
    assert [common_fields(record) for record in result.records] == [
        common_fields(record) for record in original
    ]


@SETTINGS
@given(st.lists(records(), min_size=1, max_size=4))
def test_bibtex_round_trip(original: list[Record]) -> None:
    result = parse_bibtex(to_bibtex(original), "export.bib")

    assert result.problems == []
    assert [common_fields(record) for record in result.records] == [
        common_fields(record) for record in original
    ]


@SETTINGS
@given(st.lists(records(rich=True), min_size=1, max_size=4))
def test_csl_json_round_trip(original: list[Record]) -> None:
    result = parse_csl_json(to_csl_json(original), "export.json")

    assert result.problems == []
    assert [rich_fields(record) for record in result.records] == [
        rich_fields(record) for record in original
    ]
