"""From files to records in the library's terms — pure, no Django, so that a file can be
parsed in a separate process while the database work goes on (see ``parse_in_background``).

``iter_stream_events`` reads one file (plain or gzip; the format recognised by content) into
the parsers' events; ``iter_file_batches`` turns them into batches of
:class:`ArticleFields` (with evidence levels), deletions and problems.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import multiprocessing
import os
import queue as queue_module
import re
import unicodedata
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, fields
from itertools import islice
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple, Protocol, TypeVar

from lifelong.literature.evidence import assess_evidence
from lifelong.literature.formats import (
    DEFAULT_MAX_TEXT_BYTES,
    Deletion,
    ParseEvent,
    Problem,
    Record,
    describe_unknown,
    detect_format,
    iter_bytes,
    iter_pubmed_xml,
)
from lifelong.literature.formats.model import Author, CommentCorrection, MeshHeading

# --------------------------------------------------------------------------------------------
# Identifiers and the title key used to match records that carry neither PMID nor DOI
# --------------------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_title(title: str) -> str:
    """Casefolded, accents stripped, punctuation and whitespace collapsed to one space:
    ``"The <i>APOE</i> Locus: a Review."`` and ``"The APOE locus - a review"`` agree."""
    folded = title.casefold()
    if not folded.isascii():  # ASCII has no accents to strip (and NFKD leaves it as it is)
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", folded).strip()


MIN_KEY_TITLE_CHARACTERS = 20
MIN_KEY_TITLE_WORDS = 3


def title_key(title: str, year: int | None) -> str:
    """A fixed-length index key for (normalised title, year); empty for titles too short to
    tell papers apart ("Erratum", "Editorial"), which then match by identifier only."""
    normalised = normalise_title(title)
    if (
        len(normalised) < MIN_KEY_TITLE_CHARACTERS
        or normalised.count(" ") + 1 < MIN_KEY_TITLE_WORDS
    ):
        return ""
    return hashlib.sha1(f"{year or ''}|{normalised}".encode(), usedforsecurity=False).hexdigest()


def normalise_doi(doi: str | None) -> str | None:
    """``https://doi.org/10.1000/ABC`` -> ``10.1000/abc``; None when there is no DOI."""
    if not doi:
        return None
    value = _DOI_PREFIXES.sub("", doi.strip()).strip().lower()
    return value if value.startswith("10.") else None


def normalise_pmid(pmid: str | int | None) -> str | None:
    """PMIDs as digits without leading zeros; None when absent or not a number."""
    if pmid is None:
        return None
    text = str(pmid).strip()
    if not text.isdigit() or int(text) == 0:
        return None
    return str(int(text))


# --------------------------------------------------------------------------------------------
# Records in the library's terms
# --------------------------------------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(slots=True)
class ArticleFields:
    """One incoming record, in the library's terms (see :class:`Article` for the shapes)."""

    title: str
    pmid: str | None = None
    doi: str | None = None
    title_html: str = ""
    abstract: list[dict[str, str]] = field(default_factory=list)
    authors: list[dict[str, str]] = field(default_factory=list)
    journal: str = ""
    journal_abbreviation: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    published_year: int | None = None
    published_month: int | None = None
    published_day: int | None = None
    published_text: str = ""
    url: str = ""
    publication_types: list[str] = field(default_factory=list)
    mesh: list[dict[str, Any]] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    evidence_level: str = ""
    evidence_reason: str = ""
    retracted: bool = False
    comments_corrections: list[dict[str, Any]] = field(default_factory=list)
    source_kind: str = ""
    location: str = ""  # where it came from, for messages ("file.xml:120")

    def retracts(self) -> list[str]:
        """PMIDs of the articles this record is a retraction notice of."""
        found = []
        for link in self.comments_corrections:
            if link.get("ref_type") == "RetractionOf":
                pmid = normalise_pmid(link.get("pmid"))
                if pmid:
                    found.append(pmid)
        return found


#: ArticleFields' fields stored on ``Article`` as they are (identifiers are handled apart).
CONTENT_FIELDS = tuple(
    f.name
    for f in fields(ArticleFields)
    if f.name not in {"pmid", "doi", "source_kind", "location"}
)
#: Those of them that are JSON columns (lists of strings or of objects).
JSON_FIELDS = frozenset(
    {"abstract", "authors", "publication_types", "mesh", "keywords", "comments_corrections"}
)
_JSON_POSITIONS = tuple(
    position for position, name in enumerate(CONTENT_FIELDS) if name in JSON_FIELDS
)
_encode_json = json.JSONEncoder().encode  # what ``json.dumps(value)`` writes


