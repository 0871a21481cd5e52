"""Recurring schedules: RFC 5545 rules expanded in the group's time zone, keeping the local
time across daylight-saving changes; invalid rules refused with a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from lifelong.community.recurrence import RecurrenceError, Schedule, normalise_rule

NEW_YORK = ZoneInfo("America/New_York")


def weekly(rule: str = "FREQ=WEEKLY;BYDAY=TU", **fields: object) -> Schedule:
    values: dict[str, object] = {
        "rule": rule,
        "first_day": date(2026, 3, 3),
        "start_time": time(18, 0),
        "time_zone": "America/New_York",
        "duration_minutes": 90,
    }
    values.update(fields)
    return Schedule(**values)  # type: ignore[arg-type]


def test_weekly_meetings_keep_their_local_time_when_daylight_saving_starts() -> None:
    # DST starts in the US on Sunday 2026-03-08: 18:00 EST is 23:00 UTC, 18:00 EDT 22:00 UTC.
    starts = weekly().occurrences(
        datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 20, tzinfo=UTC)
    )

    assert [s.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2026-03-03 18:00",
        "2026-03-10 18:00",
        "2026-03-17 18:00",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [23, 22, 22]


def test_and_when_it_ends() -> None:
    # DST ends on Sunday 2026-11-01.
    starts = weekly(first_day=date(2026, 10, 27)).occurrences(
        datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 11, 5, tzinfo=UTC)
    )

    assert [s.astimezone(UTC).strftime("%m-%d %H:%M") for s in starts] == [
        "10-27 22:00",
        "11-03 23:00",
    ]


def test_a_monthly_rule_in_the_southern_hemisphere() -> None:
    # Sydney leaves DST on the first Sunday of April 2026: 10:00 AEDT is 23:00 UTC the day
    # before; 10:00 AEST is 00:00 UTC.
    schedule = weekly(
        "FREQ=MONTHLY;BYDAY=1TH",
        first_day=date(2026, 3, 5),
        start_time=time(10, 0),
        time_zone="Australia/Sydney",
    )
    starts = schedule.occurrences(
        datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 31, tzinfo=UTC)
    )

    assert [s.strftime("%Y-%m-%d %H:%M %Z") for s in starts] == [
        "2026-03-05 10:00 AEDT",
        "2026-04-02 10:00 AEDT",
        "2026-05-07 10:00 AEST",
    ]
    assert [s.astimezone(UTC).strftime("%d %H") for s in starts] == ["04 23", "01 23", "07 00"]


def test_a_time_in_the_spring_forward_gap_moves_to_a_real_instant() -> None:
    schedule = weekly("FREQ=DAILY;COUNT=3", first_day=date(2026, 3, 7), start_time=time(2, 30))
    starts = schedule.occurrences(
        datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
    )

    assert [s.strftime("%d %H:%M") for s in starts] == ["07 02:30", "08 03:30", "09 02:30"]


def test_count_and_until_end_a_schedule_and_next_meetings_look_ahead() -> None:
    assert len(weekly("FREQ=WEEKLY;COUNT=4").next_meetings(datetime(2026, 1, 1, tzinfo=UTC))) == 4
    ended = weekly("FREQ=WEEKLY;UNTIL=20260320T000000")
    assert len(ended.next_meetings(datetime(2026, 1, 1, tzinfo=UTC), 10)) == 3
    assert ended.next_meetings(datetime(2026, 4, 1, tzinfo=UTC)) == []


def test_rules_are_normalised() -> None:
    assert normalise_rule(" rrule:freq=weekly;byday=tu ") == "FREQ=WEEKLY;BYDAY=TU"


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("", "enter a recurrence rule"),
        ("FREQ=SECONDLY", "FREQ must be one of"),
        ("FREQ=HOURLY", "FREQ must be one of"),
        ("BYDAY=TU", "FREQ must be one of"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a valid recurrence rule"),
        ("FREQ=WEEKLY;INTERVAL=abc", "not a valid recurrence rule"),
        ("FREQ=WEEKLY;DTSTART=20260101", "give the first meeting's date separately"),
        ("FREQ=WEEKLY;" + "BYDAY=TU;" * 40, "at most 300 characters"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule: str, reason: str) -> None:
    with pytest.raises(RecurrenceError, match=reason):
        normalise_rule(rule)


def test_an_unknown_time_zone_is_an_error() -> None:
    with pytest.raises(RecurrenceError, match="unknown time zone"):
        weekly(time_zone="Mars/Olympus").next_meetings(datetime(2026, 1, 1, tzinfo=UTC))
