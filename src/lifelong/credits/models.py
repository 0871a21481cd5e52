"""The CE ledger: one row per continuing-education activity a user completed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from lifelong.rules import model as rules
from lifelong.rules.vocabulary import CREDIT_UNITS, FORMAT_LABELS, KIND_LABELS, topic_label

FORMAT_CHOICES = list(FORMAT_LABELS.items())
KIND_CHOICES = list(KIND_LABELS.items())
UNIT_CHOICES = [(unit, unit.replace("-", " ").capitalize()) for unit in CREDIT_UNITS]


class ActivityQuerySet(models.QuerySet["Activity"]):
    def for_user(self, user: Any) -> ActivityQuerySet:
        return self.filter(user=user)

    def in_window(self, start: date, end: date) -> ActivityQuerySet:
        return self.filter(completed_on__gte=start, completed_on__lte=end)


class Activity(models.Model):
    """A CE activity. ``topics`` is a list of ``{"slug", "hours"}`` (hours null = all of it),
    ``approvals`` a list of ``{"body", "number"}``, in the vocabulary of DESIGN.md."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(max_length=300)
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField("completed on")
    hours = models.DecimalField(
        max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit = models.CharField(max_length=20, choices=UNIT_CHOICES, default="clock-hour")
    format = models.CharField(max_length=20, choices=FORMAT_CHOICES)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES, default="course")
    topics = models.JSONField(default=list, blank=True)
    approvals = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "title", "pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["user", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d})"

    def to_rules(self) -> rules.Activity:
        """The engine's view of this activity."""
        return rules.Activity(
            id=str(self.pk),
            title=self.title,
            provider=self.provider,
            completed_on=self.completed_on,
            hours=float(self.hours),
            format=self.format,
            kind=self.kind,
            topics=tuple(
                rules.TopicShare(
                    item["slug"], None if item.get("hours") is None else float(item["hours"])
                )
                for item in self.topics
            ),
            approvals=tuple(
                rules.Approval(item["body"], item.get("number", "")) for item in self.approvals
            ),
            unit=self.unit,
        )

    @property
    def topic_labels(self) -> list[str]:
        labels = []
        for item in self.topics:
            label = topic_label(item["slug"])
            if item.get("hours") is not None:
                label += f" ({item['hours']:g} h)"
            labels.append(label)
        return labels

    @classmethod
    def fields_from_rules(cls, activity: rules.Activity) -> dict[str, Any]:
        """Model field values for an activity read by the CSV parser or the API."""
        return {
            "title": activity.title,
            "provider": activity.provider,
            "completed_on": activity.completed_on,
            "hours": Decimal(str(activity.hours)),
            "unit": activity.unit,
            "format": activity.format,
            "kind": activity.kind,
            "topics": [{"slug": t.slug, "hours": t.hours} for t in activity.topics],
            "approvals": [{"body": a.body, "number": a.number} for a in activity.approvals],
        }
