"""Builders for the feed, search, reading-list and digest tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.literature.models import (
    Article,
    Interest,
    ReadingListEntry,
    Source,
    SourceItem,
)

_counter = {"pmid": 40_000_000}


def make_article(title: str = "Trauma-focused therapy for PTSD", **fields: Any) -> Article:
    """An article; ``abstract`` may be given as plain text, ``mesh`` as descriptor names
    (a leading ``*`` marks a major topic)."""
    _counter["pmid"] += 1
    abstract = fields.pop("abstract", "")
    if isinstance(abstract, str):
        abstract = [{"label": "", "text": abstract, "html": abstract}] if abstract else []
    mesh = [
        item
        if isinstance(item, dict)
        else {"descriptor": item.lstrip("*"), "major": item.startswith("*"), "qualifiers": []}
        for item in fields.pop("mesh", [])
    ]
    values: dict[str, Any] = {
        "pmid": str(_counter["pmid"]),
        "title": title,
        "title_html": title,
        "abstract": abstract,
        "mesh": mesh,
        "journal": "Journal of Traumatic Stress",
        "published_year": 2026,
        "published_month": 11,
        "evidence_level": "other",
    }
    values.update(fields)
    return Article.objects.create(**values)


def make_source(owner: User, name: str = "Trauma journals", **fields: Any) -> Source:
    values: dict[str, Any] = {"kind": Source.Kind.FEED, "url": "https://example.org/feed.xml"}
    values.update(fields)
    return Source.objects.create(owner=owner, name=name, **values)


def bring(source: Source, article: Article, days_ago: float = 0) -> SourceItem:
    """Record that ``source`` brought ``article`` to its owner ``days_ago`` days ago (the
    article reached the library no later than that)."""
    seen: datetime = timezone.now() - timedelta(days=days_ago)
    if article.created_at > seen:
        Article.objects.filter(pk=article.pk).update(created_at=seen)
        article.created_at = seen
    return SourceItem.objects.create(
        owner=source.owner, source=source, article=article, first_seen_at=seen
    )


def make_interest(owner: User, label: str, terms: str = "", **fields: Any) -> Interest:
    return Interest.objects.create(owner=owner, label=label, terms=terms, **fields)


def save_to_reading_list(owner: User, article: Article, **fields: Any) -> ReadingListEntry:
    return ReadingListEntry.objects.create(owner=owner, article=article, **fields)
