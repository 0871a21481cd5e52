"""Peer consultation groups and journal clubs: members who accepted the group's covenant, a
recurring schedule, meeting logs and each attendee's confirmed attendance."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from lifelong.community.recurrence import Schedule

DEFAULT_COVENANT = """\
1. Cases are presented de-identified: no names, initials, dates of birth, addresses, \
workplaces or any detail that could identify a client.
2. What is said in the group stays in the group.
3. Meeting notes record topics and learning, never client information.
4. Members give feedback respectfully and take responsibility for their own clinical \
decisions.
"""


class GroupKind(models.TextChoices):
    CONSULTATION = "consultation", "Peer consultation group"
    JOURNAL_CLUB = "journal-club", "Journal club"


class GroupRole(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    MEMBER = "member", "Member"


class GroupQuerySet(models.QuerySet["Group"]):
    def joined_by(self, user: Any) -> GroupQuerySet:
        """Groups in which ``user`` accepted the covenant."""
        return self.filter(memberships__user=user, memberships__joined_at__isnull=False)


class Group(models.Model):
    name = models.CharField(max_length=150)
    kind = models.CharField(
        max_length=20, choices=GroupKind.choices, default=GroupKind.CONSULTATION
    )
    description = models.TextField(blank=True, max_length=2000)
    covenant = models.TextField(
        default=DEFAULT_COVENANT,
        max_length=5000,
        help_text="What every member agrees to before joining: de-identified cases, "
        "confidentiality.",
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    schedule_rule = models.CharField(
        "recurrence rule",
        max_length=300,
        blank=True,
        help_text="RFC 5545, e.g. FREQ=WEEKLY;BYDAY=TU or FREQ=MONTHLY;BYDAY=1TH.",
    )
    first_meeting_on = models.DateField("first meeting", null=True, blank=True)
    start_time = models.TimeField("meeting time", null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule(self) -> Schedule | None:
        if not (self.schedule_rule and self.first_meeting_on):
            return None
        return Schedule(
            rule=self.schedule_rule,
            first_day=self.first_meeting_on,
            start_time=self.start_time or time(12, 0),
            time_zone=self.time_zone,
            duration_minutes=self.duration_minutes,
        )


class GroupMembership(models.Model):
    """A user invited to a group; they are a member once they accept its covenant."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER)
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    joined_at = models.DateTimeField(
        null=True, blank=True, help_text="When they accepted the covenant."
    )

    class Meta:
        ordering = ["group", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_group_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in group {self.group_id}"

    @property
    def joined(self) -> bool:
        return self.joined_at is not None

    @property
    def facilitates(self) -> bool:
        return self.joined and self.role == GroupRole.FACILITATOR


class Meeting(models.Model):
    """A meeting that took place: when, how long, what it was about (never client details)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("date")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    format = models.CharField(
        max_length=20,
        choices=[("in-person", "In person"), ("live-online", "Live online")],
        default="in-person",
    )
    topics = models.JSONField(default=list, blank=True)
    notes = models.TextField(
        "discussion notes",
        blank=True,
        max_length=10000,
        help_text="Topics and learning only — no client names or identifying details.",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_logged",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group_id} on {self.held_on:%Y-%m-%d}"

    @property
    def hours(self) -> float:
        return round(self.duration_minutes / 60, 2)


class Attendance(models.Model):
    """A member the facilitator recorded as present; they confirm it themselves, and may then
    turn the meeting into a CE activity of their own."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    activity = models.ForeignKey(
        "credits.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at meeting {self.meeting_id}"
