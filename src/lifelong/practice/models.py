"""A therapist's practice, de-identified and private to them: caseload snapshots (counts by
area), their confidence per area, and outcome episodes under pseudonymous codes."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lifelong.practice import outcomes
from lifelong.practice.areas import AREAS, areas_of

CONCERN_CHOICES = [(area.slug, area.label) for area in areas_of("concern")]
BUILTIN_MEASURE_CHOICES = [
    (key, measure.name) for key, measure in outcomes.BUILTIN_MEASURES.items()
]

# An episode code is made up by the user: letters, digits and hyphens, with at least one digit
# (so that it cannot be a bare name); anything that reads as a date is refused.
EPISODE_CODE = re.compile(r"^(?=.*\d)[A-Za-z0-9-]{1,16}$")
DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{6,}")


def validate_episode_code(value: str) -> None:
    if not EPISODE_CODE.match(value):
        raise ValidationError(
            "Use a code you make up, such as E-014: up to 16 letters, digits or hyphens, "
            "with at least one digit. Never a name or initials."
        )
    if DATE_LIKE.search(value):
        raise ValidationError("A code must not contain a date (no dates of birth).")


def validate_counts(counts: Any) -> None:
    if not isinstance(counts, dict):
        raise ValidationError("counts must be an object of area: number")
    for slug, value in counts.items():
        if slug not in AREAS:
            raise ValidationError(f"unknown area {slug!r}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError(f"{slug}: the count must be a whole number, 0 or more")


M = TypeVar("M", bound=models.Model)


class OwnedQuerySet(models.QuerySet[M]):
    """Rows of one owner: every object reached by id goes through ``for_user``."""

    def for_user(self, user: Any) -> OwnedQuerySet[M]:
        return self.filter(owner=user)


class CaseloadSnapshot(models.Model):
    """The caseload on one day: how many clients, and how many of them each area concerns
    (a client may count in several areas). Only counts: nothing identifies a client."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload_snapshots"
    )
    taken_on = models.DateField()
    total_clients = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    counts = models.JSONField(default=dict, blank=True, validators=[validate_counts])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet["CaseloadSnapshot"].as_manager()

    class Meta:
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "taken_on"], name="unique_caseload_day")
        ]

    def __str__(self) -> str:
        return f"Caseload on {self.taken_on}"

    def clean(self) -> None:
        validate_counts(self.counts)
        for slug, value in (self.counts or {}).items():
            if self.total_clients and value > self.total_clients:
                raise ValidationError(
                    f"{AREAS[slug].label}: {value} is more than the {self.total_clients} clients"
                )


class Competency(models.Model):
    """How confident the user feels in one area, from 1 (not at all) to 5 (very)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competencies"
    )
    area = models.CharField(max_length=60, choices=[(slug, a.label) for slug, a in AREAS.items()])
    confidence = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet["Competency"].as_manager()

    class Meta:
        ordering = ["area"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["owner", "area"], name="unique_competency_area"),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=1, confidence__lte=5),
                name="competency_confidence_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.confidence}"


class OutcomeMeasure(models.Model):
    """A measure the user defines, with the standard deviation and reliability that make its
    reliable-change threshold (Jacobson & Truax)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_measures"
    )
    name = models.CharField(max_length=60)
    standard_deviation = models.FloatField(validators=[MinValueValidator(0.001)])
    reliability = models.FloatField(
        validators=[MinValueValidator(0.0), MaxValueValidator(0.999)],
        help_text="Test-retest reliability or Cronbach's alpha, between 0 and 1.",
    )
    lower_is_better = models.BooleanField(
        default=True, help_text="Lower scores mean fewer symptoms (as on the PHQ-9)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet["OutcomeMeasure"].as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_outcome_measure_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return f"custom-{self.pk}"

    def to_measure(self) -> outcomes.Measure:
        return outcomes.Measure(
            key=self.key,
            name=self.name,
            standard_deviation=self.standard_deviation,
            reliability=self.reliability,
            lower_is_better=self.lower_is_better,
        )


class OutcomeEpisode(models.Model):
    """One episode of care under a code the user made up: its concern, a measure, and the
    baseline and latest scores. No name, no date of birth, no free text about the client."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_episodes"
    )
    code = models.CharField(max_length=16, validators=[validate_episode_code])
    concern = models.CharField(max_length=60, choices=CONCERN_CHOICES)
    builtin_measure = models.CharField(max_length=20, blank=True, choices=BUILTIN_MEASURE_CHOICES)
    custom_measure = models.ForeignKey(
        OutcomeMeasure, null=True, blank=True, on_delete=models.CASCADE, related_name="episodes"
    )
    baseline = models.FloatField()
    latest = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet["OutcomeEpisode"].as_manager()

    class Meta:
        ordering = ["concern", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="unique_episode_code"),
            models.CheckConstraint(
                condition=(
                    models.Q(builtin_measure="", custom_measure__isnull=False)
                    | (~models.Q(builtin_measure="") & models.Q(custom_measure__isnull=True))
                ),
                name="episode_has_one_measure",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if bool(self.builtin_measure) == (self.custom_measure_id is not None):
            raise ValidationError("Choose one measure.")

    def measure(self) -> outcomes.Measure:
        """Needs ``custom_measure`` selected for a custom measure (no query per episode)."""
        if self.builtin_measure:
            return outcomes.BUILTIN_MEASURES[self.builtin_measure]
        assert self.custom_measure is not None
        return self.custom_measure.to_measure()

    def to_outcome(self) -> outcomes.Episode:
        return outcomes.Episode(self.concern, self.measure(), self.baseline, self.latest)

    def change(self) -> outcomes.Change:
        return outcomes.classify(self.measure(), self.baseline, self.latest)
