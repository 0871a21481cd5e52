"""Reading any supported file by its content (never its name), and writing exports.

Detection looks at the first 64 KiB after decompression (gzip is recognised by its magic
bytes, whatever the file is called): an XML root of ``PubmedArticleSet`` -> PubMed XML;
``[`` or ``{`` -> CSL-JSON; a ``PMID- `` line -> MEDLINE; a ``TY  - `` line -> RIS; an
``@type{`` line -> BibTeX. Anything else is refused with what it looks like.

PubMed XML is streamed from the file; the text formats are read whole (reference-manager
exports are small), up to ``max_text_bytes``.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Literal, get_args

from lifelong.literature.formats.bibtex import iter_bibtex, to_bibtex
from lifelong.literature.formats.csl_json import iter_csl_json, to_csl_json
from lifelong.literature.formats.medline import iter_medline
from lifelong.literature.formats.model import (
    ParseEvent,
    ParseResult,
    Problem,
    Record,
    SourceFormat,
)
from lifelong.literature.formats.pubmed_xml import ROOT_TAGS, iter_pubmed_xml
from lifelong.literature.formats.ris import iter_ris, to_ris
from lifelong.literature.formats.textio import decode_text

ExportFormat = Literal["ris", "bibtex", "csl-json"]
SOURCE_FORMATS: tuple[SourceFormat, ...] = get_args(SourceFormat)
EXPORT_FORMATS: tuple[ExportFormat, ...] = get_args(ExportFormat)
HEAD_BYTES = 64 * 1024
READ_BYTES = 8 * 1024  # small reads: a cut in a gzip file loses at most one piece
DEFAULT_MAX_TEXT_BYTES = 256 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
#: File extensions and media types of the export formats, for downloads.
EXPORT_EXTENSIONS: dict[ExportFormat, str] = {"ris": "ris", "bibtex": "bib", "csl-json": "json"}
EXPORT_MEDIA_TYPES: dict[ExportFormat, str] = {
    "ris": "application/x-research-info-systems",
    "bibtex": "application/x-bibtex",
    "csl-json": "application/vnd.citationstyles.csl+json",
}

_XML_ROOT = re.compile(r"<(?![?!])([A-Za-z_][\w.:-]*)")
_MEDLINE = re.compile(r"^PMID- ?\d", re.MULTILINE)
_RIS = re.compile(r"^TY  - ", re.MULTILINE)
_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_WEB_OF_SCIENCE = re.compile(r"^(?:FN |PT [A-Z]$)", re.MULTILINE)

BinaryStream = gzip.GzipFile | io.BufferedReader | io.BytesIO
TextReader = Callable[[str, str], Iterator[ParseEvent]]
TEXT_READERS: dict[SourceFormat, TextReader] = {
    "medline": iter_medline,
    "ris": iter_ris,
    "bibtex": iter_bibtex,
    "csl-json": iter_csl_json,
}
EXPORTERS: dict[ExportFormat, Callable[[Iterable[Record]], str]] = {
    "ris": to_ris,
    "bibtex": to_bibtex,
    "csl-json": to_csl_json,
}


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace").lstrip("\ufeff")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def xml_root(text: str) -> str | None:
    """The name of the first element of an XML text (after the declaration, comments and
    DOCTYPE)."""
    position = 0
    while True:
        position = text.find("<", position)
        if position < 0:
            return None
        if text.startswith("<!--", position):
            end = text.find("-->", position)
            if end < 0:
                return None
            position = end + 3
            continue
        match = _XML_ROOT.match(text, position)
        if match:
            return match.group(1)
        position += 1


def detect_format(head: bytes) -> SourceFormat | None:
    """The format of a file from its first bytes (decompressed), or ``None``."""
    text = _head_text(head).lstrip()
    if not text:
        return None
    if text[0] == "<":
        return "pubmed-xml" if xml_root(text) in ROOT_TAGS else None
    if text[0] in "[{":
        return "csl-json"
    if _MEDLINE.search(text):
        return "medline"
    if _RIS.search(text):
        return "ris"
    if _BIBTEX.search(text):
        return "bibtex"
    return None


def describe_unknown(head: bytes) -> str:
    """Why a file was not recognised, in words."""
    text = _head_text(head).lstrip()
    if not text:
        return "the file is empty"
    if text[0] == "<":
        root = xml_root(text)
        if root is None:
            return "XML without a root element"
        return f"XML whose root element is <{root}>: not PubMed XML (<PubmedArticleSet>)"
    if _WEB_OF_SCIENCE.search(text):
        return "a Web of Science tagged export, not RIS: export RIS or BibTeX instead"
    return (
        "not a supported format (PubMed XML, MEDLINE/nbib, RIS, BibTeX or CSL-JSON); "
        "the format is recognised by the content, not the file name"
    )


def iter_file(
    path: str | Path,
    source_format: SourceFormat | None = None,
    *,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
) -> Iterator[ParseEvent]:
    """Stream the records, deletions and problems of a file (plain or gzip), in order."""
    name = str(path)
    try:
        with open(path, "rb") as raw:
            compressed = raw.read(2) == GZIP_MAGIC
    except OSError as error:
        yield Problem(name, None, f"cannot read the file: {error.strerror or error}")
        return
    stream: BinaryStream = gzip.GzipFile(path, "rb") if compressed else open(path, "rb")  # noqa: SIM115
    with stream:
        yield from _iter_stream(stream, name, source_format, max_text_bytes)


def iter_bytes(
    data: bytes,
    name: str = "<upload>",
    source_format: SourceFormat | None = None,
    *,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
) -> Iterator[ParseEvent]:
    """The same as ``iter_file`` for content already in memory (an upload)."""
    stream: BinaryStream = io.BytesIO(data)
    if data.startswith(GZIP_MAGIC):
        stream = gzip.GzipFile(fileobj=stream, mode="rb")
    with stream:
        yield from _iter_stream(stream, name, source_format, max_text_bytes)


def _iter_stream(
    stream: BinaryStream, name: str, source_format: SourceFormat | None, max_text_bytes: int
) -> Iterator[ParseEvent]:
    head, head_error = _read_upto(stream, HEAD_BYTES)
    detected = source_format or detect_format(head)
    if detected is None:
        if head_error is not None:
            yield _corrupt(name, head_error)
        else:
            yield Problem(name, 1 if head.strip() else None, describe_unknown(head))
        return
    if detected == "pubmed-xml":
        # read again from the start, streamed; a cut in a compressed file is reported by
        # the XML reader after the records before it
        stream.seek(0)
        yield from iter_pubmed_xml(stream, name)
        return
    rest, error = (
        (b"", head_error) if head_error else _read_upto(stream, max_text_bytes + 1 - len(head))
    )
    data = head + rest
    if error is not None:
        yield _corrupt(name, error)
    if len(data) > max_text_bytes:
        yield Problem(name, None, f"the file is larger than {max_text_bytes:,} bytes: not read")
        return
    text, problems = decode_text(data, name)
    yield from problems
    yield from TEXT_READERS[detected](text, name)


def _read_upto(stream: BinaryStream, limit: int) -> tuple[bytes, Exception | None]:
    """Up to ``limit`` bytes, and the error that stopped the reading early, if any (the
    bytes read before a cut in a compressed file are kept)."""
    pieces: list[bytes] = []
    size = 0
    while size < limit:
        try:
            piece = stream.read(min(READ_BYTES, limit - size))
        except (OSError, EOFError, zlib.error) as error:
            return b"".join(pieces), error
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces), None


def _corrupt(name: str, error: Exception) -> Problem:
    return Problem(name, None, f"the compressed file is cut short or corrupt: {error}")


def parse_file(
    path: str | Path,
    source_format: SourceFormat | None = None,
    *,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
) -> ParseResult:
    """Everything in one file, format detected from the content."""
    result = ParseResult()
    for event in iter_file(path, source_format, max_text_bytes=max_text_bytes):
        result.add(event)
    return result


def parse_bytes(
    data: bytes,
    name: str = "<upload>",
    source_format: SourceFormat | None = None,
    *,
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES,
) -> ParseResult:
    result = ParseResult()
    for event in iter_bytes(data, name, source_format, max_text_bytes=max_text_bytes):
        result.add(event)
    return result


def export_records(records: Iterable[Record], export_format: ExportFormat) -> str:
    """Records as RIS, BibTeX or CSL-JSON text."""
    try:
        exporter = EXPORTERS[export_format]
    except KeyError:
        choices = ", ".join(EXPORT_FORMATS)
        raise ValueError(f"unknown export format {export_format!r}: use {choices}") from None
    return exporter(records)