class PackedFields(NamedTuple):
    """A record as a parsing process sends it to the merging one: identifiers normalised,
    the title key computed, and the content (``CONTENT_FIELDS``, in order) with the JSON
    fields already encoded, exactly as ``json.dumps`` writes them.

    Why: unpickling ``ArticleFields`` with its nested lists and dicts (22 authors, 30 MeSH
    headings...) cost the merging process 0.07 ms a citation and encoding them as JSON for
    the insert as much again, while the parsing side has CPU to spare once it runs in
    several processes. A flat tuple of strings unpickles in a few microseconds, and a new
    article is inserted from it as it is; only a record that matches a stored article is
    unpacked (``unpack``) to be compared field by field."""

    title: str
    location: str
    pmid: str | None
    doi: str | None
    key: str
    evidence_level: str
    source_kind: str
    retraction_targets: tuple[str, ...]
    content: tuple[Any, ...]

    def retracts(self) -> list[str]:
        """PMIDs of the articles this record is a retraction notice of."""
        return list(self.retraction_targets)

    def unpack(self) -> ArticleFields:
        """The record as ``ArticleFields`` again (JSON decoded)."""
        values = list(self.content)
        for position in _JSON_POSITIONS:
            values[position] = json.loads(values[position])
        record = ArticleFields(**dict(zip(CONTENT_FIELDS, values, strict=True)))
        record.pmid = self.pmid
        record.doi = self.doi
        record.source_kind = self.source_kind
        record.location = self.location
        return record


def pack(record: ArticleFields) -> PackedFields:
    """``record`` (its evidence assessed if it was not) as :class:`PackedFields`."""
    if not record.evidence_level:
        assess(record)
    content = [getattr(record, name) for name in CONTENT_FIELDS]
    for position in _JSON_POSITIONS:
        content[position] = _encode_json(content[position])
    return PackedFields(
        record.title,
        record.location,
        normalise_pmid(record.pmid),
        normalise_doi(record.doi),
        title_key(record.title, record.published_year),
        record.evidence_level,
        record.source_kind,
        tuple(record.retracts()),
        tuple(content),
    )


IncomingRecord = ArticleFields | PackedFields


def assess(record: ArticleFields) -> None:
    """Set the record's evidence level and reason (and the retraction flag) from its
    publication types and title, whatever source it came from (feeds carry no types: the
    title's cues decide)."""
    evidence = assess_evidence(
        record.publication_types,
        record.title,
        comments_corrections=[
            CommentCorrection(link.get("ref_type", ""), link.get("pmid"), link.get("source"))
            for link in record.comments_corrections
        ],
    )
    record.evidence_level = evidence.level
    reason = evidence.reason
    if evidence.retracted and evidence.retraction_reason:
        reason = f"{reason}; retracted: {evidence.retraction_reason}"
    record.evidence_reason = reason[:300]
    record.retracted = record.retracted or evidence.retracted


SOURCE_KINDS = {"pubmed-xml": "pubmed"}


def _author_dict(author: Author) -> dict[str, str]:
    """``{"collective"}`` or ``{"family", "given"}`` (plus ``orcid`` when known); affiliations
    are left out of the library."""
    if author.collective:
        return {"collective": author.collective}
    result = {"family": author.family or "", "given": author.given or author.initials or ""}
    if author.orcid:
        result["orcid"] = author.orcid
    return result


def _mesh_dict(heading: MeshHeading) -> dict[str, Any]:
    """``{"descriptor", "major", "qualifiers"}``; ``major`` as ``MeshHeading.major``, without
    its generator (MeSH headings come by the dozen per record)."""
    descriptor, _ui, major, qualifiers = heading
    names = []
    for name, qualifier_major in qualifiers:
        names.append(name)
        major = major or qualifier_major
    return {"descriptor": descriptor, "major": major, "qualifiers": names}


