"""The CE ledger: one row per continuing-education activity a user completed."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Count, Sum

from lifelong.credits.activity_csv import ACADEMIC_UNITS as ACADEMIC_UNITS  # re-exported
from lifelong.credits.activity_csv import format_hours
from lifelong.rules import model as rules
from lifelong.rules.vocabulary import (
    APPROVAL_LABELS,
    CREDIT_UNITS,
    FORMAT_LABELS,
    KIND_LABELS,
    topic_label,
)

FORMAT_CHOICES = list(FORMAT_LABELS.items())
KIND_CHOICES = list(KIND_LABELS.items())
UNIT_CHOICES = [(unit, unit.replace("-", " ").capitalize()) for unit in CREDIT_UNITS]

FORMAT_SHORT_LABELS = {
    "in-person": "In person",
    "live-online": "Live online",
    "self-study": "Self-study",
}
UNIT_PLURALS = {
    "clock-hour": "clock hours",
    "semester-hour": "semester hours",
    "quarter-hour": "quarter hours",
}


@dataclass(frozen=True, slots=True)
class HoursTotal:
    """The hours of several activities in one unit."""

    unit: str
    hours: Decimal
    activities: int

    @property
    def hours_text(self) -> str:
        return format_hours(self.hours)

    @property
    def unit_label(self) -> str:
        return UNIT_PLURALS.get(self.unit, self.unit)


def topic_slugs_text(topics: Iterable[dict[str, Any]]) -> str:
    """``[{"slug": "ethics"}, {"slug": "trauma"}]`` -> ``|ethics|trauma|`` (empty: ``""``)."""
    slugs = [item["slug"] for item in topics]
    return f"|{'|'.join(slugs)}|" if slugs else ""


class TopicSlugsField(models.CharField):  # type: ignore[type-arg]
    """The topic slugs of ``topics`` as ``|ethics|trauma|``, recomputed whenever the row is
    written (``bulk_create`` included, which calls ``pre_save`` too).

    Lists filter by topic with ``contains "|slug|"``: JSON containment is not available on
    SQLite, and this works the same on PostgreSQL.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = topic_slugs_text(getattr(model_instance, "topics", None) or [])
        setattr(model_instance, self.attname, value)
        return value


def engine_activity(
    pk: int,
    title: str,
    provider: str,
    completed_on: date,
    hours: Decimal,
    unit: str,
    format: str,
    kind: str,
    topics: list[dict[str, Any]],
    approvals: list[dict[str, Any]],
) -> rules.Activity:
    """An activity in the engine's terms, from its field values (``Activity.ENGINE_FIELDS``):
    pages with years of activities read rows, not model instances."""
    return rules.Activity(
        id=str(pk),
        title=title,
        provider=provider,
        completed_on=completed_on,
        hours=float(hours),
        format=format,
        kind=kind,
        topics=tuple(
            rules.TopicShare(
                item["slug"], None if item.get("hours") is None else float(item["hours"])
            )
            for item in topics
        ),
        approvals=tuple(rules.Approval(item["body"], item.get("number", "")) for item in approvals),
        unit=unit,
    )


class ActivityQuerySet(models.QuerySet["Activity"]):
    def for_user(self, user: Any) -> ActivityQuerySet:
        return self.filter(user=user)

    def in_window(self, start: date, end: date) -> ActivityQuerySet:
        return self.filter(completed_on__gte=start, completed_on__lte=end)

    def in_year(self, year: int) -> ActivityQuerySet:
        return self.filter(completed_on__year=year)

    def with_topic(self, slug: str) -> ActivityQuerySet:
        return self.filter(topic_slugs__contains=f"|{slug}|")

    def with_format(self, activity_format: str) -> ActivityQuerySet:
        return self.filter(format=activity_format)

    def years(self) -> list[int]:
        """The years with at least one activity, newest first (one query)."""
        return [day.year for day in self.dates("completed_on", "year", order="DESC")]

    def totals_by_unit(self) -> list[HoursTotal]:
        """The total hours in each unit present, clock hours first (one query)."""
        rows = self.order_by().values("unit").annotate(total=Sum("hours"), count=Count("pk"))
        order = {unit: index for index, unit in enumerate(CREDIT_UNITS)}
        totals = [HoursTotal(row["unit"], row["total"] or Decimal(0), row["count"]) for row in rows]
        return sorted(totals, key=lambda total: order.get(total.unit, len(order)))

    def duplicate_keys(self, start: date, end: date) -> set[tuple[str, str, date, Decimal]]:
        """The :meth:`Activity.duplicate_key` of every activity completed in [start, end]."""
        rows = self.in_window(start, end).values_list("title", "provider", "completed_on", "hours")
        return {(title, provider, day, hours.normalize()) for title, provider, day, hours in rows}


