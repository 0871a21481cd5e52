"""Renewal reminders and the weekly summary: which are due, and sending each exactly once.

**Which reminder is due.** A license has reminder days (default 180, 90, 30 and 7 days before
its deadline). On a given day, the due reminder is the most recent reminder date that has come:
the smallest reminder day at or above the days left. One that the worker missed (it was down) is
therefore sent when it runs again, as long as the deadline has not passed; only the most recent
missed one, never a backlog. It is sent only while something is missing: the verdict is not
compliant, conditions are not attested, or Lifelong cannot check the license.

**Exactly once.** Before anything is sent, a ``ReminderDelivery`` row is inserted for (license,
deadline, days before, channel); the unique constraint lets one insert win, so two workers (or a
second run) never send the same reminder twice. The in-app notification is written in the same
transaction as its row. An email is sent after the row is committed, then marked sent; if the
mail server refuses it, it is marked failed and tried again on later runs (at most
``MAX_ATTEMPTS`` times). If a worker dies between the insert and the send, the email is not
retried: a missed reminder is better than a duplicate.

The weekly summary works the same way, with one ``WeeklySummaryDelivery`` per user and ISO week.
"""

from __future__ import annotations

import logging
import re
import smtplib
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from lifelong.accounts.models import EmailKind, EmailPreferences, User
from lifelong.core import notifications
from lifelong.core.mail import absolute_url, subscription_email
from lifelong.credits.models import PlannedActivity
from lifelong.licensure.describe import long_date
from lifelong.licensure.models import (
    DeliveryStatus,
    License,
    ReminderDelivery,
    WeeklySummaryDelivery,
)
from lifelong.licensure.services import LicenseStatus, rules_activities, status_for, user_rulesets

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LATEST_REMINDER_DAY = 1095  # three years: the longest renewal cycles
MAX_REMINDER_DAYS = 12
SEND_ERRORS = (smtplib.SMTPException, OSError)

# --------------------------------------------------------------------------------------------
# Pure rules: reminder days and which one is due
# --------------------------------------------------------------------------------------------


def due_reminder_day(days_left: int, reminder_days: Iterable[int]) -> int | None:
    """The reminder due when ``days_left`` days remain before the deadline, or None.

    The most recent reminder date that has come: the smallest reminder day at or above
    ``days_left``. None before the first reminder date and after the deadline.
    """
    if days_left < 0:
        return None
    reached = [days for days in reminder_days if days >= days_left]
    return min(reached) if reached else None


def reminder_dates(deadline: date, reminder_days: Iterable[int]) -> list[tuple[int, date]]:
    """Each reminder day with its date, the earliest date first."""
    return [(days, deadline - timedelta(days=days)) for days in sorted(set(reminder_days))[::-1]]


def parse_reminder_days(text: str) -> list[int]:
    """``"180, 90, 30, 7"`` -> ``[180, 90, 30, 7]``: whole days, largest first, no repeats.

    An empty text means no reminders. Raises ValueError saying what is wrong.
    """
    entries = [entry for entry in re.split(r"[\s,;]+", text.strip()) if entry]
    days: set[int] = set()
    for entry in entries:
        if not entry.isdigit():
            raise ValueError(
                f"“{entry[:20]}” is not a number of days. Write whole numbers separated by "
                "commas, e.g. 180, 90, 30, 7."
            )
        value = int(entry)
        if value > LATEST_REMINDER_DAY:
            raise ValueError(
                f"{value} days is more than {LATEST_REMINDER_DAY} days (three years) ahead."
            )
        days.add(value)
    if len(days) > MAX_REMINDER_DAYS:
        raise ValueError(f"Choose at most {MAX_REMINDER_DAYS} reminder days.")
    return sorted(days, reverse=True)


def format_reminder_days(days: Sequence[int]) -> str:
    return ", ".join(str(day) for day in days)


def local_today(user: User, now: datetime) -> date:
    """The date in the user's time zone (UTC when it is unknown)."""
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return now.astimezone(zone).date()


# --------------------------------------------------------------------------------------------
# What a reminder or a summary says about a license
# --------------------------------------------------------------------------------------------


def needs_attention(status: LicenseStatus) -> bool:
    """Something is missing: hours, an unattested condition, or a verdict at all."""
    return status.verdict is None or not status.compliant or bool(status.conditions_to_attest)


def missing_items(status: LicenseStatus) -> list[str]:
    """What is missing for the current cycle, in plain words."""
    if status.verdict is None:
        return [f"Lifelong cannot check this license: {status.error}"]
    items = [
        f"{result.title}: {format_hours(result.deficit_hours)} h missing "
        f"({format_hours(result.counted_hours)} of {format_hours(result.required_hours)} h counted)"
        for result in status.verdict.unmet
    ]
    items.extend(
        f"Not yet confirmed: {condition.title}" for condition in status.conditions_to_attest
    )
    return items


