"""Licenses and activities for the licensure tests, with only what a test is about spelled out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from lifelong.licensure.models import License, RuleSetDocument
from lifelong.rules.loader import catalog_text

TODAY = date(2026, 6, 15)
# Texas LPC: 24 h per 2 years ending on the license's expiration date; 6 h ethics, 3 h cultural
# diversity, at most 1 h self-study, at least half from listed providers, a jurisprudence exam.
TX_EXPIRES = date(2027, 1, 31)
TX_CYCLE_DAY = date(2026, 2, 10)


def make_license(user: User, ruleset_id: str = "us-tx-lpc", **fields: Any) -> License:
    fields.setdefault("expires_on", TX_EXPIRES)
    fields.setdefault("label", ruleset_id.upper())
    return License.objects.create(user=user, ruleset_id=ruleset_id, **fields)


def topics_from(text: str) -> list[dict[str, Any]]:
    """``"ethics=3;clinical-practice"`` -> the model's topic list."""
    topics: list[dict[str, Any]] = []
    for entry in filter(None, text.split(";")):
        slug, _, hours = entry.partition("=")
        topics.append({"slug": slug, "hours": float(hours) if hours else None})
    return topics


def activity_fields(
    user: User,
    title: str,
    hours: float,
    *,
    topics: str = "clinical-practice",
    completed_on: date = TX_CYCLE_DAY,
    format: str = "in-person",
    kind: str = "course",
    approvals: str = "nbcc",
) -> dict[str, Any]:
    return {
        "user": user,
        "title": title,
        "provider": "Test Institute",
        "completed_on": completed_on,
        "hours": Decimal(str(hours)),
        "format": format,
        "kind": kind,
        "topics": topics_from(topics),
        "approvals": [{"body": body, "number": ""} for body in filter(None, approvals.split(";"))],
    }


def add_activity(user: User, title: str, hours: float, **fields: Any) -> Activity:
    return Activity.objects.create(**activity_fields(user, title, hours, **fields))


def complete_tx_cycle(user: User) -> None:
    """Activities that meet every Texas LPC requirement in the cycle ending TX_EXPIRES."""
    add_activity(user, "Ethics in counseling", 6, topics="ethics")
    add_activity(user, "Cultural humility", 3, topics="cultural-competence")
    add_activity(user, "Trauma-focused CBT", 15, topics="trauma;clinical-practice")


def custom_ruleset_text(ruleset_id: str = "my-tx-lpc", base: str = "us-tx-lpc") -> str:
    """A valid rule set of the user's own: a catalog rule set with another id."""
    return catalog_text(base).replace(f'id = "{base}"', f'id = "{ruleset_id}"', 1)


def make_document(user: User, ruleset_id: str = "my-tx-lpc") -> RuleSetDocument:
    return RuleSetDocument.objects.create(
        owner=user,
        ruleset_id=ruleset_id,
        title="My Texas LPC",
        text=custom_ruleset_text(ruleset_id),
    )
