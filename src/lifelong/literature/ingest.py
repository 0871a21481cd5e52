"""Merging incoming records into the one shared library, in bulk.

Every source — PubMed XML (efetch, baseline and update files), MEDLINE text, RIS, BibTeX,
CSL-JSON and journal feeds — ends up as :class:`ArticleFields`, and :class:`LibraryMerger`
folds batches of them into :class:`~lifelong.literature.models.Article` rows:

* **Matching**: by PMID, then DOI, then normalised title + year. Identifiers that disagree
  (two different PMIDs, two different DOIs) never match, so two papers that share a title —
  "Correction", a series' recurring title — stay apart. Titles too short to be distinctive
  have no title key and match only by identifier.
* **Updating**: the newer record wins and its fields replace the stored ones, keeping the
  identifiers of both. One exception keeps rich records rich: a record from a thin source
  (a feed, RIS, BibTeX, CSL-JSON) does not overwrite an article that PubMed supplied; it only
  fills fields that are still empty.
* **Duplicates within one input** (the same paper twice in a file or a feed) are merged, the
  later record winning, and counted.
* **Deletions** (``DeleteCitation``): articles nobody saved are deleted; an article on
  someone's reading list is kept for their notes but flagged ``removed_at`` and left out of
  the library, feeds and search. If PubMed sends the PMID again later, it is restored.
* **Retractions**: a record's own ``retracted`` flag is stored, and a retraction notice
  (``CommentsCorrections RefType="RetractionOf"``) flags the article it retracts.

Speed: each batch costs a constant number of queries (one lookup of every identifier in the
batch, one ``bulk_create``, one ``bulk_update``, one lookup and one insert for source items),
so a file streams through in constant memory. The caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from lifelong.literature.formats.model import (
    AbstractSection,
    Author,
    CommentCorrection,
    Journal,
    MeshHeading,
    PartialDate,
    Record,
)
from lifelong.literature.models import Article, ReadingListEntry, Source, SourceItem
from lifelong.literature.parsing import (
    CONTENT_FIELDS,
    JSON_FIELDS,
    IncomingRecord,
    PackedFields,
    assess,
    batched,
    normalise_doi,
    normalise_pmid,
    title_key,
)
from lifelong.literature.parsing import (  # re-exported for the library's callers
    ArticleFields as ArticleFields,
)
from lifelong.literature.parsing import (
    record_to_fields as record_to_fields,
)

BATCH_SIZE = 1000
AUTHORITATIVE_KINDS = frozenset({"pubmed", "medline"})
MAX_REPORTED_SKIPS = 200

UPDATE_FIELDS = (
    *CONTENT_FIELDS,
    "pmid",
    "doi",
    "title_key",
    "sources_seen",
    "removed_at",
    "updated_at",
)


#: The columns of a new article, in the order of ``LibraryMerger``'s rows.
ARTICLE_ROW_FIELDS = (
    "pmid",
    "doi",
    "title_key",
    *CONTENT_FIELDS,
    "sources_seen",
    "removed_at",
    "created_at",
    "updated_at",
)
SOURCE_ITEM_ROW_FIELDS = ("owner", "source", "article", "first_seen_at")


def insert_rows(
    model: type[models.Model],
    field_names: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    returning: bool = True,
) -> list[int]:
    """Insert rows of already adapted values (``field_names``' columns, in order) with
    multi-row ``INSERT ... RETURNING id``; the new ids, in order (empty without
    ``returning``). No model instance is built: for a new article, the row comes straight
    from the parsed record (see ``LibraryMerger``)."""
    if not rows:
        return []
    meta = model._meta
    ops = connection.ops
    by_name = {field.name: field for field in meta.concrete_fields}
    columns = ", ".join(ops.quote_name(by_name[name].column) for name in field_names)
    table = ops.quote_name(meta.db_table)
    row_sql = "(" + ", ".join(["%s"] * len(field_names)) + ")"
    max_params = connection.features.max_query_params or 30000
    per_statement = max(1, min(500, max_params // len(field_names)))
    suffix = f" RETURNING {ops.quote_name(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([row_sql] * len(chunk))
            params = [value for row in chunk for value in row]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}{suffix}", params)
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


@dataclass
class MergeSummary:
    """What a merge did. ``skipped`` holds readable reasons (capped; ``skipped_count`` is
    exact)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    removed_kept: int = 0
    duplicates: int = 0
    retractions_flagged: int = 0
    new_for_source: int = 0
    skipped_count: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_REPORTED_SKIPS:
            self.skipped.append(reason)

    def note(self, message: str) -> None:
        if len(self.notes) < MAX_REPORTED_SKIPS:
            self.notes.append(message)

    @property
    def received(self) -> int:
        return self.added + self.updated + self.unchanged + self.duplicates

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "removed_kept": self.removed_kept,
            "duplicates": self.duplicates,
            "retractions_flagged": self.retractions_flagged,
            "new_for_source": self.new_for_source,
            "skipped": self.skipped_count,
            "skipped_reasons": list(self.skipped),
            "notes": list(self.notes[:MAX_REPORTED_SKIPS]),
        }