def record_to_fields(record: Record, file_name: str = "", line_offset: int = 0) -> ArticleFields:
    """A parsed record in the library's terms (``line_offset``: lines of the file before the
    part that was parsed, see ``parse_in_segments``)."""
    published = record.published
    journal = record.journal
    location = file_name
    if record.line is not None:
        line = record.line + line_offset
        location = f"{file_name}:{line}" if file_name else f"line {line}"
    return ArticleFields(
        title=record.title,
        title_html=record.title_html,
        pmid=record.pmid,
        doi=record.doi,
        abstract=[
            {"label": section.label or "", "text": section.text, "html": section.html}
            for section in record.abstract
        ],
        authors=[_author_dict(author) for author in record.authors],
        journal=(journal.title or "")[:500],
        journal_abbreviation=(journal.iso_abbreviation or "")[:200],
        volume=(journal.volume or "")[:50],
        issue=(journal.issue or "")[:50],
        pages=(journal.pages or "")[:100],
        published_year=published.year if published else None,
        published_month=published.month if published else None,
        published_day=published.day if published else None,
        published_text=(published.text if published else "")[:100],
        url=(record.url or "")[:2000],
        publication_types=list(record.publication_types),
        mesh=[_mesh_dict(heading) for heading in record.mesh],
        keywords=list(record.keywords),
        retracted=record.retracted,
        comments_corrections=[
            {"ref_type": link.ref_type, "pmid": link.pmid, "source": link.source}
            for link in record.comments_corrections
        ],
        source_kind=SOURCE_KINDS.get(record.source_format, record.source_format),
        location=location,
    )


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class CountingReader:
    """A binary stream that reports how many bytes were read from it (progress bars)."""

    def __init__(self, stream: Readable, on_read: Callable[[int], None] | None) -> None:
        self.stream = stream
        self.on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if data and self.on_read:
            self.on_read(len(data))
        return data


class PrefixedReader:
    """``head`` followed by the rest of ``stream``: the format is sniffed from the head
    without seeking back (a gzip stream cannot seek cheaply)."""

    def __init__(self, head: bytes, stream: Readable) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size < 0 or size >= len(self.head):
                head, self.head = self.head, b""
                rest = self.stream.read(-1 if size < 0 else size - len(head))
                return head + rest
            head, self.head = self.head[:size], self.head[size:]
            return head
        return self.stream.read(size)


