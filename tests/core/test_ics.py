"""The .ics builder: valid RFC 5545, read back by icalendar and by vobject (an independent
parser), with CRLF line endings, folded long lines, stable UIDs, all-day events and alarms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import vobject

from lifelong.core.ics import PRODUCT_ID, CalendarEvent, build_calendar

STAMP = datetime(2026, 6, 15, 19, 30, 12, 999, tzinfo=UTC)
LONG_TITLE = "Law and Ethics Update: Confidentiality, Minors, Mandated Reporting, Telehealth " * 2

EVENTS = [
    CalendarEvent(
        uid="license-7-deadline-20270131@lifelong.example.org",
        day=date(2027, 1, 31),
        summary="Texas LPC: renewal deadline",
        description="Line one, with a comma; and a semicolon\nLine two: ünïcödé ✓",
        url="https://lifelong.example.org/licenses/7/",
        category="Renewal deadline",
        alarm_days_before=(1, 7),
    ),
    CalendarEvent(
        uid="plan-3@lifelong.example.org",
        day=date(2026, 7, 5),
        summary=f"Planned CE: {LONG_TITLE}",
    ),
]


def calendar_bytes() -> bytes:
    return build_calendar(EVENTS, name="Lifelong: renewals", stamp=STAMP)


def test_lines_end_with_crlf_and_are_folded_to_75_octets() -> None:
    data = calendar_bytes()

    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long summary was folded


def test_the_calendar_has_the_required_properties() -> None:
    data = calendar_bytes()

    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert f"PRODID:{PRODUCT_ID}".encode() in data
    assert b"CALSCALE:GREGORIAN" in data
    assert data.count(b"DTSTAMP:20260615T193012Z") == 2


def test_icalendar_reads_back_every_event() -> None:
    calendar = icalendar.Calendar.from_ical(calendar_bytes())

    events = list(calendar.walk("VEVENT"))
    assert [str(event["UID"]) for event in events] == [
        "plan-3@lifelong.example.org",
        "license-7-deadline-20270131@lifelong.example.org",
    ]
    deadline = events[1]
    assert deadline.decoded("DTSTART") == date(2027, 1, 31)
    assert deadline.decoded("DTEND") == date(2027, 2, 1)
    assert deadline["DTSTART"].params["VALUE"] == "DATE"
    assert str(deadline["SUMMARY"]) == "Texas LPC: renewal deadline"
    assert str(deadline["DESCRIPTION"]) == EVENTS[0].description
    assert str(deadline["URL"]) == "https://lifelong.example.org/licenses/7/"
    alarms = list(deadline.walk("VALARM"))
    assert [alarm.decoded("TRIGGER") for alarm in alarms] == [
        timedelta(days=-7),
        timedelta(days=-1),
    ]
    assert [str(alarm["ACTION"]) for alarm in alarms] == ["DISPLAY", "DISPLAY"]
    assert str(alarms[1]["DESCRIPTION"]) == "Texas LPC: renewal deadline: tomorrow"
    assert str(events[0]["SUMMARY"]) == f"Planned CE: {LONG_TITLE}"


def test_vobject_an_independent_parser_reads_the_same_events() -> None:
    calendar = vobject.readOne(calendar_bytes().decode("utf-8"))

    events = sorted(calendar.vevent_list, key=lambda event: event.uid.value)
    assert [event.uid.value for event in events] == [
        "license-7-deadline-20270131@lifelong.example.org",
        "plan-3@lifelong.example.org",
    ]
    deadline, plan = events
    assert deadline.dtstart.value == date(2027, 1, 31)
    assert deadline.dtend.value == date(2027, 2, 1)
    assert deadline.dtstamp.value == datetime(2026, 6, 15, 19, 30, 12, tzinfo=UTC)
    assert deadline.description.value == EVENTS[0].description
    assert [alarm.trigger.value for alarm in deadline.valarm_list] == [
        timedelta(days=-7),
        timedelta(days=-1),
    ]
    assert plan.summary.value == f"Planned CE: {LONG_TITLE}"
    assert calendar.prodid.value == PRODUCT_ID
    assert calendar.version.value == "2.0"


def test_the_same_items_give_the_same_file() -> None:
    """Stable UIDs and content: a calendar app sees updates, not new events."""
    assert calendar_bytes() == build_calendar(
        list(reversed(EVENTS)), name="Lifelong: renewals", stamp=STAMP
    )


def test_an_empty_calendar_is_still_valid() -> None:
    data = build_calendar([], name="Lifelong", stamp=STAMP)

    assert icalendar.Calendar.from_ical(data).walk("VEVENT") == []
    assert vobject.readOne(data.decode()).name == "VCALENDAR"


def test_the_stamp_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_calendar(EVENTS, name="Lifelong", stamp=datetime(2026, 6, 15, 12))
