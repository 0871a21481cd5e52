"""``lifelong manage send_reminders [--dry-run] [--weekly-summaries]``, for cron users."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import time_machine
from django.core import mail
from django.core.management import call_command

from lifelong.accounts.models import User
from lifelong.licensure.models import ReminderDelivery, WeeklySummaryDelivery
from tests.licensure.factories import make_license

THIRTY_DAYS_BEFORE = datetime(2027, 1, 1, 19, tzinfo=UTC)


def run(*args: str) -> str:
    out = StringIO()
    with time_machine.travel(THIRTY_DAYS_BEFORE, tick=False):
        call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_dry_run_lists_the_due_reminders_and_sends_nothing(owner: User) -> None:
    make_license(owner, label="Texas LPC")

    output = run("--dry-run", "--weekly-summaries")

    assert "owner@example.org: Texas LPC — 30-day reminder for 2027-01-31" in output
    assert "Reminders: 1 due (dry run: nothing was sent)." in output
    assert "owner@example.org: weekly summary 2026-W53" in output
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()
    assert not WeeklySummaryDelivery.objects.exists()


def test_it_sends_once_however_often_cron_runs_it(owner: User) -> None:
    make_license(owner, label="Texas LPC")

    first = run()
    second = run()

    assert "Reminders: 1 due; 1 in-app notifications and 1 emails sent." in first
    assert "Reminders: 0 due" in second
    assert len(mail.outbox) == 1


def test_weekly_summaries_go_out_only_when_asked(owner: User) -> None:
    make_license(owner)

    run()
    assert not WeeklySummaryDelivery.objects.exists()

    output = run("--weekly-summaries")
    assert "Weekly summaries: 1 due; 1 emails sent." in output
