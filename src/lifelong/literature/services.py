"""Literature services: importing files, refreshing sources, exporting selections.

Network work (feeds, E-utilities) never runs inside a database transaction: a refresh fetches
first and then merges each batch in its own short transaction, so a slow server never holds
SQLite's write lock. A file import, on the other hand, is one transaction: a malformed file
imports nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lifelong.literature import eutils, feeds, netguard
from lifelong.literature.formats import Deletion, Record, export_records, iter_bytes
from lifelong.literature.ingest import (
    BATCH_SIZE,
    ArticleFields,
    LibraryMerger,
    MergeSummary,
    article_to_record,
)
from lifelong.literature.models import Article, ReadingListEntry, Source
from lifelong.literature.parsing import (
    SEGMENT_BYTES,
    Batch,
    ParseCrashed,
    iter_file_batches,
    parse_in_background,
    parse_in_segments,
    record_to_fields,
    split_point,
)

logger = logging.getLogger(__name__)

PARALLEL_MIN_BYTES = 8 * 1024 * 1024
MAX_PARSE_WORKERS = 4

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


def import_batches(
    user: Any,
    name: str,
    batches: Iterable[Batch],
    on_read: Callable[[int], None] | None = None,
) -> FileImport:
    """Merge one file's batches into the library for ``user``, atomically: an error problem
    (a malformed file) rolls everything back and raises :class:`ImportRejected`."""
    result = FileImport(name=name)
    with transaction.atomic():
        source = _import_source(user, name)
        result.source_id = source.pk
        merger = LibraryMerger(source)
        for batch in batches:
            if batch.kind == "records":
                merger.merge(batch.records)
            elif batch.kind == "deletions":
                merger.delete(batch.deletions)
            elif batch.kind == "progress":
                if on_read:
                    on_read(batch.bytes_read)
            elif batch.problem is not None:
                if batch.problem.severity == "error":
                    raise ImportRejected([str(batch.problem)])
                merger.summary.skip(str(batch.problem))
        source.last_fetched_at = merger.stamp
        source.last_added = merger.summary.new_for_source
        source.save(update_fields=["last_fetched_at", "last_added"])
    result.summary = merger.summary
    return result


def import_path(
    user: Any,
    path: Path,
    *,
    name: str | None = None,
    on_read: Callable[[int], None] | None = None,
    parallel: bool | None = None,
    parse_workers: int | None = None,
    segment_bytes: int = SEGMENT_BYTES,
) -> FileImport:
    """Import one file from disk; a malformed or unreadable file gives ``rejected`` with its
    problems (file:line) and imports nothing.

    Files of ``PARALLEL_MIN_BYTES`` or more are parsed in other processes while this one
    merges (``parallel`` forces either way): parsing is most of the work. A plain PubMed XML
    file is cut into segments parsed by ``parse_workers`` processes in turn (by default one
    per core, at most ``MAX_PARSE_WORKERS``); others (gzip, text formats) by one. A segmented
    import that finds the file malformed is run again on the whole file, whose problems are
    the ones reported (a cut inside a comment or CDATA section would look malformed)."""
    display = name or path.name
    try:
        size = path.stat().st_size
        cores = os.cpu_count() or 1
        if parallel is None:
            parallel = size >= PARALLEL_MIN_BYTES and cores > 1
        if parallel:
            workers = parse_workers or min(cores, MAX_PARSE_WORKERS)
            header_end = split_point(path) if workers > 1 else None
            if header_end is not None and size - header_end > segment_bytes:
                segments = parse_in_segments(
                    path, display, BATCH_SIZE, workers, header_end, segment_bytes
                )
                try:
                    with closing(segments) as batches:
                        return import_batches(user, display, batches, on_read)
                except ImportRejected:
                    on_read = None  # progress was reported; the check below re-reads the file
            with closing(parse_in_background(path, display, BATCH_SIZE)) as batches:
                return import_batches(user, display, batches, on_read)
        with (
            path.open("rb") as raw,
            closing(iter_file_batches(raw, display, BATCH_SIZE, on_read)) as batches,
        ):
            return import_batches(user, display, batches)
    except ImportRejected as error:
        return FileImport(name=display, problems=error.problems, rejected=True)
    except ParseCrashed as error:
        return FileImport(name=display, problems=[f"{display}: {error}"], rejected=True)
    except OSError as error:
        return FileImport(
            name=display, problems=[f"{display}: {error.strerror or error}"], rejected=True
        )


def import_upload(user: Any, stream: IO[bytes], name: str) -> FileImport:
    """Import an uploaded file (already size- and content-checked by the form)."""
    try:
        with closing(iter_file_batches(stream, name, BATCH_SIZE)) as batches:
            return import_batches(user, name, batches)
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


def _merge_batch(records: list[ArticleFields], merger: LibraryMerger) -> None:
    with transaction.atomic():
        merger.merge(records)


def _refresh_feed(source: Source, client: httpx.Client, merger: LibraryMerger) -> bool:
    fetched = feeds.fetch_feed(source.url, source.etag, source.last_modified, client=client)
    if fetched.not_modified:
        return True
    records = fetched.records
    for start in range(0, len(records), BATCH_SIZE):
        _merge_batch(records[start : start + BATCH_SIZE], merger)
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
    if outcome.capped or outcome.truncated_windows:
        logger.warning(
            "PubMed search %s matched more than one refresh fetches (capped at %s ids; "
            "days over 9,999 ids: %s)",
            source.pk,
            settings.LIFELONG_PUBMED_MAX_IDS_PER_REFRESH,
            [window[0].isoformat() for window in outcome.truncated_windows],
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
