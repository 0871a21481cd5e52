"""Renewal reminders: which are due (time travel), sent once on each channel, only while
something is missing, safe when two workers run."""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection

from lifelong.accounts.models import EmailKind, EmailPreferences, User
from lifelong.core.models import Notification
from lifelong.licensure import reminders
from lifelong.licensure.models import DeliveryStatus, License, ReminderDelivery
from tests.licensure.factories import TX_EXPIRES, complete_tx_cycle, make_license

# --- the pure rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (400, None),
        (181, None),
        (180, 180),
        (179, 180),
        (91, 180),
        (90, 90),
        (31, 90),
        (30, 30),
        (8, 30),
        (7, 7),
        (1, 7),
        (0, 7),
        (-1, None),
    ],
)
def test_the_due_reminder_is_the_latest_reminder_date_reached(
    days_left: int, expected: int | None
) -> None:
    assert reminders.due_reminder_day(days_left, [180, 90, 30, 7]) == expected


def test_no_reminder_is_due_without_reminder_days() -> None:
    assert reminders.due_reminder_day(5, []) is None


def test_reminder_days_are_read_from_a_list_of_numbers() -> None:
    assert reminders.parse_reminder_days("7, 30 90;180 30") == [180, 90, 30, 7]
    assert reminders.parse_reminder_days("  ") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("30, soon", "“soon” is not a number of days"),
        ("-5", "“-5” is not a number of days"),
        ("2.5", "“2.5” is not a number of days"),
        ("2000", "2000 days is more than 1095 days"),
        (", ".join(str(day) for day in range(1, 14)), "at most 12 reminder days"),
    ],
)
def test_bad_reminder_days_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reminders.parse_reminder_days(text)


# --- scheduling with time travel ------------------------------------------------------------------


@contextmanager
def days_before(deadline: date, days: int, hour_utc: int = 19) -> Iterator[datetime]:
    """Travel to ``days`` days before ``deadline`` (19:00 UTC: noon in Los Angeles)."""
    day = deadline - timedelta(days=days)
    moment = datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        yield moment


def run_at(days: int, deadline: date = TX_EXPIRES) -> reminders.DeliveryReport:
    with days_before(deadline, days):
        return reminders.send_due_reminders()


def reminder_emails() -> list[Any]:
    return [message for message in mail.outbox if "renewal deadline" in message.subject]


@pytest.fixture
def license(owner: User) -> License:
    """A Texas LPC with nothing recorded: something is missing until the deadline."""
    return make_license(owner, label="Texas LPC")


def test_reminders_go_out_on_each_reminder_day_and_once(license: License) -> None:
    run_at(181)
    assert reminder_emails() == []
    assert not Notification.objects.exists()

    run_at(180)
    assert len(reminder_emails()) == 1
    assert Notification.objects.count() == 1

    run_at(180)  # the worker runs again the same day
    run_at(179)
    assert len(reminder_emails()) == 1
    assert Notification.objects.count() == 1

    run_at(95)
    assert len(reminder_emails()) == 1

    run_at(90)
    assert len(reminder_emails()) == 2

    run_at(30)
    run_at(7)
    run_at(0)
    run_at(-1)  # the deadline has passed: no more reminders
    assert len(reminder_emails()) == 4
    assert sorted(
        ReminderDelivery.objects.filter(channel=ReminderDelivery.EMAIL).values_list(
            "days_before", flat=True
        )
    ) == [7, 30, 90, 180]
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_no_reminder_goes_out_while_the_license_is_compliant(owner: User, license: License) -> None:
    run_at(90)
    complete_tx_cycle(owner)
    license.set_attested(license.expires_on, ["jurisprudence-exam"])
    license.save()

    report = run_at(30)

    assert report.due == 0
    assert len(reminder_emails()) == 1  # only the 90-day one, sent before
    assert not ReminderDelivery.objects.filter(days_before=30).exists()


