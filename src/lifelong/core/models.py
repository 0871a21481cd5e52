"""Models shared by every app: in-app notifications, and the claims of the worker's schedule."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something Lifelong tells a user in the app (a renewal reminder, for example).

    ``dedupe_key`` names the event (``reminder:12:2027-01-31:90``): it is unique per user, so
    the same event never notifies twice, whichever process tries.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.SlugField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="unique_notification_per_event"
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_newest")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ScheduledRun(models.Model):
    """A periodic job's claim on one period: whoever inserts the row enqueues the job.

    The unique (job, period_start) pair is what makes the schedule safe with several workers:
    the second insert fails, so a period's job is enqueued once.
    """

    job = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="unique_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_start.isoformat()}"
