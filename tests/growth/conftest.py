"""Builders for growth tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lifelong.accounts.models import User
from lifelong.growth.models import Goal
from lifelong.literature.models import Article, ReadingListEntry


def make_goal(user: User, **fields: Any) -> Goal:
    values: dict[str, Any] = {
        "title": "Grow my trauma work",
        "why": "More of my clients come with trauma histories.",
        "target_kind": "hours",
        "topics": ["trauma"],
        "target_value": Decimal(12),
        "starts_on": date(2026, 1, 1),
        "due_on": date(2026, 6, 30),
    }
    values.update(fields)
    return Goal.objects.create(user=user, **values)


def make_reading(user: User, title: str, status: str = "read") -> ReadingListEntry:
    article = Article.objects.create(title=title)
    return ReadingListEntry.objects.create(owner=user, article=article, status=status)