def next_steps(status: LicenseStatus) -> list[str]:
    if status.verdict is None:
        return ["Check the license's rule set on its page in Lifelong."]
    steps = list(status.verdict.next_steps)
    if status.conditions_to_attest:
        steps.append(
            "When you meet a renewal condition, tick it on the license's edit page so that "
            "Lifelong stops reminding you."
        )
    return steps


def format_hours(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def days_left_phrase(days_left: int) -> str:
    if days_left == 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    if days_left < 0:
        return f"{-days_left} days ago"
    return f"in {days_left} days"


@dataclass(frozen=True)
class LicenseSummary:
    """One license as the emails show it."""

    name: str
    deadline: date
    deadline_text: str
    days_left: int
    days_left_text: str
    compliant: bool
    missing: list[str]
    steps: list[str]
    url: str

    @classmethod
    def of(cls, status: LicenseStatus) -> LicenseSummary:
        license = status.license
        return cls(
            name=str(license),
            deadline=license.expires_on,
            deadline_text=long_date(license.expires_on),
            days_left=status.days_left,
            days_left_text=days_left_phrase(status.days_left),
            compliant=not needs_attention(status),
            missing=missing_items(status) if needs_attention(status) else [],
            steps=next_steps(status) if needs_attention(status) else [],
            url=absolute_url(license.get_absolute_url()),
        )


# --------------------------------------------------------------------------------------------
# Reminders: finding the due ones, delivering each once
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    """A reminder to deliver now on ``channels`` (for a license where something is missing)."""

    license: License
    status: LicenseStatus
    days_before: int
    channels: tuple[str, ...]

    @property
    def deadline(self) -> date:
        return self.license.expires_on

    @property
    def dedupe_key(self) -> str:
        return f"reminder:{self.license.pk}:{self.deadline.isoformat()}:{self.days_before}"


@dataclass
class DeliveryReport:
    """What a run did: ``due`` reminders or summaries found, and what was sent."""

    due: int = 0
    notified: int = 0
    emailed: int = 0
    failed: int = 0
    skipped: int = 0
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "notified": self.notified,
            "emailed": self.emailed,
            "failed": self.failed,
            "skipped": self.skipped,
        }


def _wanted_channels(user: User) -> tuple[str, ...]:
    preferences = EmailPreferences.for_user(user)
    if user.email and preferences.wants(EmailKind.REMINDERS):
        return (ReminderDelivery.IN_APP, ReminderDelivery.EMAIL)
    return (ReminderDelivery.IN_APP,)


def find_due_reminders(now: datetime | None = None) -> list[DueReminder]:
    """The reminders to deliver now (reads only; nothing is claimed).

    Two queries to find the licenses with a reminder day reached and not yet delivered, then
    the engine runs only for their owners (two queries per owner).
    """
    now = now or timezone.now()
    licenses = (
        License.objects.filter(expires_on__gte=now.date() - timedelta(days=1), user__is_active=True)
        .select_related("user", "user__email_preferences")
        .order_by("user_id", "pk")
    )
    candidates: list[tuple[License, date, int, tuple[str, ...]]] = []
    for license in licenses:
        today = local_today(license.user, now)
        days_before = due_reminder_day((license.expires_on - today).days, license.reminder_days)
        if days_before is not None:
            candidates.append((license, today, days_before, _wanted_channels(license.user)))
    if not candidates:
        return []
    done = _delivered_channels([license.pk for license, *_ in candidates])
    by_user: dict[int, list[tuple[License, date, int, tuple[str, ...]]]] = {}
    for license, today, days_before, channels in candidates:
        key = (license.pk, license.expires_on, days_before)
        open_channels = tuple(channel for channel in channels if channel not in done.get(key, ()))
        if open_channels:
            by_user.setdefault(license.user_id, []).append(
                (license, today, days_before, open_channels)
            )
    due: list[DueReminder] = []
    for entries in by_user.values():
        owner = entries[0][0].user
        activities = rules_activities(owner)
        custom = user_rulesets(owner)
        for license, today, days_before, channels in entries:
            status = status_for(license, activities, custom, today, owner.birth_month)
            if needs_attention(status):
                due.append(DueReminder(license, status, days_before, channels))
    return due


