"""The record model every reader produces and every writer takes (pure, no Django).

A ``Record`` is a frozen dataclass; its parts (dates, abstract sections, authors, journal,
MeSH headings, links) are named tuples, and every sequence is a tuple: all of it is immutable
and hashable. Named tuples are built in C, several times faster than frozen dataclasses,
which matters when the PubMed reader builds thousands of records a second with dozens of
authors and links each. Missing values are ``None`` (or an empty tuple), never an empty
string, so that JSON shows ``null`` for "not known".

Text comes in two forms wherever the source may carry inline markup (titles, abstracts):
``text`` is plain text with correct spacing, ``html`` is sanitised HTML limited to ``i``,
``b``, ``u``, ``sup``, ``sub`` and a presentation-MathML subset (see ``markup.py``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

SourceFormat = Literal["pubmed-xml", "medline", "ris", "bibtex", "csl-json"]
Severity = Literal["error", "warning"]

#: ``CommentsCorrections`` reference types that mean "this record was retracted".
RETRACTION_REF_TYPES = frozenset({"RetractionIn"})
#: The publication type PubMed gives to a retracted article (not to the retraction notice).
RETRACTED_PUBLICATION = "Retracted Publication"


class PartialDate(NamedTuple):
    """A publication date known to the year, the month or the day.

    ``text`` is the date as the source wrote it ("1998 Dec-1999 Jan", "1990 Spring",
    "2019 Mar 5"); ``year``/``month``/``day`` are what could be read from it (the start of a
    range; a season gives no month).
    """

    year: int | None
    month: int | None = None
    day: int | None = None
    text: str = ""

    @property
    def iso(self) -> str | None:
        """ "2019", "2019-03" or "2019-03-05"; ``None`` when not even the year is known."""
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


class AbstractSection(NamedTuple):
    """One section of an abstract; ``label`` is ``None`` for an unstructured abstract.

    ``category`` is PubMed's ``NlmCategory`` (BACKGROUND, OBJECTIVE, METHODS, RESULTS,
    CONCLUSIONS, UNASSIGNED) when the source gives it.
    """

    label: str | None
    text: str
    html: str
    category: str | None = None


class Author(NamedTuple):
    """A person (``family``/``given``) or a group (``collective``, e.g. a guideline panel).

    ``orcid`` is the bare identifier ("0000-0002-4590-7461"), whatever form the source used.
    """

    family: str | None = None
    given: str | None = None
    initials: str | None = None
    collective: str | None = None
    orcid: str | None = None
    affiliations: tuple[str, ...] = ()
    suffix: str | None = None

    @property
    def name(self) -> str:
        """The name as a reader sees it: "Ying Bao" or the group's name."""
        if self.collective:
            return self.collective
        parts = [self.given or self.initials, self.family, self.suffix]
        return " ".join(part for part in parts if part)


class Journal(NamedTuple):
    """Where the article appeared. ``pages`` is as printed ("1116-1122", "113-25", "e123")."""

    title: str | None = None
    iso_abbreviation: str | None = None
    issn: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.title, self.iso_abbreviation, self.issn, self.volume, self.issue, self.pages)
        )


NO_JOURNAL = Journal()


class MeshQualifier(NamedTuple):
    """A MeSH qualifier (subheading) and whether it is marked as a major topic."""

    name: str
    major: bool


class MeshHeading(NamedTuple):
    """A MeSH descriptor with its qualifiers.

    ``descriptor_major`` is the descriptor's own ``MajorTopicYN``; ``major`` is true when the
    descriptor or any of its qualifiers is a major topic (PubMed's ``[majr]`` search).
    """

    descriptor: str
    ui: str | None = None
    descriptor_major: bool = False
    qualifiers: tuple[MeshQualifier, ...] = ()

    @property
    def major(self) -> bool:
        return self.descriptor_major or any(qualifier.major for qualifier in self.qualifiers)