def test_an_unattested_condition_is_something_missing(owner: User, license: License) -> None:
    complete_tx_cycle(owner)  # every hour is there, the jurisprudence exam is not confirmed

    run_at(30)

    (email,) = reminder_emails()
    assert "Not yet confirmed: Pass the jurisprudence exam" in email.body


def test_a_missed_reminder_is_sent_once_when_the_worker_runs_again(license: License) -> None:
    run_at(200)  # the worker runs, then is down for months

    report = run_at(25)  # past the 180, 90 and 30-day dates

    assert report.due == 1
    assert len(reminder_emails()) == 1
    assert set(ReminderDelivery.objects.values_list("days_before", flat=True)) == {30}
    run_at(20)
    assert len(reminder_emails()) == 1


def test_days_left_are_counted_in_the_users_time_zone(owner: User, license: License) -> None:
    """At 03:00 UTC it is still the evening before in Los Angeles: 181 days left there."""
    with days_before(TX_EXPIRES, 180, hour_utc=3):
        report = reminders.send_due_reminders()
    assert report.due == 0

    owner.time_zone = "UTC"
    owner.save()
    with days_before(TX_EXPIRES, 180, hour_utc=3):
        report = reminders.send_due_reminders()
    assert report.due == 1


def test_each_license_follows_its_own_reminder_days(owner: User, license: License) -> None:
    license.reminder_days = [60]
    license.save()
    silent = make_license(owner, "us-tx-lpc", label="Second Texas LPC", reminder_days=[])

    run_at(90)
    assert reminder_emails() == []
    run_at(60)

    assert len(reminder_emails()) == 1
    assert not ReminderDelivery.objects.filter(license=silent).exists()


def test_a_renewed_license_is_reminded_again_for_its_new_deadline(license: License) -> None:
    run_at(30)
    license.expires_on = TX_EXPIRES.replace(year=TX_EXPIRES.year + 2)
    license.save()

    run_at(30, deadline=license.expires_on)

    assert len(reminder_emails()) == 2
    assert ReminderDelivery.objects.filter(deadline=license.expires_on).count() == 2


# --- what a reminder says -------------------------------------------------------------------------


def test_the_email_says_what_is_missing_and_what_to_do(
    owner: User, license: License, settings: Any
) -> None:
    settings.LIFELONG_BASE_URL = "https://lifelong.example.org"

    run_at(90)

    (email,) = reminder_emails()
    assert email.to == ["owner@example.org"]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.subject == ("[Lifelong] Texas LPC: renewal deadline in 90 days (January 31, 2027)")
    assert "Texas LPC must be renewed by January 31, 2027 (in 90 days)" in email.body
    assert "Total CE hours: 24 h missing (0 of 24 h counted)" in email.body
    assert "Ethics: 6 h missing" in email.body
    assert "Next steps:" in email.body
    assert "https://lifelong.example.org/dashboard/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<li>Ethics: 6 h missing (0 of 6 h counted)</li>" in html
    assert 'href="https://lifelong.example.org/dashboard/"' in html
    assert "LPC-" not in email.body  # never the license number


def test_the_in_app_notification_links_to_the_dashboard(owner: User, license: License) -> None:
    run_at(7)

    notification = Notification.objects.get()
    assert notification.user == owner
    assert notification.kind == "reminder"
    assert notification.title == "Texas LPC: renewal in 7 days, something is still missing"
    assert "Total CE hours: 24 h missing" in notification.body
    assert notification.url == "/dashboard/"
    assert notification.dedupe_key == f"reminder:{license.pk}:2027-01-31:7"
    owner.refresh_from_db()
    assert owner.unread_notification_count == 1


def test_without_reminder_emails_the_notification_still_comes(
    owner: User, license: License
) -> None:
    EmailPreferences.set_wanted(owner, EmailKind.REMINDERS, False)

    run_at(30)

    assert reminder_emails() == []
    assert Notification.objects.count() == 1
    assert list(ReminderDelivery.objects.values_list("channel", flat=True)) == ["in-app"]


