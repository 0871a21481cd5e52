"""Early-warning rules: the pure rules, and the app delivering them once (in-app, and by email
only when chosen), with time travel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from lifelong.accounts.models import EmailKind, EmailPreferences, User
from lifelong.core.models import Notification
from lifelong.wellbeing import alerts, services
from lifelong.wellbeing.models import WellbeingSettings, WorkloadWeek
from tests.wellbeing.conftest import add_leave, check_in, take_proqol

TODAY = date(2026, 3, 2)


def fact(result_id: int, band: str | None, day: date) -> alerts.ResultFact:
    return alerts.ResultFact(
        result_id, "proqol-5", "ProQOL 5", day, {"burnout": ("Burnout", 42.0, band)}
    )


def test_entering_the_high_band_warns_once_per_result() -> None:
    first = alerts.find_alerts(
        alerts.AlertInputs(
            TODAY, results=[fact(1, "moderate", TODAY - timedelta(30)), fact(2, "high", TODAY)]
        )
    )
    staying = alerts.find_alerts(
        alerts.AlertInputs(
            TODAY, results=[fact(1, "high", TODAY - timedelta(30)), fact(2, "high", TODAY)]
        )
    )
    leaving = alerts.find_alerts(
        alerts.AlertInputs(
            TODAY, results=[fact(1, "high", TODAY - timedelta(30)), fact(2, "moderate", TODAY)]
        )
    )

    assert [(a.kind, a.dedupe_key) for a in first] == [("high-band", "wellbeing:high:2")]
    assert "Burnout: 42 (high)" in first[0].body
    assert "not a diagnosis" in first[0].body
    assert staying == []
    assert leaving == []


def _checkins(*scores: float, step: int = 7) -> list[alerts.CheckInFact]:
    return [
        alerts.CheckInFact(
            index + 1, TODAY - timedelta(days=step * (len(scores) - 1 - index)), score
        )
        for index, score in enumerate(scores)
    ]


@pytest.mark.parametrize(
    ("scores", "warns"),
    [
        ((80, 70, 60), True),  # falling 20 points over three check-ins
        ((80, 75, 70), False),  # falling, but only 10 points
        ((80, 60, 65), False),  # not each lower than the one before
        ((90, 80, 70, 60), True),  # the last three count
        ((80, 60), False),  # two check-ins are not a trend
    ],
)
def test_a_sustained_rise_in_strain_across_check_ins(
    scores: tuple[float, ...], warns: bool
) -> None:
    found = alerts.find_alerts(alerts.AlertInputs(TODAY, checkins=_checkins(*scores)))
    assert [a.kind for a in found] == (["rising-strain"] if warns else [])


def test_a_rise_spread_over_more_than_eight_weeks_is_not_a_warning() -> None:
    found = alerts.find_alerts(alerts.AlertInputs(TODAY, checkins=_checkins(80, 70, 60, step=30)))
    assert found == []


def test_no_time_off_for_the_users_own_stretch_unless_some_is_planned_soon() -> None:
    ended = TODAY - timedelta(days=90)
    base = alerts.AlertInputs(TODAY, last_leave_ended=ended, leave_warning_days=90)

    assert [a.dedupe_key for a in alerts.find_alerts(base)] == [f"wellbeing:leave:{ended}"]
    shorter = alerts.AlertInputs(
        TODAY, last_leave_ended=ended + timedelta(1), leave_warning_days=90
    )
    assert alerts.find_alerts(shorter) == []
    planned = alerts.AlertInputs(
        TODAY,
        last_leave_ended=ended,
        leave_warning_days=90,
        next_leave_starts=TODAY + timedelta(30),
    )
    assert alerts.find_alerts(planned) == []
    off = alerts.AlertInputs(TODAY, last_leave_ended=ended, leave_warning_days=None)
    assert alerts.find_alerts(off) == []


def test_workload_above_the_users_own_limit() -> None:
    week = alerts.WeekFact(date(2026, 2, 23), sessions=31, hours=38.5)

    over = alerts.find_alerts(
        alerts.AlertInputs(TODAY, weeks=[week], session_limit=30, hours_limit=40)
    )
    within = alerts.find_alerts(
        alerts.AlertInputs(TODAY, weeks=[week], session_limit=31, hours_limit=40)
    )
    no_limit = alerts.find_alerts(alerts.AlertInputs(TODAY, weeks=[week]))

    assert [a.details for a in over] == [("31 sessions (your limit: 30)",)]
    assert within == []
    assert no_limit == []


# -- delivered by the app --------------------------------------------------------------------------


def wellbeing_notifications(user: User) -> list[Notification]:
    return list(Notification.objects.for_user(user).filter(kind="wellbeing").order_by("pk"))


@pytest.mark.django_db(transaction=True)
def test_a_high_burnout_result_notifies_in_app_and_emails_only_when_chosen(owner: User) -> None:
    with time_machine.travel("2026-01-05 18:00Z", tick=False):
        take_proqol(owner, date(2026, 1, 5), burnout_answer=3)  # 30: moderate
    with time_machine.travel("2026-02-04 18:00Z", tick=False):
        take_proqol(owner, date(2026, 2, 4), burnout_answer=5)  # 50: high

    notes = wellbeing_notifications(owner)
    assert [n.title for n in notes] == ["Your ProQOL 5 shows a high score"]
    assert notes[0].url == "/wellbeing/support/"
    assert mail.outbox == []  # well-being emails are off unless chosen

    EmailPreferences.set_wanted(owner, EmailKind.WELLBEING, True)
    with time_machine.travel("2026-03-06 18:00Z", tick=False):
        take_proqol(owner, date(2026, 3, 6), burnout_answer=3)
        take_proqol(owner, date(2026, 3, 6), burnout_answer=5)

    assert len(wellbeing_notifications(owner)) == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.endswith("A note from Lifelong")  # the subject never says more
    assert "burnout" not in message.subject.lower()
    assert "988" in str(message.body)
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


@pytest.mark.django_db
def test_three_falling_check_ins_warn_once(owner: User) -> None:
    for offset, value in ((0, 5), (7, 4), (14, 3)):
        with time_machine.travel(date(2026, 1, 5) + timedelta(days=offset), tick=False):
            check_in(owner, date(2026, 1, 5) + timedelta(days=offset), value)
    with time_machine.travel(date(2026, 1, 20), tick=False):
        services.deliver_alerts(owner)  # the daily job runs again: nothing new

    assert [n.title for n in wellbeing_notifications(owner)] == [
        "Your last check-ins have each been a little harder"
    ]


@pytest.mark.django_db
def test_the_daily_job_reminds_of_due_checks_and_warns_of_a_long_stretch(owner: User) -> None:
    with time_machine.travel("2026-01-05 18:00Z", tick=False):
        check_in(owner, date(2026, 1, 5), 4)
        add_leave(owner, ends_on=date(2025, 12, 31))
        assert services.run_daily() == {"users": 1, "reminders": 0, "warnings": 0}

    with time_machine.travel("2026-01-12 18:00Z", tick=False):  # a week later: check-in due
        counts = services.run_daily()
        assert counts == {"users": 1, "reminders": 1, "warnings": 0}
        assert services.run_daily()["reminders"] == 0  # once per due date

    with time_machine.travel("2026-03-31 18:00Z", tick=False):  # 90 days since the time off
        counts = services.run_daily()
    titles = [n.title for n in wellbeing_notifications(owner)]
    assert counts["warnings"] == 1
    assert "It has been 90 days since your last time off" in titles
    # Still due since 01-12: reminded once for that due date, never again until a new check-in.
    assert titles.count("Time for your Quick check-in") == 1


@pytest.mark.django_db
def test_reminders_follow_the_users_intervals_and_can_be_off(owner: User) -> None:
    with time_machine.travel("2026-01-05 18:00Z", tick=False):
        take_proqol(owner, date(2026, 1, 5))
        check_in(owner, date(2026, 1, 5), 4)
    WellbeingSettings.objects.create(user=owner, proqol_every_days=0, checkin_every_days=14)

    with time_machine.travel("2026-02-10 18:00Z", tick=False):
        due = services.due_checks(services.gather(owner))

    # ProQOL off; the check-in due since 01-19, the CBI (never taken) due today.
    assert [(check.key, check.due_on) for check in due] == [
        ("checkin", date(2026, 1, 19)),
        ("cbi", date(2026, 2, 10)),
    ]


@pytest.mark.django_db
def test_a_week_above_the_limit_warns_from_the_workload_page(
    owner: User, owner_client: object
) -> None:
    WellbeingSettings.objects.create(user=owner, weekly_session_limit=25)
    with time_machine.travel("2026-03-04 18:00Z", tick=False):
        response = owner_client.post(  # type: ignore[attr-defined]
            "/wellbeing/workload/",
            {
                "week_of": "2026-03-04",
                "sessions": 28,
                "hours": "35",
                "cancellations": 2,
                "admin_hours": "6",
            },
        )
    assert response.status_code == 302
    week = WorkloadWeek.objects.get(user=owner)
    assert week.week_start == date(2026, 3, 2)  # the Monday
    assert [n.title for n in wellbeing_notifications(owner)] == [
        "Your workload went above the limit you set"
    ]
