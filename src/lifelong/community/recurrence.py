"""Recurring meeting schedules as RFC 5545 recurrence rules (``FREQ=WEEKLY;BYDAY=TU``).

Pure: no Django. A schedule is a rule, the first meeting's local date and time (wall-clock
time, no offset) and an IANA time zone. Occurrences are expanded in local time and only then
given the zone's offset, so a group meeting "Tuesdays at 18:00 in New York" stays at 18:00
when daylight saving time starts or ends (its UTC time moves by an hour instead).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrule, rrulestr

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_RULE_LENGTH = 300
# Expansion stops here whatever the rule says (a daily rule for a year is 366).
MAX_OCCURRENCES = 400


class RecurrenceError(ValueError):
    """A rule, time zone or start that cannot make a schedule, with a message for the user."""


def normalise_rule(text: str) -> str:
    """The rule in a canonical spelling (no ``RRULE:`` prefix, upper case), checked; raises
    :class:`RecurrenceError` with a readable reason."""
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    rule = rule.upper().replace(" ", "")
    if not rule:
        raise RecurrenceError("enter a recurrence rule, such as FREQ=WEEKLY;BYDAY=TU")
    if len(rule) > MAX_RULE_LENGTH:
        raise RecurrenceError(f"a rule has at most {MAX_RULE_LENGTH} characters")
    parts = dict(part.partition("=")[::2] for part in rule.split(";") if part)
    frequency = parts.get("FREQ")
    if frequency not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(
            "FREQ must be one of " + ", ".join(ALLOWED_FREQUENCIES) + " (e.g. FREQ=WEEKLY)"
        )
    if "DTSTART" in rule or "\n" in rule:
        raise RecurrenceError("give the first meeting's date separately, not in the rule")
    _parse(rule, datetime(2000, 1, 1, 12, 0))
    return rule


def _parse(rule: str, start: datetime) -> rrule:
    try:
        parsed = rrulestr(rule, dtstart=start, forceset=False)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise RecurrenceError(f"not a valid recurrence rule: {error}") from error
    if not isinstance(parsed, rrule):
        raise RecurrenceError("give a single RRULE")
    return parsed


def zone_for(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise RecurrenceError(f"unknown time zone {name!r}") from error


@dataclass(frozen=True, slots=True)
class Schedule:
    rule: str
    first_day: date
    start_time: time
    time_zone: str
    duration_minutes: int

    def occurrences(self, after: datetime, before: datetime) -> list[datetime]:
        """Meeting starts (aware, in the schedule's zone) with ``after <= start < before``;
        ``after`` and ``before`` are aware datetimes. At most ``MAX_OCCURRENCES``."""
        zone = zone_for(self.time_zone)
        first = datetime.combine(self.first_day, self.start_time)
        parsed = _parse(self.rule, first)
        # Local bounds a day wider than the aware ones: offsets are at most ±14 hours.
        local_after = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        local_before = before.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
        found: list[datetime] = []
        for local in parsed.xafter(max(local_after, first), inc=True):
            if local >= local_before or len(found) >= MAX_OCCURRENCES:
                break
            # A wall-clock time inside a spring-forward gap moves to its real instant.
            start = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
            if after <= start < before:
                found.append(start)
        return found

    def next_meetings(self, now: datetime, count: int = 5) -> list[datetime]:
        """The next ``count`` meetings after ``now`` (looking at most two years ahead)."""
        return self.occurrences(now, now + timedelta(days=731))[:count]
