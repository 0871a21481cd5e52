"""Builders for CE ledger tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lifelong.accounts.models import User
from lifelong.credits.models import Activity


def make_activity(user: User, **fields: Any) -> Activity:
    values: dict[str, Any] = {
        "title": "Ethics in practice",
        "provider": "CAMFT",
        "completed_on": date(2025, 3, 14),
        "hours": Decimal("6"),
        "format": "live-online",
        "kind": "course",
        "topics": [{"slug": "ethics", "hours": 3.0}, {"slug": "clinical-practice", "hours": None}],
        "approvals": [{"body": "nbcc", "number": "6361"}],
    }
    values.update(fields)
    return Activity.objects.create(user=user, **values)


def activity_form_data(**overrides: Any) -> dict[str, Any]:
    """What the activity form posts for a six-hour live online ethics course."""
    data: dict[str, Any] = {
        "title": "Ethics in practice",
        "provider": "CAMFT",
        "completed_on": "2025-03-14",
        "hours": "6",
        "unit": "clock-hour",
        "format": "live-online",
        "kind": "course",
        "topics": ["ethics", "clinical-practice"],
        "topics-ethics": "3",
        "approvals": ["nbcc"],
        "approvals-nbcc": "6361",
        "notes": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
