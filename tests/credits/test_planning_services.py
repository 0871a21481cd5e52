"""Planning services: plans in the engine's terms, the projection of each license (with the
same verdict as the pages), and completing a plan in one atomic, idempotent step."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection

from lifelong.accounts.models import User
from lifelong.credits import planning
from lifelong.credits.models import Activity, PlannedActivity, PlannedActivityQuerySet
from lifelong.licensure.models import License
from lifelong.licensure.services import license_statuses, relevant_activities, rules_activities
from lifelong.rules.engine import evaluate
from lifelong.rules.loader import load_catalog
from tests.licensure.factories import TODAY, add_activity, make_license, topics_from

# TODAY is 2026-06-15; the Texas LPC license of make_license expires on 2027-01-31.


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    """19:00 UTC on TODAY: noon in the owner's Los Angeles."""
    with time_machine.travel(f"{TODAY.isoformat()} 19:00:00+00:00", tick=False):
        yield


def make_plan(
    user: User, title: str, hours: float, planned_on: date, **fields: Any
) -> PlannedActivity:
    topics = fields.pop("topics", "clinical-practice")
    approvals = fields.pop("approvals", "nbcc")
    values: dict[str, Any] = {
        "provider": "Test Institute",
        "format": "in-person",
        "kind": "course",
        "topics": topics_from(topics),
        "approvals": [{"body": body, "number": ""} for body in filter(None, approvals.split(";"))],
    }
    values.update(fields)
    return PlannedActivity.objects.create(
        user=user, title=title, hours=Decimal(str(hours)), planned_on=planned_on, **values
    )


def texas_short_of_cultural_competence(user: User) -> License:
    """18 of 24 h: ethics met; 3 h of cultural competence and 6 h in total missing."""
    license = make_license(user, label="Texas LPC")
    add_activity(user, "Ethics in counseling", 6, topics="ethics")
    add_activity(user, "Trauma-focused CBT", 12, topics="trauma;clinical-practice")
    return license


def plans_closing_the_gap(user: User) -> list[PlannedActivity]:
    return [
        make_plan(user, "Cultural humility", 3, date(2026, 9, 1), topics="cultural-competence"),
        make_plan(user, "Motivational interviewing", 3, date(2026, 10, 15)),
        make_plan(user, "EMDR basics", 6, date(2026, 12, 1), topics="trauma"),
    ]


# Plans as engine activities


def test_plans_reach_the_engine_dated_on_their_planned_day(owner: User) -> None:
    plan = make_plan(
        owner, "Cultural humility", 3, date(2026, 9, 1), topics="cultural-competence=2"
    )

    (engine_plan,) = planning.rules_plans(owner)

    assert engine_plan.id == f"plan-{plan.pk}"
    assert engine_plan.completed_on == date(2026, 9, 1)
    assert engine_plan.hours == 3.0
    assert [(share.slug, share.hours) for share in engine_plan.topics] == [
        ("cultural-competence", 2.0)
    ]
    assert engine_plan == plan.to_rules()


def test_only_the_users_own_plans_are_read(owner: User, peer: User) -> None:
    make_plan(peer, "Peer plan", 3, date(2026, 9, 1))

    assert planning.rules_plans(owner) == []


def test_upcoming_plans_start_today_and_come_soonest_first(owner: User) -> None:
    later = make_plan(owner, "Later", 3, date(2026, 12, 1))
    today = make_plan(owner, "Today", 3, TODAY)
    make_plan(owner, "Overdue", 3, TODAY - timedelta(days=1))

    upcoming = PlannedActivity.objects.for_user(owner).upcoming(TODAY)

    assert isinstance(upcoming, PlannedActivityQuerySet)
    assert list(upcoming) == [today, later]
    assert [plan.title for plan in PlannedActivity.objects.for_user(owner).overdue(TODAY)] == [
        "Overdue"
    ]


# The projection of each license


def test_each_license_gets_the_projection_of_the_users_plans(owner: User) -> None:
    texas_short_of_cultural_competence(owner)
    plans_closing_the_gap(owner)

    (status,) = planning.license_statuses_with_projections(owner, TODAY)

    assert status.projection is not None
    assert status.projection.outcome == "compliant"
    assert status.projection.compliant_on == date(2026, 10, 15)
    assert status.plans_needed_count == 2
    assert status.plan_count == 3
    assert not status.compliant  # the status itself is today's verdict


