"""RIS (``TY  - JOUR`` ... ``ER  -``), read and written with rispy.

rispy parses a record's tags (repeated and multi-line values, ``;``-separated URLs, unknown
tags) but loses a record that is not closed by ``ER`` and knows no line numbers. So the file
is first cut into records here, each with its first line, and each record is handed to
``rispy.loads``; an unclosed record is still read and reported.

Mapping (see ``docs/literature-formats.md``): ``TY`` gives the publication type (``JOUR`` ->
"Journal Article"); ``M3`` ("type of work") carries PubMed publication types
("Randomized Controlled Trial; Journal Article"), which this module also writes, so that
evidence levels survive an export and re-import. ``AN`` is read as a PMID when ``DB`` names
PubMed or MEDLINE (the writer puts ``DB  - PubMed`` next to it); ``C2`` holds a PMCID.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import rispy

from lifelong.literature.formats.dates import parse_slashed_date
from lifelong.literature.formats.identifiers import (
    doi_from_url,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
)
from lifelong.literature.formats.markup import collapse, plain_text_and_html
from lifelong.literature.formats.model import (
    Author,
    Journal,
    ParseEvent,
    ParseResult,
    PartialDate,
    Problem,
    Record,
)
from lifelong.literature.formats.sections import join_abstract, split_abstract

#: RIS reference types and the publication type each stands for (the rest: rispy's names).
TYPE_TO_PUBLICATION_TYPE = {
    "JOUR": "Journal Article",
    "EJOUR": "Journal Article",
    "JFULL": "Journal Article",
    "MGZN": "Magazine Article",
    "BOOK": "Book",
    "EBOOK": "Book",
    "EDBOOK": "Book",
    "CHAP": "Book Chapter",
    "ECHAP": "Book Chapter",
    "CONF": "Conference Proceedings",
    "CPAPER": "Conference Paper",
    "THES": "Thesis",
    "RPRT": "Technical Report",
    "GOVDOC": "Government Publication",
    "NEWS": "Newspaper Article",
    "ELEC": "Web Page",
    "BLOG": "Blog",
    "UNPB": "Unpublished Work",
    "DATA": "Dataset",
    "PAT": "Patent",
}
#: The reverse, for the writer: the first publication type found here sets ``TY``.
PUBLICATION_TYPE_TO_TYPE = {
    "journal article": "JOUR",
    "magazine article": "MGZN",
    "book": "BOOK",
    "book chapter": "CHAP",
    "conference proceedings": "CONF",
    "conference paper": "CPAPER",
    "congress": "CONF",
    "thesis": "THES",
    "academic dissertation": "THES",
    "technical report": "RPRT",
    "government publication": "GOVDOC",
    "newspaper article": "NEWS",
    "web page": "ELEC",
    "blog": "BLOG",
    "unpublished work": "UNPB",
    "dataset": "DATA",
    "patent": "PAT",
}
GENERIC_TYPE = "GEN"
DEFAULT_ARTICLE_TYPE = "JOUR"

_START = re.compile(r"^TY  -")
_END = re.compile(r"^ER  -")
_ISSN = re.compile(r"\b(\d{4}-\d{3}[\dXx])\b")
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$")
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)


def parse_ris(text: str, name: str = "<ris>") -> ParseResult:
    result = ParseResult()
    for event in iter_ris(text, name):
        result.add(event)
    return result


def iter_ris(text: str, name: str = "<ris>") -> Iterator[ParseEvent]:
    """Records and problems from RIS text (already decoded; a BOM is ignored)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    chunk: list[str] = []
    chunk_line = 0
    found = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not chunk:
            if _START.match(line):
                chunk, chunk_line = [line], number
            continue
        if _START.match(line):
            yield Problem(
                name,
                chunk_line,
                f"the record starting here has no 'ER  -' line before line {number}: "
                "read up to there",
            )
            found += 1
            yield from _record(chunk, chunk_line, name)
            chunk, chunk_line = [line], number
            continue
        chunk.append(line)
        if _END.match(line):
            found += 1
            yield from _record(chunk, chunk_line, name)
            chunk = []
    if chunk:
        found += 1
        yield Problem(name, chunk_line, "the last record is not closed by an 'ER  -' line")
        yield from _record(chunk, chunk_line, name)
    if not found:
        yield Problem(name, 1, "no RIS record in this file (no line starts with 'TY  - ')")


