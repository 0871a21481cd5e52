"""The literature library.

Papers are public, so :class:`Article` is one deduplicated library shared by every user: a
paper that reaches ten users through ten sources is stored once. Everything personal is per
user and owner-scoped: the sources a user follows (:class:`Source`), which of their sources
brought which article and when (:class:`SourceItem`, "new items from my sources"), their
interests, their reading list with private notes, and the digests they were sent.

Sections: the shared library (Article); sources and what they brought (Source, SourceItem);
personal reading (Interest, ReadingListEntry, DigestDelivery).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lifelong.literature.parsing import (  # re-exported: the library's identity rules
    normalise_doi as normalise_doi,
)
from lifelong.literature.parsing import (
    normalise_pmid as normalise_pmid,
)
from lifelong.literature.parsing import (
    normalise_title as normalise_title,
)
from lifelong.literature.parsing import (
    title_key as title_key,
)

# --------------------------------------------------------------------------------------------
# Identifiers and the title key used to match records that carry neither PMID nor DOI
# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# The shared library
# --------------------------------------------------------------------------------------------


class ArticleQuerySet(models.QuerySet["Article"]):
    def current(self) -> ArticleQuerySet:
        """Articles still in the library (not removed from PubMed)."""
        return self.filter(removed_at__isnull=True)

    def for_user(self, user: Any) -> ArticleQuerySet:
        """The user's library: current articles that one of their sources brought or that are
        on their reading list."""
        return self.current().filter(
            models.Q(pk__in=SourceItem.objects.filter(owner=user).values("article_id"))
            | models.Q(pk__in=ReadingListEntry.objects.filter(owner=user).values("article_id"))
        )


class Article(models.Model):
    """One paper, deduplicated across sources by PMID, then DOI, then normalised title + year.

    ``abstract`` is a list of ``{"label", "text", "html"}`` sections; ``authors`` a list of
    ``{"family", "given"}`` or ``{"collective"}``; ``mesh`` a list of ``{"descriptor",
    "major", "qualifiers"}``; ``comments_corrections`` a list of ``{"ref_type", "pmid",
    "source"}``. ``sources_seen`` lists the kinds of source that supplied this article
    (``pubmed``, ``feed``, ``ris``...). ``removed_at`` is set when PubMed deleted the citation
    while someone still had it on their reading list: the row stays for their notes, hidden
    from the library, feeds and search (``Article.objects.current()``).
    """

    pmid = models.CharField("PMID", max_length=16, unique=True, null=True, blank=True)
    doi = models.CharField("DOI", max_length=255, unique=True, null=True, blank=True)
    title_key = models.CharField(max_length=40, db_index=True, blank=True)
    title = models.TextField()
    title_html = models.TextField(blank=True)
    abstract = models.JSONField(default=list, blank=True)
    authors = models.JSONField(default=list, blank=True)
    journal = models.CharField(max_length=500, blank=True)
    journal_abbreviation = models.CharField(max_length=200, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=100, blank=True)
    published_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    published_month = models.PositiveSmallIntegerField(null=True, blank=True)
    published_day = models.PositiveSmallIntegerField(null=True, blank=True)
    published_text = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    publication_types = models.JSONField(default=list, blank=True)
    mesh = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    evidence_level = models.CharField(max_length=40, blank=True, db_index=True)
    evidence_reason = models.CharField(max_length=300, blank=True)
    retracted = models.BooleanField(default=False)
    comments_corrections = models.JSONField(default=list, blank=True)
    sources_seen = models.JSONField(default=list, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def evidence_label(self) -> str:
        """The evidence level in words ("Systematic review"), or "" when not assessed."""
        from lifelong.literature.evidence import LABELS

        return str(LABELS.get(self.evidence_level, self.evidence_level))  # type: ignore[call-overload]

    @property
    def safe_title_html(self) -> SafeString:
        """The title's HTML for templates, sanitised again on the way out (defence in depth:
        it was sanitised when stored)."""
        from lifelong.literature.sanitize import clean_inline_html

        return mark_safe(
            clean_inline_html(self.title_html) if self.title_html else escape(self.title)
        )

    @property
    def abstract_text(self) -> str:
        """The abstract as plain text, sections joined (labels kept)."""
        parts = []
        for section in self.abstract:
            label = section.get("label") or ""
            text = section.get("text") or ""
            parts.append(f"{label}: {text}" if label else text)
        return "\n".join(part for part in parts if part)

    @property
    def author_names(self) -> list[str]:
        names = []
        for author in self.authors:
            if author.get("collective"):
                names.append(author["collective"])
            else:
                names.append(" ".join(p for p in (author.get("given"), author.get("family")) if p))
        return names

    @property
    def published_iso(self) -> str:
        """``2021``, ``2021-03`` or ``2021-03-09``: as much of the date as is known."""
        if not self.published_year:
            return ""
        text = f"{self.published_year:04d}"
        if self.published_month:
            text += f"-{self.published_month:02d}"
            if self.published_day:
                text += f"-{self.published_day:02d}"
        return text

    @property
    def link(self) -> str:
        """Where to read it: PubMed, then the DOI, then the feed's link."""
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


