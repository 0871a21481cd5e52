"""MEDLINE tagged text (PubMed's "Send to: Citation manager", ``.nbib``; efetch
``rettype=medline``).

Each line is a tag of up to four characters padded to four, then ``- `` and the value
(``PMID- 123``, ``AB  - ...``); a line indented by spaces continues the previous value.
Records are separated by blank lines (a new ``PMID-`` line also starts a record). Tags
repeat (``AU``, ``FAU``, ``MH``, ``PT``, ``AID``...). ``MH`` values star major topics:
``*Software``, ``Sequence Alignment/*methods``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lifelong.literature.formats.dates import parse_free_text_date, parse_timestamp_date
from lifelong.literature.formats.identifiers import (
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    pubmed_url,
)
from lifelong.literature.formats.markup import plain_text_and_html
from lifelong.literature.formats.model import (
    Author,
    CommentCorrection,
    Journal,
    MeshHeading,
    MeshQualifier,
    ParseEvent,
    ParseResult,
    Problem,
    Record,
)
from lifelong.literature.formats.sections import split_abstract

#: MEDLINE tags for links to other citations, and PubMed's ``RefType`` for each.
COMMENT_TAGS = {
    "CON": "CommentOn",
    "CIN": "CommentIn",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
    "PRIN": "PartialRetractionIn",
    "PROF": "PartialRetractionOf",
    "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom",
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
    "SPIN": "SummaryForPatientsIn",
    "ORI": "OriginalReportIn",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
}
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")
_LINKED_PMID = re.compile(r"PMID:\s*(\d+)")
_ID_KIND = re.compile(r"^(.*?)\s*\[(\w+)\]\s*$")
_ISSN = re.compile(r"\b(\d{4}-\d{3}[\dXx])\b")

Field = tuple[str, str, int]


def parse_medline(text: str, name: str = "<medline>") -> ParseResult:
    result = ParseResult()
    for event in iter_medline(text, name):
        result.add(event)
    return result


def iter_medline(text: str, name: str = "<medline>") -> Iterator[ParseEvent]:
    """Records and problems from MEDLINE text (already decoded, without a BOM)."""
    fields: list[Field] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip()
        if not line:
            if fields:
                yield from _record(fields, name)
                fields = []
            continue
        if line[0] == " ":
            if not fields:
                yield Problem(name, number, "a continuation line outside any record: skipped")
                continue
            tag, value, first_line = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}" if value else line.strip(), first_line)
            continue
        match = _TAG_LINE.match(line) if len(line) > 4 and line[4] == "-" else None
        if match is None:
            yield Problem(
                name, number, f"not a MEDLINE line (expected 'TAG - value'): {line[:40]!r}"
            )
            continue
        tag = match.group(1)
        if tag == "PMID" and any(field[0] == "PMID" for field in fields):
            yield from _record(fields, name)
            fields = []
        fields.append((tag, match.group(2).strip(), number))
    if fields:
        yield from _record(fields, name)


def _split_id(value: str) -> tuple[str, str]:
    """ "10.1118/1.4748329 [doi]" -> ("10.1118/1.4748329", "doi")."""
    match = _ID_KIND.match(value)
    if match is None:
        return value, ""
    return match.group(1), match.group(2).lower()


def _person(full_name: str) -> tuple[str | None, str | None]:
    """ "Mangalam, Harry" -> ("Mangalam", "Harry")."""
    family, _, given = full_name.partition(",")
    return family.strip() or None, given.strip() or None


def _record(fields: list[Field], name: str) -> Iterator[ParseEvent]:
    values: dict[str, list[str]] = {}
    authors: list[dict[str, object]] = []
    last_author_tag = ""
    for tag, value, _line in fields:
        values.setdefault(tag, []).append(value)
        if tag == "FAU":
            family, given = _person(value)
            authors.append({"family": family, "given": given, "affiliations": []})
        elif tag == "AU":
            family_part, _, initials = value.rpartition(" ")
            if last_author_tag == "FAU" and authors and "initials" not in authors[-1]:
                authors[-1]["initials"] = initials or None
            else:
                authors.append(
                    {
                        "family": family_part or value,
                        "given": None,
                        "initials": initials if family_part else None,
                        "affiliations": [],
                    }
                )
        elif tag == "CN":
            authors.append({"collective": value, "affiliations": []})
        elif tag == "AD" and authors:
            affiliations = authors[-1]["affiliations"]
            assert isinstance(affiliations, list)
            affiliations.append(value)
        elif tag == "AUID" and authors and value.upper().startswith("ORCID"):
            authors[-1]["orcid"] = normalize_orcid(value)
        if tag in ("FAU", "AU", "CN"):
            last_author_tag = tag
    first_line = fields[0][2]

    def first(tag: str) -> str | None:
        found = values.get(tag)
        return found[0] if found and found[0] else None

    pmid = normalize_pmid(first("PMID"))
    title_source = first("TI") or first("BTI") or first("TT") or ""
    if not pmid and not title_source:
        yield Problem(name, first_line, "a record without PMID or title: skipped")
        return
    title, title_html = plain_text_and_html(title_source)

    doi = None
    for tag in ("LID", "AID"):
        for value in values.get(tag, []):
            identifier, kind = _split_id(value)
            if kind == "doi" and doi is None:
                doi = normalize_doi(identifier)
    issn = None
    for value in values.get("IS", []):
        match = _ISSN.search(value)
        if match:
            issn = match.group(1).upper()
            break
    links = []
    for tag, value, _line in fields:
        ref_type = COMMENT_TAGS.get(tag)
        if ref_type:
            linked = _LINKED_PMID.search(value)
            source = _LINKED_PMID.sub("", value).strip().rstrip(".").strip() or None
            links.append(CommentCorrection(ref_type, linked.group(1) if linked else None, source))
    published = parse_free_text_date(first("DP") or "")
    entrez = first("EDAT") or first("CRDT")
    yield Record(
        source_format="medline",
        title=title,
        title_html=title_html,
        pmid=pmid,
        doi=doi,
        pmcid=normalize_pmcid(first("PMC")),
        abstract=split_abstract(first("AB") or ""),
        authors=tuple(_author(author) for author in authors),
        journal=Journal(
            title=first("JT"),
            iso_abbreviation=first("TA"),
            issn=issn,
            volume=first("VI"),
            issue=first("IP"),
            pages=first("PG"),
        ),
        published=published if published and published.year else None,
        publication_types=tuple(values.get("PT", [])),
        mesh=tuple(heading for heading in map(_mesh, values.get("MH", [])) if heading),
        keywords=tuple(dict.fromkeys(value for value in values.get("OT", []) if value)),
        language=first("LA"),
        comments_corrections=tuple(links),
        url=pubmed_url(pmid) if pmid else None,
        status=first("STAT"),
        entrez_date=parse_timestamp_date(entrez) if entrez else None,
        line=first_line,
    )


def _author(fields: dict[str, object]) -> Author:
    def text(key: str) -> str | None:
        value = fields.get(key)
        return value if isinstance(value, str) and value else None

    affiliations = fields.get("affiliations")
    return Author(
        family=text("family"),
        given=text("given"),
        initials=text("initials"),
        collective=text("collective"),
        orcid=text("orcid"),
        affiliations=tuple(affiliations) if isinstance(affiliations, list) else (),
    )


def _mesh(value: str) -> MeshHeading | None:
    """ "Information Storage and Retrieval/*methods" -> descriptor, qualifiers, major flags."""
    descriptor, *qualifier_texts = (part.strip() for part in value.split("/"))
    if not descriptor.lstrip("*"):
        return None
    qualifiers = tuple(
        MeshQualifier(text.lstrip("*").strip(), text.startswith("*"))
        for text in qualifier_texts
        if text.lstrip("*").strip()
    )
    return MeshHeading(
        descriptor=descriptor.lstrip("*").strip(),
        descriptor_major=descriptor.startswith("*"),
        qualifiers=qualifiers,
    )