def _delivered_channels(license_ids: list[int]) -> dict[tuple[int, date, int], set[str]]:
    """Channels already delivered (or being delivered) per (license, deadline, days before).

    A failed email that may be tried again does not count as delivered.
    """
    rows = (
        ReminderDelivery.objects.filter(license_id__in=license_ids)
        .exclude(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        .values_list("license_id", "deadline", "days_before", "channel")
    )
    done: dict[tuple[int, date, int], set[str]] = {}
    for license_id, deadline, days_before, channel in rows:
        done.setdefault((license_id, deadline, days_before), set()).add(channel)
    return done


def _claim_reminder(due: DueReminder, channel: str) -> ReminderDelivery | None:
    """Insert the delivery row for ``channel`` (or take back a failed email); None when
    another run has it."""
    key = {
        "license": due.license,
        "deadline": due.deadline,
        "days_before": due.days_before,
        "channel": channel,
    }
    try:
        with transaction.atomic():
            return ReminderDelivery.objects.create(**key)
    except IntegrityError:
        pass
    retried = ReminderDelivery.objects.filter(
        **key, status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS
    ).update(status=DeliveryStatus.PENDING, attempts=F("attempts") + 1)
    return ReminderDelivery.objects.filter(**key).first() if retried else None


def deliver_reminder(due: DueReminder, report: DeliveryReport | None = None) -> DeliveryReport:
    """Deliver one due reminder on the channels this run can claim."""
    report = report or DeliveryReport()
    with transaction.atomic():
        # PostgreSQL: skip a license another worker is delivering right now. SQLite takes the
        # write lock when the transaction begins (IMMEDIATE), so workers queue here instead.
        locked = License.objects.select_for_update(skip_locked=True).filter(pk=due.license.pk)
        if not locked.values_list("pk", flat=True):
            report.skipped += 1
            return report
        claimed = {
            channel: delivery
            for channel in due.channels
            if (delivery := _claim_reminder(due, channel)) is not None
        }
        in_app = claimed.get(ReminderDelivery.IN_APP)
        if in_app is not None:
            notifications.notify(due.license.user_id, reminder_notification(due))
            _mark_sent(in_app)
            report.notified += 1
    if not claimed:
        report.skipped += 1
    email = claimed.get(ReminderDelivery.EMAIL)
    if email is not None:
        if _send(reminder_email(due), email):
            report.emailed += 1
        else:
            report.failed += 1
    return report


def send_due_reminders(now: datetime | None = None, *, dry_run: bool = False) -> DeliveryReport:
    """Deliver every due reminder (or, with ``dry_run``, only list them)."""
    report = DeliveryReport()
    for due in find_due_reminders(now):
        report.due += 1
        report.details.append(
            f"{due.license.user.email}: {due.license} — {due.days_before}-day reminder for "
            f"{due.deadline.isoformat()} ({', '.join(due.channels)})"
        )
        if not dry_run:
            try:
                deliver_reminder(due, report)
            except Exception:
                logger.exception("Could not deliver the reminder %s", due.dedupe_key)
                report.failed += 1
    return report


def _mark_sent(delivery: ReminderDelivery | WeeklySummaryDelivery) -> None:
    type(delivery).objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )


def _send(message: Any, delivery: ReminderDelivery | WeeklySummaryDelivery) -> bool:
    """Send after the claim is committed; record the outcome on the delivery row."""
    try:
        message.send()
    except SEND_ERRORS as error:
        logger.warning("Could not send %s: %s", delivery, error)
        type(delivery).objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=str(error)[:1000]
        )
        return False
    _mark_sent(delivery)
    return True


def reminder_notification(due: DueReminder) -> notifications.NewNotification:
    summary = LicenseSummary.of(due.status)
    body_lines = [f"Renewal deadline {summary.deadline_text} ({summary.days_left_text})."]
    body_lines.extend(f"• {item}" for item in summary.missing)
    return notifications.NewNotification(
        kind="reminder",
        title=f"{summary.name}: renewal {summary.days_left_text}, something is still missing",
        body="\n".join(body_lines),
        url=reverse("licensure:dashboard"),
        dedupe_key=due.dedupe_key,
    )


def reminder_email(due: DueReminder) -> Any:
    summary = LicenseSummary.of(due.status)
    user = due.license.user
    return subscription_email(
        user,
        EmailKind.REMINDERS,
        f"{summary.name}: renewal deadline {summary.days_left_text} ({summary.deadline_text})",
        "reminder",
        {
            "license": summary,
            "days_before": due.days_before,
            "dashboard_url": absolute_url(reverse("licensure:dashboard")),
            "reminder_settings_url": summary.url + "#reminders",
        },
    )


# --------------------------------------------------------------------------------------------
# The weekly summary
# --------------------------------------------------------------------------------------------