def test_without_plans_there_is_no_projection(owner: User) -> None:
    texas_short_of_cultural_competence(owner)

    (status,) = planning.license_statuses_with_projections(owner, TODAY)

    assert status.projection is None
    assert status.plan_count == 0


def test_a_license_without_a_verdict_has_no_projection(owner: User) -> None:
    make_license(owner, "gone-board")
    make_plan(owner, "Cultural humility", 3, date(2026, 9, 1))

    (status,) = planning.license_statuses_with_projections(owner, TODAY)

    assert status.error
    assert status.projection is None


def test_entered_carry_over_hours_count_in_the_projection(owner: User) -> None:
    license = texas_short_of_cultural_competence(owner)
    license.carry_over_in_hours = Decimal("3")
    license.save()
    make_plan(owner, "Cultural humility", 3, date(2026, 9, 1), topics="cultural-competence")

    (status,) = planning.license_statuses_with_projections(owner, TODAY)

    # 18 + 3 carried over + 3 planned = 24: compliant with the one plan.
    assert status.projection is not None
    assert status.projection.compliant_on == date(2026, 9, 1)


def test_hours_carried_over_from_the_previous_cycle_count_in_the_projection(owner: User) -> None:
    texas_short_of_cultural_competence(owner)
    # The previous Texas cycle (2023-02-01 to 2025-01-31): 30 h, 6 more than its 24.
    add_activity(owner, "Old ethics", 6, topics="ethics", completed_on=date(2024, 3, 1))
    add_activity(
        owner, "Old culture", 3, topics="cultural-competence", completed_on=date(2024, 3, 2)
    )
    add_activity(owner, "Old trauma", 21, topics="trauma", completed_on=date(2024, 3, 3))
    make_plan(owner, "Cultural humility", 3, date(2026, 9, 1), topics="cultural-competence")

    (status,) = planning.license_statuses_with_projections(owner, TODAY)

    assert status.verdict is not None
    assert status.verdict.carry_over_in_hours == 6
    assert status.projection is not None
    assert status.projection.compliant_on == date(2026, 9, 1)


@pytest.mark.parametrize("ruleset_id", sorted(load_catalog()))
@pytest.mark.parametrize("carry_over_in_hours", [None, Decimal("4")])
def test_the_projection_starts_from_the_context_of_the_pages_verdict(
    owner: User, ruleset_id: str, carry_over_in_hours: Decimal | None
) -> None:
    """For every catalog rule set, the engine run on the context the projection rebuilds gives
    the verdict the pages show (carried-over hours entered, or worked out)."""
    make_license(
        owner,
        ruleset_id,
        expires_on=date(2027, 3, 31),
        issued_on=date(2010, 1, 1),
        carry_over_in_hours=carry_over_in_hours,
    )
    topics = ["ethics", "law-and-ethics", "cultural-competence", "trauma", "clinical-practice"]
    for index, topic in enumerate(topics):
        add_activity(
            owner,
            f"Course {index}",
            3 + index,
            topics=topic,
            completed_on=date(2026, 1, 10 + index),
        )
        add_activity(
            owner, f"Old course {index}", 9, topics=topic, completed_on=date(2024, 5, 10 + index)
        )
    (status,) = license_statuses(owner, TODAY)
    assert status.verdict is not None
    assert status.ruleset is not None
    activities = rules_activities(owner)

    context = planning.projection_context(status)

    relevant = relevant_activities(status.ruleset, context, activities)
    assert evaluate(status.ruleset, context, relevant) == status.verdict


def test_the_dashboard_service_runs_four_queries_whatever_the_number_of_plans(
    owner: User, django_assert_num_queries: Any
) -> None:
    texas_short_of_cultural_competence(owner)
    make_license(owner, "us-ca-lmft", expires_on=date(2027, 4, 30))
    for day in range(30):
        make_plan(owner, f"Course {day}", 1, date(2026, 7, 1) + timedelta(days=day))

    with django_assert_num_queries(4):  # licenses, activities, own rule sets, plans
        statuses = planning.license_statuses_with_projections(owner, TODAY)

    assert all(status.projection is not None for status in statuses)


