"""The weekly research digest: the top new articles of the week for each reader, by email (text
and HTML, with a working unsubscribe) and as a page in the app.

Exactly once per reader and ISO week: a :class:`DigestDelivery` row (unique per owner and
week) is claimed *before* the email is sent and released if sending fails, so two workers, a
re-run or a retry never send a week twice, and a failed send is tried again on the next run.
Weeks with nothing new send nothing (and claim nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from lifelong.accounts.models import EmailKind, EmailPreferences, User
from lifelong.literature.feed import FeedItem, build_feed
from lifelong.literature.models import DigestDelivery, Interest, Source

logger = logging.getLogger(__name__)

DIGEST_SIZE = 10
DIGEST_KIND = EmailKind.LITERATURE_DIGEST


def iso_week(day: date) -> str:
    """``2026-W07``: the ISO year and week of ``day``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class Digest:
    """The top new items of the seven days up to ``now`` (at most :data:`DIGEST_SIZE`)."""

    iso_week: str
    since: datetime
    until: datetime
    items: list[FeedItem]
    considered: int

    @property
    def empty(self) -> bool:
        return not self.items


def build_digest(user: Any, *, now: datetime | None = None, size: int = DIGEST_SIZE) -> Digest:
    """The reader's digest: the feed over the whole library (their sources, and library
    articles matching their interests) for the last seven days, retracted articles left out,
    best first."""
    now = now or timezone.now()
    feed = build_feed(user, "library", now=now, weeks=1)
    items = [item for item in feed.items if not item.ranked.retracted][:size]
    return Digest(
        iso_week=iso_week(timezone.localdate(now)),
        since=feed.since,
        until=now,
        items=items,
        considered=feed.candidates,
    )


def wants_digest(user: User) -> bool:
    return EmailPreferences.for_user(user).wants(DIGEST_KIND)


def delivery_for(user: Any, week: str) -> DigestDelivery | None:
    return DigestDelivery.objects.filter(owner=user, iso_week=week).first()


def digest_email(user: User, built: Digest) -> Any:
    """The email (text and HTML) of a digest, with unsubscribe link and headers."""
    from lifelong.core.mail import absolute_url, subscription_email

    count = len(built.items)
    subject = f"Your research digest: {count} new article{'s' if count != 1 else ''}"
    context = {
        "digest": built,
        "items": built.items,
        "digest_url": absolute_url(reverse("literature:digest")),
        "feed_url": absolute_url(reverse("literature:feed")),
        "interests_url": absolute_url(reverse("literature:interest_list")),
    }
    return subscription_email(user, DIGEST_KIND, subject, "literature_digest", context)


def send_digest(user: User, *, now: datetime | None = None) -> str:
    """Send this week's digest to ``user`` unless it was sent already; returns what happened:
    ``sent``, ``already-sent``, ``empty``, ``unsubscribed`` or ``failed``."""
    now = now or timezone.now()
    if not user.is_active or not user.email:
        return "unsubscribed"
    if not wants_digest(user):
        return "unsubscribed"
    week = iso_week(timezone.localdate(now))
    if DigestDelivery.objects.filter(owner=user, iso_week=week).exists():
        return "already-sent"
    built = build_digest(user, now=now)
    if built.empty:
        return "empty"
    try:
        with transaction.atomic():
            claim = DigestDelivery.objects.create(
                owner=user, iso_week=week, sent_at=now, article_count=len(built.items)
            )
    except IntegrityError:  # another worker claimed this week first
        return "already-sent"
    try:
        digest_email(user, built).send()
    except Exception:
        logger.exception("Could not send the literature digest of %s to user %s", week, user.pk)
        claim.delete()  # released: the next run tries again
        return "failed"
    return "sent"


@dataclass
class DigestRun:
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return self.outcomes.get(outcome, 0)


def send_weekly_digests(*, now: datetime | None = None) -> DigestRun:
    """Send this week's digest to every active user who follows a source or has an interest."""
    now = now or timezone.now()
    run = DigestRun()
    readers = User.objects.filter(
        Q(pk__in=Source.objects.values("owner_id")) | Q(pk__in=Interest.objects.values("owner_id")),
        is_active=True,
    ).order_by("pk")
    for user in readers.iterator():
        outcome = send_digest(user, now=now)
        run.outcomes[outcome] = run.outcomes.get(outcome, 0) + 1
    logger.info("Literature digests: %s", run.outcomes)
    return run


@task()
def send_weekly_digests_task() -> dict[str, int]:
    """The worker's weekly job (registered in lifelong.literature.tasks)."""
    return send_weekly_digests().outcomes
