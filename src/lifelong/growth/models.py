"""Growth: learning goals and the entries of goals measured in the user's own terms.

Private to their owner. A goal's progress is never stored: it is computed from the records that
count toward it (``lifelong.growth.services.goal_progress``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lifelong.credits.activity_csv import format_hours
from lifelong.rules.vocabulary import TOPICS, topic_label

MAX_TARGET = Decimal("10000")
MAX_GOAL_YEARS = 10


class GoalQuerySet(models.QuerySet["Goal"]):
    def for_user(self, user: Any) -> GoalQuerySet:
        return self.filter(user=user)

    def open_on(self, today: date) -> GoalQuerySet:
        """Goals whose window contains ``today``."""
        return self.filter(starts_on__lte=today, due_on__gte=today)


class Goal(models.Model):
    """A learning goal: a target of a kind, between ``starts_on`` and ``due_on``, and why."""

    class TargetKind(models.TextChoices):
        HOURS = "hours", "CE hours"
        ACTIVITIES = "activities", "CE activities"
        ARTICLES = "articles", "Articles read"
        CUSTOM = "custom", "A measure of my own"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(max_length=200)
    why = models.TextField("why this matters", blank=True)
    target_kind = models.CharField(
        "what counts", max_length=20, choices=TargetKind.choices, default=TargetKind.HOURS
    )
    topics = models.JSONField(default=list, blank=True)
    target_value = models.DecimalField(
        "target",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_TARGET)],
    )
    custom_unit = models.CharField(
        "unit of my measure",
        max_length=100,
        blank=True,
        help_text="For a measure of your own: what you count, e.g. “supervised role-plays”.",
    )
    starts_on = models.DateField("start date")
    due_on = models.DateField("due date")
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the goal came from, e.g. a learning priority; empty when typed in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "title", "pk"]
        indexes = [models.Index(fields=["user", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_on and self.due_on:
            if self.due_on < self.starts_on:
                errors["due_on"] = "The due date is before the start date."
            elif (self.due_on - self.starts_on).days > 366 * MAX_GOAL_YEARS:
                errors["due_on"] = f"A goal spans at most {MAX_GOAL_YEARS} years."
        unknown = [slug for slug in self.topics if slug not in TOPICS]
        if unknown:
            errors["topics"] = f"Unknown topics: {', '.join(map(str, unknown))}."
        if self.target_kind == self.TargetKind.CUSTOM and not self.custom_unit.strip():
            errors["custom_unit"] = "Say what your own measure counts."
        if self.target_kind != self.TargetKind.CUSTOM and self.custom_unit.strip():
            errors["custom_unit"] = "Only a measure of your own has a unit."
        if (
            self.target_kind in (self.TargetKind.ACTIVITIES, self.TargetKind.ARTICLES)
            and self.target_value is not None
            and Decimal(self.target_value) != Decimal(self.target_value).to_integral_value()
        ):
            errors["target_value"] = "Count whole activities or articles."
        if errors:
            raise ValidationError(errors)

    @property
    def counts_topics(self) -> bool:
        """Only CE hours and CE activities are filtered by topic."""
        return self.target_kind in (self.TargetKind.HOURS, self.TargetKind.ACTIVITIES)

    @property
    def topic_labels(self) -> list[str]:
        return [topic_label(slug) for slug in self.topics]

    @property
    def target_text(self) -> str:
        return f"{format_hours(Decimal(self.target_value))} {self.unit_text}"

    @property
    def unit_text(self) -> str:
        if self.target_kind == self.TargetKind.CUSTOM:
            return self.custom_unit
        return {
            self.TargetKind.HOURS: "CE hours",
            self.TargetKind.ACTIVITIES: "CE activities",
            self.TargetKind.ARTICLES: "articles read",
        }[self.TargetKind(self.target_kind)]


class GoalEntry(models.Model):
    """An amount of a custom measure logged toward a goal (e.g. 2 supervised role-plays)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="entries")
    logged_on = models.DateField("date")
    amount = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_TARGET)],
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["logged_on", "pk"]
        verbose_name_plural = "goal entries"

    def __str__(self) -> str:
        return f"{self.goal} · {self.logged_on:%Y-%m-%d}"

    @property
    def amount_text(self) -> str:
        return format_hours(Decimal(self.amount))
