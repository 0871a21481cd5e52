"""Growth: learning goals and the entries of goals measured in the user's own terms.

Private to their owner. A goal's progress is never stored: it is computed from the records that
count toward it (``lifelong.growth.services.goal_progress``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lifelong.credits.activity_csv import format_hours
from lifelong.growth.prompts import TEMPLATE_CHOICES
from lifelong.growth.prompts import template as template_for
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
        REFLECTIONS = "reflections", "Reflections written"
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
            self.target_kind
            in (self.TargetKind.ACTIVITIES, self.TargetKind.ARTICLES, self.TargetKind.REFLECTIONS)
            and self.target_value is not None
            and Decimal(self.target_value) != Decimal(self.target_value).to_integral_value()
        ):
            errors["target_value"] = "Count whole activities, articles or reflections."
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
            self.TargetKind.REFLECTIONS: "reflections",
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


# --------------------------------------------------------------------------------------------
# Reflections: a private journal
# --------------------------------------------------------------------------------------------


class ReflectionQuerySet(models.QuerySet["Reflection"]):
    def for_user(self, user: Any) -> ReflectionQuerySet:
        return self.filter(user=user)


class Reflection(models.Model):
    """A private journal entry written with a template (Gibbs, Kolb or free): the answers to
    the template's prompts, what changed in the user's practice and how clients benefit, and
    links to the activities, readings and goals it is about. Never about a named client."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    title = models.CharField(max_length=200)
    template = models.CharField(max_length=10, choices=TEMPLATE_CHOICES, default="free")
    written_on = models.DateField("date")
    answers = models.JSONField(default=dict, blank=True)
    practice_change = models.TextField("what changed in my practice", blank=True)
    client_benefit = models.TextField("how my clients benefit", blank=True)
    in_cpd_profile = models.BooleanField(
        "include in my CPD profile",
        default=False,
        help_text="Chosen reflections are printed in full in your CPD profile.",
    )
    activities = models.ManyToManyField("credits.Activity", blank=True, related_name="reflections")
    readings = models.ManyToManyField(
        "literature.ReadingListEntry", blank=True, related_name="reflections"
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="reflections")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["user", "written_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def template_name(self) -> str:
        return template_for(self.template).name

    def answered_prompts(self) -> list[tuple[str, str]]:
        """(prompt, answer) for each prompt of the template that has an answer."""
        return [
            (prompt.label, str(self.answers.get(prompt.key, "")).strip())
            for prompt in template_for(self.template).prompts
            if str(self.answers.get(prompt.key, "")).strip()
        ]


# --------------------------------------------------------------------------------------------
# Retention: review cards scheduled with FSRS
# --------------------------------------------------------------------------------------------


class ReviewCardQuerySet(models.QuerySet["ReviewCard"]):
    def for_user(self, user: Any) -> ReviewCardQuerySet:
        return self.filter(user=user)

    def due_by(self, moment: datetime) -> ReviewCardQuerySet:
        return self.filter(due__lte=moment).order_by("due", "pk")


class ReviewCard(models.Model):
    """A question and its answer from a key takeaway of a course or an article. The scheduling
    fields are those of an ``fsrs.Card`` (state, step, stability, difficulty, due, last
    review); ``lifelong.growth.retention`` turns one into the other."""

    class State(models.IntegerChoices):
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.TextField(max_length=1000)
    answer = models.TextField(max_length=2000)
    activity = models.ForeignKey(
        "credits.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_cards",
        verbose_name="from the CE activity",
    )
    reading = models.ForeignKey(
        "literature.ReadingListEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_cards",
        verbose_name="from the article",
    )
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["user", "due"])]

    def __str__(self) -> str:
        return self.question[:80]


class CardReview(models.Model):
    """One review of a card: the rating (1 again, 2 hard, 3 good, 4 easy) and when."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, "Again"
        HARD = 2, "Hard"
        GOOD = 3, "Good"
        EASY = 4, "Easy"

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField(db_index=True)
    scheduled_days = models.PositiveIntegerField(
        default=0, help_text="Whole days until the card was next due after this review."
    )

    class Meta:
        ordering = ["reviewed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.card_id} · {self.get_rating_display()} · {self.reviewed_at:%Y-%m-%d}"


# --------------------------------------------------------------------------------------------
# Purpose: why I do this
# --------------------------------------------------------------------------------------------


class PurposeNoteQuerySet(models.QuerySet["PurposeNote"]):
    def for_user(self, user: Any) -> PurposeNoteQuerySet:
        return self.filter(user=user)


class PurposeNote(models.Model):
    """A "why I do this" note, kept and shown again now and then (one a day, in turn)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purpose_notes"
    )
    text = models.TextField("why I do this", max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PurposeNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]
