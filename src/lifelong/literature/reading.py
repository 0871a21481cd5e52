"""The reading list: articles a reader saved, their status, private notes and whether (and how)
they applied them in practice. Notes are the owner's alone: every query here is owner-scoped."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from lifelong.literature.models import Article, ReadingListEntry


def save_article(user: Any, article: Article) -> tuple[ReadingListEntry, bool]:
    """Put ``article`` on the user's reading list (to read); saving it twice keeps the first
    entry and its notes. Returns the entry and whether it is new."""
    try:
        with transaction.atomic():
            return ReadingListEntry.objects.get_or_create(owner=user, article=article)
    except IntegrityError:  # saved at the same moment from another tab
        return ReadingListEntry.objects.get(owner=user, article=article), False


def status_counts(user: Any) -> dict[str, int]:
    """How many entries the user has in each status (one query)."""
    from django.db.models import Count

    rows = (
        ReadingListEntry.objects.for_user(user)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
    )
    counts = dict.fromkeys(ReadingListEntry.Status.values, 0)
    counts.update({row["status"]: row["count"] for row in rows})
    return counts