def certificate_upload_to(certificate: Certificate, filename: str) -> str:
    """A path no one can guess or collide with; the user's file name is kept in a field."""
    extension = CERTIFICATE_EXTENSIONS.get(certificate.content_type, "bin")
    return f"certificates/{certificate.owner_id}/{uuid.uuid4().hex}.{extension}"


CERTIFICATE_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def for_user(self, user: Any) -> CertificateQuerySet:
        return self.filter(owner=user)


class Certificate(models.Model):
    """Proof of completion: a PDF or image file, stored through Django's storage API and only
    ever served after an owner check. ``reading`` holds what was read from a PDF's text
    (fields, confidence and evidence per field); images are entered by hand."""

    CONTENT_TYPE_CHOICES = [
        ("application/pdf", "PDF"),
        ("image/png", "PNG image"),
        ("image/jpeg", "JPEG image"),
    ]

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    file = models.FileField(upload_to=certificate_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40, choices=CONTENT_TYPE_CHOICES)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    reading = models.JSONField(default=dict, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sha256"], name="unique_certificate_file")
        ]

    def __str__(self) -> str:
        return self.original_name


class CourseFields(models.Model):
    """What a CE course is, shared by a completed :class:`Activity` and a
    :class:`PlannedActivity`: title, provider, hours and unit, format, kind, topics and
    approvals, with the rules that tie them together. ``topics`` is a list of ``{"slug",
    "hours"}`` (hours null = all of it), ``approvals`` a list of ``{"body", "number"}``, in the
    vocabulary of DESIGN.md."""

    title = models.CharField(max_length=300)
    provider = models.CharField(max_length=200, blank=True)
    hours = models.DecimalField(
        max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit = models.CharField(max_length=20, choices=UNIT_CHOICES, default="clock-hour")
    format = models.CharField(max_length=20, choices=FORMAT_CHOICES)
    kind = models.CharField(max_length=30, choices=KIND_CHOICES, default="course")
    topics = models.JSONField(default=list, blank=True)
    approvals = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        """Rules that tie fields together: topic hours within the activity's hours, and
        semester or quarter hours only for academic courses."""
        errors: dict[str, str] = {}
        if self.unit in ACADEMIC_UNITS and self.kind != "academic-course":
            errors["unit"] = (
                f"{self.get_unit_display()}s are for academic courses; choose “Academic course” "
                "as the kind, or give the hours in clock hours."
            )
        if self.hours is not None:
            over = [
                topic_label(item["slug"])
                for item in self.topics
                if item.get("hours") is not None and Decimal(str(item["hours"])) > self.hours
            ]
            if over:
                errors["topics"] = (
                    f"Hours for {', '.join(over)} are more than the activity's "
                    f"{self.hours.normalize():f} hours."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def hours_text(self) -> str:
        """``3``, ``1.5``: the hours without trailing zeros."""
        return format_hours(Decimal(self.hours))

    @property
    def unit_label(self) -> str:
        return UNIT_PLURALS.get(self.unit, self.unit)

    @property
    def format_short_label(self) -> str:
        return FORMAT_SHORT_LABELS.get(self.format, self.format)

    @property
    def topic_labels(self) -> list[str]:
        labels = []
        for item in self.topics:
            label = topic_label(item["slug"])
            if item.get("hours") is not None:
                label += f" ({item['hours']:g} h)"
            labels.append(label)
        return labels

    @property
    def approval_labels(self) -> list[str]:
        labels = []
        for item in self.approvals:
            label = APPROVAL_LABELS.get(item["body"], item["body"])
            if item.get("number"):
                label += f" {item['number']}"
            labels.append(label)
        return labels


class Activity(CourseFields):
    """A CE activity the user completed (the course fields are in :class:`CourseFields`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    completed_on = models.DateField("completed on")
    topic_slugs = TopicSlugsField(max_length=600, blank=True, default="", editable=False)
    certificates = models.ManyToManyField(Certificate, blank=True, related_name="activities")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "title", "pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["user", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "topics" in update_fields:
            kwargs["update_fields"] = {*update_fields, "topic_slugs"}
        super().save(*args, **kwargs)

    def duplicate_key(self) -> tuple[str, str, date, Decimal]:
        """What makes two activities the same entry: title, provider, date and hours."""
        return (self.title, self.provider, self.completed_on, Decimal(self.hours).normalize())

    # The fields the engine reads, in the order of engine_activity's arguments.
    ENGINE_FIELDS = (
        "pk", "title", "provider", "completed_on", "hours", "unit", "format", "kind", "topics",
        "approvals",
    )  # fmt: skip

    def to_rules(self) -> rules.Activity:
        """The engine's view of this activity."""
        return engine_activity(*(getattr(self, name) for name in self.ENGINE_FIELDS))

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


# --------------------------------------------------------------------------------------------
# Planned activities (planning): courses the user intends to take
# --------------------------------------------------------------------------------------------

PLAN_ID_PREFIX = "plan-"
PLAN_YEARS_AHEAD = 10  # plans further ahead are refused: no cycle is that long


def plan_engine_activity(pk: int, *fields: Any) -> rules.Activity:
    """A planned activity in the engine's terms, dated on its planned day, from its field values
    (``PlannedActivity.ENGINE_FIELDS``). Its id, ``plan-<pk>``, cannot collide with an
    activity's."""
    activity = engine_activity(pk, *fields)
    return dataclasses.replace(activity, id=f"{PLAN_ID_PREFIX}{pk}")


class PlannedActivityQuerySet(models.QuerySet["PlannedActivity"]):
    def for_user(self, user: Any) -> PlannedActivityQuerySet:
        return self.filter(user=user)

    def upcoming(self, today: date) -> PlannedActivityQuerySet:
        """Plans dated today or later, the soonest first."""
        return self.filter(planned_on__gte=today).order_by("planned_on", "title", "pk")

    def overdue(self, today: date) -> PlannedActivityQuerySet:
        """Plans whose date has passed: taken and not yet recorded, or missed."""
        return self.filter(planned_on__lt=today)


class PlannedActivity(CourseFields):
    """A course the user intends to take. It counts toward nothing until it is completed (then
    it becomes an :class:`Activity`); the compliance projection adds it on its planned date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planned_activities"
    )
    planned_on = models.DateField("planned date")
    url = models.URLField(
        "course page",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlannedActivityQuerySet.as_manager()

    class Meta:
        ordering = ["planned_on", "title", "pk"]
        verbose_name = "planned activity"
        verbose_name_plural = "planned activities"
        indexes = [models.Index(fields=["user", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.title} (planned {self.planned_on:%Y-%m-%d})"

    def is_overdue(self, today: date) -> bool:
        """The planned date has passed: did the user take it?"""
        return self.planned_on < today

    # The fields the engine reads, in the order of plan_engine_activity's arguments.
    ENGINE_FIELDS = (
        "pk", "title", "provider", "planned_on", "hours", "unit", "format", "kind", "topics",
        "approvals",
    )  # fmt: skip

    def to_rules(self) -> rules.Activity:
        """The engine's view of this plan, as if completed on its planned date."""
        return plan_engine_activity(*(getattr(self, name) for name in self.ENGINE_FIELDS))

    def completion_date(self, today: date) -> date:
        """The date an activity made from this plan defaults to: the planned date once it has
        passed, otherwise today (an activity cannot be completed in the future)."""
        return min(self.planned_on, today)

    def completion_notes(self) -> str:
        """The plan's notes for the activity, with the course page so that it is not lost."""
        parts = [self.notes.strip()] if self.notes.strip() else []
        if self.url:
            parts.append(f"Course page: {self.url}")
        return "\n\n".join(parts)

    def activity_initial(self, today: date) -> dict[str, Any]:
        """The activity form's initial values for completing this plan."""
        return {
            "title": self.title,
            "provider": self.provider,
            "completed_on": self.completion_date(today),
            "hours": self.hours_text,
            "unit": self.unit,
            "format": self.format,
            "kind": self.kind,
            "topics": self.topics,
            "approvals": self.approvals,
            "notes": self.completion_notes(),
        }
