"""CSL-JSON (Zotero, Mendeley, pandoc/citeproc; doi.org content negotiation), read with the
standard library's ``json``.

A file holds a list of items or one item. Items are decoded one at a time so that every
problem has its line, and the items before a syntax error are kept. Crossref's variant is
read too (``title`` and ``container-title`` as lists, ``published-print`` dates, JATS
abstracts).

Titles are CSL "rich text": ``<i>``, ``<b>``, ``<sup>``, ``<sub>`` are read as markup and
written back from ``title_html`` (MathML as its plain reading). Fields CSL has no variable
for (publication types, MeSH, comments and corrections, PubMed status) travel in the
item's ``custom`` object, the CSL 1.0.2 place for extensions, so that nothing is lost on an
export and re-import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from lifelong.literature.formats.dates import (
    parse_date_parts,
    parse_iso_date,
    parse_timestamp_date,
)
from lifelong.literature.formats.identifiers import (
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from lifelong.literature.formats.markup import (
    collapse,
    escape,
    local_name,
    render,
    render_html_fragment,
    to_csl_rich_text,
)
from lifelong.literature.formats.model import (
    AbstractSection,
    Author,
    CommentCorrection,
    Journal,
    MeshHeading,
    MeshQualifier,
    ParseEvent,
    ParseResult,
    PartialDate,
    Problem,
    Record,
)
from lifelong.literature.formats.sections import join_abstract, split_abstract

CSL_TYPE_TO_PUBLICATION_TYPE = {
    "article-journal": "Journal Article",
    "article-magazine": "Magazine Article",
    "article-newspaper": "Newspaper Article",
    "book": "Book",
    "chapter": "Book Chapter",
    "paper-conference": "Conference Paper",
    "thesis": "Thesis",
    "report": "Technical Report",
    "webpage": "Web Page",
    "post-weblog": "Blog",
    "dataset": "Dataset",
    "patent": "Patent",
    "article": "Preprint",
    "manuscript": "Unpublished Work",
    # Crossref's type names, for its CSL-like JSON
    "journal-article": "Journal Article",
    "book-chapter": "Book Chapter",
    "proceedings-article": "Conference Paper",
    "posted-content": "Preprint",
    "dissertation": "Thesis",
}
PUBLICATION_TYPE_TO_CSL_TYPE = {
    "journal article": "article-journal",
    "magazine article": "article-magazine",
    "newspaper article": "article-newspaper",
    "book": "book",
    "book chapter": "chapter",
    "conference paper": "paper-conference",
    "thesis": "thesis",
    "academic dissertation": "thesis",
    "technical report": "report",
    "web page": "webpage",
    "blog": "post-weblog",
    "dataset": "dataset",
    "patent": "patent",
    "preprint": "article",
    "unpublished work": "manuscript",
}
DEFAULT_CSL_TYPE = "article-journal"
GENERIC_CSL_TYPE = "document"
_KEYWORD_SEPARATOR = re.compile(r"\s*[;,]\s*")
_PMID_NOTE = re.compile(r"\bPMID:\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID_NOTE = re.compile(r"\bPMCID:\s*(PMC\d+)\b", re.IGNORECASE)
_DECODER = json.JSONDecoder()


def parse_csl_json(text: str, name: str = "<csl-json>") -> ParseResult:
    result = ParseResult()
    for event in iter_csl_json(text, name):
        result.add(event)
    return result


def iter_csl_json(text: str, name: str = "<csl-json>") -> Iterator[ParseEvent]:
    """Records and problems from CSL-JSON text: a list of items or a single item."""
    if text.startswith("\ufeff"):
        text = text[1:]
    position = _skip_space(text, 0)
    if position >= len(text):
        yield Problem(name, 1, "the file is empty")
        return
    if text[position] == "{":
        try:
            item, end = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield Problem(name, error.lineno, f"malformed JSON: {error.msg}")
            return
        yield from _item_events(item, _line_at(text, position), name)
        if _skip_space(text, end) < len(text):
            yield Problem(name, _line_at(text, end), "text after the JSON object: ignored")
        return
    if text[position] != "[":
        yield Problem(name, _line_at(text, position), "not CSL-JSON: expected '[' or '{'")
        return
    position = _skip_space(text, position + 1)
    line = _line_at(text, position)
    counted_to = position
    first = True
    while True:
        if position >= len(text):
            yield Problem(name, line, "malformed JSON: the list is not closed by ']'")
            return
        if text[position] == "]":
            return
        if not first:
            if text[position] != ",":
                yield Problem(name, line, "malformed JSON: expected ',' or ']' between items")
                return
            position = _skip_space(text, position + 1)
        line += text.count("\n", counted_to, position)
        counted_to = position
        try:
            item, end = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield Problem(name, error.lineno, f"malformed JSON: {error.msg}")
            return
        yield from _item_events(item, line, name)
        first = False
        position = _skip_space(text, end)
        line += text.count("\n", counted_to, position)
        counted_to = position


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _item_events(item: object, line: int, name: str) -> Iterator[ParseEvent]:
    if not isinstance(item, dict):
        yield Problem(name, line, f"a CSL item must be an object, not {type(item).__name__}")
        return
    record = item_to_record(item, line)
    if record is None:
        yield Problem(name, line, "an item without a title or an identifier: skipped", "warning")
        return
    yield record


def _first_string(value: object) -> str | None:
    """A string, or the first string of a list (Crossref writes titles as lists)."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _text(item: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = _first_string(item.get(key))
        if value:
            return collapse(value)
    return None


