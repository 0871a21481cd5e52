"""A user's calendar: renewal deadlines, reminder dates and planned activities as an .ics file.

The same file is served by the private feed URL, the signed-in download and ``lifelong calendar
export``. Event UIDs are built from what the event is (the license and its deadline, the
reminder day, the plan), so that calendar apps update an event rather than add a copy.
Event texts name a license by its label only, never its number: calendar services keep them.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.core.ics import CalendarEvent, build_calendar
from lifelong.core.mail import absolute_url
from lifelong.credits.models import PlannedActivity
from lifelong.licensure.describe import long_date
from lifelong.licensure.models import License
from lifelong.licensure.reminders import format_hours, local_today, plans_url, reminder_dates

DEADLINE_ALARMS = (7, 1)
CALENDAR_NAME = "Lifelong: renewals and CE plans"


def _uid_host() -> str:
    return urlsplit(settings.LIFELONG_BASE_URL).hostname or "lifelong.invalid"


def license_events(license: License, host: str) -> list[CalendarEvent]:
    """The renewal deadline (with alarms) and each reminder date of one license."""
    name = str(license)
    deadline = license.expires_on
    url = absolute_url(license.get_absolute_url())
    events = [
        CalendarEvent(
            uid=f"license-{license.pk}-deadline-{deadline:%Y%m%d}@{host}",
            day=deadline,
            summary=f"{name}: renewal deadline",
            description=(
                f"The renewal deadline of {name}. Lifelong shows what is still missing for "
                f"this cycle: {url}"
            ),
            url=url,
            category="Renewal deadline",
            alarm_days_before=DEADLINE_ALARMS,
        )
    ]
    for days, day in reminder_dates(deadline, license.reminder_days):
        events.append(
            CalendarEvent(
                uid=f"license-{license.pk}-reminder-{deadline:%Y%m%d}-{days}d@{host}",
                day=day,
                summary=f"{name}: renewal in {days} days",
                description=(
                    f"{days} days before the renewal deadline of {name} "
                    f"({long_date(deadline)}). Lifelong sends a reminder today if something is "
                    f"still missing: {url}"
                ),
                url=url,
                category="Renewal reminder",
            )
        )
    return events


def plan_event(plan: PlannedActivity, host: str, plans_link: str) -> CalendarEvent:
    details = [part for part in (plan.provider, f"{format_hours(float(plan.hours))} h") if part]
    if plan.url:
        details.append(f"Course page: {plan.url}")
    return CalendarEvent(
        uid=f"plan-{plan.pk}@{host}",
        day=plan.planned_on,
        summary=f"Planned CE: {plan.title}",
        description="\n".join([*details, f"Your plans in Lifelong: {plans_link}"]),
        url=plan.url or plans_link,
        category="Planned CE",
    )


def calendar_events(user: User, today: date) -> list[CalendarEvent]:
    """Every event of ``user``'s calendar, in two queries."""
    host = _uid_host()
    events: list[CalendarEvent] = []
    for license in License.objects.for_user(user):
        events.extend(license_events(license, host))
    link = plans_url()
    events.extend(
        plan_event(plan, host, link)
        for plan in PlannedActivity.objects.for_user(user).upcoming(today)
    )
    return events


def user_calendar(user: User, now: datetime | None = None) -> bytes:
    """``user``'s calendar as the bytes of an .ics file."""
    now = now or timezone.now()
    return build_calendar(
        calendar_events(user, local_today(user, now)),
        name=CALENDAR_NAME,
        stamp=now,
        description="Renewal deadlines, reminder dates and planned CE activities from Lifelong.",
    )


def calendar_filename(now: datetime | None = None) -> str:
    return f"lifelong-calendar-{(now or timezone.now()):%Y-%m-%d}.ics"
