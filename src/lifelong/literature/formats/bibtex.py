"""BibTeX and biblatex, read and written with bibtexparser 2.

Reading: bibtexparser splits the file fault-tolerantly (a broken entry becomes a failed
block with its line; the entries around it are still read), resolves ``@string`` macros and
removes the enclosing braces; names are split into parts on the raw text (so that braces
still protect "{World Health Organization}"), then every value is decoded from LaTeX to
Unicode with pylatexenc, configured as bibtexparser's own decoding middleware
(``{\\'e}`` -> "é", ``--`` -> an en dash, math kept verbatim).

Writing: UTF-8 (what biber, JabRef and Zotero read), with only the characters LaTeX treats
specially escaped, so that reading the file back gives the same text. A group author is
written in braces. Publication types go in a ``pubtype`` field, PubMed and PMC ids in
``pmid`` and ``pmcid`` (JabRef's names).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string, write_string
from bibtexparser.library import Library
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from lifelong.literature.formats.dates import make_date, month_number, parse_iso_date
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

# bibtexparser logs every failed block at WARNING; the problems are reported here instead.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

ENTRY_TYPE_TO_PUBLICATION_TYPE = {
    "article": "Journal Article",
    "book": "Book",
    "inbook": "Book Chapter",
    "incollection": "Book Chapter",
    "inproceedings": "Conference Paper",
    "conference": "Conference Paper",
    "proceedings": "Conference Proceedings",
    "phdthesis": "Thesis",
    "mastersthesis": "Thesis",
    "thesis": "Thesis",
    "techreport": "Technical Report",
    "report": "Technical Report",
    "online": "Web Page",
    "electronic": "Web Page",
    "www": "Web Page",
    "unpublished": "Unpublished Work",
    "patent": "Patent",
    "dataset": "Dataset",
}
PUBLICATION_TYPE_TO_ENTRY_TYPE = {
    "journal article": "article",
    "book": "book",
    "book chapter": "incollection",
    "conference paper": "inproceedings",
    "conference proceedings": "proceedings",
    "thesis": "phdthesis",
    "academic dissertation": "phdthesis",
    "technical report": "techreport",
    "web page": "online",
    "unpublished work": "unpublished",
    "patent": "patent",
    "dataset": "dataset",
}
#: Characters LaTeX reads specially, and what to write instead so that they read back as
#: themselves. ``--`` and quote pairs would read as dashes and curly quotes: split them.
LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LIGATURES = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)")
_SPECIALS = re.compile(r"[\\{}%&$#_~^]")
_KEYWORD_SEPARATOR = re.compile(r"\s*[;,]\s*")
_ISSN = re.compile(r"\b(\d{4}-\d{3}[\dXx])\b")


def _decoder() -> LatexNodes2Text:
    """pylatexenc's decoder as bibtexparser's ``LatexDecodingMiddleware`` sets it up (and
    ``\\textasciicircum`` as "^")."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "lifelong-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            # pylatexenc reads it as the modifier letter U+02C6; it is the ASCII caret
            MacroTextSpec("textasciicircum", simplify_repl="^"),
        ],
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


_DECODER = _decoder()


def decode_latex(value: str) -> str:
    try:
        decoded: str = _DECODER.latex_to_text(value)
    except Exception:  # pylatexenc raises its own errors on broken LaTeX: keep the raw text
        return value
    return decoded


def parse_bibtex(text: str, name: str = "<bibtex>") -> ParseResult:
    result = ParseResult()
    for event in iter_bibtex(text, name):
        result.add(event)
    return result