def summary_slot_offset() -> timedelta:
    """When in the week the summary goes out (from Monday 00:00 UTC), from the settings."""
    weekday = min(max(settings.LIFELONG_WEEKLY_SUMMARY_WEEKDAY, 1), 7)
    hour = min(max(settings.LIFELONG_WEEKLY_SUMMARY_HOUR, 0), 23)
    return timedelta(days=weekday - 1, hours=hour)


def summary_week(now: datetime) -> str:
    """The ISO week (``2026-W24``) whose summary is due: the week of the latest slot passed."""
    slot_time = now.astimezone(zoneinfo.ZoneInfo("UTC")) - summary_slot_offset()
    year, week, _ = slot_time.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class PlannedItem:
    title: str
    provider: str
    planned_on: date
    hours: str


@dataclass(frozen=True)
class WeeklySummary:
    user: User
    week: str
    licenses: list[LicenseSummary]
    plans: list[PlannedItem]

    @property
    def attention_count(self) -> int:
        return sum(not license.compliant for license in self.licenses)


def weekly_summary(user: User, week: str, now: datetime) -> WeeklySummary:
    """The summary's content for ``user``: three queries for the licenses, one for plans."""
    today = local_today(user, now)
    activities = rules_activities(user)
    custom = user_rulesets(user)
    statuses = [
        status_for(license, activities, custom, today, user.birth_month)
        for license in License.objects.for_user(user)
    ]
    plans = [
        PlannedItem(plan.title, plan.provider, plan.planned_on, format_hours(float(plan.hours)))
        for plan in PlannedActivity.objects.for_user(user).upcoming(today)[:10]
    ]
    return WeeklySummary(user, week, [LicenseSummary.of(status) for status in statuses], plans)


def _summary_recipients(week: str) -> list[User]:
    """Active users with a license who want the summary and have none for ``week`` yet."""
    done = WeeklySummaryDelivery.objects.filter(week=week).exclude(
        status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS
    )
    return list(
        User.objects.filter(is_active=True, licenses__isnull=False)
        .exclude(email="")
        .exclude(email_preferences__weekly_summary=False)
        .exclude(pk__in=done.values("user_id"))
        .distinct()
        .order_by("pk")
    )


def _claim_summary(user: User, week: str) -> WeeklySummaryDelivery | None:
    try:
        with transaction.atomic():
            return WeeklySummaryDelivery.objects.create(user=user, week=week)
    except IntegrityError:
        pass
    retried = WeeklySummaryDelivery.objects.filter(
        user=user, week=week, status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS
    ).update(status=DeliveryStatus.PENDING, attempts=F("attempts") + 1)
    return WeeklySummaryDelivery.objects.filter(user=user, week=week).first() if retried else None


def send_weekly_summary(user: User, week: str, now: datetime) -> bool | None:
    """Send ``user`` the summary of ``week`` once: True sent, False failed, None not claimed."""
    delivery = _claim_summary(user, week)
    if delivery is None:
        return None
    summary = weekly_summary(user, week, now)
    message = subscription_email(
        user,
        EmailKind.WEEKLY_SUMMARY,
        _summary_subject(summary),
        "weekly_summary",
        {
            "summary": summary,
            "dashboard_url": absolute_url(reverse("licensure:dashboard")),
            "plans_url": plans_url(),
        },
    )
    return _send(message, delivery)


def _summary_subject(summary: WeeklySummary) -> str:
    count = summary.attention_count
    if count == 0:
        return f"Your week in CE ({summary.week}): every license on track"
    noun = "license needs" if count == 1 else "licenses need"
    return f"Your week in CE ({summary.week}): {count} {noun} attention"


def plans_url() -> str:
    """The planning page when it exists, else the activities page."""
    for name in ("credits:plan_list", "credits:activity_list"):
        try:
            return absolute_url(reverse(name))
        except NoReverseMatch:
            continue
    return absolute_url("/")


def send_weekly_summaries(
    now: datetime | None = None, *, week: str | None = None, dry_run: bool = False
) -> DeliveryReport:
    """Send this week's summary to everyone who wants it and has not had it."""
    now = now or timezone.now()
    week = week or summary_week(now)
    report = DeliveryReport()
    for user in _summary_recipients(week):
        report.due += 1
        report.details.append(f"{user.email}: weekly summary {week}")
        if dry_run:
            continue
        try:
            outcome = send_weekly_summary(user, week, now)
        except Exception:
            logger.exception("Could not send the weekly summary %s to user %s", week, user.pk)
            report.failed += 1
            continue
        if outcome is None:
            report.skipped += 1
        elif outcome:
            report.emailed += 1
        else:
            report.failed += 1
    return report


def reminder_schedule(license: License) -> list[tuple[int, date]]:
    """The license's reminder days with their dates for the current deadline."""
    return reminder_dates(license.expires_on, license.reminder_days)