@dataclass(slots=True)
class _Incoming:
    fields: IncomingRecord
    pmid: str | None
    doi: str | None
    key: str

    def unpacked(self) -> ArticleFields:
        if isinstance(self.fields, PackedFields):
            self.fields = self.fields.unpack()
        return self.fields


def _compatible(article: Article, pmid: str | None, doi: str | None) -> bool:
    """Whether an article and a record could be the same paper: no identifier disagrees."""
    if pmid and article.pmid and article.pmid != pmid:
        return False
    return not (doi and article.doi and article.doi != doi)


class LibraryMerger:
    """Merges batches of records for one source (or none) within the caller's transaction.

    It remembers the ids of the articles it touched (integers: a few MB for a million
    records), so meeting one again in a later batch counts the record as a duplicate.
    """

    def __init__(self, source: Source | None = None, now: datetime | None = None) -> None:
        self.source = source
        self.stamp = now or timezone.now()
        self.summary = MergeSummary()
        self._touched: set[int] = set()
        ops = connection.ops
        self._db_stamp = ops.adapt_datetimefield_value(self.stamp)
        # Packed records carry their JSON fields encoded as ``json.dumps`` writes them, which
        # is what the backend stores when it adapts JSON to text (SQLite); others (psycopg's
        # ``Jsonb``) get the decoded values through their own adapter.
        self._json_as_text = isinstance(ops.adapt_json_value([], None), str)
        self._json_cache: dict[str, Any] = {}

    # -- records ------------------------------------------------------------------------

    def merge_all(self, records: Iterable[ArticleFields], batch_size: int = BATCH_SIZE) -> None:
        for batch in batched(records, batch_size):
            self.merge(batch)

    def merge(self, records: Sequence[IncomingRecord]) -> list[int]:
        """Merge one batch; returns the ids of the articles it touched.

        New articles are inserted from rows built straight from the records (no model
        instance); a record that matches a stored article updates it through the ORM."""
        incoming = self._dedupe_batch(records)
        if not incoming:
            return []
        by_pmid, by_doi, by_key = self._existing(incoming)
        new_rows: list[tuple[Any, ...]] = []
        new_dois: set[str] = set()  # DOIs of this batch's new articles
        to_update: dict[int, Article] = {}
        touched: list[Article | int] = []  # stored articles, or positions in new_rows
        for item in incoming:
            article = self._match(item, by_pmid, by_doi, by_key, to_update)
            if article is None:
                if item.doi and (item.doi in by_doi or item.doi in new_dois):
                    # Another paper (another PMID) already has this DOI: a data error in
                    # one of them. The DOI stays with the first; this one is kept without.
                    where = f"{item.fields.location}: " if item.fields.location else ""
                    self.summary.note(
                        f"{where}DOI {item.doi} is already on another article; kept there"
                    )
                    item.doi = None
                touched.append(len(new_rows))
                new_rows.append(self._new_row(item))
                self.summary.added += 1
                if item.doi:
                    new_dois.add(item.doi)
            else:
                changed = self._apply(article, item, by_doi, new_dois)
                if changed:
                    article.updated_at = self.stamp
                    to_update[id(article)] = article
                if article.pk in self._touched:
                    self.summary.duplicates += 1
                elif changed:
                    self.summary.updated += 1
                else:
                    self.summary.unchanged += 1
                touched.append(article)
        new_ids = insert_rows(Article, ARTICLE_ROW_FIELDS, new_rows)
        updates = [article for article in to_update.values() if article.pk is not None]
        if updates:
            Article.objects.bulk_update(updates, UPDATE_FIELDS, batch_size=200)
        self._flag_retractions(incoming)
        article_ids = list(
            dict.fromkeys(
                new_ids[entry] if isinstance(entry, int) else entry.pk for entry in touched
            )
        )
        self._touched.update(article_ids)
        self.link(article_ids)
        return article_ids

    def _dedupe_batch(self, records: Sequence[IncomingRecord]) -> list[_Incoming]:
        """Normalise identifiers and fold repeats within the batch (the later one wins)."""
        result: list[_Incoming] = []
        index: dict[tuple[str, str], int] = {}
        for record in records:
            if not (record.title or "").strip():
                where = f"{record.location}: " if record.location else ""
                self.summary.skip(f"{where}a record without a title")
                continue
            if isinstance(record, PackedFields):  # normalised and keyed by the parser
                pmid, doi, key = record.pmid, record.doi, record.key
            else:
                if not record.evidence_level:
                    assess(record)
                pmid = normalise_pmid(record.pmid)
                doi = normalise_doi(record.doi)
                key = title_key(record.title, record.published_year)
            position = None
            for name, value in (("pmid", pmid), ("doi", doi), ("key", key)):
                if value and (name, value) in index:
                    earlier = result[index[(name, value)]]
                    if (not pmid or not earlier.pmid or earlier.pmid == pmid) and (
                        not doi or not earlier.doi or earlier.doi == doi
                    ):
                        position = index[(name, value)]
                        break
            if position is None:
                result.append(_Incoming(record, pmid, doi, key))
                position = len(result) - 1
            else:
                earlier = result[position]
                self.summary.duplicates += 1
                result[position] = _Incoming(
                    record, pmid or earlier.pmid, doi or earlier.doi, key or earlier.key
                )
            item = result[position]
            for name, value in (("pmid", item.pmid), ("doi", item.doi), ("key", item.key)):
                if value:
                    index[(name, value)] = position
        return result

    def _existing(
        self, incoming: list[_Incoming]
    ) -> tuple[dict[str, Article], dict[str, Article], dict[str, list[Article]]]:
        """Every stored article one of the batch's identifiers points at, in one query.

        Title keys of records that carry a PMID are looked up only among articles without
        one: an article with a PMID could not match them by title anyway (PMIDs differ)."""
        pmids = [item.pmid for item in incoming if item.pmid]
        dois = [item.doi for item in incoming if item.doi]
        keys_any = [item.key for item in incoming if item.key and not item.pmid]
        keys_without_pmid = [item.key for item in incoming if item.key and item.pmid]
        condition = Q(pk__in=[])
        if pmids:
            condition |= Q(pmid__in=pmids)
        if dois:
            condition |= Q(doi__in=dois)
        if keys_any:
            condition |= Q(title_key__in=keys_any)
        if keys_without_pmid:
            condition |= Q(title_key__in=keys_without_pmid, pmid__isnull=True)
        by_pmid: dict[str, Article] = {}
        by_doi: dict[str, Article] = {}
        by_key: dict[str, list[Article]] = {}
        for article in Article.objects.filter(condition).order_by("pk"):
            if article.pmid:
                by_pmid[article.pmid] = article
            if article.doi:
                by_doi[article.doi] = article
            if article.title_key:
                by_key.setdefault(article.title_key, []).append(article)
        return by_pmid, by_doi, by_key

    def _match(
        self,
        item: _Incoming,
        by_pmid: dict[str, Article],
        by_doi: dict[str, Article],
        by_key: dict[str, list[Article]],
        to_update: dict[int, Article],
    ) -> Article | None:
        """The stored article this record is, if any; a second stored article that the
        record proves to be the same paper (same DOI or title, no clashing identifier) is
        absorbed into the first."""
        candidates: list[Article] = []
        if item.pmid and item.pmid in by_pmid:
            candidates.append(by_pmid[item.pmid])
        if item.doi and item.doi in by_doi:
            candidates.append(by_doi[item.doi])
        if item.key:
            by_title = [
                article
                for article in by_key.get(item.key, [])
                if _compatible(article, item.pmid, item.doi)
            ]
            if len(by_title) == 1:  # two papers with this title and year: ambiguous, no match
                candidates.extend(by_title)
        match: Article | None = None
        for candidate in candidates:
            if not _compatible(candidate, item.pmid, item.doi):
                continue
            if match is None:
                match = candidate
            elif (
                candidate is not match
                and candidate.pk is not None
                and match.pk is not None
                and _compatible(candidate, match.pmid, match.doi)
            ):
                self._absorb(match, candidate)
                to_update.pop(id(candidate), None)
                for index in (by_pmid, by_doi):
                    for value, stored in list(index.items()):
                        if stored is candidate:
                            index[value] = match
                for articles in by_key.values():
                    if candidate in articles:
                        articles.remove(candidate)
        return match

    def _absorb(self, keep: Article, duplicate: Article) -> None:
        """Move ``duplicate``'s source items and reading-list entries to ``keep`` and delete
        it (rare: two stored rows that one record proves to be one paper)."""
        SourceItem.objects.filter(article=duplicate).exclude(
            source__in=SourceItem.objects.filter(article=keep).values("source")
        ).update(article=keep)
        ReadingListEntry.objects.filter(article=duplicate).exclude(
            owner__in=ReadingListEntry.objects.filter(article=keep).values("owner")
        ).update(article=keep)
        keep.pmid = keep.pmid or duplicate.pmid
        keep.doi = keep.doi or duplicate.doi
        keep.sources_seen = sorted(set(keep.sources_seen) | set(duplicate.sources_seen))
        duplicate.delete()

    def _json(self, value: Any) -> Any:
        return connection.ops.adapt_json_value(value, None)

    def _new_row(self, item: _Incoming) -> tuple[Any, ...]:
        """The values of a new article's row (``ARTICLE_ROW_FIELDS``), adapted for the
        database: what ``Article(...)`` and ``bulk_create`` would store."""
        record = item.fields
        if isinstance(record, PackedFields):
            if self._json_as_text:
                content: tuple[Any, ...] | list[Any] = record.content
            else:
                content = [
                    self._json(json.loads(value)) if name in JSON_FIELDS else value
                    for name, value in zip(CONTENT_FIELDS, record.content, strict=True)
                ]
        else:
            content = [
                self._json(getattr(record, name)) if name in JSON_FIELDS else getattr(record, name)
                for name in CONTENT_FIELDS
            ]
        kind = record.source_kind
        sources_seen = self._json_cache.get(kind)
        if sources_seen is None:
            sources_seen = self._json_cache[kind] = self._json([kind] if kind else [])
        stamp = self._db_stamp
        return (item.pmid, item.doi, item.key, *content, sources_seen, None, stamp, stamp)

    def _apply(
        self, article: Article, item: _Incoming, by_doi: dict[str, Article], new_dois: set[str]
    ) -> bool:
        """Fold the record into the article; whether anything changed."""
        record = item.unpacked()
        before = {name: getattr(article, name) for name in UPDATE_FIELDS}
        stored_authoritative = bool(AUTHORITATIVE_KINDS & set(article.sources_seen))
        incoming_authoritative = record.source_kind in AUTHORITATIVE_KINDS
        replace = incoming_authoritative or not stored_authoritative
        for name in CONTENT_FIELDS:
            value = getattr(record, name)
            if replace or _empty(getattr(article, name)):
                if name == "retracted":
                    # sticky: a retraction seen once (on this record or through a notice
                    # that points at it) is never undone by a record that lags behind
                    value = value or article.retracted
                setattr(article, name, value)
        article.pmid = article.pmid or item.pmid
        if item.doi and item.doi != article.doi:
            owner = by_doi.get(item.doi)
            if (
                (owner is None or owner is article)
                and item.doi not in new_dois
                and (not article.doi or replace)
            ):
                article.doi = item.doi
                by_doi[item.doi] = article
        article.title_key = title_key(article.title, article.published_year)
        if record.source_kind and record.source_kind not in article.sources_seen:
            article.sources_seen = sorted({*article.sources_seen, record.source_kind})
        article.removed_at = None
        return any(
            getattr(article, name) != before[name] for name in UPDATE_FIELDS if name != "updated_at"
        )

    def _flag_retractions(self, incoming: list[_Incoming]) -> None:
        retracted = {pmid for item in incoming for pmid in item.fields.retracts()}
        if retracted:
            self.summary.retractions_flagged += Article.objects.filter(
                pmid__in=retracted, retracted=False
            ).update(retracted=True, updated_at=self.stamp)

    def link(self, article_ids: list[int]) -> None:
        """Record that this merger's source brought these (stored) articles."""
        if self.source is None or not article_ids:
            return
        linked = set(
            SourceItem.objects.filter(source=self.source, article_id__in=article_ids).values_list(
                "article_id", flat=True
            )
        )
        owner_id, source_id, stamp = self.source.owner_id, self.source.pk, self._db_stamp
        new_items = [
            (owner_id, source_id, article_id, stamp)
            for article_id in article_ids
            if article_id not in linked
        ]
        insert_rows(SourceItem, SOURCE_ITEM_ROW_FIELDS, new_items, returning=False)
        self.summary.new_for_source += len(new_items)

    # -- deletions ----------------------------------------------------------------------

    def delete(self, pmids: Iterable[str | int]) -> None:
        """Apply ``DeleteCitation``: delete, or keep flagged when someone saved it."""
        for batch in batched(
            (pmid for pmid in (normalise_pmid(p) for p in pmids) if pmid), BATCH_SIZE
        ):
            saved = set(
                ReadingListEntry.objects.filter(article__pmid__in=batch).values_list(
                    "article_id", flat=True
                )
            )
            if saved:
                self.summary.removed_kept += Article.objects.filter(
                    pk__in=saved, removed_at__isnull=True
                ).update(removed_at=self.stamp, updated_at=self.stamp)
                SourceItem.objects.filter(article_id__in=saved).delete()
            _, per_model = Article.objects.filter(pmid__in=batch).exclude(pk__in=saved).delete()
            self.summary.deleted += per_model.get(Article._meta.label, 0)


