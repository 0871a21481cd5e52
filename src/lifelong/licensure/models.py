"""Licenses and certifications a user holds, the rule sets users add themselves, and the
audit packets built for a license cycle."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from lifelong.accounts.models import hash_token
from lifelong.rules import model as rules

DEFAULT_REMINDER_DAYS = (180, 90, 30, 7)


def default_reminder_days() -> list[int]:
    """Days before a renewal deadline on which Lifelong reminds, while something is missing."""
    return list(DEFAULT_REMINDER_DAYS)


class LicenseQuerySet(models.QuerySet["License"]):
    def for_user(self, user: Any) -> LicenseQuerySet:
        return self.filter(user=user)


class License(models.Model):
    """A license or certification, tied to the rule set its board applies.

    ``expires_on`` is the current renewal deadline, which closes the current CE cycle.
    ``completed_once`` lists one-time requirements (ids or topic slugs) met before the
    activities on record; ``attestations`` maps a cycle's deadline (ISO date) to the condition
    ids attested for that cycle.
    """

    KIND_CHOICES = [("license", "License"), ("certification", "Certification")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="licenses"
    )
    ruleset_id = models.CharField("rule set", max_length=80)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="license")
    label = models.CharField(
        max_length=100, blank=True, help_text="A short name, e.g. “LMFT”. Optional."
    )
    number = models.CharField("license number", max_length=60, blank=True)
    issued_on = models.DateField("first issued on", null=True, blank=True)
    expires_on = models.DateField("expires on (renewal deadline)")
    first_renewal = models.BooleanField(
        "first renewal after licensure",
        null=True,
        blank=True,
        help_text="Leave unknown to work it out from the issue date.",
    )
    roles = models.JSONField(default=list, blank=True)
    completed_once = models.JSONField(default=list, blank=True)
    attestations = models.JSONField(default=dict, blank=True)
    carry_over_in_hours = models.DecimalField(
        "hours carried over from the previous cycle",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty to work it out from your activities in the previous cycle.",
    )
    reminder_days = models.JSONField(
        "remind me this many days before the deadline",
        default=default_reminder_days,
        blank=True,
        help_text="An empty list turns reminders off for this license.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LicenseQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "pk"]

    def __str__(self) -> str:
        return self.label or self.ruleset_id

    def get_absolute_url(self) -> str:
        return reverse("licensure:license_detail", args=[self.pk])

    def attested_for(self, deadline: date) -> frozenset[str]:
        return frozenset(self.attestations.get(deadline.isoformat(), []))

    @property
    def attested_now(self) -> list[str]:
        """Condition ids attested for the current cycle."""
        return sorted(self.attested_for(self.expires_on))

    def set_attested(self, deadline: date, condition_ids: Iterable[str]) -> None:
        """Record the conditions attested for the cycle ending ``deadline`` (others are kept)."""
        attested = sorted(set(condition_ids))
        attestations = dict(self.attestations)
        if attested:
            attestations[deadline.isoformat()] = attested
        else:
            attestations.pop(deadline.isoformat(), None)
        self.attestations = attestations

    def renew(self, next_deadline: date) -> None:
        """The user renewed: the next cycle starts; what was entered for the old one is dropped.

        Entered carry-over hours and "first renewal" described the cycle that just ended.
        """
        self.expires_on = next_deadline
        self.carry_over_in_hours = None
        if self.first_renewal:
            self.first_renewal = False

    def context(
        self,
        *,
        expires_on: date | None = None,
        carry_over_in_hours: Decimal | float | None = None,
    ) -> rules.LicenseContext:
        """The engine's view of this license for the cycle ending ``expires_on``."""
        deadline = expires_on or self.expires_on
        current = deadline == self.expires_on
        carry = carry_over_in_hours if carry_over_in_hours is not None else 0
        return rules.LicenseContext(
            expires_on=deadline,
            issued_on=self.issued_on,
            first_renewal=self.first_renewal if current else None,
            roles=frozenset(self.roles),
            carry_over_in_hours=float(carry),
            completed_once=frozenset(self.completed_once),
            attested=self.attested_for(deadline),
        )


class RuleSetDocumentQuerySet(models.QuerySet["RuleSetDocument"]):
    def for_user(self, user: Any) -> RuleSetDocumentQuerySet:
        return self.filter(owner=user)