# --------------------------------------------------------------------------------------------
# Sources and what they brought
# --------------------------------------------------------------------------------------------


class SourceQuerySet(models.QuerySet["Source"]):
    def for_user(self, user: Any) -> SourceQuerySet:
        return self.filter(owner=user)

    def fetchable(self) -> SourceQuerySet:
        """Active sources fetched over the network (file imports are not refreshed)."""
        return self.filter(active=True).exclude(kind=Source.Kind.FILE_IMPORT)

    def due(self, now: datetime) -> SourceQuerySet:
        """Fetchable sources whose schedule says it is time: never fetched, or daily ones
        last fetched 20 hours ago or more, weekly ones 6.5 days ago or more (a little slack,
        so a job that runs at the same hour each day never skips a day)."""
        never = models.Q(last_fetched_at__isnull=True)
        daily = models.Q(
            schedule=Source.Schedule.DAILY, last_fetched_at__lte=now - timedelta(hours=20)
        )
        weekly = models.Q(
            schedule=Source.Schedule.WEEKLY, last_fetched_at__lte=now - timedelta(hours=156)
        )
        return (
            self.fetchable().exclude(schedule=Source.Schedule.MANUAL).filter(never | daily | weekly)
        )


class Source(models.Model):
    """Where a user's articles come from: a PubMed saved search, a journal feed, or the files
    they imported (one source per imported file name)."""

    class Kind(models.TextChoices):
        PUBMED_SEARCH = "pubmed-search", "PubMed search"
        FEED = "feed", "Journal feed (RSS/Atom)"
        FILE_IMPORT = "file-import", "Imported file"

    class Schedule(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MANUAL = "manual", "Only when I ask"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="literature_sources"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    query = models.TextField(blank=True, help_text="The PubMed query of a saved search.")
    url = models.URLField(max_length=2000, blank=True, help_text="The address of a feed.")
    schedule = models.CharField(max_length=10, choices=Schedule.choices, default=Schedule.DAILY)
    active = models.BooleanField(default=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    fetched_through = models.DateField(
        null=True, blank=True, help_text="PubMed: the last Entrez date already fetched."
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_added = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["pubmed-search", "feed", "file-import"]),
                name="literature_source_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SourceItemQuerySet(models.QuerySet["SourceItem"]):
    def for_user(self, user: Any) -> SourceItemQuerySet:
        return self.filter(owner=user)


class SourceItem(models.Model):
    """Source ``source`` of user ``owner`` brought ``article`` at ``first_seen_at``: the feed
    is the user's newest source items. ``owner`` repeats ``source.owner`` so that a user's
    feed is one indexed query."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="literature_items"
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_items")
    first_seen_at = models.DateTimeField(default=timezone.now)

    objects = SourceItemQuerySet.as_manager()

    class Meta:
        ordering = ["-first_seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "article"], name="unique_source_article")
        ]
        indexes = [models.Index(fields=["owner", "-first_seen_at"], name="sourceitem_owner_seen")]

    def __str__(self) -> str:
        return f"{self.source} → {self.article}"


# --------------------------------------------------------------------------------------------
# Personal reading: interests, reading list, digests
# --------------------------------------------------------------------------------------------


class InterestQuerySet(models.QuerySet["Interest"]):
    def for_user(self, user: Any) -> InterestQuerySet:
        return self.filter(owner=user)


class Interest(models.Model):
    """What a user wants to read about. ``terms`` is free text; ``mesh_terms`` a list of MeSH
    descriptor names. Later issues add interests from the caseload and learning goals
    (``origin``)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", "Topic"
        POPULATION = "population", "Population"
        MODALITY = "modality", "Modality"

    class Origin(models.TextChoices):
        MANUAL = "manual", "Added by me"
        CASELOAD = "caseload", "From my caseload"
        GOAL = "goal", "From a learning goal"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="literature_interests"
    )
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    terms = models.TextField(blank=True)
    mesh_terms = models.JSONField(default=list, blank=True)
    weight = models.FloatField(default=1.0)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["label", "pk"]

    def __str__(self) -> str:
        return self.label


class ReadingListEntryQuerySet(models.QuerySet["ReadingListEntry"]):
    def for_user(self, user: Any) -> ReadingListEntryQuerySet:
        return self.filter(owner=user)


class ReadingListEntry(models.Model):
    """An article a user saved, with their private notes. Entries survive PubMed deleting
    the citation: the article is then kept, flagged ``removed_at``."""

    class Status(models.TextChoices):
        TO_READ = "to-read", "To read"
        READING = "reading", "Reading"
        READ = "read", "Read"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_list"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reading_entries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TO_READ)
    notes = models.TextField(blank=True)
    applied_in_practice = models.BooleanField(default=False)
    applied_how = models.TextField(blank=True)
    saved_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReadingListEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "article"], name="unique_reading_entry")
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.article}"


class DigestDelivery(models.Model):
    """One weekly digest sent to a user (``iso_week`` like ``2026-W07``): sent at most once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="literature_digests"
    )
    iso_week = models.CharField(max_length=8)
    sent_at = models.DateTimeField(default=timezone.now)
    article_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "iso_week"], name="unique_digest_week")
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.iso_week}"
