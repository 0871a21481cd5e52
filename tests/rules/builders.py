"""Tiny helpers to build rule sets, activities and license contexts in tests.

Everything has a sensible default so a test states only what it is about::

    rules = ruleset(total_hours=30, requirements=[requirement("ethics", 6)],
                    limits=[limit("self-study", formats=["self-study"], max_hours=12)])
    verdict = evaluate(rules, context(), [activity("Ethics 101", 6, topics="ethics")])

- :func:`ruleset` takes any :class:`RuleSet` field as a keyword (``cycle_months`` is a shortcut
  for ``cycle={"length_months": ...}``); requirements and limits may be models or dicts.
- :func:`requirement` and :func:`limit` take an id and the fields that matter.
- :func:`activity` takes ``topics`` and ``approvals`` in the CSV notation of DESIGN.md section 4
  (``"ethics=3;clinical-practice"``, ``"apa;nbcc:6361"``); the id defaults to the title.
- :func:`context` defaults to a cycle ending on :data:`DEADLINE` (24-month cycles from
  :data:`CYCLE_START`), not a first renewal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lifelong.rules.model import Activity, Approval, LicenseContext, TopicShare
from lifelong.rules.schema import Limit, Requirement, RuleSet

DEADLINE = date(2025, 3, 31)
CYCLE_START = date(2023, 4, 1)  # the start of the 24-month cycle ending on DEADLINE
IN_CYCLE = date(2024, 6, 1)

_SOURCE = {"url": "https://example.org/rules", "title": "Test rule", "retrieved": date(2025, 1, 1)}


def ruleset(*, cycle_months: int = 24, **fields: Any) -> RuleSet:
    """A valid rule set: 30 hours per 24-month cycle ending on the license expiration date."""
    data: dict[str, Any] = {
        "id": "test-board",
        "title": "Test board",
        "jurisdiction": "US-XX",
        "board": "Test Board of Behavioral Health",
        "credential": "Licensed Tester",
        "effective_from": date(2020, 1, 1),
        "verified_on": date(2025, 1, 1),
        "sources": [_SOURCE],
        "total_hours": 30,
        "cycle": {"length_months": cycle_months},
    }
    data.update(fields)
    return RuleSet.model_validate(data)


def requirement(
    id: str, hours: float, topics: list[str] | None = None, **fields: Any
) -> Requirement:
    """A topic requirement; ``topics`` defaults to ``[id]``."""
    return Requirement.model_validate(
        {
            "id": id,
            "title": fields.pop("title", id.replace("-", " ").capitalize()),
            "topics": topics or [id],
            "hours": hours,
            **fields,
        }
    )


def limit(id: str, **fields: Any) -> Limit:
    """A limit: give its selectors (formats, kinds, topics, approvals) and a bound."""
    return Limit.model_validate({"id": id, "title": fields.pop("title", id), **fields})


def topics_from(text: str) -> tuple[TopicShare, ...]:
    """``"ethics=3;clinical-practice"`` -> topic shares."""
    shares = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        slug, _, hours = part.partition("=")
        shares.append(TopicShare(slug.strip(), float(hours) if hours else None))
    return tuple(shares)


def approvals_from(text: str) -> tuple[Approval, ...]:
    """``"apa;nbcc:6361"`` -> approvals."""
    found = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        body, _, number = part.partition(":")
        found.append(Approval(body.strip(), number.strip()))
    return tuple(found)


def activity(
    title: str,
    hours: float,
    *,
    topics: str = "clinical-practice",
    on: date = IN_CYCLE,
    format: str = "in-person",
    kind: str = "course",
    approvals: str = "",
    provider: str = "Provider",
    unit: str = "clock-hour",
    id: str | None = None,
) -> Activity:
    return Activity(
        id=id or title,
        title=title,
        provider=provider,
        completed_on=on,
        hours=hours,
        format=format,
        kind=kind,
        topics=topics_from(topics),
        approvals=approvals_from(approvals),
        unit=unit,
    )


def context(expires_on: date = DEADLINE, **fields: Any) -> LicenseContext:
    """A license context; sets are given as any iterable (``roles=["supervisor"]``)."""
    for name in ("roles", "completed_once", "attested"):
        if name in fields:
            fields[name] = frozenset(fields[name])
    fields.setdefault("first_renewal", False)
    return LicenseContext(expires_on=expires_on, **fields)