class RuleSetDocument(models.Model):
    """A rule set a user added (a board changed its rules): the TOML text, validated on save."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_sets"
    )
    ruleset_id = models.CharField("rule set id", max_length=80)
    title = models.CharField(max_length=200)
    text = models.TextField("rule set (TOML)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleSetDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["ruleset_id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "ruleset_id"], name="unique_ruleset_per_owner")
        ]

    def __str__(self) -> str:
        return self.ruleset_id

    def get_absolute_url(self) -> str:
        return reverse("licensure:ruleset_detail", args=[self.ruleset_id])


# --------------------------------------------------------------------------------------------
# Audit packets
# --------------------------------------------------------------------------------------------


def audit_packet_upload_to(packet: AuditPacket, filename: str) -> str:
    """A path no one can guess; packets are only ever served after an owner check."""
    return f"audit-packets/{packet.owner_id}/{uuid.uuid4().hex}.zip"


# A packet queued longer than this probably has no worker to build it: the page says so.
QUEUE_PATIENCE = timedelta(minutes=2)


def packet_download_name(license_label: str, cycle_end: date) -> str:
    """``audit-packet_lpc_2027-01-31.zip``: ASCII, safe in a Content-Disposition header."""
    label = slugify(license_label)[:40].strip("-") or "license"
    return f"audit-packet_{label}_{cycle_end:%Y-%m-%d}.zip"


class AuditPacketQuerySet(models.QuerySet["AuditPacket"]):
    def for_user(self, user: Any) -> AuditPacketQuerySet:
        return self.filter(owner=user)

    def unfinished(self) -> AuditPacketQuerySet:
        return self.filter(status__in=AuditPacket.UNFINISHED)

    def expired(self, now: datetime) -> AuditPacketQuerySet:
        return self.filter(expires_at__lte=now)


class AuditPacket(models.Model):
    """A zip of one license cycle's proof (transcript PDF, certificates, activities CSV), built
    by the background worker when it is too large to build during a request.

    ``progress_done`` of ``progress_total`` steps are done (one per file written); the built
    file lives in storage until ``expires_at``, when ``prune_audit_packets`` deletes the row and
    the file.
    """

    QUEUED = "queued"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"
    STATUS_CHOICES = [
        (QUEUED, "Waiting for the worker"),
        (BUILDING, "Building"),
        (READY, "Ready"),
        (FAILED, "Failed"),
    ]
    UNFINISHED = (QUEUED, BUILDING)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_packets"
    )
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="audit_packets")
    cycle_end = models.DateField("cycle ending on")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=audit_packet_upload_to, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = AuditPacketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "license", "cycle_end"], name="audit_packet_cycle"),
            models.Index(fields=["expires_at"], name="audit_packet_expiry"),
        ]

    def __str__(self) -> str:
        return f"Audit packet {self.pk} ({self.license_id}, {self.cycle_end:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("licensure:audit_packet_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def is_ready(self) -> bool:
        return self.status == self.READY and bool(self.file)

    @property
    def waiting_long(self) -> bool:
        """Still queued minutes later: the background worker may not be running."""
        return self.status == self.QUEUED and timezone.now() - self.created_at > QUEUE_PATIENCE

    @property
    def progress_percent(self) -> int:
        if self.status == self.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    def download_name(self, license_label: str) -> str:
        return packet_download_name(license_label, self.cycle_end)


@receiver(post_delete, sender=AuditPacket)
def _delete_audit_packet_file(sender: type[AuditPacket], instance: AuditPacket, **_: Any) -> None:
    """A deleted packet (expired, or with its license or account) takes its file along, once
    the deletion is committed."""
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))


# --------------------------------------------------------------------------------------------
# Reminders, weekly summaries and calendar feeds
# --------------------------------------------------------------------------------------------


class DeliveryStatus(models.TextChoices):
    """A delivery row is inserted (``pending``) before anything is sent: the insert is the claim
    that makes sending exactly-once across workers. ``failed`` ones may be claimed again."""

    PENDING = "pending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ReminderDelivery(models.Model):
    """One reminder for one license's deadline, on one channel: unique, so never sent twice."""

    EMAIL = "email"
    IN_APP = "in-app"
    CHANNEL_CHOICES = [(EMAIL, "Email"), (IN_APP, "In the app")]

    license = models.ForeignKey(
        License, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["license", "deadline", "days_before", "channel"],
                name="unique_reminder_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.license_id}: {self.days_before} days before {self.deadline} ({self.channel})"


class WeeklySummaryDelivery(models.Model):
    """The weekly summary email of one user for one ISO week (``2026-W24``): unique."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_summaries"
    )
    week = models.CharField(max_length=8)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="unique_weekly_summary")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.week}"


CALENDAR_TOKEN_PREFIX = "lfc_"


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def for_user(self, user: Any) -> CalendarFeedQuerySet:
        return self.filter(user=user)

    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A private calendar URL (``/calendar/<token>.ics``). Only the token's SHA-256 is kept, as
    for API tokens: the URL is shown once. A user has at most one active feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Calendar feed {self.prefix}…"

    @classmethod
    def issue(cls, user: Any) -> tuple[CalendarFeed, str]:
        """A new feed for ``user``, revoking the old one; returns it with its secret token."""
        secret = CALENDAR_TOKEN_PREFIX + secrets.token_urlsafe(32)
        with transaction.atomic():
            cls.objects.for_user(user).active().update(revoked_at=timezone.now())
            feed = cls.objects.create(user=user, token_hash=hash_token(secret), prefix=secret[:8])
        return feed, secret

    @classmethod
    def find(cls, secret: str) -> CalendarFeed | None:
        """The active feed with this token (looked up by its hash), with its user."""
        if not secret.startswith(CALENDAR_TOKEN_PREFIX) or len(secret) > 100:
            return None
        return (
            cls.objects.active()
            .select_related("user")
            .filter(token_hash=hash_token(secret), user__is_active=True)
            .first()
        )

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