def _author(value: object) -> Author | None:
    if not isinstance(value, dict):
        return None
    literal = _text(value, "literal", "name")
    if literal:
        return Author(collective=literal)
    family = _text(value, "family")
    particle = _text(value, "non-dropping-particle")
    if family and particle:
        family = f"{particle} {family}"
    given = _text(value, "given")
    dropping = _text(value, "dropping-particle")
    if given and dropping:
        given = f"{given} {dropping}"
    if not family and not given:
        return None
    affiliations: list[str] = []
    raw_affiliations = value.get("affiliation")
    if isinstance(raw_affiliations, list):
        for affiliation in raw_affiliations:
            text = (
                _text(affiliation, "name")
                if isinstance(affiliation, dict)
                else _first_string(affiliation)
            )
            if text:
                affiliations.append(text)
    return Author(
        family=family,
        given=given,
        suffix=_text(value, "suffix"),
        orcid=normalize_orcid(_text(value, "ORCID", "orcid")),
        affiliations=tuple(affiliations),
    )


def _date(item: dict[str, Any]) -> PartialDate | None:
    for key in ("issued", "published-print", "published-online", "published"):
        value = item.get(key)
        if isinstance(value, dict):
            date = parse_date_parts(value.get("date-parts"))
            if date is None:
                raw = _text(value, "raw", "literal")
                date = parse_iso_date(raw) if raw else None
            if date is not None and date.year:
                return date
        elif isinstance(value, str) and value.strip():
            date = parse_iso_date(value)
            if date is not None and date.year:
                return date
    return None


def _abstract(value: str) -> tuple[AbstractSection, ...]:
    """A CSL abstract: plain text, HTML, or Crossref's JATS (``<jats:sec>`` sections with
    a ``<jats:title>``, paragraphs, and often a leading "Abstract" title)."""
    if "<" not in value:
        return split_abstract(value)
    try:
        container = lxml_html.fragment_fromstring(value, create_parent="div")
    except etree.ParserError:
        return split_abstract(value)
    sections = [element for element in container.iter() if _is(element, "sec")]
    if not sections:
        for element in list(container):
            if _is(element, "title") and collapse(element.text_content()).lower() == "abstract":
                _remove_keeping_tail(element)
        text, html = render(container)
        if html == escape(text):  # no markup left: maybe a flattened structured abstract
            return split_abstract(text)
        return (AbstractSection(None, text, html),) if text else ()
    result = []
    for section in sections:
        label = None
        for child in list(section):
            if _is(child, "title"):
                label = collapse(child.text_content()) or None
                _remove_keeping_tail(child)
                break
        text, html = render(section)
        if text:
            result.append(AbstractSection(label, text, html))
    return tuple(result)


