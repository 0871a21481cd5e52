"""PubMed XML: E-utilities ``efetch`` output and the annual baseline and daily update files.

Streamed with ``lxml.etree.iterparse`` on the end of each ``PubmedArticle``,
``PubmedBookArticle`` and ``DeleteCitation``; each handled element is cleared and the
elements before it are removed from the root, so memory stays flat whatever the file size.

Safety: the parser never resolves entities (``resolve_entities=False``: an entity reference
stays a reference, is dropped from the text and reported), never loads the DTD or anything
else (``load_dtd=False``, ``no_network=True``) and keeps libxml2's limits on (``huge_tree``
off). A "billion laughs" file, or one whose entities point at ``file://`` or ``http://``,
reads as text without those entities.

What is read: see ``docs/literature-formats.md``. Book records (``PubmedBookArticle``) are
read from their ``BookDocument``. ``DeleteCitation`` PMIDs become ``Deletion`` events.
Malformed XML stops the file at the error, reported with its line; every record before it
has been yielded.
"""

from __future__ import annotations

import datetime
import functools
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from lxml import etree

from lifelong.literature.formats.dates import parse_pubmed_date
from lifelong.literature.formats.identifiers import (
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    pubmed_url,
)
from lifelong.literature.formats.markup import collapse, render
from lifelong.literature.formats.model import (
    NO_JOURNAL,
    AbstractSection,
    Author,
    CommentCorrection,
    Deletion,
    Journal,
    MeshHeading,
    MeshQualifier,
    ParseEvent,
    ParseResult,
    PartialDate,
    Problem,
    Record,
)

RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")
# The most numerous parts of a record, built from complete tuples in C: a named tuple's own
# __new__ is Python code (its defaults), twice as slow, and these are built by the dozen.
_new_author = functools.partial(tuple.__new__, Author)
_new_heading = functools.partial(tuple.__new__, MeshHeading)
_new_qualifier = functools.partial(tuple.__new__, MeshQualifier)
ROOT_TAGS = frozenset({"PubmedArticleSet", "PubmedArticle", "PubmedBookArticle"})


class BinaryReader(Protocol):
    """A binary file object (an open file, a ``GzipFile``, a ``BytesIO``)."""

    def read(self, size: int = -1, /) -> bytes: ...


XmlSource = str | Path | BinaryReader


def parse_pubmed_xml(source: XmlSource, name: str | None = None) -> ParseResult:
    """Read a whole PubMed XML file (path or binary file object) into a ``ParseResult``."""
    result = ParseResult()
    for event in iter_pubmed_xml(source, name):
        result.add(event)
    return result