def _record(lines: list[str], first_line: int, name: str) -> Iterator[ParseEvent]:
    if not _END.match(lines[-1]):
        lines = [*lines, "ER  - "]
    entries = rispy.loads("\n".join(lines))
    if not entries:
        yield Problem(name, first_line, "a record rispy could not read: skipped")
        return
    entry: dict[str, Any] = entries[0]
    record = _to_record(entry, first_line)
    if record is None:
        yield Problem(
            name, first_line, "a record without a title or an identifier: skipped", "warning"
        )
        return
    yield record


def _string(entry: dict[str, Any], *keys: str) -> str | None:
    """The first non-empty value among ``keys`` (a list value gives its first item)."""
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = next((item for item in value if isinstance(item, str) and item.strip()), None)
        if isinstance(value, str) and value.strip():
            return collapse(value)
    return None


def _strings(entry: dict[str, Any], *keys: str) -> list[str]:
    values: list[str] = []
    for key in keys:
        value = entry.get(key)
        items = value if isinstance(value, list) else [value]
        values.extend(collapse(item) for item in items if isinstance(item, str) and item.strip())
    return values


def parse_person(name: str) -> Author:
    """A name as RIS writes it: "Shannon, Claude E." (a person); "Fanning E." (a person
    given as family name and initials, as some databases export); "Plato," (a person with
    only a family name); anything else without a comma is a group ("World Health
    Organization")."""
    name = collapse(name)
    if "," not in name:
        family, _, last = name.rpartition(" ")
        if family and _INITIALS.match(last):
            return Author(family=family, initials=last.replace(".", ""))
        return Author(collective=name)
    family, _, rest = name.partition(",")
    given, _, suffix = rest.partition(",")
    return Author(
        family=family.strip() or None,
        given=given.strip() or None,
        suffix=suffix.strip() or None,
    )


def _date(entry: dict[str, Any]) -> PartialDate | None:
    best: PartialDate | None = None
    for key in ("date", "year", "publication_year"):
        text = _string(entry, key)
        if not text:
            continue
        candidate = parse_slashed_date(text)
        if candidate is None or candidate.year is None:
            continue
        if best is None or _precision(candidate) > _precision(best):
            best = candidate
    return best


def _precision(date: PartialDate) -> int:
    return sum(part is not None for part in (date.year, date.month, date.day))


