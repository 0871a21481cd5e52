"""Sign-off: requests, signing, locking (models, services), the hash chain over the database
(tampering with rows directly is detected), notifications and emails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail

from lifelong.accounts.models import EmailPreferences, User
from lifelong.core.models import Notification
from lifelong.supervision import services
from lifelong.supervision.models import LogEntry, PeriodLocked, SignOffPeriod, Supervision

from .conftest import TODAY, log_weeks, make_supervision, sign

pytestmark = pytest.mark.django_db


def test_a_request_notifies_the_supervisor_in_the_app_and_by_email(
    supervision: Supervision, logged: list[LogEntry], supervisor: User
) -> None:
    period = services.request_sign_off(supervision, date(2026, 2, 10), TODAY)

    assert (period.starts_on, period.ends_on) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period.status == SignOffPeriod.Status.REQUESTED
    notification = Notification.objects.get(user=supervisor)
    assert "asks you to sign Feb 1 to Feb 28, 2026" in notification.title
    assert notification.url == f"/supervision/supervisees/{supervision.pk}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [supervisor.email]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_no_email_when_the_supervisor_turned_them_off(
    supervision: Supervision, logged: list[LogEntry], supervisor: User
) -> None:
    EmailPreferences.set_wanted(supervisor, "supervision", False)

    services.request_sign_off(supervision, date(2026, 2, 10), TODAY)

    assert mail.outbox == []
    assert Notification.objects.filter(user=supervisor).count() == 1


def test_an_empty_or_future_period_cannot_be_sent(
    supervision: Supervision, logged: list[LogEntry]
) -> None:
    with pytest.raises(services.SupervisionError, match="no hours"):
        services.request_sign_off(supervision, date(2026, 5, 3), TODAY)
    with pytest.raises(services.SupervisionError, match="not started"):
        services.request_sign_off(supervision, date(2026, 7, 3), TODAY)


def test_signing_locks_the_period_and_chains_it(
    supervision: Supervision, logged: list[LogEntry], supervisor: User, owner: User
) -> None:
    first = sign(supervision, date(2026, 1, 10), supervisor)
    second = sign(supervision, date(2026, 2, 10), supervisor)

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.hash
    assert len(second.hash) == 64
    assert first.signed_by_name == "Sam Supervisor"
    assert services.verify_history(owner).intact
    assert services.verify_history(owner).checked == 2
    assert Notification.objects.filter(user=owner, kind="supervision-signed").count() == 2


def test_entries_of_a_signed_period_cannot_change_or_go(
    supervision: Supervision, logged: list[LogEntry], supervisor: User, owner: User
) -> None:
    sign(supervision, date(2026, 1, 10), supervisor)
    january = next(entry for entry in logged if entry.worked_on.month == 1)

    january.hours = Decimal(2)
    with pytest.raises(PeriodLocked):
        january.save()
    with pytest.raises(PeriodLocked):
        january.delete()
    moved = next(entry for entry in logged if entry.worked_on.month == 2)
    moved.worked_on = date(2026, 1, 20)  # into the signed month
    with pytest.raises(PeriodLocked):
        services.save_entry(moved)
    with pytest.raises(PeriodLocked):
        services.save_entry(
            LogEntry(
                owner=owner,
                supervision=supervision,
                worked_on=date(2026, 1, 31),
                hours=Decimal(3),
                category="direct-clinical",
            )
        )
    # The period itself cannot change either.
    period = SignOffPeriod.objects.get(sequence=1)
    period.signed_by_name = "Someone else"
    with pytest.raises(PeriodLocked):
        period.save()
    with pytest.raises(PeriodLocked):
        period.delete()
    assert LogEntry.objects.get(pk=january.pk).hours == Decimal(20)


def test_an_entry_of_an_unsigned_period_can_change(
    supervision: Supervision, logged: list[LogEntry], supervisor: User
) -> None:
    sign(supervision, date(2026, 1, 10), supervisor)
    march = next(entry for entry in logged if entry.worked_on.month == 3)

    march.hours = Decimal("7.25")
    services.save_entry(march)
    services.delete_entry(march)

    assert not LogEntry.objects.filter(pk=march.pk).exists()


def test_signing_refuses_when_the_hours_changed_since_the_page_was_opened(
    supervision: Supervision, logged: list[LogEntry], supervisor: User
) -> None:
    period = services.request_sign_off(supervision, date(2026, 2, 10), TODAY)
    seen = services.fingerprint(period)
    entry = next(entry for entry in logged if entry.worked_on.month == 2)
    entry.hours = Decimal(30)
    entry.save()

    with pytest.raises(services.SupervisionError, match="changed since you opened it"):
        services.sign_period(period, supervisor, seen)

    period.refresh_from_db()
    assert period.status == SignOffPeriod.Status.REQUESTED


def test_only_the_supervisor_of_that_supervision_can_sign(
    supervision: Supervision, logged: list[LogEntry], other_supervisor: User, peer: User
) -> None:
    period = services.request_sign_off(supervision, date(2026, 2, 10), TODAY)
    for someone in (other_supervisor, peer, supervision.supervisee):
        with pytest.raises(services.SupervisionError):
            services.sign_period(period, someone, services.fingerprint(period))


def test_a_returned_period_can_be_corrected_and_sent_again(
    supervision: Supervision, logged: list[LogEntry], supervisor: User, owner: User
) -> None:
    period = services.request_sign_off(supervision, date(2026, 2, 10), TODAY)
    services.return_period(period, supervisor, "Feb 2 was 18 hours")
    period.refresh_from_db()
    assert period.status == SignOffPeriod.Status.RETURNED
    assert Notification.objects.filter(user=owner, kind="supervision-returned").exists()

    again = services.request_sign_off(supervision, date(2026, 2, 10), TODAY)

    assert again.pk == period.pk
    assert again.status == SignOffPeriod.Status.REQUESTED


def test_two_supervisions_share_one_chain(
    supervision: Supervision,
    logged: list[LogEntry],
    supervisor: User,
    other_supervisor: User,
    owner: User,
) -> None:
    second = make_supervision(owner, other_supervisor, period_kind="week")
    log_weeks(second, date(2026, 1, 5), 2)
    sign(supervision, date(2026, 1, 10), supervisor)
    weekly = sign(second, date(2026, 1, 6), other_supervisor)

    assert weekly.sequence == 2
    assert (weekly.starts_on, weekly.ends_on) == (date(2026, 1, 5), date(2026, 1, 11))
    assert services.verify_history(owner).checked == 2


# Tampering with the database directly (as someone with database access could) --------------


@pytest.fixture
def signed_history(
    supervision: Supervision, logged: list[LogEntry], supervisor: User
) -> list[SignOffPeriod]:
    return [sign(supervision, date(2026, month, 10), supervisor) for month in (1, 2, 3)]


def _broken(owner: User) -> Any:
    report = services.verify_history(owner)
    assert not report.intact
    return report.broken


def test_changed_hours_are_detected(owner: User, signed_history: list[SignOffPeriod]) -> None:
    entry = LogEntry.objects.filter(worked_on__month=2).first()
    assert entry is not None
    LogEntry.objects.filter(pk=entry.pk).update(hours=Decimal("21"))

    broken = _broken(owner)

    assert broken.sequence == 2
    assert broken.starts_on == date(2026, 2, 1)


def test_an_entry_slipped_into_a_signed_period_is_detected(
    owner: User, supervision: Supervision, signed_history: list[SignOffPeriod]
) -> None:
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                owner=owner,
                supervision=supervision,
                worked_on=date(2026, 3, 31),
                hours=Decimal(8),
                category="direct-clinical",
            )
        ]
    )

    assert _broken(owner).sequence == 3


def test_a_deleted_entry_a_moved_date_or_another_category_are_detected(
    owner: User, signed_history: list[SignOffPeriod]
) -> None:
    january = LogEntry.objects.filter(worked_on__month=1).order_by("worked_on")
    LogEntry.objects.filter(pk=january[0].pk).update(category="non-clinical")
    assert _broken(owner).sequence == 1


def test_a_deleted_signed_period_is_detected(
    owner: User, signed_history: list[SignOffPeriod]
) -> None:
    SignOffPeriod.objects.filter(pk=signed_history[1].pk).delete()

    broken = _broken(owner)

    assert broken.sequence == 3
    assert "missing" in broken.reason


def test_a_rewritten_signature_is_detected(
    owner: User, signed_history: list[SignOffPeriod]
) -> None:
    SignOffPeriod.objects.filter(pk=signed_history[0].pk).update(signed_by_name="Forger")

    assert _broken(owner).sequence == 1


def test_the_history_page_and_the_cli_report_the_first_broken_link(
    owner: User, owner_client: Any, signed_history: list[SignOffPeriod]
) -> None:
    from typer.testing import CliRunner

    from lifelong.cli import app

    assert "Intact" in owner_client.get("/supervision/history/").content.decode()
    runner = CliRunner()
    ok = runner.invoke(app, ["supervision", "verify", owner.email])
    assert ok.exit_code == 0, ok.output
    assert "3 signed periods, intact" in ok.output

    LogEntry.objects.filter(worked_on__month=2).update(hours=Decimal(1))

    page = owner_client.get("/supervision/history/").content.decode()
    assert "Changed after signing" in page
    assert "Period 2 (Feb 1 \u2013 Feb 28, 2026)" in page
    failed = runner.invoke(app, ["supervision", "verify", owner.email])
    assert failed.exit_code == 1
    assert "period 2 (2026-02-01 to 2026-02-28)" in failed.output


@time_machine.travel("2026-06-15 12:00:00+00:00", tick=False)
def test_invitations_by_email_for_new_people_and_in_the_app_for_users(
    owner: User, supervisor: User
) -> None:
    services.invite_supervisor(owner, email="new.person@example.org", started_on=date(2026, 6, 1))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    assert "Olivia Owner" in mail.outbox[0].body

    invitation = services.invite_supervisor(
        owner, email="SUPERVISOR@example.org", started_on=date(2026, 6, 1)
    )
    assert Notification.objects.filter(user=supervisor, kind="supervision-invitation").exists()
    with pytest.raises(services.SupervisionError, match="already"):
        services.invite_supervisor(owner, email="supervisor@example.org", started_on=TODAY)
    with pytest.raises(services.SupervisionError, match="yourself"):
        services.invite_supervisor(owner, email=owner.email, started_on=TODAY)

    services.respond_to_invitation(invitation, supervisor, accept=True)
    invitation.refresh_from_db()
    assert invitation.status == Supervision.Status.ACTIVE
    assert invitation.supervisor == supervisor
    with pytest.raises(services.SupervisionError, match="already answered"):
        services.respond_to_invitation(invitation, supervisor, accept=False)
