"""Literature services: importing files, refreshing sources, exporting selections.

Network work (feeds, E-utilities) never runs inside a database transaction: a refresh fetches
first and then merges each batch in its own short transaction, so a slow server never holds
SQLite's write lock. A file import, on the other hand, is one transaction: a malformed file
imports nothing.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Protocol

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lifelong.literature import eutils, feeds, netguard
from lifelong.literature.formats import (
    DEFAULT_MAX_TEXT_BYTES,
    Deletion,
    ParseEvent,
    Problem,
    Record,
    describe_unknown,
    detect_format,
    export_records,
    iter_bytes,
    iter_pubmed_xml,
)
from lifelong.literature.ingest import (
    BATCH_SIZE,
    ArticleFields,
    LibraryMerger,
    MergeSummary,
    article_to_record,
    record_to_fields,
)
from lifelong.literature.models import Article, ReadingListEntry, Source

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024

EXPORT_FORMATS: dict[str, tuple[str, str, str]] = {
    # format: (label, content type, file extension)
    "ris": ("RIS", "application/x-research-info-systems", "ris"),
    "bibtex": ("BibTeX", "application/x-bibtex", "bib"),
    "csl-json": ("CSL-JSON", "application/vnd.citationstyles.csl+json", "json"),
}


# --------------------------------------------------------------------------------------------
# File import
# --------------------------------------------------------------------------------------------


class ImportRejected(Exception):
    """The file is malformed: nothing of it was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


@dataclass
class FileImport:
    name: str
    summary: MergeSummary = field(default_factory=MergeSummary)
    problems: list[str] = field(default_factory=list)
    rejected: bool = False
    source_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "rejected": self.rejected,
            "problems": self.problems,
            **self.summary.as_dict(),
        }


def _import_source(user: Any, name: str) -> Source:
    source, _ = Source.objects.get_or_create(
        owner=user,
        kind=Source.Kind.FILE_IMPORT,
        name=name[:200],
        defaults={"schedule": Source.Schedule.MANUAL, "active": False},
    )
    return source


def import_events(
    user: Any, name: str, events: Iterable[Record | Deletion | Problem]
) -> FileImport:
    """Merge one file's parse events into the library for ``user``, atomically: an error
    problem (a malformed file) rolls everything back and raises :class:`ImportRejected`."""
    result = FileImport(name=name)
    with transaction.atomic():
        source = _import_source(user, name)
        result.source_id = source.pk
        merger = LibraryMerger(source)
        batch: list[ArticleFields] = []
        deletions: list[str] = []
        for event in events:
            if isinstance(event, Record):
                batch.append(record_to_fields(event, name))
                if len(batch) >= BATCH_SIZE:
                    merger.merge(batch)
                    batch = []
            elif isinstance(event, Deletion):
                deletions.append(event.pmid)
            elif event.severity == "error":
                raise ImportRejected([str(event)])
            else:
                merger.summary.skip(str(event))
        if batch:
            merger.merge(batch)
        merger.delete(deletions)
        source.last_fetched_at = merger.stamp
        source.last_added = merger.summary.new_for_source
        source.save(update_fields=["last_fetched_at", "last_added"])
    result.summary = merger.summary
    return result


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
    raw: IO[bytes], name: str, on_read: Callable[[int], None] | None = None
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


def import_path(
    user: Any, path: Path, *, name: str | None = None, on_read: Callable[[int], None] | None = None
) -> FileImport:
    """Import one file from disk; a malformed or unreadable file gives ``rejected`` with its
    problems (file:line) and imports nothing."""
    display = name or path.name
    try:
        with path.open("rb") as raw:
            return import_events(user, display, iter_stream_events(raw, display, on_read))
    except ImportRejected as error:
        return FileImport(name=display, problems=error.problems, rejected=True)
    except OSError as error:
        return FileImport(
            name=display, problems=[f"{display}: {error.strerror or error}"], rejected=True
        )


def import_upload(user: Any, stream: IO[bytes], name: str) -> FileImport:
    """Import an uploaded file (already size- and content-checked by the form)."""
    try:
        return import_events(user, name, iter_stream_events(stream, name))
    except ImportRejected as error:
        return FileImport(name=name, problems=error.problems, rejected=True)


# --------------------------------------------------------------------------------------------
# Refreshing sources
# --------------------------------------------------------------------------------------------


@dataclass
class RefreshResult:
    source_id: int
    name: str
    ok: bool
    new_items: int = 0
    not_modified: bool = False
    error: str = ""
    summary: MergeSummary | None = None


def _merge_batch(source: Source, records: list[ArticleFields], merger: LibraryMerger) -> None:
    with transaction.atomic():
        merger.merge(records)


