""" "My feed": a reader's new articles ranked by :mod:`lifelong.literature.ranking`.

The candidates are bounded whatever the library's size: articles first seen in the last
:data:`FEED_WINDOW_WEEKS` weeks, at most :data:`FEED_MAX_CANDIDATES` of the newest, in one
query; interests in a second; reading-list entries for the page in a third. Ranking happens in
Python on plain :class:`~lifelong.literature.ranking.Candidate` values.

Scopes: ``sources`` (what the reader's own sources brought) and ``library`` (every article
new to the shared library, those from the reader's sources included; library articles that
match none of their interests are left out).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lifelong.literature import ranking
from lifelong.literature.models import Article, Interest, ReadingListEntry, SourceItem

FEED_WINDOW_WEEKS = 8
FEED_MAX_CANDIDATES = 500
Scope = Literal["sources", "library"]
SCOPES: dict[str, str] = {"sources": "From my sources", "library": "Whole library"}


@dataclass(frozen=True, slots=True)
class FeedItem:
    article: Article
    ranked: ranking.RankedItem
    entry: ReadingListEntry | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    """Every ranked item (best first) of the window; ``candidates`` were considered,
    ``capped`` when the newest :data:`FEED_MAX_CANDIDATES` were all that was looked at."""

    items: list[FeedItem]
    candidates: int
    capped: bool
    interests: list[Interest]
    since: datetime
    scope: str


def published_until(year: int | None, month: int | None, day: int | None) -> date | None:
    """The last day of the known publication period: 2024 -> 2024-12-31, 2024-02 ->
    2024-02-29; None without a year or with impossible parts."""
    if not year:
        return None
    try:
        if not month:
            return date(year, 12, 31)
        if not day:
            return date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day)
    except ValueError:
        return None


def interest_query(interest: Interest) -> ranking.InterestQuery:
    return ranking.InterestQuery.from_text(
        interest.pk,
        interest.label,
        interest.terms,
        [str(term) for term in interest.mesh_terms if str(term).strip()],
        interest.weight,
    )


def candidate_for(article: Article, seen: datetime | None, mine: bool) -> ranking.Candidate:
    """The ranking's view of an article (``seen``: when it reached the reader)."""
    mesh = tuple(
        ranking.MeshDescriptor(str(item.get("descriptor", "")), bool(item.get("major")))
        if isinstance(item, dict)
        else ranking.MeshDescriptor(str(item))
        for item in article.mesh
    )
    abstract = " ".join(
        str(section.get("text", "")) if isinstance(section, dict) else str(section)
        for section in article.abstract
    )
    first_seen = timezone.localdate(seen or article.created_at)
    return ranking.Candidate(
        id=article.pk,
        title=article.title,
        abstract=abstract,
        mesh=mesh,
        evidence_level=article.evidence_level,
        evidence_reason=article.evidence_reason,
        retracted=article.retracted,
        published_until=published_until(
            article.published_year, article.published_month, article.published_day
        ),
        first_seen=first_seen,
        from_own_source=mine,
    )


def candidate_articles(user: Any, scope: str, since: datetime, limit: int) -> QuerySet[Article]:
    """The newest articles of the scope first seen since ``since``, annotated with ``seen``
    (when the reader's sources first brought it, else when it reached the library) and
    ``mine`` (one of the reader's sources brought it)."""
    own_items = SourceItem.objects.filter(owner=user)
    recent_ids = own_items.filter(first_seen_at__gte=since).values("article_id")
    first_seen = (
        own_items.filter(article=OuterRef("pk")).order_by("first_seen_at").values("first_seen_at")
    )
    articles = Article.objects.current()
    if scope == "library":
        articles = articles.filter(Q(created_at__gte=since) | Q(pk__in=recent_ids))
    else:
        articles = articles.filter(pk__in=recent_ids)
    return articles.annotate(
        seen=Coalesce(Subquery(first_seen[:1]), F("created_at")),
        mine=Exists(own_items.filter(article=OuterRef("pk"))),
    ).order_by("-seen", "-pk")[:limit]


def build_feed(
    user: Any,
    scope: str = "sources",
    *,
    today: date | None = None,
    now: datetime | None = None,
    weeks: int = FEED_WINDOW_WEEKS,
    max_candidates: int = FEED_MAX_CANDIDATES,
) -> Feed:
    """The reader's ranked feed (three queries at most, whatever the library's size)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    since = now - timedelta(weeks=weeks)
    scope = scope if scope in SCOPES else "sources"
    articles = list(candidate_articles(user, scope, since, max_candidates + 1))
    capped = len(articles) > max_candidates
    articles = articles[:max_candidates]
    interests = list(Interest.objects.for_user(user))
    candidates = [
        candidate_for(article, article.seen, article.mine)  # type: ignore[attr-defined]
        for article in articles
    ]
    ranked = ranking.rank(candidates, [interest_query(i) for i in interests], today)
    by_id = {article.pk: article for article in articles}
    items = [FeedItem(by_id[item.id], item) for item in ranked]
    return Feed(items, len(candidates), capped, interests, since, scope)


def with_entries(user: Any, items: list[FeedItem]) -> list[FeedItem]:
    """The items with the reader's reading-list entry for each (one query)."""
    ids = [item.article.pk for item in items]
    entries = {
        entry.article_id: entry
        for entry in ReadingListEntry.objects.filter(owner=user, article_id__in=ids)
    }
    return [FeedItem(item.article, item.ranked, entries.get(item.article.pk)) for item in items]
