"""The weekly summary email: one per user and ISO week, opt-out, with each license's status."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail

from lifelong.accounts.models import EmailKind, EmailPreferences, User
from lifelong.credits.models import PlannedActivity
from lifelong.licensure import reminders
from lifelong.licensure.models import DeliveryStatus, WeeklySummaryDelivery
from tests.conftest import make_user
from tests.licensure.factories import TODAY, complete_tx_cycle, make_license

MONDAY_9AM = datetime(2026, 6, 15, 9, tzinfo=UTC)  # TODAY is a Monday in ISO week 2026-W25


def summaries() -> list[Any]:
    return [message for message in mail.outbox if "Your week in CE" in message.subject]


def send(now: datetime) -> reminders.DeliveryReport:
    with time_machine.travel(now, tick=False):
        return reminders.send_weekly_summaries()


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (datetime(2026, 6, 15, 9, tzinfo=UTC), "2026-W25"),  # Monday after the 08:00 slot
        (datetime(2026, 6, 15, 7, tzinfo=UTC), "2026-W24"),  # before it: still last week's
        (datetime(2026, 6, 21, 23, tzinfo=UTC), "2026-W25"),  # Sunday night
        (datetime(2027, 1, 4, 8, tzinfo=UTC), "2027-W01"),
        (datetime(2026, 12, 28, 12, tzinfo=UTC), "2026-W53"),
    ],
)
def test_the_summary_week_is_the_iso_week_of_the_latest_slot(now: datetime, week: str) -> None:
    assert reminders.summary_week(now) == week


def test_the_slot_follows_the_settings(settings: Any) -> None:
    settings.LIFELONG_WEEKLY_SUMMARY_WEEKDAY = 5  # Friday
    settings.LIFELONG_WEEKLY_SUMMARY_HOUR = 17
    assert reminders.summary_slot_offset() == timedelta(days=4, hours=17)
    assert reminders.summary_week(datetime(2026, 6, 19, 16, tzinfo=UTC)) == "2026-W24"
    assert reminders.summary_week(datetime(2026, 6, 19, 17, tzinfo=UTC)) == "2026-W25"


def test_one_summary_per_user_and_week(owner: User) -> None:
    make_license(owner, label="Texas LPC")

    send(MONDAY_9AM)
    send(MONDAY_9AM + timedelta(hours=1))
    send(MONDAY_9AM + timedelta(days=3))
    assert len(summaries()) == 1

    send(MONDAY_9AM + timedelta(days=7))
    assert len(summaries()) == 2
    assert sorted(WeeklySummaryDelivery.objects.values_list("week", flat=True)) == [
        "2026-W25",
        "2026-W26",
    ]


def test_the_summary_shows_each_license_with_what_is_missing(owner: User, settings: Any) -> None:
    settings.LIFELONG_BASE_URL = "https://lifelong.example.org"
    make_license(owner, label="Texas LPC")
    done = make_license(owner, label="Second Texas LPC", expires_on=date(2027, 1, 31))
    done.set_attested(done.expires_on, ["jurisprudence-exam"])
    done.save()
    complete_tx_cycle(owner)
    other = make_license(owner, label="Washington LMHC", ruleset_id="us-wa-lmhc")
    PlannedActivity.objects.create(
        user=owner,
        title="Suicide Risk Assessment Update",
        provider="PESI",
        planned_on=TODAY + timedelta(days=20),
        hours=Decimal("6"),
        format="live-online",
    )

    send(MONDAY_9AM)

    (email,) = summaries()
    assert email.subject == "[Lifelong] Your week in CE (2026-W25): 2 licenses need attention"
    body = email.body
    assert "Second Texas LPC — on track" in body
    assert "Texas LPC — needs attention" in body
    assert "Not yet confirmed: Pass the jurisprudence exam" in body
    assert f"{other} — needs attention" in body
    assert "Renewal deadline: January 31, 2027 (in 230 days)" in body
    assert "Jul 5, 2026: Suicide Risk Assessment Update (PESI), 6 h" in body
    assert "https://lifelong.example.org/dashboard/" in body
    html = email.alternatives[0][0]
    assert "Suicide Risk Assessment Update" in html
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_summary_with_every_license_on_track_says_so(owner: User) -> None:
    license = make_license(owner, label="Texas LPC")
    license.set_attested(license.expires_on, ["jurisprudence-exam"])
    license.save()
    complete_tx_cycle(owner)

    send(MONDAY_9AM)

    (email,) = summaries()
    assert email.subject == "[Lifelong] Your week in CE (2026-W25): every license on track"


def test_users_who_turned_it_off_or_have_no_license_get_none(owner: User, peer: User) -> None:
    make_license(owner)
    make_license(peer)
    EmailPreferences.set_wanted(peer, EmailKind.WEEKLY_SUMMARY, False)
    make_user("nolicense@example.org")

    report = send(MONDAY_9AM)

    assert report.due == 1
    assert [email.to for email in summaries()] == [["owner@example.org"]]


def test_a_summary_claimed_by_another_worker_is_not_sent(owner: User) -> None:
    make_license(owner)
    WeeklySummaryDelivery.objects.create(user=owner, week="2026-W25")

    assert reminders.send_weekly_summary(owner, "2026-W25", MONDAY_9AM) is None
    assert summaries() == []


def test_a_dry_run_lists_the_recipients_only(owner: User) -> None:
    make_license(owner)

    with time_machine.travel(MONDAY_9AM, tick=False):
        report = reminders.send_weekly_summaries(dry_run=True)

    assert report.details == ["owner@example.org: weekly summary 2026-W25"]
    assert summaries() == []
    assert not WeeklySummaryDelivery.objects.exists()


def test_a_failed_summary_is_retried_later_in_the_week(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    make_license(owner)
    original = EmailBackend.send_messages

    def refuse(self: EmailBackend, messages: Any) -> int:
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert send(MONDAY_9AM).failed == 1
    monkeypatch.setattr(EmailBackend, "send_messages", original)

    assert send(MONDAY_9AM + timedelta(hours=1)).emailed == 1
    delivery = WeeklySummaryDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(summaries()) == 1
