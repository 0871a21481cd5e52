"""Supervised experience toward licensure: the rule set an associate works toward, supervision
relationships, the hours log and the periods a supervisor signs.

Signed periods are locked: a log entry whose day falls in a signed period of its supervision
cannot be saved or deleted (:class:`PeriodLocked`), and a signed period cannot be changed or
deleted. The signed periods form a hash chain (see ``chain.py``)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from lifelong.accounts.models import User
from lifelong.rules.experience import CATEGORY_LABELS, Category
from lifelong.supervision.chain import SignedEntry

CATEGORY_CHOICES = [(category.value, CATEGORY_LABELS[category]) for category in Category]
MAX_ENTRY_HOURS = Decimal(24)


class PeriodLocked(ValueError):
    """A change that would touch a signed period."""


class ExperienceTrack(models.Model):
    """The experience rule set an associate works toward (one per user)."""

    owner = models.OneToOneField(User, on_delete=models.CASCADE, related_name="experience_track")
    ruleset_id = models.CharField(max_length=80)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.ruleset_id}"


class SupervisionQuerySet(models.QuerySet["Supervision"]):
    def for_supervisee(self, user: Any) -> SupervisionQuerySet:
        return self.filter(supervisee=user)

    def for_supervisor(self, user: Any) -> SupervisionQuerySet:
        """Relationships this user accepted (active or ended): never invitations."""
        return self.filter(
            supervisor=user, status__in=[Supervision.Status.ACTIVE, Supervision.Status.ENDED]
        )

    def invitations_for(self, user: Any) -> SupervisionQuerySet:
        return self.filter(status=Supervision.Status.INVITED, supervisor_email__iexact=user.email)


def agreement_upload_to(supervision: Supervision, filename: str) -> str:
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        supervision.agreement_content_type, "bin"
    )
    return f"agreements/{supervision.supervisee_id}/{uuid.uuid4().hex}.{extension}"


class Supervision(models.Model):
    """A supervisor relationship: the associate invites a supervisor by email; the supervisor
    accepts (or declines) inside Lifelong; either may end it."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    class PeriodKind(models.TextChoices):
        WEEK = "week", "Weekly"
        MONTH = "month", "Monthly"

    supervisee = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="supervisions_received"
    )
    supervisor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisions_given",
    )
    supervisor_email = models.EmailField()
    supervisor_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    period_kind = models.CharField(
        "sign-off period", max_length=5, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    setting = models.CharField(
        max_length=200, blank=True, help_text="Where you work under this supervisor."
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    agreement = models.FileField(upload_to=agreement_upload_to, max_length=255, blank=True)
    agreement_name = models.CharField(max_length=255, blank=True)
    agreement_content_type = models.CharField(max_length=50, blank=True)
    agreement_uploaded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"Supervision of {self.supervisee_id} by {self.supervisor_email}"

    @property
    def supervisor_label(self) -> str:
        return self.supervisor_name or self.supervisor_email

    def period_bounds(self, day: date) -> tuple[date, date]:
        """The sign-off period (week from Monday, or calendar month) that contains ``day``."""
        if self.period_kind == self.PeriodKind.WEEK:
            start = day - timedelta(days=day.weekday())
            return start, start + timedelta(days=6)
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)

    def is_locked_on(self, day: date) -> bool:
        return self.periods.filter(
            status=SignOffPeriod.Status.SIGNED, starts_on__lte=day, ends_on__gte=day
        ).exists()


class LogEntryQuerySet(models.QuerySet["LogEntry"]):
    def for_user(self, user: Any) -> LogEntryQuerySet:
        return self.filter(owner=user)


class LogEntry(models.Model):
    """Hours of one category on one day, under one supervision. No client details."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="experience_entries")
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="entries")
    worked_on = models.DateField("date")
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    setting = models.CharField(
        max_length=120,
        blank=True,
        help_text="Where (e.g. 'Community clinic', 'Telehealth'). Never a client's name.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-worked_on", "-pk"]
        verbose_name_plural = "log entries"
        indexes = [models.Index(fields=["supervision", "worked_on"])]

    def __str__(self) -> str:
        return f"{self.worked_on}: {self.hours} h {self.category}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_unlocked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._check_unlocked()
        return super().delete(*args, **kwargs)

    def _check_unlocked(self) -> None:
        days = {self.worked_on}
        if self.pk is not None:
            stored = LogEntry.objects.filter(pk=self.pk).values_list("worked_on", "supervision")
            for worked_on, supervision_id in stored:
                if supervision_id != self.supervision_id:
                    raise PeriodLocked("An entry cannot move to another supervisor.")
                days.add(worked_on)
        for day in days:
            if self.supervision.is_locked_on(day):
                raise PeriodLocked(
                    f"{day:%b %-d, %Y} is in a period your supervisor signed; signed periods "
                    "cannot change."
                )

    def to_signed(self) -> SignedEntry:
        return SignedEntry(
            self.pk, self.worked_on, Decimal(self.hours), self.category, self.setting
        )


class SignOffPeriod(models.Model):
    """A week or month of one supervision: requested by the associate, then signed (locked,
    chained) or returned with a note by the supervisor."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for the supervisor"
        RETURNED = "returned", "Returned for changes"
        SIGNED = "signed", "Signed"

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="periods")
    supervisee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_periods")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    return_note = models.CharField(max_length=1000, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by_name = models.CharField(max_length=150, blank=True)
    signed_by_email = models.EmailField(blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision", "starts_on"], name="one_period_per_start"
            ),
            models.UniqueConstraint(
                fields=["supervisee", "sequence"], name="one_signed_period_per_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}..{self.ends_on} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and (
            SignOffPeriod.objects.filter(pk=self.pk, status=self.Status.SIGNED).exists()
        ):
            raise PeriodLocked("A signed period cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_signed:
            raise PeriodLocked("A signed period cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


# --------------------------------------------------------------------------------------------
# Mentorship
# --------------------------------------------------------------------------------------------


class MentorProfile(models.Model):
    """What a user offers or seeks as a mentor or mentee. Seen by other signed-in users only
    when ``is_mentor`` (to be suggested) or in a mentorship request."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mentor_profile")
    is_mentor = models.BooleanField("I offer mentorship", default=False)
    is_mentee = models.BooleanField("I am looking for a mentor", default=False)
    areas = models.JSONField(default=list, blank=True)
    about = models.CharField(
        max_length=500,
        blank=True,
        help_text="A few words other clinicians see (no client details).",
    )
    capacity = models.PositiveSmallIntegerField(
        "mentees at a time",
        default=2,
        validators=[MinValueValidator(1)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mentor profile of {self.user_id}"


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def involving(self, user: Any) -> MentorshipQuerySet:
        return self.filter(models.Q(mentor=user) | models.Q(mentee=user))


class Mentorship(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentorships_given")
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentorships_received")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    message = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Mentorship {self.mentor_id} -> {self.mentee_id} ({self.status})"


class MentorshipNoteQuerySet(models.QuerySet["MentorshipNote"]):
    def for_user(self, user: Any) -> MentorshipNoteQuerySet:
        return self.filter(author=user)


class MentorshipNote(models.Model):
    """A meeting note, private to the person who wrote it (the other side never sees it)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentorship_notes")
    met_on = models.DateField("met on")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorshipNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-met_on", "-pk"]

    def __str__(self) -> str:
        return f"Note {self.pk} by {self.author_id}"


@receiver(post_delete, sender=Supervision, dispatch_uid="delete_supervision_agreement")
def _delete_agreement_with_row(
    sender: type[Supervision], instance: Supervision, **kwargs: Any
) -> None:
    """The stored agreement goes with its supervision (or the associate's account), after the
    commit."""
    name = instance.agreement.name
    if name:
        storage = instance.agreement.storage
        transaction.on_commit(lambda: storage.delete(name), using=kwargs.get("using"))
