"""Well-being data: instrument results, quick check-ins, builders and drainers, time off,
the workload log, the self-care plan and the user's settings. All of it is private to its
owner: it is reached only through owner-scoped queries, is not in the Django admin, and is in
the account export and deleted with the account."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from lifelong.wellbeing import checkin as checkin_rules

Owner = settings.AUTH_USER_MODEL


M = TypeVar("M", bound=models.Model)


class OwnedQuerySet(models.QuerySet[M]):
    """Rows of one owner: every object reached by id goes through ``for_user``."""

    def for_user(self, user: Any) -> OwnedQuerySet[M]:
        return self.filter(user=user)


class WellbeingSettings(models.Model):
    """Reminder intervals, warning thresholds and supports. A user without a row has the
    defaults (an unsaved row from :meth:`for_user`)."""

    user = models.OneToOneField(Owner, on_delete=models.CASCADE, related_name="wellbeing_settings")
    proqol_every_days = models.PositiveSmallIntegerField(
        "remind me to take the ProQOL every (days)",
        default=30,
        validators=[MaxValueValidator(365)],
        help_text="0 turns this reminder off. The ProQOL asks about the last 30 days.",
    )
    cbi_every_days = models.PositiveSmallIntegerField(
        "remind me to take the CBI every (days)",
        default=90,
        validators=[MaxValueValidator(365)],
        help_text="0 turns this reminder off.",
    )
    checkin_every_days = models.PositiveSmallIntegerField(
        "remind me to check in every (days)",
        default=7,
        validators=[MaxValueValidator(365)],
        help_text="0 turns this reminder off.",
    )
    leave_warning_days = models.PositiveSmallIntegerField(
        "tell me when I have had no time off for (days)",
        default=90,
        validators=[MaxValueValidator(730)],
        help_text="0 turns this note off.",
    )
    weekly_session_limit = models.PositiveSmallIntegerField(
        "my limit: sessions a week",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Leave empty for no limit.",
    )
    weekly_hours_limit = models.DecimalField(
        "my limit: working hours a week",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text="Leave empty for no limit.",
    )
    consultation_contact = models.CharField(
        "my consultation group or peer",
        max_length=200,
        blank=True,
        help_text="Who you can talk a hard week through with, and how to reach them. Shown "
        "only to you, with the options of a warning.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "well-being settings"

    def __str__(self) -> str:
        return f"Well-being settings of {self.user_id}"

    @classmethod
    def for_user(cls, user: Any) -> WellbeingSettings:
        found = cls.objects.filter(user=user).first()
        return found if found is not None else cls(user=user)

    def reminder_days(self, key: str) -> int:
        return {
            "proqol-5": self.proqol_every_days,
            "cbi": self.cbi_every_days,
            "checkin": self.checkin_every_days,
        }.get(key, 0)


class InstrumentResult(models.Model):
    """One completed instrument: the answers as given and the scores as computed then, with the
    version and attribution of the instrument, so a result stays readable if a file changes."""

    user = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="instrument_results")
    instrument = models.SlugField(max_length=40)
    version = models.CharField(max_length=20)
    taken_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(help_text="Item number (as text) → answer value.")
    scores = models.JSONField(help_text="One entry per subscale: score, band, answered items.")
    attribution = models.TextField()

    objects = OwnedQuerySet["InstrumentResult"].as_manager()

    class Meta:
        ordering = ["taken_on", "created_at", "pk"]
        indexes = [models.Index(fields=["user", "instrument", "taken_on"], name="wb_result_user")]

    def __str__(self) -> str:
        return f"{self.instrument} on {self.taken_on}"

    def score_of(self, subscale: str) -> dict[str, Any] | None:
        for entry in self.scores:
            if entry.get("subscale") == subscale:
                return dict(entry)
        return None


ANSWER = [MinValueValidator(checkin_rules.LOWEST), MaxValueValidator(checkin_rules.HIGHEST)]


class CheckIn(models.Model):
    """A quick check-in: five answers from 1 to 5 (5 is the better state) and their score."""

    user = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="checkins")
    taken_on = models.DateField()
    energy = models.PositiveSmallIntegerField(validators=ANSWER)
    engagement = models.PositiveSmallIntegerField(validators=ANSWER)
    sleep = models.PositiveSmallIntegerField(validators=ANSWER)
    workload = models.PositiveSmallIntegerField(validators=ANSWER)
    connection = models.PositiveSmallIntegerField(validators=ANSWER)
    score = models.FloatField(help_text="The mean of the answers on 0-100; higher is better.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet["CheckIn"].as_manager()

    class Meta:
        ordering = ["taken_on", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "taken_on"], name="one_checkin_per_day")
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.taken_on}"

    def answers(self) -> dict[str, int]:
        return {name: int(getattr(self, name)) for name in checkin_rules.FIELDS}


class CareItem(models.Model):
    """Something on the daily checklist: a builder (restores) or a drainer (drains)."""

    class Kind(models.TextChoices):
        BUILDER = "builder", "Builder (restores me)"
        DRAINER = "drainer", "Drainer (drains me)"

    user = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="care_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=120)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet["CareItem"].as_manager()

    class Meta:
        ordering = ["kind", "label", "pk"]

    def __str__(self) -> str:
        return self.label


class CareTick(models.Model):
    """A checklist item ticked on a day."""

    user = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="care_ticks")
    item = models.ForeignKey(CareItem, on_delete=models.CASCADE, related_name="ticks")
    day = models.DateField()

    objects = OwnedQuerySet["CareTick"].as_manager()

    class Meta:
        ordering = ["day", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "day"], name="one_tick_per_day")]

    def __str__(self) -> str:
        return f"{self.item_id} on {self.day}"


class Commitment(models.Model):
    """A self-care plan commitment, reviewed every so often. Each one is also a builder on the
    daily checklist (``builder``), so keeping it is ticked off there."""

    user = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="self_care_commitments")
    text = models.CharField("commitment", max_length=120)
    why = models.CharField("why it matters to me", max_length=300, blank=True)
    review_every_days = models.PositiveSmallIntegerField(
        "review it every (days)",
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )
    next_review_on = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    builder = models.OneToOneField(
        CareItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="commitment"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet["Commitment"].as_manager()

    class Meta:
        ordering = ["next_review_on", "pk"]

    def __str__(self) -> str:
        return self.text

    def mark_reviewed(self, today: date) -> None:
        self.last_reviewed_on = today
        self.next_review_on = today + timedelta(days=self.review_every_days)


class TimeOff(models.Model):
    """Time off, taken or planned (the leave clock counts from the end of the last one)."""

    user = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="time_off")
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet["TimeOff"].as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="time_off_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class WorkloadWeek(models.Model):
    """One week of the optional workload log (the week starts on Monday)."""

    user = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="workload_weeks")
    week_start = models.DateField()
    sessions = models.PositiveSmallIntegerField(
        "client sessions", validators=[MaxValueValidator(200)]
    )
    hours = models.DecimalField(
        "working hours", max_digits=4, decimal_places=1, validators=[MaxValueValidator(168)]
    )
    cancellations = models.PositiveSmallIntegerField(
        "cancellations and no-shows", default=0, validators=[MaxValueValidator(200)]
    )
    admin_hours = models.DecimalField(
        "administrative hours",
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MaxValueValidator(168)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet["WorkloadWeek"].as_manager()

    class Meta:
        ordering = ["week_start"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="one_workload_per_week")
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start}"
