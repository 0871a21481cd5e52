"""Builders for the practice tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from lifelong.practice.models import CaseloadSnapshot, OutcomeEpisode


def make_activity(
    user: User,
    title: str,
    hours: float,
    completed_on: date,
    topics: tuple[str, ...] = ("clinical-practice",),
    **fields: Any,
) -> Activity:
    fields.setdefault("format", "in-person")
    fields.setdefault("kind", "course")
    return Activity.objects.create(
        user=user,
        title=title,
        provider=fields.pop("provider", "Test Institute"),
        completed_on=completed_on,
        hours=Decimal(str(hours)),
        topics=[{"slug": topic, "hours": None} for topic in topics],
        approvals=[{"body": "apa", "number": ""}],
        **fields,
    )


def make_snapshot(user: User, taken_on: date, total: int, **counts: int) -> CaseloadSnapshot:
    """``make_snapshot(user, day, 20, concern__depression=8)``."""
    return CaseloadSnapshot.objects.create(
        owner=user,
        taken_on=taken_on,
        total_clients=total,
        counts={key.replace("__", ":").replace("_", "-"): value for key, value in counts.items()},
    )


def make_episode(
    user: User, code: str, concern: str, baseline: float, latest: float
) -> OutcomeEpisode:
    return OutcomeEpisode.objects.create(
        owner=user,
        code=code,
        concern=concern,
        builtin_measure="phq-9",
        baseline=baseline,
        latest=latest,
    )
