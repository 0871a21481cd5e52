"""Renewal cycles: which dates a license cycle covers, its number, and the board's deadlines.

Pure date arithmetic (no Django). Month arithmetic is calendar arithmetic with the day clamped
to the length of the target month (``add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)``).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from lifelong.rules.model import CyclePeriod, LicenseContext
from lifelong.rules.schema import RuleSet

__all__ = [
    "add_months",
    "check_deadline",
    "cycle_for",
    "cycle_start",
    "month_end",
    "next_deadline",
]

_MONTH_NAMES = tuple(calendar.month_name)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (negative goes back), day clamped."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` in ``year``."""
    return date(year, month, calendar.monthrange(year, month)[1])


def cycle_start(ruleset: RuleSet, deadline: date) -> date:
    """The first day of a full cycle ending on ``deadline``: the day after the same date
    ``cycle.length_months`` earlier (e.g. 2025-03-31 with 24 months -> 2023-04-01)."""
    return add_months(deadline, -ruleset.cycle.length_months) + timedelta(days=1)


def cycle_for(ruleset: RuleSet, context: LicenseContext) -> CyclePeriod:
    """The cycle that ends on ``context.expires_on`` (the renewal deadline).

    - ``start``: the day after the same date ``cycle.length_months`` earlier, or the issue date
      when the license was issued later (a pro-rated first cycle);
    - ``number``: ``context.cycle_number`` if given, else the number of cycle lengths from the
      issue date to the deadline, rounded up (at least 1), else ``None``;
    - ``first_renewal``: ``context.first_renewal`` if given, else ``number == 1``.

    Raises ``ValueError`` when the license was issued after ``expires_on``.
    """
    end = context.expires_on
    start = cycle_start(ruleset, end)
    issued = context.issued_on
    if issued is not None:
        if issued > end:
            raise ValueError(
                f"the license was issued on {issued.isoformat()}, "
                f"after the deadline {end.isoformat()}"
            )
        start = max(start, issued)
    number = context.cycle_number
    if number is None and issued is not None:
        number = _cycles_since(issued, end, ruleset.cycle.length_months)
    first = context.first_renewal if context.first_renewal is not None else number == 1
    return CyclePeriod(start=start, end=end, number=number, first_renewal=first)


def _cycles_since(issued: date, deadline: date, length_months: int) -> int:
    """How many cycle lengths from ``issued`` reach ``deadline`` (rounded up, at least 1)."""
    months = (deadline.year - issued.year) * 12 + (deadline.month - issued.month)
    count = max(1, months // length_months)
    # ``count`` is within one of the answer; step to the smallest n with issued + n*L >= deadline.
    while count > 1 and add_months(issued, (count - 1) * length_months) >= deadline:
        count -= 1
    while add_months(issued, count * length_months) < deadline:
        count += 1
    return count


def next_deadline(ruleset: RuleSet, after: date, birth_month: int | None) -> date:
    """The board's next renewal deadline after ``after`` (a previous deadline or an issue date).

    - ``license-expiration``: ``after`` plus one cycle length.
    - ``birth-month``: the last day of the birth month that is the latest such date on or before
      ``after`` plus one cycle length, so a cycle is never longer than its length (California:
      "no more than 24 months after issue"), and after ``after``. From a previous deadline at the
      end of the birth month this is exactly one cycle later; from an issue date it gives a
      shorter, pro-rated first cycle. Without a birth month, ``after`` plus one cycle length.
    - ``fixed-date``: the first ``month``/``day`` (clamped, Feb 29 -> Feb 28) of an odd, even or
      any year that is strictly after ``after``.
    """
    cycle = ruleset.cycle
    if cycle.deadline == "fixed-date":
        assert cycle.month is not None  # the schema guarantees month and day
        assert cycle.day is not None
        year = after.year
        while True:
            candidate = date(
                year, cycle.month, min(cycle.day, calendar.monthrange(year, cycle.month)[1])
            )
            if candidate > after and _year_matches(year, cycle.years):
                return candidate
            year += 1
    latest = add_months(after, cycle.length_months)
    if cycle.deadline == "license-expiration" or birth_month is None:
        return latest
    year = latest.year if latest.month >= birth_month else latest.year - 1
    candidate = month_end(year, birth_month)
    if candidate > latest:  # only when ``latest`` is in the birth month, before its last day
        candidate = month_end(year - 1, birth_month)
    while candidate <= after:
        year = candidate.year + 1
        candidate = month_end(year, birth_month)
    return candidate


def _year_matches(year: int, years: str) -> bool:
    return years == "any" or (years == "odd") == (year % 2 == 1)


def check_deadline(ruleset: RuleSet, expires_on: date, birth_month: int | None) -> str | None:
    """A warning when ``expires_on`` does not fit the board's deadline rule, else ``None``.

    ``fixed-date``: the date must be the board's month/day in a matching year.
    ``birth-month``: the date must be the last day of a month, and of the birth month when known.
    ``license-expiration``: any date fits.
    """
    cycle = ruleset.cycle
    shown = expires_on.isoformat()
    if cycle.deadline == "fixed-date":
        assert cycle.month is not None
        assert cycle.day is not None
        day = min(cycle.day, calendar.monthrange(expires_on.year, cycle.month)[1])
        rule = f"{_MONTH_NAMES[cycle.month]} {cycle.day}"
        if cycle.years != "any":
            rule += f" of {cycle.years} years"
        if (expires_on.month, expires_on.day) != (cycle.month, day) or not _year_matches(
            expires_on.year, cycle.years
        ):
            return (
                f"The board's renewal deadline is {rule}, but this license expires on {shown}; "
                "check the expiration date."
            )
        return None
    if cycle.deadline == "birth-month":
        last_day = month_end(expires_on.year, expires_on.month)
        if birth_month is not None and (expires_on.month != birth_month or expires_on != last_day):
            expected = _MONTH_NAMES[birth_month]
            return (
                f"The board's renewal deadline is the last day of your birth month ({expected}), "
                f"but this license expires on {shown}; check the expiration date "
                "or your birth month."
            )
        if expires_on != last_day:
            return (
                "The board's renewal deadline is the last day of your birth month, "
                f"but {shown} is not the last day of a month; check the expiration date."
            )
    return None
