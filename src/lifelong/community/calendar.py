"""A group's schedule as an ``.ics`` file: one recurring event (DTSTART in the group's time
zone with its VTIMEZONE, the RRULE as the group keeps it, the duration), so that calendar apps
show every future meeting and keep the local time across daylight-saving changes. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from lifelong.community.recurrence import Schedule, zone_for
from lifelong.core.ics import PRODUCT_ID


def schedule_calendar(
    schedule: Schedule, *, uid: str, name: str, description: str, stamp: datetime
) -> bytes:
    zone = zone_for(schedule.time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC).replace(microsecond=0))
    event.add("summary", name)
    if description:
        event.add("description", description)
    event.add(
        "dtstart",
        datetime.combine(schedule.first_day, schedule.start_time).replace(tzinfo=zone),
    )
    event.add("duration", timedelta(minutes=schedule.duration_minutes))
    event.add("rrule", vRecur.from_ical(schedule.rule))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
