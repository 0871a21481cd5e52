"""In-app notifications: create one per event, count the unread, mark them read.

The user row keeps ``unread_notification_count`` in step with the notifications (in the same
transaction as every change), so that the count in the navigation costs no query. Every change
goes through these functions; :func:`recount` puts the counter right if it ever drifts (the
notifications page calls it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.core.models import Notification


@dataclass(frozen=True, slots=True)
class NewNotification:
    """What to tell the user; ``dedupe_key`` names the event, so it is told once."""

    kind: str
    title: str
    body: str
    url: str
    dedupe_key: str


def notify(user: User | int, message: NewNotification) -> Notification | None:
    """Store ``message`` for ``user`` unless the same event was already notified.

    Returns the new notification, or None when it was a duplicate. Safe when two processes
    notify the same event at once: the unique (user, dedupe_key) lets one insert win.
    """
    user_id = user if isinstance(user, int) else user.pk
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user_id=user_id,
                kind=message.kind,
                title=message.title[:200],
                body=message.body,
                url=message.url[:500],
                dedupe_key=message.dedupe_key[:200],
            )
            User.objects.filter(pk=user_id).update(
                unread_notification_count=F("unread_notification_count") + 1
            )
    except IntegrityError:
        return None
    return notification


def mark_read(notification: Notification) -> bool:
    """Mark one notification read; False when it already was (nothing changes then)."""
    now = timezone.now()
    with transaction.atomic():
        changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now
        )
        if changed:
            User.objects.filter(pk=notification.user_id, unread_notification_count__gt=0).update(
                unread_notification_count=F("unread_notification_count") - 1
            )
    if changed:
        notification.read_at = now
    return bool(changed)


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many there were."""
    with transaction.atomic():
        changed = Notification.objects.for_user(user).unread().update(read_at=timezone.now())
        User.objects.filter(pk=user.pk).update(unread_notification_count=0)
    user.unread_notification_count = 0
    return changed


def recount(user: User, unread: int | None = None) -> int:
    """The true number of unread notifications, written to the user's counter if it differs."""
    if unread is None:
        unread = Notification.objects.for_user(user).unread().count()
    if user.unread_notification_count != unread:
        User.objects.filter(pk=user.pk).update(unread_notification_count=unread)
        user.unread_notification_count = unread
    return unread