def _is(element: etree._Element, name: str) -> bool:
    return isinstance(element.tag, str) and local_name(element.tag) == name


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _custom(item: dict[str, Any]) -> dict[str, Any]:
    custom = item.get("custom")
    return custom if isinstance(custom, dict) else {}


def _mesh(values: object) -> tuple[MeshHeading, ...]:
    if not isinstance(values, list):
        return ()
    headings = []
    for value in values:
        if isinstance(value, str) and value.strip():
            headings.append(MeshHeading(collapse(value)))
        elif isinstance(value, dict) and _text(value, "descriptor"):
            qualifiers = []
            for qualifier in value.get("qualifiers") or []:
                if isinstance(qualifier, dict) and _text(qualifier, "name"):
                    qualifiers.append(
                        MeshQualifier(
                            _text(qualifier, "name") or "", qualifier.get("major") is True
                        )
                    )
            headings.append(
                MeshHeading(
                    _text(value, "descriptor") or "",
                    _text(value, "ui"),
                    value.get("descriptor_major") is True,
                    tuple(qualifiers),
                )
            )
    return tuple(headings)


def _links(values: object) -> tuple[CommentCorrection, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(
        CommentCorrection(
            _text(value, "ref_type") or "",
            normalize_pmid(_text(value, "pmid")),
            _text(value, "source"),
        )
        for value in values
        if isinstance(value, dict) and _text(value, "ref_type")
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, list):
        return [collapse(item) for item in value if isinstance(item, str) and item.strip()]
    if isinstance(value, str):
        return [part for part in _KEYWORD_SEPARATOR.split(collapse(value)) if part]
    return []


def item_to_record(item: dict[str, Any], line: int | None = None) -> Record | None:
    """One CSL-JSON item as a record; ``None`` when it has neither a title nor an id."""
    custom = _custom(item)
    note = _text(item, "note") or ""
    pmid = normalize_pmid(_text(item, "PMID", "pmid"))
    if pmid is None:
        match = _PMID_NOTE.search(note)
        pmid = normalize_pmid(match.group(1)) if match else None
    pmcid = normalize_pmcid(_text(item, "PMCID", "pmcid"))
    if pmcid is None:
        match = _PMCID_NOTE.search(note)
        pmcid = normalize_pmcid(match.group(1)) if match else None
    doi = normalize_doi(_text(item, "DOI", "doi"))
    raw_title = _first_string(item.get("title")) or ""
    if not raw_title and not (pmid or doi):
        return None
    title, title_html = render_html_fragment(raw_title)
    publication_types = _strings(custom.get("publication_types"))
    if not publication_types:
        mapped = CSL_TYPE_TO_PUBLICATION_TYPE.get(_text(item, "type") or "")
        publication_types = [mapped] if mapped else []
    authors = [author for author in map(_author, item.get("author") or []) if author]
    entrez = _text(custom, "entrez_date")
    pages = _text(item, "page")
    return Record(
        source_format="csl-json",
        title=title,
        title_html=title_html,
        pmid=pmid,
        doi=doi,
        pmcid=pmcid,
        abstract=_abstract(_first_string(item.get("abstract")) or ""),
        authors=tuple(authors),
        journal=Journal(
            title=_text(item, "container-title"),
            iso_abbreviation=_text(
                item, "container-title-short", "journalAbbreviation", "short-container-title"
            ),
            issn=_text(item, "ISSN"),
            volume=_text(item, "volume"),
            issue=_text(item, "issue"),
            pages=pages.replace("\u2013", "-") if pages else None,
        ),
        published=_date(item),
        publication_types=tuple(dict.fromkeys(publication_types)),
        mesh=_mesh(custom.get("mesh")),
        keywords=tuple(dict.fromkeys(_strings(item.get("keyword")))),
        language=_text(item, "language"),
        comments_corrections=_links(custom.get("comments_corrections")),
        url=_text(item, "URL"),
        status=_text(custom, "status"),
        entrez_date=parse_timestamp_date(entrez) if entrez else None,
        line=line,
    )


def _item_id(record: Record, index: int) -> str:
    if record.pmid:
        return f"pmid:{record.pmid}"
    if record.doi:
        return f"doi:{record.doi}"
    return f"item-{index}"


def record_to_item(record: Record, index: int = 1) -> dict[str, Any]:
    """A record as a CSL-JSON item."""
    csl_type = GENERIC_CSL_TYPE
    for publication_type in record.publication_types:
        mapped = PUBLICATION_TYPE_TO_CSL_TYPE.get(publication_type.lower())
        if mapped:
            csl_type = mapped
            break
    else:
        if record.journal.title:
            csl_type = DEFAULT_CSL_TYPE
    item: dict[str, Any] = {"id": _item_id(record, index), "type": csl_type}
    if record.title_html:
        item["title"] = to_csl_rich_text(record.title_html)
    authors: list[dict[str, str]] = []
    for author in record.authors:
        if author.collective:
            authors.append({"literal": author.collective})
        elif author.family or author.given or author.initials:
            name: dict[str, str] = {}
            if author.family:
                name["family"] = author.family
            if author.given or author.initials:
                name["given"] = author.given or author.initials or ""
            if author.suffix:
                name["suffix"] = author.suffix
            authors.append(name)
    if authors:
        item["author"] = authors
    journal = record.journal
    for key, value in (
        ("container-title", journal.title),
        ("container-title-short", journal.iso_abbreviation),
        ("ISSN", journal.issn),
        ("volume", journal.volume),
        ("issue", journal.issue),
        ("page", journal.pages),
    ):
        if value:
            item[key] = value
    if record.published and record.published.year:
        date = record.published
        parts = [date.year] + ([date.month] if date.month else [])
        parts += [date.day] if date.month and date.day else []
        item["issued"] = {"date-parts": [parts]}
    for key, identifier in (
        ("DOI", record.doi),
        ("PMID", record.pmid),
        ("PMCID", record.pmcid),
        ("URL", record.url),
    ):
        if identifier:
            item[key] = identifier
    if record.abstract:
        item["abstract"] = join_abstract(record.abstract)
    if record.keywords:
        item["keyword"] = ", ".join(record.keywords)
    if record.language:
        item["language"] = record.language
    custom: dict[str, Any] = {}
    if record.publication_types:
        custom["publication_types"] = list(record.publication_types)
    if record.mesh:
        custom["mesh"] = [
            {
                "descriptor": heading.descriptor,
                "ui": heading.ui,
                "descriptor_major": heading.descriptor_major,
                "major": heading.major,
                "qualifiers": [
                    {"name": qualifier.name, "major": qualifier.major}
                    for qualifier in heading.qualifiers
                ],
            }
            for heading in record.mesh
        ]
    if record.comments_corrections:
        custom["comments_corrections"] = [
            {"ref_type": link.ref_type, "pmid": link.pmid, "source": link.source}
            for link in record.comments_corrections
        ]
    if record.status:
        custom["status"] = record.status
    if record.entrez_date:
        custom["entrez_date"] = record.entrez_date.isoformat()
    if custom:
        item["custom"] = custom
    return item


def to_csl_json(records: Iterable[Record]) -> str:
    """Records as a CSL-JSON file (a list of items, UTF-8, indented)."""
    items = [record_to_item(record, index) for index, record in enumerate(records, start=1)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