def iter_pubmed_xml(source: XmlSource, name: str | None = None) -> Iterator[ParseEvent]:
    """Stream records, deletions and problems from a PubMed XML file, in file order.

    ``source`` is a path or a binary file object (already decompressed: ``dispatch``
    handles gzip). ``name`` is the file name used in problems.
    """
    if name is None:
        name = str(source) if isinstance(source, str | Path) else getattr(source, "name", "<xml>")
    if isinstance(source, Path):
        source = str(source)
    context = etree.iterparse(
        source,
        events=("end",),
        tag=RECORD_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    found = 0
    last_line: int | None = None
    try:
        for _event, element in context:
            found += 1
            last_line = element.sourceline
            tag = element.tag
            if tag == "PubmedArticle":
                yield from _pubmed_article(element, name)
            elif tag == "DeleteCitation":
                for pmid_element in element.iterchildren("PMID"):
                    pmid = normalize_pmid(pmid_element.text)
                    if pmid:
                        yield Deletion(pmid, pmid_element.sourceline)
                    else:
                        yield Problem(name, pmid_element.sourceline, "DeleteCitation: no PMID")
            else:
                yield from _book_article(element, name)
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        yield Problem(name, error.lineno or last_line, f"malformed XML: {error.msg}")
        return
    except (EOFError, zlib.error, OSError) as error:
        where = f" after line {last_line}" if last_line else ""
        message = f"the compressed file is cut short or corrupt{where}: {error}"
        yield Problem(name, last_line, message)
        return
    if not found:
        root = context.root
        root_tag = root.tag if root is not None and isinstance(root.tag, str) else None
        if root_tag not in ROOT_TAGS:
            yield Problem(
                name, 1, f"not PubMed XML: the root element is <{root_tag}>, not <PubmedArticleSet>"
            )
        else:
            yield Problem(name, None, "no PubMed records in this file", "warning")


def _text(element: etree._Element | None) -> str | None:
    """An element's own text, whitespace collapsed; ``None`` when empty."""
    if element is None:
        return None
    text = element.text
    if not text:
        return None
    text = text.strip(" \t\r\n")  # XML whitespace only, as ``collapse``
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = collapse(text)
    return text or None


def _pmid(element: etree._Element) -> str | None:
    text = element.text
    if text:
        text = text.strip(" \t\r\n")
        if text.isdigit():
            return text.lstrip("0") or None
    return normalize_pmid(text)


def _pubmed_article(element: etree._Element, name: str) -> Iterator[ParseEvent]:
    citation = pubmed_data = None
    for part in element:
        if part.tag == "MedlineCitation":
            citation = part
        elif part.tag == "PubmedData":
            pubmed_data = part
    if citation is None:
        yield Problem(name, element.sourceline, "PubmedArticle without MedlineCitation: skipped")
        return
    dropped: list[str] = []
    pmid: str | None = None
    title = title_html = ""
    vernacular = vernacular_html = ""
    abstract: tuple[AbstractSection, ...] = ()
    authors: tuple[Author, ...] = ()
    journal = NO_JOURNAL
    pages: str | None = None
    published: PartialDate | None = None
    article_date: etree._Element | None = None
    publication_types: list[str] = []
    mesh: tuple[MeshHeading, ...] = ()
    keywords: list[str] = []
    language: str | None = None
    links: list[CommentCorrection] = []
    doi: str | None = None
    pmcid: str | None = None

    for child in citation:
        tag = child.tag
        if tag == "PMID":
            pmid = _pmid(child)
        elif tag == "Article":
            for part in child:
                part_tag = part.tag
                if part_tag == "Journal":
                    journal, published = _journal(part)
                elif part_tag == "ArticleTitle":
                    title, title_html = render(part, dropped, disposable=True)
                elif part_tag == "VernacularTitle":
                    vernacular, vernacular_html = render(part, dropped, disposable=True)
                elif part_tag == "Pagination":
                    pages = _pages(part)
                elif part_tag == "ELocationID":
                    if doi is None and part.get("EIdType") == "doi" and part.get("ValidYN") != "N":
                        doi = normalize_doi(part.text)
                elif part_tag == "Abstract":
                    abstract = _abstract(part, dropped)
                elif part_tag == "AuthorList":
                    authors = _authors(part, dropped)
                elif part_tag == "Language":
                    if language is None:
                        language = _text(part)
                elif part_tag == "PublicationTypeList":
                    publication_types = [
                        text for text in (_text(item) for item in part) if text is not None
                    ]
                elif part_tag == "ArticleDate" and article_date is None:
                    article_date = part  # read only when there is no PubDate
        elif tag == "MeshHeadingList":
            mesh = _mesh(child)
        elif tag == "KeywordList":
            _keywords(child, keywords, dropped)
        elif tag == "CommentsCorrectionsList":
            links = _comments_corrections(child)
        elif tag == "OtherID" and pmcid is None and child.get("Source") == "NLM":
            pmcid = normalize_pmcid(child.text)

    entrez_date = None
    if pubmed_data is not None:
        ids, entrez_date = _pubmed_data(pubmed_data)
        doi = doi or ids.get("doi")
        pmcid = ids.get("pmc") or pmcid
        pmid = pmid or ids.get("pubmed")

    if not pmid:
        yield Problem(name, element.sourceline, "PubmedArticle without a PMID: skipped")
        return
    if dropped:
        yield _entity_problem(name, element.sourceline, pmid, dropped)
    if not title and vernacular:
        title, title_html = vernacular, vernacular_html
    yield Record(
        source_format="pubmed-xml",
        title=title,
        title_html=title_html,
        pmid=pmid,
        doi=doi,
        pmcid=pmcid,
        abstract=abstract,
        authors=authors,
        journal=journal._replace(pages=pages) if pages else journal,
        published=published or (_date_of(article_date) if article_date is not None else None),
        publication_types=tuple(publication_types),
        mesh=mesh,
        keywords=tuple(keywords),
        language=language,
        comments_corrections=tuple(links),
        url=pubmed_url(pmid),
        status=citation.get("Status"),
        entrez_date=entrez_date,
        line=element.sourceline,
    )


def _book_article(element: etree._Element, name: str) -> Iterator[ParseEvent]:
    document = element.find("BookDocument")
    if document is None:
        yield Problem(name, element.sourceline, "PubmedBookArticle without BookDocument: skipped")
        return
    dropped: list[str] = []
    pmid = normalize_pmid(_text(document.find("PMID")))
    title = title_html = ""
    book_title = book_title_html = ""
    abstract: tuple[AbstractSection, ...] = ()
    authors: tuple[Author, ...] = ()
    published: PartialDate | None = None
    publication_types: list[str] = []
    keywords: list[str] = []
    language: str | None = None
    ids: dict[str, str] = {}
    for child in document:
        tag = child.tag
        if tag == "ArticleTitle":
            title, title_html = render(child, dropped, disposable=True)
        elif tag == "Book":
            for part in child:
                if part.tag == "BookTitle":
                    book_title, book_title_html = render(part, dropped, disposable=True)
                elif part.tag == "PubDate":
                    published = _date_of(part)
                elif part.tag == "AuthorList" and not authors:
                    authors = _authors(part, dropped)
        elif tag == "AuthorList" and child.get("Type", "authors") == "authors":
            authors = _authors(child, dropped)
        elif tag == "Abstract":
            abstract = _abstract(child, dropped)
        elif tag == "Language" and language is None:
            language = _text(child)
        elif tag == "PublicationType":
            text = _text(child)
            if text:
                publication_types.append(text)
        elif tag == "KeywordList":
            _keywords(child, keywords, dropped)
        elif tag == "ArticleIdList":
            ids.update(_article_ids(child))
    book_data = element.find("PubmedBookData")
    entrez_date = None
    if book_data is not None:
        more_ids, entrez_date = _pubmed_data(book_data)
        ids = {**more_ids, **ids}
    pmid = pmid or ids.get("pubmed")
    if not pmid:
        yield Problem(name, element.sourceline, "PubmedBookArticle without a PMID: skipped")
        return
    if dropped:
        yield _entity_problem(name, element.sourceline, pmid, dropped)
    is_chapter = bool(title)
    if not title:
        title, title_html = book_title, book_title_html
    yield Record(
        source_format="pubmed-xml",
        title=title,
        title_html=title_html,
        pmid=pmid,
        doi=ids.get("doi"),
        pmcid=ids.get("pmc"),
        abstract=abstract,
        authors=authors,
        journal=Journal(title=book_title or None) if is_chapter else Journal(),
        published=published,
        publication_types=tuple(publication_types),
        keywords=tuple(keywords),
        language=language,
        url=pubmed_url(pmid),
        entrez_date=entrez_date,
        line=element.sourceline,
    )


def _entity_problem(name: str, line: int | None, pmid: str, dropped: list[str]) -> Problem:
    names = ", ".join(sorted(set(dropped)))
    return Problem(
        name, line, f"PMID {pmid}: entity references left out, never expanded: {names}", "warning"
    )


def _journal(element: etree._Element) -> tuple[Journal, PartialDate | None]:
    title = abbreviation = issn = volume = issue = None
    published = None
    for child in element:
        tag = child.tag
        if tag == "Title":
            title = _text(child)
        elif tag == "ISOAbbreviation":
            abbreviation = _text(child)
        elif tag == "ISSN" and issn is None:
            issn = _text(child)
        elif tag == "JournalIssue":
            for part in child:
                if part.tag == "Volume":
                    volume = _text(part)
                elif part.tag == "Issue":
                    issue = _text(part)
                elif part.tag == "PubDate":
                    published = _date_of(part)
    return Journal(title, abbreviation, issn, volume, issue), published


def _pages(pagination: etree._Element) -> str | None:
    """``MedlinePgn`` ("1116-22"), else ``StartPage``-``EndPage``."""
    parts = {part.tag: _text(part) for part in pagination}
    medline = parts.get("MedlinePgn")
    if medline:
        return medline
    start, end = parts.get("StartPage"), parts.get("EndPage")
    return f"{start}-{end}" if start and end else start


def _date_of(element: etree._Element) -> PartialDate | None:
    parts: dict[str, str | None] = {}
    for child in element:
        if isinstance(child.tag, str):
            parts[child.tag] = child.text
    return parse_pubmed_date(
        parts.get("Year"),
        parts.get("Month"),
        parts.get("Day"),
        parts.get("Season"),
        parts.get("MedlineDate"),
    )


def _abstract(element: etree._Element, dropped: list[str]) -> tuple[AbstractSection, ...]:
    sections = []
    for child in element:
        if child.tag != "AbstractText":
            continue
        text, html = render(child, dropped, disposable=True)
        if not text:
            continue
        label = child.get("Label") or None
        sections.append(AbstractSection(label, text, html, child.get("NlmCategory") or None))
    return tuple(sections)


def _authors(element: etree._Element, dropped: list[str]) -> tuple[Author, ...]:
    authors = []
    for author in element:
        if author.tag != "Author" or author.get("ValidYN") == "N":
            continue
        family = given = initials = collective = orcid = suffix = None
        affiliations: list[str] = []
        for part in author:
            tag = part.tag
            if tag == "LastName":
                family = _text(part)
            elif tag == "ForeName":
                given = _text(part)
            elif tag == "Initials":
                initials = _text(part)
            elif tag == "AffiliationInfo":
                for info in part:
                    if info.tag == "Affiliation":
                        affiliation = _text(info)
                        if affiliation:
                            affiliations.append(affiliation)
            elif tag == "Suffix":
                suffix = _text(part)
            elif tag == "CollectiveName":
                collective = render(part, dropped, disposable=True)[0] or None
            elif tag == "Identifier" and part.get("Source") == "ORCID":
                orcid = normalize_orcid(part.text)
        if family or given or collective:
            authors.append(
                _new_author(
                    (family, given, initials, collective, orcid, tuple(affiliations), suffix)
                )
            )
    return tuple(authors)


def _mesh(element: etree._Element) -> tuple[MeshHeading, ...]:
    headings = []
    for heading in element:
        descriptor: str | None = None
        ui = None
        major = False
        qualifiers = []
        for part in heading:
            if part.tag == "DescriptorName":
                descriptor = _text(part)
                ui = part.get("UI")
                major = part.get("MajorTopicYN") == "Y"
            elif part.tag == "QualifierName":
                name = _text(part)
                if name:
                    qualifiers.append(_new_qualifier((name, part.get("MajorTopicYN") == "Y")))
        if descriptor:
            headings.append(_new_heading((descriptor, ui, major, tuple(qualifiers))))
    return tuple(headings)


def _keywords(element: etree._Element, keywords: list[str], dropped: list[str]) -> None:
    for keyword in element:
        if keyword.tag == "Keyword":
            text = render(keyword, dropped, disposable=True)[0]
            if text and text not in keywords:
                keywords.append(text)


def _comments_corrections(element: etree._Element) -> list[CommentCorrection]:
    """Comments, errata, retractions, updates... ``Cites`` links are left out: they are the
    article's references (older records list them here, newer ones in ``ReferenceList``,
    which is not read either), not comments on or corrections of it."""
    links = []
    for link in element:
        ref_type = link.get("RefType")
        if not ref_type or ref_type == "Cites" or link.tag != "CommentsCorrections":
            continue
        source = pmid = None
        for part in link:
            if part.tag == "RefSource":
                source = _text(part)
            elif part.tag == "PMID":
                pmid = _pmid(part)
        links.append(CommentCorrection(ref_type, pmid, source))
    return links


def _article_ids(element: etree._Element) -> dict[str, str]:
    """The record's own identifiers (``PubmedData/ArticleIdList``; never a reference's)."""
    ids: dict[str, str] = {}
    for article_id in element:
        id_type = article_id.get("IdType")
        if id_type in ids:
            continue
        if id_type == "doi":
            doi = normalize_doi(article_id.text)
            if doi:
                ids["doi"] = doi
        elif id_type == "pmc":
            pmcid = normalize_pmcid(article_id.text)
            if pmcid:
                ids["pmc"] = pmcid
        elif id_type == "pubmed":
            pmid = normalize_pmid(article_id.text)
            if pmid:
                ids["pubmed"] = pmid
    return ids


def _pubmed_data(element: etree._Element) -> tuple[dict[str, str], datetime.date | None]:
    """The record's identifiers and the day it entered PubMed (``entrez``, else ``pubmed``)."""
    ids: dict[str, str] = {}
    entrez: etree._Element | None = None
    pubmed: etree._Element | None = None
    for child in element:
        if child.tag == "ArticleIdList":
            ids = _article_ids(child)
        elif child.tag == "History":
            for pubmed_date in child:
                status = pubmed_date.get("PubStatus")
                if status == "entrez":
                    entrez = pubmed_date
                elif status == "pubmed":
                    pubmed = pubmed_date
    chosen = entrez if entrez is not None else pubmed
    if chosen is None:
        return ids, None
    date = _date_of(chosen)
    if date is None or not (date.year and date.month and date.day):
        return ids, None
    return ids, datetime.date(date.year, date.month, date.day)
