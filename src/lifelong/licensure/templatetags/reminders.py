"""Template filters for reminders: a license's reminder dates and the form to change them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import template
from django.utils import timezone

from lifelong.licensure.models import License
from lifelong.licensure.reminder_views import ReminderDaysForm
from lifelong.licensure.reminder_views import reminder_form as license_reminder_form
from lifelong.licensure.reminders import reminder_dates as dates_of

register = template.Library()


@dataclass(frozen=True, slots=True)
class ReminderDate:
    days_before: int
    day: date
    passed: bool


@register.filter
def reminder_dates(license: License) -> list[ReminderDate]:
    """The license's reminder days with their dates, the earliest first; ``passed`` when the
    date is before today (in the signed-in user's time zone)."""
    today = timezone.localdate()
    return [
        ReminderDate(days, day, day < today)
        for days, day in dates_of(license.expires_on, license.reminder_days)
    ]


@register.filter
def reminder_form(license: License) -> ReminderDaysForm:
    """The reminder-days form for ``license``, filled with its current days."""
    return license_reminder_form(license)
