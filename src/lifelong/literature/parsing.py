"""From files to records in the library's terms — pure, no Django, so that a file can be
parsed in a separate process while the database work goes on (see ``parse_in_background``).

``iter_stream_events`` reads one file (plain or gzip; the format recognised by content) into
the parsers' events; ``iter_file_batches`` turns them into batches of
:class:`ArticleFields` (with evidence levels), deletions and problems.
"""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import queue as queue_module
import re
import unicodedata
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

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
from lifelong.literature.formats.model import Author, CommentCorrection

# --------------------------------------------------------------------------------------------
# Identifiers and the title key used to match records that carry neither PMID nor DOI
# --------------------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_title(title: str) -> str:
    """Casefolded, accents stripped, punctuation and whitespace collapsed to one space:
    ``"The <i>APOE</i> Locus: a Review."`` and ``"The APOE locus - a review"`` agree."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", without_accents).strip()


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


def record_to_fields(record: Record, file_name: str = "") -> ArticleFields:
    """A parsed record in the library's terms."""
    published = record.published
    journal = record.journal
    location = file_name
    if record.line is not None:
        location = f"{file_name}:{record.line}" if file_name else f"line {record.line}"
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
        mesh=[
            {
                "descriptor": heading.descriptor,
                "major": heading.major,
                "qualifiers": [qualifier.name for qualifier in heading.qualifiers],
            }
            for heading in record.mesh
        ],
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
    records: list[ArticleFields] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    problem: Problem | None = None
    bytes_read: int = 0


def iter_file_batches(
    raw: Readable,
    name: str,
    batch_size: int,
    on_read: Callable[[int], None] | None = None,
) -> Generator[Batch, None, None]:
    """The file's records in batches of ``batch_size`` (with their evidence assessed), its
    deletions at the end (PubMed puts ``DeleteCitation`` last), and each problem as it comes."""
    records: list[ArticleFields] = []
    deletions: list[str] = []
    for event in iter_stream_events(raw, name, on_read):
        if isinstance(event, Record):
            fields_ = record_to_fields(event, name)
            assess(fields_)
            records.append(fields_)
            if len(records) >= batch_size:
                yield Batch("records", records=records)
                records = []
        elif isinstance(event, Deletion):
            deletions.append(event.pmid)
        else:
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
            for batch in iter_file_batches(raw, name, batch_size, report):
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