def _to_record(entry: dict[str, Any], first_line: int) -> Record | None:
    reference_type = _string(entry, "type_of_reference") or ""
    type_of_work = _string(entry, "type_of_work")
    if type_of_work and normalize_doi(type_of_work):  # EndNote puts DOIs in M3 at times
        entry.setdefault("doi", type_of_work)
        type_of_work = None
    if type_of_work:
        publication_types = [part.strip() for part in type_of_work.split(";") if part.strip()]
    else:
        mapped = TYPE_TO_PUBLICATION_TYPE.get(reference_type.upper())
        if mapped is None and reference_type.upper() in rispy.TYPE_OF_REFERENCE_MAPPING:
            mapped = rispy.TYPE_OF_REFERENCE_MAPPING[reference_type.upper()]
            mapped = None if reference_type.upper() == GENERIC_TYPE else mapped
        elif mapped is None and reference_type and not reference_type.isupper():
            mapped = reference_type  # a non-standard but readable value: "Journal Article"
        publication_types = [mapped] if mapped else []

    urls = _strings(entry, "urls")
    doi = normalize_doi(_string(entry, "doi")) or next(
        (found for found in map(doi_from_url, urls) if found), None
    )
    database = (_string(entry, "name_of_database", "database_provider") or "").lower()
    pmid = None
    accession = _string(entry, "accession_number")
    if accession and ("pubmed" in database or "medline" in database):
        pmid = normalize_pmid(accession)
    if pmid is None:
        for note in [accession or "", *_strings(entry, "notes", "note")]:
            match = _PMID_NOTE.search(note)
            if match:
                pmid = normalize_pmid(match.group(1))
                break
    title_source = _string(entry, "title", "primary_title", "translated_title", "short_title") or ""
    if not title_source and not (pmid or doi):
        return None
    title, title_html = plain_text_and_html(title_source)

    issn_text = _string(entry, "issn") or ""
    issn_match = _ISSN.search(issn_text)
    start_page = _string(entry, "start_page")
    end_page = _string(entry, "end_page")
    pages = f"{start_page}-{end_page}" if start_page and end_page else start_page or end_page
    authors = [parse_person(name) for name in _strings(entry, "authors", "first_authors")]
    keywords = [keyword.lstrip("*").strip() for keyword in _strings(entry, "keywords")]
    return Record(
        source_format="ris",
        title=title,
        title_html=title_html,
        pmid=pmid,
        doi=doi,
        pmcid=normalize_pmcid(_string(entry, "custom2")),
        abstract=split_abstract(_string(entry, "abstract", "notes_abstract") or ""),
        authors=tuple(authors),
        journal=Journal(
            title=_string(entry, "secondary_title", "alternate_title3", "journal_name"),
            iso_abbreviation=_string(entry, "alternate_title1", "alternate_title2"),
            issn=issn_match.group(1).upper() if issn_match else None,
            volume=_string(entry, "volume"),
            issue=_string(entry, "number"),
            pages=pages,
        ),
        published=_date(entry),
        publication_types=tuple(dict.fromkeys(publication_types)),
        keywords=tuple(dict.fromkeys(keyword for keyword in keywords if keyword)),
        language=_string(entry, "language"),
        url=urls[0] if urls else None,
        line=first_line,
    )


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without the "1." line it puts before each record."""

    def set_header(self, count: int) -> str:
        return ""


def _one_line(value: str) -> str:
    """RIS values are one line: a line break would start a new tag or end the record."""
    return " ".join(value.split())


def record_to_ris_entry(record: Record) -> dict[str, Any]:
    """A record as a rispy entry (the dict ``rispy.dumps`` writes)."""
    entry: dict[str, Any] = {}
    reference_type = GENERIC_TYPE
    for publication_type in record.publication_types:
        mapped = PUBLICATION_TYPE_TO_TYPE.get(publication_type.lower())
        if mapped:
            reference_type = mapped
            break
    else:
        if record.publication_types:
            reference_type = DEFAULT_ARTICLE_TYPE if record.journal.title else GENERIC_TYPE
    entry["type_of_reference"] = reference_type
    if record.title:
        entry["title"] = _one_line(record.title)
    authors = []
    for author in record.authors:
        if author.collective:
            authors.append(_one_line(author.collective.replace(",", " ")))
        elif author.family or author.given:
            given = author.given or author.initials or ""
            name = f"{author.family or ''}, {given}".rstrip()
            if author.suffix:
                name += f", {author.suffix}"
            authors.append(_one_line(name))
    if authors:
        entry["authors"] = authors
    if record.abstract:
        entry["abstract"] = _one_line(join_abstract(record.abstract))
    journal = record.journal
    for key, value in (
        ("secondary_title", journal.title),
        ("alternate_title1", journal.iso_abbreviation),
        ("volume", journal.volume),
        ("number", journal.issue),
        ("issn", journal.issn),
    ):
        if value:
            entry[key] = _one_line(value)
    if journal.pages:
        start, separator, end = journal.pages.partition("-")
        entry["start_page"] = _one_line(start if separator and start and end else journal.pages)
        if separator and start and end:
            entry["end_page"] = _one_line(end)
    if record.published and record.published.year:
        date = record.published
        entry["year"] = f"{date.year:04d}"
        if date.month:
            day = f"{date.day:02d}" if date.day else ""
            entry["date"] = f"{date.year:04d}/{date.month:02d}/{day}/"
    if record.doi:
        entry["doi"] = record.doi
    if record.url:
        entry["urls"] = [record.url]
    if record.keywords:
        entry["keywords"] = [_one_line(keyword) for keyword in record.keywords]
    if record.language:
        entry["language"] = _one_line(record.language)
    if record.pmid:
        entry["accession_number"] = record.pmid
        entry["name_of_database"] = "PubMed"
    if record.pmcid:
        entry["custom2"] = record.pmcid
    if record.publication_types:
        entry["type_of_work"] = "; ".join(_one_line(item) for item in record.publication_types)
    return entry


def to_ris(records: Iterable[Record]) -> str:
    """Records as an RIS file (UTF-8 text, one blank line between records)."""
    entries = [record_to_ris_entry(record) for record in records]
    if not entries:
        return ""
    text: str = rispy.dumps(entries, implementation=_RisWriter)
    return text