def iter_bibtex(text: str, name: str = "<bibtex>") -> Iterator[ParseEvent]:
    """Records and problems from BibTeX text (already decoded; a BOM is ignored)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    library = parse_string(
        text,
        append_middleware=[
            middlewares.NormalizeFieldKeys(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(decoder=_DECODER),
        ],
    )
    events: list[tuple[int, ParseEvent]] = []
    entries = list(library.entries)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            message = f"duplicate key {block.key!r}: this later entry is skipped (as biber does)"
            events.append((line, Problem(name, line, message, "warning")))
        elif isinstance(block, MiddlewareErrorBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            message = f"{_failure_message(block)}: read without that step"
            events.append((line, Problem(name, line, message, "warning")))
            entries.append(block.ignore_error_block)
        else:
            events.append((line, Problem(name, line, _failure_message(block))))
    entry_count = 0
    for entry in entries:
        entry_count += 1
        line = (entry.start_line or 0) + 1
        record = _to_record(entry, line)
        if record is None:
            message = f"@{entry.entry_type}{{{entry.key}}} has no title or identifier: skipped"
            events.append((line, Problem(name, line, message, "warning")))
        else:
            events.append((line, record))
    if not entry_count and not library.failed_blocks:
        events.append((1, Problem(name, 1, "no BibTeX entry in this file")))
    events.sort(key=lambda pair: pair[0])
    for _line, event in events:
        yield event


def _failure_message(block: ParsingFailedBlock) -> str:
    error = block.error
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    reason = collapse(str(reason))
    return f"a BibTeX block that could not be read: {reason}"


def _fields_lower(entry: Entry) -> dict[str, Any]:
    return {field.key.lower(): field.value for field in entry.fields}


def _string(fields: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return collapse(value)
    return None


def _author(parts: NameParts) -> Author | None:
    first = [decode_latex(part) for part in parts.first]
    von = [decode_latex(part) for part in parts.von]
    last_raw = list(parts.last)
    jr = [decode_latex(part) for part in parts.jr]
    if not first and not von and not jr and len(last_raw) == 1:
        raw = last_raw[0].strip()
        if raw.lower() == "others":
            return None
        if raw.startswith("{") and raw.endswith("}") and " " in raw:
            return Author(collective=collapse(decode_latex(raw)))
    family = collapse(" ".join([*von, *(decode_latex(part) for part in last_raw)]))
    given = collapse(" ".join(first))
    suffix = collapse(" ".join(jr))
    if not family and not given:
        return None
    return Author(family=family or None, given=given or None, suffix=suffix or None)


def _date(fields: dict[str, Any]) -> PartialDate | None:
    date_text = _string(fields, "date")
    if date_text:
        date = parse_iso_date(date_text)
        if date is not None and date.year:
            return date
    year_text = _string(fields, "year")
    if not year_text:
        return None
    year_match = re.search(r"\d{4}", year_text)
    if year_match is None:
        return None
    month = month_number(_string(fields, "month"))
    day_text = _string(fields, "day")
    day = int(day_text) if day_text and day_text.isdigit() else None
    return make_date(int(year_match.group(0)), month, day)


def _to_record(entry: Entry, line: int) -> Record | None:
    fields = _fields_lower(entry)
    entry_type = entry.entry_type.lower()
    publication_types: list[str]
    pubtype = _string(fields, "pubtype")
    if pubtype:
        publication_types = [part.strip() for part in pubtype.split(";") if part.strip()]
    else:
        mapped = ENTRY_TYPE_TO_PUBLICATION_TYPE.get(entry_type)
        publication_types = [mapped] if mapped else []

    url = _string(fields, "url")
    doi = normalize_doi(_string(fields, "doi")) or doi_from_url(url)
    pmid = normalize_pmid(_string(fields, "pmid"))
    eprint_type = (_string(fields, "eprinttype", "archiveprefix") or "").lower()
    if pmid is None and eprint_type == "pubmed":
        pmid = normalize_pmid(_string(fields, "eprint"))
    title_source = _string(fields, "title") or ""
    if not title_source and not (pmid or doi):
        return None
    title, title_html = plain_text_and_html(title_source)
    authors: list[Author] = []
    raw_authors = fields.get("author")
    if isinstance(raw_authors, list):
        for parts in raw_authors:
            if isinstance(parts, NameParts):
                author = _author(parts)
                if author is not None:
                    authors.append(author)
    keywords_text = _string(fields, "keywords", "keyword") or ""
    keywords = [keyword for keyword in _KEYWORD_SEPARATOR.split(keywords_text) if keyword]
    issn_match = _ISSN.search(_string(fields, "issn") or "")
    pages = _string(fields, "pages")
    if pages:
        pages = pages.replace("\u2013", "-").replace("\u2014", "-")
    is_article = entry_type == "article"
    container = (
        _string(fields, "journal", "journaltitle")
        if is_article
        else _string(fields, "journal", "journaltitle", "booktitle")
    )
    return Record(
        source_format="bibtex",
        title=title,
        title_html=title_html,
        pmid=pmid,
        doi=doi,
        pmcid=normalize_pmcid(_string(fields, "pmcid")),
        abstract=split_abstract(_string(fields, "abstract") or ""),
        authors=tuple(authors),
        journal=Journal(
            title=container,
            iso_abbreviation=_string(fields, "shortjournal", "journal-abbreviation"),
            issn=issn_match.group(1).upper() if issn_match else None,
            volume=_string(fields, "volume"),
            issue=_string(fields, "number", "issue"),
            pages=pages,
        ),
        published=_date(fields),
        publication_types=tuple(dict.fromkeys(publication_types)),
        keywords=tuple(dict.fromkeys(keywords)),
        language=_string(fields, "language", "langid"),
        url=url,
        line=line,
    )


def escape_latex(value: str) -> str:
    """Text as a BibTeX value that reads back as the same text."""
    value = " ".join(value.split())
    value = _SPECIALS.sub(lambda match: LATEX_ESCAPES[match.group(0)], value)
    return _LIGATURES.sub("{}", value)


def entry_key(record: Record, taken: set[str]) -> str:
    """A citation key such as ``Bao2017Leucocyte``: ASCII, unique within the export."""
    first_author = record.authors[0] if record.authors else None
    name = ""
    if first_author is not None:
        name = first_author.family or first_author.collective or first_author.given or ""
    year = str(record.published.year) if record.published and record.published.year else ""
    word = next((word for word in record.title.split() if len(word) > 3), "")
    base = _ascii_letters(name.split()[-1] if name.split() else "") + year + _ascii_letters(word)
    if not base:
        base = f"pmid{record.pmid}" if record.pmid else "ref"
    key = base
    suffix = ord("a")
    while key in taken:
        key = f"{base}{chr(suffix)}" if suffix <= ord("z") else f"{base}{suffix}"
        suffix += 1
    taken.add(key)
    return key


def _ascii_letters(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    letters = "".join(character for character in ascii_text if character.isalnum())
    return letters[:1].upper() + letters[1:]


def _author_value(author: Author) -> str | None:
    if author.collective:
        return "{" + escape_latex(author.collective) + "}"
    family = author.family or ""
    given = author.given or author.initials or ""
    if not family and not given:
        return None
    family_value = escape_latex(family)
    if " " in family or family[:1].islower():
        family_value = "{" + family_value + "}"  # keep "de la Fontaine", "Beane Freeman"
    # "{}" is an empty first name: it keeps "Family, Jr, {}" from reading "Jr" as the first
    # name, and "{Beane Freeman}, {}" from reading as the group "{Beane Freeman}"
    given_value = escape_latex(given) if given else "{}"
    if author.suffix:
        return f"{family_value}, {escape_latex(author.suffix)}, {given_value}"
    if given or " " in family:
        return f"{family_value}, {given_value}"
    return family_value


def record_to_entry(record: Record, key: str) -> Entry:
    entry_type = "misc"
    for publication_type in record.publication_types:
        mapped = PUBLICATION_TYPE_TO_ENTRY_TYPE.get(publication_type.lower())
        if mapped:
            entry_type = mapped
            break
    else:
        if record.journal.title:
            entry_type = "article"
    fields: list[tuple[str, str]] = []
    authors = [value for value in map(_author_value, record.authors) if value]
    if authors:
        fields.append(("author", " and ".join(authors)))
    if record.title:
        fields.append(("title", escape_latex(record.title)))
    journal = record.journal
    container_field = "journal" if entry_type == "article" else "booktitle"
    for field_name, value in (
        (container_field, journal.title),
        ("shortjournal", journal.iso_abbreviation),
        ("volume", journal.volume),
        ("number", journal.issue),
        ("pages", journal.pages),
        ("issn", journal.issn),
    ):
        if value:
            fields.append((field_name, escape_latex(value)))
    if record.published and record.published.year:
        date = record.published
        fields.append(("year", f"{date.year:04d}"))
        if date.month:
            fields.append(("month", str(date.month)))
            iso = date.iso
            assert iso is not None
            fields.append(("date", iso))
    if record.doi:
        fields.append(("doi", escape_latex(record.doi)))
    if record.url:
        fields.append(("url", escape_latex(record.url)))
    if record.pmid:
        fields.append(("pmid", record.pmid))
    if record.pmcid:
        fields.append(("pmcid", record.pmcid))
    if record.abstract:
        fields.append(("abstract", escape_latex(join_abstract(record.abstract))))
    if record.keywords:
        fields.append(("keywords", escape_latex(", ".join(record.keywords))))
    if record.language:
        fields.append(("language", escape_latex(record.language)))
    if record.publication_types:
        fields.append(("pubtype", escape_latex("; ".join(record.publication_types))))
    return Entry(entry_type, key, [Field(name, value) for name, value in fields])


def to_bibtex(records: Iterable[Record]) -> str:
    """Records as a BibTeX file (UTF-8 text)."""
    library = Library()
    taken: set[str] = set()
    for record in records:
        library.add(record_to_entry(record, entry_key(record, taken)))
    if not library.entries:
        return ""
    text: str = write_string(library)
    return text
