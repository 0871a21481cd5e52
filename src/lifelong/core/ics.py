"""Calendar files (RFC 5545) from plain data, with icalendar. Pure: no Django here.

Every event is an all-day event (a deadline, a reminder date, a planned course), so that it
shows on the right day whatever the reader's time zone. icalendar writes CRLF line endings,
folds lines longer than 75 octets and escapes text; this module supplies what RFC 5545 asks of
the content: a PRODID and VERSION, and on each event a UID that stays the same for the same item
(calendar apps update the event instead of adding another) and a DTSTAMP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

PRODUCT_ID = "-//Lifelong//Lifelong calendar 1.0//EN"
REFRESH_EVERY = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One all-day event. ``alarm_days_before``: a display alarm that many days before each."""

    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""
    category: str = ""
    alarm_days_before: tuple[int, ...] = ()


def build_calendar(
    events: Iterable[CalendarEvent], *, name: str, stamp: datetime, description: str = ""
) -> bytes:
    """The calendar as the bytes of an ``.ics`` file. ``stamp`` (when it was made) becomes
    each event's DTSTAMP; it must be timezone-aware."""
    if stamp.tzinfo is None:
        raise ValueError("The calendar's time stamp must be timezone-aware.")
    stamp = stamp.astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH_EVERY, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_EVERY)
    for item in sorted(events, key=lambda event: (event.day, event.uid)):
        calendar.add_component(_event(item, stamp))
    return bytes(calendar.to_ical())


def _event(item: CalendarEvent, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + timedelta(days=1))
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    if item.category:
        event.add("categories", [item.category])
    event.add("transp", "TRANSPARENT")  # an all-day marker, not a busy day
    for days in sorted(set(item.alarm_days_before), reverse=True):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(days=-days))
        alarm.add("description", f"{item.summary}: {_when(days)}")
        event.add_component(alarm)
    return event


def _when(days_before: int) -> str:
    if days_before == 0:
        return "today"
    return "tomorrow" if days_before == 1 else f"in {days_before} days"
