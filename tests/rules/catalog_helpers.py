"""Small builders for the catalog scenario tests: activities stated in a board's CE hours.

A :class:`Plan` describes one realistic, compliant cycle for a catalog rule set: the license
context, the topic items the board asks for (each an activity), and the approval body its
certificates carry. :func:`build` turns it into activities, filling the rest of the total with
in-person clinical courses, so every scenario starts from a compliant ledger and changes one
thing.

Activities are made with ``tests/rules/builders.py``. Hours in a plan are the board's CE hours;
:func:`clock_hours` converts them into the clock hours an activity records (boards with
50-minute hours count 60 clock minutes as 1.2 CE hours).
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from lifelong.rules.model import Activity, LicenseContext
from lifelong.rules.schema import RuleSet
from tests.rules import builders

FILLER_TOPIC = "clinical-practice"  # no catalog requirement accepts it
FILLER_CHUNK = 6.0

_ids = itertools.count(1)


@dataclass(frozen=True)
class Item:
    """One activity of a plan. ``hours`` are CE hours; ``requirement`` is the id it serves."""

    requirement: str
    topic: str
    hours: float
    format: str = "in-person"
    kind: str = "course"
    completed_on: date | None = None


@dataclass(frozen=True)
class Plan:
    ruleset_id: str
    expires_on: date
    cycle_number: int
    approval: str = "apa"
    items: tuple[Item, ...] = ()
    completed_once: frozenset[str] = frozenset()
    attested: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    # The requirement whose shortfall scenario (b) tests, besides the total.
    short_requirement: str | None = None

    def context(self, **changes: object) -> LicenseContext:
        base = LicenseContext(
            expires_on=self.expires_on,
            cycle_number=self.cycle_number,
            first_renewal=self.cycle_number == 1,
            roles=self.roles,
            completed_once=self.completed_once,
            attested=self.attested,
        )
        return replace(base, **changes)  # type: ignore[arg-type]


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cycle_bounds(ruleset: RuleSet, expires_on: date) -> tuple[date, date]:
    """First and last day of the full cycle ending on ``expires_on``."""
    return add_months(expires_on, -ruleset.cycle.length_months) + timedelta(days=1), expires_on


def clock_hours(ruleset: RuleSet, ce_hours: float) -> float:
    """The clock hours an activity records to earn ``ce_hours`` of this board's CE hours."""
    return ce_hours * ruleset.hour_minutes / 60


def make_activity(
    ruleset: RuleSet,
    ce_hours: float,
    completed_on: date,
    *,
    topic: str = FILLER_TOPIC,
    format: str = "in-person",
    kind: str = "course",
    approval: str = "apa",
    title: str | None = None,
) -> Activity:
    """One activity worth ``ce_hours`` of this board's CE hours (built with ``builders``)."""
    number = next(_ids)
    return builders.activity(
        title or f"{topic.replace('-', ' ').capitalize()} course {number}",
        clock_hours(ruleset, ce_hours),
        id=f"a{number}",
        topics=topic,
        on=completed_on,
        format=format,
        kind=kind,
        approvals=f"{approval}:1234",
        provider="Example CE Institute",
    )


def spread(start: date, end: date, count: int) -> list[date]:
    """``count`` dates spread evenly inside [start + 10 days, end - 10 days]."""
    first, last = start + timedelta(days=10), end - timedelta(days=10)
    if count <= 1:
        return [first + (last - first) / 2]
    step = (last - first) / (count - 1)
    return [first + step * index for index in range(count)]


def filler_hours(total: float) -> list[float]:
    chunks: list[float] = []
    while total > 1e-9:
        chunk = min(FILLER_CHUNK, round(total, 6))
        chunks.append(chunk)
        total -= chunk
    return chunks


def build(
    ruleset: RuleSet,
    plan: Plan,
    *,
    items: Sequence[Item] | None = None,
    total: float | None = None,
    extra: Iterable[Item] = (),
) -> list[Activity]:
    """Activities for ``items`` (default: the plan's) and ``extra``, then filler courses up to
    ``total`` CE hours (default: the rule set's total)."""
    chosen = [*(plan.items if items is None else items), *extra]
    target = ruleset.total_hours if total is None else total
    used = sum(item.hours for item in chosen)
    fill = filler_hours(max(0.0, target - used))
    start, end = cycle_bounds(ruleset, plan.expires_on)
    dates = spread(start, end, len(chosen) + len(fill))
    activities = [
        make_activity(
            ruleset,
            item.hours,
            item.completed_on or day,
            topic=item.topic,
            format=item.format,
            kind=item.kind,
            approval=plan.approval,
        )
        for item, day in zip(chosen, dates, strict=False)
    ]
    activities += [
        make_activity(ruleset, hours, day, approval=plan.approval)
        for hours, day in zip(fill, dates[len(chosen) :], strict=True)
    ]
    return activities


def build_one(ruleset: RuleSet, plan: Plan, item: Item) -> list[Activity]:
    """Just ``item`` as an activity (on its own date, if it has one)."""
    return build(ruleset, plan, items=[item], total=item.hours)


def shortened(plan: Plan, requirement: str, by: float = 1.0) -> tuple[list[Item], float]:
    """The plan's items with ``by`` hours less for ``requirement``, and the hours removed."""
    items = list(plan.items)
    for index, item in enumerate(items):
        if item.requirement == requirement:
            items[index] = replace(item, hours=item.hours - by)
            return items, by
    raise AssertionError(f"no item serves {requirement!r}")