class CommentCorrection(NamedTuple):
    """A link to another citation: ``ref_type`` is PubMed's ``RefType`` ("RetractionIn",
    "ErratumIn", "RetractionOf", "UpdateIn", "CommentIn", "Cites", ...), ``source`` the
    citation as text ("Gut. 2018 Jan;67(1):1")."""

    ref_type: str
    pmid: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """One citation, from any source format.

    ``status`` is PubMed's ``MedlineCitation/@Status`` ("MEDLINE", "In-Data-Review",
    "Publisher", ...): records not yet indexed have few publication types and no MeSH.
    ``entrez_date`` is the day the record entered PubMed (the best "new" signal for alerts).
    ``line`` is where the record starts in its file; it does not take part in equality.
    """

    source_format: SourceFormat
    title: str
    title_html: str
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    abstract: tuple[AbstractSection, ...] = ()
    authors: tuple[Author, ...] = ()
    journal: Journal = NO_JOURNAL
    published: PartialDate | None = None
    publication_types: tuple[str, ...] = ()
    mesh: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    language: str | None = None
    comments_corrections: tuple[CommentCorrection, ...] = ()
    url: str | None = None
    status: str | None = None
    entrez_date: datetime.date | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def retracted(self) -> bool:
        """A retraction notice points at this record, or PubMed typed it as retracted."""
        return RETRACTED_PUBLICATION in self.publication_types or any(
            link.ref_type in RETRACTION_REF_TYPES for link in self.comments_corrections
        )

    @property
    def abstract_text(self) -> str:
        """The abstract on one line, sections as "LABEL: text"."""
        return " ".join(
            f"{section.label}: {section.text}" if section.label else section.text
            for section in self.abstract
        )


@dataclass(frozen=True, slots=True)
class Deletion:
    """A ``DeleteCitation`` entry of a PubMed update file: the PMID must leave the library."""

    pmid: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a file that could not be read (``error``: the file is malformed) or that
    was read but skipped or changed (``warning``). ``line`` is 1-based when known."""

    file: str
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"


ParseEvent = Record | Deletion | Problem


@dataclass(slots=True)
class ParseResult:
    """Everything read from one or more files, in file order."""

    records: list[Record] = field(default_factory=list)
    deleted_pmids: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    def add(self, event: ParseEvent) -> None:
        if isinstance(event, Record):
            self.records.append(event)
        elif isinstance(event, Deletion):
            self.deleted_pmids.append(event.pmid)
        else:
            self.problems.append(event)

    def extend(self, other: ParseResult) -> None:
        self.records.extend(other.records)
        self.deleted_pmids.extend(other.deleted_pmids)
        self.problems.extend(other.problems)


def record_to_dict(record: Record) -> dict[str, Any]:
    """A JSON-ready dict of every field of a record (dates as ISO strings)."""
    return {
        "source_format": record.source_format,
        "pmid": record.pmid,
        "doi": record.doi,
        "pmcid": record.pmcid,
        "title": record.title,
        "title_html": record.title_html,
        "abstract": [
            {
                "label": section.label,
                "text": section.text,
                "html": section.html,
                "category": section.category,
            }
            for section in record.abstract
        ],
        "authors": [author_to_dict(author) for author in record.authors],
        "journal": {
            "title": record.journal.title,
            "iso_abbreviation": record.journal.iso_abbreviation,
            "issn": record.journal.issn,
            "volume": record.journal.volume,
            "issue": record.journal.issue,
            "pages": record.journal.pages,
        },
        "published": record.published.iso if record.published else None,
        "published_text": record.published.text if record.published else None,
        "publication_types": list(record.publication_types),
        "mesh": [
            {
                "descriptor": heading.descriptor,
                "ui": heading.ui,
                "major": heading.major,
                "descriptor_major": heading.descriptor_major,
                "qualifiers": [
                    {"name": qualifier.name, "major": qualifier.major}
                    for qualifier in heading.qualifiers
                ],
            }
            for heading in record.mesh
        ],
        "keywords": list(record.keywords),
        "language": record.language,
        "comments_corrections": [
            {"ref_type": link.ref_type, "pmid": link.pmid, "source": link.source}
            for link in record.comments_corrections
        ],
        "retracted": record.retracted,
        "url": record.url,
        "status": record.status,
        "entrez_date": record.entrez_date.isoformat() if record.entrez_date else None,
        "line": record.line,
    }


def author_to_dict(author: Author) -> dict[str, Any]:
    """``{"collective": ...}`` for a group, ``{"family", "given", ...}`` for a person."""
    if author.collective:
        return {"collective": author.collective}
    result: dict[str, Any] = {"family": author.family, "given": author.given}
    if author.initials:
        result["initials"] = author.initials
    if author.suffix:
        result["suffix"] = author.suffix
    if author.orcid:
        result["orcid"] = author.orcid
    if author.affiliations:
        result["affiliations"] = list(author.affiliations)
    return result