# One step from plan to activity


def activity_from(plan: PlannedActivity, **changes: Any) -> Activity:
    fields = {**plan.activity_initial(TODAY), **changes}
    return Activity(user_id=plan.user_id, **fields)


def saver(activity: Activity) -> Any:
    def save() -> Activity:
        activity.save()
        return activity

    return save


def test_completing_a_plan_adds_the_activity_and_removes_the_plan(owner: User) -> None:
    plan = make_plan(
        owner,
        "Cultural humility",
        3,
        TODAY - timedelta(days=3),
        topics="cultural-competence",
        notes="Bring the workbook.",
        url="https://www.example.org/cultural-humility",
    )

    activity = planning.complete_plan(plan, saver(activity_from(plan)))

    assert not PlannedActivity.objects.exists()
    stored = Activity.objects.get()
    assert stored == activity
    assert stored.user == owner
    assert (stored.title, stored.completed_on, stored.hours) == (
        "Cultural humility",
        TODAY - timedelta(days=3),
        Decimal("3"),
    )
    assert stored.topics == [{"slug": "cultural-competence", "hours": None}]
    assert stored.approvals == [{"body": "nbcc", "number": ""}]
    assert stored.notes == (
        "Bring the workbook.\n\nCourse page: https://www.example.org/cultural-humility"
    )


def test_the_completion_date_is_the_planned_date_once_passed_otherwise_today(owner: User) -> None:
    past = make_plan(owner, "Past", 3, TODAY - timedelta(days=10))
    future = make_plan(owner, "Future", 3, TODAY + timedelta(days=10))
    today = make_plan(owner, "Today", 3, TODAY)

    assert past.activity_initial(TODAY)["completed_on"] == TODAY - timedelta(days=10)
    assert future.activity_initial(TODAY)["completed_on"] == TODAY
    assert today.activity_initial(TODAY)["completed_on"] == TODAY


def test_completing_a_plan_twice_adds_one_activity(owner: User) -> None:
    plan = make_plan(owner, "Cultural humility", 3, TODAY)
    first = activity_from(plan)
    second = activity_from(plan)

    planning.complete_plan(plan, saver(first))
    with pytest.raises(planning.PlanAlreadyCompleted):
        planning.complete_plan(plan, saver(second))

    assert Activity.objects.count() == 1
    assert second.pk is None


def test_a_failure_while_completing_keeps_the_plan_and_adds_nothing(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = make_plan(owner, "Cultural humility", 3, TODAY)

    def fail(self: PlannedActivityQuerySet) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(PlannedActivityQuerySet, "delete", fail)
    with pytest.raises(RuntimeError):
        planning.complete_plan(plan, saver(activity_from(plan)))

    assert not Activity.objects.exists()
    assert PlannedActivity.objects.get() == plan


def test_a_plan_is_completed_by_its_owners_activity_only(owner: User, peer: User) -> None:
    plan = make_plan(owner, "Cultural humility", 3, TODAY)
    foreign = Activity(user=peer, **plan.activity_initial(TODAY))

    with pytest.raises(ValueError, match="owner's plan only"):
        planning.complete_plan(plan, saver(foreign))

    assert not Activity.objects.exists()
    assert PlannedActivity.objects.filter(pk=plan.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_add_one_activity(owner: User) -> None:
    """Two requests at the same moment: the row lock lets one through; the other finds no
    plan. (The test database of SQLite is in memory, where connections cannot wait for each
    other's locks; the lock is checked on PostgreSQL.)"""
    if connection.vendor == "sqlite":
        pytest.skip("needs a database whose connections wait for row locks (PostgreSQL)")
    plan = make_plan(owner, "Cultural humility", 3, TODAY)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete() -> None:
        try:
            barrier.wait(timeout=5)
            planning.complete_plan(plan, saver(activity_from(plan)))
            outcomes.append("completed")
        except planning.PlanAlreadyCompleted:
            outcomes.append("already completed")
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["already completed", "completed"]
    assert Activity.objects.count() == 1
    assert not PlannedActivity.objects.exists()