def iter_stream_events(
    raw: Readable, name: str, on_read: Callable[[int], None] | None = None
) -> Iterator[ParseEvent]:
    """The parse events of one file (plain or gzip), format detected from its content.
    PubMed XML is streamed (constant memory); the text formats are read whole (they are
    small), up to the parsers' size limit."""
    counted = CountingReader(raw, on_read)
    magic = counted.read(2)
    source: Readable = PrefixedReader(magic, counted)
    try:
        if magic == GZIP_MAGIC:
            source = gzip.GzipFile(fileobj=source, mode="rb")  # type: ignore[call-overload]
        head = source.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as error:
        yield Problem(name, None, f"the compressed file is cut short or corrupt: {error}")
        return
    detected = detect_format(head)
    if detected is None:
        yield Problem(name, 1 if head.strip() else None, describe_unknown(head))
        return
    stream = PrefixedReader(head, source)
    if detected == "pubmed-xml":
        yield from iter_pubmed_xml(stream, name)
        return
    try:
        data = stream.read(DEFAULT_MAX_TEXT_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        yield Problem(name, None, f"the compressed file is cut short or corrupt: {error}")
        return
    yield from iter_bytes(data, name, detected)


# --------------------------------------------------------------------------------------------
# Batches, in this process or in a separate one
# --------------------------------------------------------------------------------------------

BatchKind = Literal["records", "deletions", "problem", "progress"]


@dataclass(slots=True)
class Batch:
    """One message of a parse: records (a batch), deletions, a problem or bytes read."""

    kind: BatchKind
    records: list[IncomingRecord] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    problem: Problem | None = None
    bytes_read: int = 0


def iter_file_batches(
    raw: Readable,
    name: str,
    batch_size: int,
    on_read: Callable[[int], None] | None = None,
    *,
    packed: bool = False,
    line_offset: int = 0,
) -> Generator[Batch, None, None]:
    """The file's records in batches of ``batch_size`` (with their evidence assessed), its
    deletions at the end (PubMed puts ``DeleteCitation`` last), and each problem as it comes.
    With ``packed``, records come as :class:`PackedFields` (to be sent to another process);
    ``line_offset`` is added to every line number (a part of a file, see
    ``parse_in_segments``)."""
    records: list[IncomingRecord] = []
    deletions: list[str] = []
    for event in iter_stream_events(raw, name, on_read):
        if isinstance(event, Record):
            fields_ = record_to_fields(event, name, line_offset)
            assess(fields_)
            records.append(pack(fields_) if packed else fields_)
            if len(records) >= batch_size:
                yield Batch("records", records=records)
                records = []
        elif isinstance(event, Deletion):
            deletions.append(event.pmid)
        else:
            if line_offset and event.line is not None:
                event = dataclasses.replace(event, line=event.line + line_offset)
            yield Batch("problem", problem=event)
    if records:
        yield Batch("records", records=records)
    if deletions:
        yield Batch("deletions", deletions=deletions)


_DONE = "done"
_CRASHED = "crashed"
QUEUE_BATCHES = 4  # batches parsed ahead at most: memory stays bounded


def _parse_worker(path: str, name: str, batch_size: int, out: Any) -> None:
    """In the child process: parse the file and send batches (and bytes read) to ``out``."""
    try:
        pending = 0

        def report(size: int) -> None:
            nonlocal pending
            pending += size
            if pending >= 1 << 20:
                out.put(Batch("progress", bytes_read=pending))
                pending = 0

        with open(path, "rb") as raw:
            for batch in iter_file_batches(raw, name, batch_size, report, packed=True):
                if pending:
                    out.put(Batch("progress", bytes_read=pending))
                    pending = 0
                out.put(batch)
        if pending:
            out.put(Batch("progress", bytes_read=pending))
        out.put(_DONE)
    except BaseException as error:  # reported to the parent, which raises it
        out.put((_CRASHED, f"{type(error).__name__}: {error}"))


class ParseCrashed(Exception):
    """The background parser failed unexpectedly (not a problem in the file)."""


def parse_in_background(
    path: Path, name: str, batch_size: int, poll_seconds: float = 1.0
) -> Generator[Batch, None, None]:
    """Like :func:`iter_file_batches` on a file, but parsed in a separate process, so that
    on a machine with two cores parsing the next batch overlaps merging this one. At most
    ``QUEUE_BATCHES`` batches wait in the queue. Closing the generator early (a malformed
    file, an error while merging) stops the child."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue(maxsize=QUEUE_BATCHES)
    process = context.Process(
        target=_parse_worker, args=(str(path), name, batch_size, out), daemon=True
    )
    process.start()
    try:
        while True:
            try:
                message = out.get(timeout=poll_seconds)
            except queue_module.Empty:
                if not process.is_alive():
                    raise ParseCrashed(
                        f"the parser stopped unexpectedly (exit code {process.exitcode})"
                    ) from None
                continue
            if message == _DONE:
                break
            if isinstance(message, tuple) and message[0] == _CRASHED:
                raise ParseCrashed(message[1])
            yield message
    finally:
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
        out.close()
        out.join_thread()


# --------------------------------------------------------------------------------------------
# One file parsed by several processes at once
# --------------------------------------------------------------------------------------------

#: Bytes of a file each parsing process takes at a time (about 800 typical citations).
SEGMENT_BYTES = 8 << 20
_RECORD_START = b"<PubmedArticle>"
_SET_END = b"</PubmedArticleSet>\n"
#: What may come before the first record for a file to be split: the XML declaration, a
#: DOCTYPE without an internal subset and the root's start tag. Anything else (entity
#: declarations, comments, another root) is parsed by one process, as written.
_SPLITTABLE_HEADER = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^\[>]*>\s*)?"
    rb"<PubmedArticleSet>\s*\Z"
)
_SEGMENT_END = "segment-end"


def _find_record_start(raw: IO[bytes], offset: int) -> int | None:
    """The position of the first ``<PubmedArticle>`` at or after ``offset`` (None: none)."""
    raw.seek(offset)
    carry = b""
    position = offset  # of the next chunk
    while chunk := raw.read(1 << 16):
        data = carry + chunk
        found = data.find(_RECORD_START)
        if found >= 0:
            return position - len(carry) + found
        carry = data[-(len(_RECORD_START) - 1) :]
        position += len(chunk)
    return None


def split_point(path: Path) -> int | None:
    """Where the first record of a plain PubMed XML file starts, when the file can be parsed
    in segments (see ``parse_in_segments``); None otherwise (gzip, another format, a header
    with more than the declaration, DOCTYPE and root)."""
    with open(path, "rb") as raw:
        if raw.read(2) == GZIP_MAGIC:
            return None
        start = _find_record_start(raw, 0)
        if start is None:
            return None
        raw.seek(0)
        header = raw.read(start)
    return start if _SPLITTABLE_HEADER.match(header) else None


def _segment_worker(
    path: str,
    name: str,
    batch_size: int,
    worker: int,
    workers: int,
    segment_bytes: int,
    header_end: int,
    out: Any,
) -> None:
    """In a child process: parse segments ``worker``, ``worker + workers``, ... of the file.

    Segment ``k`` runs from the first ``<PubmedArticle>`` at or after ``k * segment_bytes``
    to the first one at or after ``(k + 1) * segment_bytes`` (or the end of the file): every
    process finds the same boundaries on its own. Each is parsed as the file's header, the
    segment and (but for the last) the root's end tag, with its line numbers shifted to the
    file's (the lines before it are counted on the way). Sends each segment's batches, its
    size as progress, then ``(_SEGMENT_END, is_last)``."""
    try:
        with open(path, "rb") as raw:
            size = os.fstat(raw.fileno()).st_size
            header = raw.read(header_end)
            header_lines = header.count(b"\n")
            counted_to, lines = header_end, header_lines  # newlines before counted_to
            segment = worker
            while True:
                start = (
                    header_end
                    if segment == 0
                    else _find_record_start(raw, max(segment * segment_bytes, header_end))
                )
                if start is None:  # the file ended in an earlier segment
                    return
                following = _find_record_start(raw, max((segment + 1) * segment_bytes, header_end))
                end = size if following is None else following
                raw.seek(counted_to)
                while counted_to < start:
                    chunk = raw.read(min(1 << 20, start - counted_to))
                    lines += chunk.count(b"\n")
                    counted_to += len(chunk)
                last = following is None
                if end > start:
                    data = raw.read(end - start)
                    document = header + data + (b"" if last else _SET_END)
                    for batch in iter_file_batches(
                        io.BytesIO(document),
                        name,
                        batch_size,
                        packed=True,
                        line_offset=lines - header_lines,
                    ):
                        out.put(batch)
                    lines += data.count(b"\n")
                    counted_to = end
                    progress = end - start + (header_end if segment == 0 else 0)
                    out.put(Batch("progress", bytes_read=progress))
                out.put((_SEGMENT_END, last))
                if last:
                    return
                segment += workers
    except BaseException as error:  # reported to the parent, which raises it
        out.put((_CRASHED, f"{type(error).__name__}: {error}"))


def parse_in_segments(
    path: Path,
    name: str,
    batch_size: int,
    workers: int,
    header_end: int,
    segment_bytes: int = SEGMENT_BYTES,
    poll_seconds: float = 1.0,
) -> Generator[Batch, None, None]:
    """Like :func:`parse_in_background`, with ``workers`` processes parsing segments of the
    file (cut at ``<PubmedArticle>`` start tags, see ``_segment_worker``) in turn, so that
    parsing keeps up with merging on a machine with two cores or more. Batches come in file
    order (segment ``k`` from process ``k % workers``); deletions are sent once, at the end,
    as a single-process parse does. At most ``QUEUE_BATCHES`` batches wait per process.

    ``header_end`` is :func:`split_point`'s answer. A cut can only fall inside a record's
    comment or CDATA section, which leaves both segments malformed: an error from a
    segmented parse is to be confirmed by a parse of the whole file (as ``import_path``
    does) before it is reported."""
    context = multiprocessing.get_context("spawn")
    queues = [context.Queue(maxsize=QUEUE_BATCHES) for _ in range(workers)]
    processes = [
        context.Process(
            target=_segment_worker,
            args=(str(path), name, batch_size, worker, workers, segment_bytes, header_end, out),
            daemon=True,
        )
        for worker, out in enumerate(queues)
    ]
    for process in processes:
        process.start()
    deletions: list[str] = []
    try:
        segment = 0
        while True:
            out, process = queues[segment % workers], processes[segment % workers]
            try:
                message = out.get(timeout=poll_seconds)
            except queue_module.Empty:
                if not process.is_alive():
                    raise ParseCrashed(
                        f"the parser stopped unexpectedly (exit code {process.exitcode})"
                    ) from None
                continue
            if isinstance(message, tuple):
                if message[0] == _CRASHED:
                    raise ParseCrashed(message[1])
                if message[1]:  # the last segment
                    break
                segment += 1
            elif message.kind == "deletions":
                deletions.extend(message.deletions)
            else:
                yield message
        if deletions:
            yield Batch("deletions", deletions=deletions)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process, out in zip(processes, queues, strict=True):
            process.join(timeout=10)
            out.close()
            out.join_thread()