def _refresh_feed(source: Source, client: httpx.Client, merger: LibraryMerger) -> bool:
    fetched = feeds.fetch_feed(source.url, source.etag, source.last_modified, client=client)
    if fetched.not_modified:
        return True
    records = fetched.records
    for start in range(0, len(records), BATCH_SIZE):
        _merge_batch(source, records[start : start + BATCH_SIZE], merger)
    source.etag = fetched.etag[:500]
    source.last_modified = fetched.last_modified[:100]
    return False


def _refresh_pubmed(
    source: Source, client: eutils.EutilsClient, merger: LibraryMerger, today: date
) -> None:
    start = (
        source.fetched_through - timedelta(days=1)
        if source.fetched_through
        else today - timedelta(days=settings.LIFELONG_PUBMED_BACKFILL_DAYS)
    )
    outcome = client.search_ids(
        source.query, start, today, max_ids=settings.LIFELONG_PUBMED_MAX_IDS_PER_REFRESH
    )
    known = dict(
        Article.objects.current().filter(pmid__in=outcome.ids).values_list("pmid", "pk").iterator()
    )
    if known:
        with transaction.atomic():
            merger.link(list(known.values()))
    missing = [pmid for pmid in outcome.ids if pmid not in known]
    for document in client.efetch(missing):
        events = iter_bytes(document, "PubMed efetch", "pubmed-xml")
        records: list[ArticleFields] = []
        deletions: list[str] = []
        for event in events:
            if isinstance(event, Record):
                records.append(record_to_fields(event))
            elif isinstance(event, Deletion):
                deletions.append(event.pmid)
            elif event.severity == "error":
                raise eutils.EutilsError(f"PubMed sent a record that could not be read: {event}")
        with transaction.atomic():
            merger.merge(records)
            merger.delete(deletions)
    source.fetched_through = today


def refresh_source(
    source: Source,
    *,
    http: httpx.Client | None = None,
    pubmed: eutils.EutilsClient | None = None,
    now: datetime | None = None,
) -> RefreshResult:
    """Fetch one source now; errors are recorded on the source (``last_error``), not raised."""
    now = now or timezone.now()
    merger = LibraryMerger(source, now)
    result = RefreshResult(source.pk, source.name, ok=True)
    own_http = http is None
    client = http or netguard.guarded_client()
    try:
        if source.kind == Source.Kind.FEED:
            result.not_modified = _refresh_feed(source, client, merger)
        elif source.kind == Source.Kind.PUBMED_SEARCH:
            _refresh_pubmed(
                source,
                pubmed or eutils.EutilsClient.from_settings(client),
                merger,
                timezone.localdate(now),
            )
        else:
            raise feeds.FeedError("Imported files are not refreshed.")
    except (feeds.FeedError, eutils.EutilsError, netguard.FetchRefused, httpx.HTTPError) as error:
        result.ok = False
        result.error = str(error) or error.__class__.__name__
        source.last_error = result.error
        source.last_error_at = now
    else:
        source.last_error = ""
        source.last_error_at = None
    finally:
        if own_http:
            client.close()
    source.last_fetched_at = now
    source.last_added = merger.summary.new_for_source
    source.save()
    result.new_items = merger.summary.new_for_source
    result.summary = merger.summary
    if not result.ok:
        logger.warning("literature source %s failed: %s", source.pk, result.error)
    return result


def refresh_sources(
    *, user: Any = None, source_id: int | None = None, due_only: bool = True
) -> list[RefreshResult]:
    """Refresh the due sources (of one user, or everyone's); ``source_id`` names one source
    and refreshes it whatever its schedule."""
    sources = Source.objects.fetchable()
    if user is not None:
        sources = sources.for_user(user)
    if source_id is not None:
        sources = sources.filter(pk=source_id)
    elif due_only:
        sources = sources.due(timezone.now())
    results = []
    with netguard.guarded_client() as client:
        pubmed = eutils.EutilsClient.from_settings(client)
        for source in sources.order_by("pk"):
            results.append(refresh_source(source, http=client, pubmed=pubmed))
    return results


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def articles_for_export(
    user: Any, *, article_ids: Iterable[int] | None = None, saved: bool = False
) -> list[Article]:
    """The user's articles to export: their whole library, their reading list (``saved``)
    or the given ids (only those in their library; others are ignored)."""
    if saved:
        queryset = Article.objects.filter(
            pk__in=ReadingListEntry.objects.for_user(user).values("article_id")
        )
    else:
        queryset = Article.objects.for_user(user)
        if article_ids is not None:
            queryset = queryset.filter(pk__in=list(article_ids))
    return list(queryset.order_by("-created_at", "-pk"))


def export_articles(articles: Iterable[Article], export_format: str) -> str:
    """The articles as RIS, BibTeX or CSL-JSON text."""
    if export_format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {export_format!r}")
    records = [article_to_record(article) for article in articles]
    return export_records(records, export_format)  # type: ignore[arg-type]


def iter_export_chunks(text: str, size: int = 65536) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]