# --------------------------------------------------------------------------------------------
# From the parsers' records (lifelong.literature.formats) and back
# --------------------------------------------------------------------------------------------


def article_to_record(article: Article) -> Record:
    """An article as a parser record, for the exporters."""
    return Record(
        source_format="pubmed-xml" if article.pmid else "csl-json",
        title=article.title,
        title_html=article.title_html or article.title,
        pmid=article.pmid,
        doi=article.doi,
        abstract=tuple(
            AbstractSection(
                label=section.get("label") or None,
                text=section.get("text", ""),
                html=section.get("html", ""),
            )
            for section in article.abstract
        ),
        authors=tuple(
            Author(collective=author["collective"])
            if author.get("collective")
            else Author(family=author.get("family"), given=author.get("given"))
            for author in article.authors
        ),
        journal=Journal(
            title=article.journal or None,
            iso_abbreviation=article.journal_abbreviation or None,
            volume=article.volume or None,
            issue=article.issue or None,
            pages=article.pages or None,
        ),
        published=(
            PartialDate(
                article.published_year,
                article.published_month,
                article.published_day,
                article.published_text,
            )
            if article.published_year
            else None
        ),
        publication_types=tuple(article.publication_types),
        mesh=tuple(
            MeshHeading(descriptor=heading["descriptor"], descriptor_major=bool(heading["major"]))
            for heading in article.mesh
            if heading.get("descriptor")
        ),
        keywords=tuple(article.keywords),
        comments_corrections=tuple(
            CommentCorrection(link.get("ref_type", ""), link.get("pmid"), link.get("source"))
            for link in article.comments_corrections
        ),
        url=article.url or None,
    )