def test_a_license_whose_rule_set_is_gone_is_still_reminded(owner: User) -> None:
    make_license(owner, "gone-ruleset", label="Old license")

    run_at(30)

    (email,) = reminder_emails()
    assert "Lifelong cannot check this license" in email.body


def test_inactive_users_get_no_reminders(owner: User, license: License) -> None:
    owner.is_active = False
    owner.save()

    assert run_at(30).due == 0


def test_a_dry_run_sends_and_records_nothing(license: License) -> None:
    with days_before(TX_EXPIRES, 30):
        report = reminders.send_due_reminders(dry_run=True)

    assert report.due == 1
    assert "owner@example.org: Texas LPC — 30-day reminder for 2027-01-31" in report.details[0]
    assert reminder_emails() == []
    assert not ReminderDelivery.objects.exists()
    assert not Notification.objects.exists()


# --- exactly once ---------------------------------------------------------------------------------


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(license: License) -> None:
    """Two workers found the same due reminder; the second one's insert fails: nothing sent."""
    with days_before(TX_EXPIRES, 90):
        seen_by_first = reminders.find_due_reminders()
        seen_by_second = reminders.find_due_reminders()
        assert len(seen_by_first) == len(seen_by_second) == 1

        first = reminders.deliver_reminder(seen_by_first[0])
        second = reminders.deliver_reminder(seen_by_second[0])

    assert (first.emailed, first.notified) == (1, 1)
    assert (second.emailed, second.notified, second.skipped) == (0, 0, 1)
    assert len(reminder_emails()) == 1
    assert Notification.objects.count() == 1


def test_a_reminder_whose_email_is_being_sent_is_not_sent_twice(license: License) -> None:
    """A worker inserted the email row and is sending it (or died doing so): never resent."""
    ReminderDelivery.objects.create(
        license=license, deadline=TX_EXPIRES, days_before=90, channel=ReminderDelivery.EMAIL
    )

    run_at(90)
    run_at(89)

    assert reminder_emails() == []
    assert Notification.objects.count() == 1  # the in-app channel was still free


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email(owner: User, license: License) -> None:
    """Two threads, each with its own database connection, deliver at the same moment."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take two writers at once")
    barrier = threading.Barrier(2)
    reports: list[reminders.DeliveryReport] = []
    errors: list[BaseException] = []

    def worker(due: reminders.DueReminder) -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(reminders.deliver_reminder(due))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with days_before(TX_EXPIRES, 90):
        found = [reminders.find_due_reminders()[0], reminders.find_due_reminders()[0]]
        threads = [threading.Thread(target=worker, args=(due,)) for due in found]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert sum(report.emailed for report in reports) == 1
    assert sum(report.notified for report in reports) == 1
    assert len(reminder_emails()) == 1
    assert Notification.objects.count() == 1


def test_an_email_the_server_refused_is_tried_again_later(
    license: License, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def refuse(self: EmailBackend, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    report = run_at(90)
    assert (report.failed, report.notified, report.emailed) == (1, 1, 0)
    failed = ReminderDelivery.objects.get(channel=ReminderDelivery.EMAIL)
    assert failed.status == DeliveryStatus.FAILED
    assert "Connection unexpectedly closed" in failed.error

    monkeypatch.setattr(EmailBackend, "send_messages", original)
    report = run_at(89)

    assert (report.emailed, report.notified) == (1, 0)
    assert len(reminder_emails()) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (DeliveryStatus.SENT, 2, "")
    assert Notification.objects.count() == 1


def test_an_email_refused_three_times_is_given_up(
    license: License, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self: EmailBackend, messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"owner@example.org": (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    for days in (90, 89, 88, 87, 86):
        run_at(days)

    delivery = ReminderDelivery.objects.get(channel=ReminderDelivery.EMAIL)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)


def test_finding_due_reminders_takes_a_fixed_number_of_queries(
    owner: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(6):
        make_license(owner, label=f"License {number}")

    with days_before(TX_EXPIRES, 30), django_assert_max_num_queries(4):
        due = reminders.find_due_reminders()

    assert len(due) == 6
