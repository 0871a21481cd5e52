"""Goals: the service other apps call, progress from linked records, pages with owner checks,
reminders for goals falling behind, export and deletion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.accounts.services import export_user_data
from lifelong.core.models import Notification
from lifelong.growth import services
from lifelong.growth.models import Goal, GoalEntry
from tests.credits.helpers import make_activity
from tests.growth.conftest import make_goal, make_reading

pytestmark = pytest.mark.django_db


# -- the service --------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 2, 1, 12, tzinfo=UTC), tick=False)
def test_create_goal_validates_and_saves(owner: User) -> None:
    goal = services.create_goal(
        owner,
        title=" Trauma-informed care ",
        why="A third of my caseload has trauma histories.",
        target_kind="hours",
        topics=["trauma", "trauma", "assessment"],
        target_value=12,
        due_on=date(2026, 7, 31),
        source="practice priority: trauma",
    )
    goal.refresh_from_db()
    assert goal.title == "Trauma-informed care"
    assert goal.topics == ["trauma", "assessment"]
    assert goal.target_value == Decimal(12)
    assert goal.starts_on == date(2026, 2, 1)
    assert goal.source == "practice priority: trauma"


def test_create_goal_refuses_bad_input_and_saves_nothing(owner: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_goal(
            owner,
            title="x",
            target_kind="hours",
            topics=["astrology"],
            target_value=0,
            starts_on=date(2026, 3, 1),
            due_on=date(2026, 2, 1),
        )
    assert set(error.value.message_dict) == {"topics", "target_value", "due_on"}
    with pytest.raises(ValidationError) as error:
        services.create_goal(
            owner, title="Role-plays", target_kind="custom", target_value=5, due_on=date(2026, 9, 1)
        )
    assert "custom_unit" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.create_goal(
            owner, title="Read", target_kind="articles", target_value="2.5", due_on=date(2026, 9, 1)
        )
    assert not Goal.objects.exists()


def test_hours_count_activities_in_the_topics_and_window(owner: User, peer: User) -> None:
    goal = make_goal(owner, topics=["trauma"], target_value=Decimal(12))
    make_activity(
        owner,
        title="TF-CBT",
        completed_on=date(2026, 2, 1),
        hours=Decimal(6),
        topics=[{"slug": "trauma", "hours": None}],
    )
    make_activity(
        owner,
        title="EMDR basics",
        completed_on=date(2026, 3, 1),
        hours=Decimal(6),
        topics=[{"slug": "trauma", "hours": 2}, {"slug": "ethics", "hours": None}],
    )
    make_activity(
        owner,
        title="Ethics",
        completed_on=date(2026, 3, 2),
        topics=[{"slug": "ethics", "hours": None}],
    )
    make_activity(
        owner,
        title="Before",
        completed_on=date(2025, 12, 31),
        topics=[{"slug": "trauma", "hours": None}],
    )
    make_activity(
        peer,
        title="Peer's",
        completed_on=date(2026, 2, 1),
        topics=[{"slug": "trauma", "hours": None}],
    )

    progress = services.goal_progress(goal, today=date(2026, 4, 1))

    assert progress.done == Decimal(8)
    assert [c.label for c in progress.contributions] == ["TF-CBT", "EMDR basics"]
    assert progress.status == "on-track"  # 50 % of the time, 67 % done


def test_activities_articles_and_custom_measures(owner: User, peer: User) -> None:
    activities = make_goal(owner, target_kind="activities", topics=[], target_value=2)
    articles = make_goal(owner, target_kind="articles", topics=[], target_value=3)
    custom = make_goal(
        owner, target_kind="custom", topics=[], target_value=10, custom_unit="role-plays"
    )
    make_activity(owner, completed_on=date(2026, 1, 5))
    make_activity(owner, completed_on=date(2026, 1, 6))
    with time_machine.travel(datetime(2026, 1, 20, 12, tzinfo=UTC), tick=False):
        make_reading(owner, "Read one")
        make_reading(owner, "To read", status="to-read")
        make_reading(peer, "Peer read")
    services.log_entry(custom, logged_on=date(2026, 1, 7), amount=Decimal(4), note="Group")
    services.log_entry(custom, logged_on=date(2026, 1, 9), amount=Decimal("2.5"))
    with pytest.raises(ValueError, match="own terms"):
        services.log_entry(articles, logged_on=date(2026, 1, 9), amount=Decimal(1))

    items = {
        i.goal.pk: i.progress for i in services.goals_with_progress(owner, today=date(2026, 2, 1))
    }

    assert items[activities.pk].done == 2
    assert items[activities.pk].status == "met"
    assert items[activities.pk].met_on == date(2026, 1, 6)
    assert items[articles.pk].done == 1
    assert [c.label for c in items[articles.pk].contributions] == ["Read one"]
    assert items[custom.pk].done == Decimal("6.5")


def test_goals_with_progress_runs_a_fixed_number_of_queries(
    owner: User, django_assert_max_num_queries: Any
) -> None:
    for size in (1, 8):
        for index in range(size):
            make_goal(owner, title=f"Hours {index}")
            make_goal(owner, title=f"Articles {index}", target_kind="articles", topics=[])
            goal = make_goal(
                owner, title=f"Own {index}", target_kind="custom", topics=[], custom_unit="x"
            )
            GoalEntry.objects.create(goal=goal, logged_on=date(2026, 2, 1), amount=1)
            make_activity(owner, completed_on=date(2026, 2, 1))
            make_reading(owner, f"Paper {size}-{index}")
        with django_assert_max_num_queries(4):
            items = services.goals_with_progress(owner, today=date(2026, 3, 1))
        assert len(items) == 3 * (1 if size == 1 else 9)


# -- reminders ----------------------------------------------------------------------------


def test_behind_goals_are_notified_once_a_week(owner: User, peer: User) -> None:
    behind = make_goal(owner, title="Behind", target_value=Decimal(12))
    make_goal(owner, title="Done", target_kind="activities", topics=[], target_value=1)
    make_activity(owner, completed_on=date(2026, 1, 3))
    make_goal(peer, title="Peer's future goal", starts_on=date(2026, 5, 1))

    # April 1: half the time gone, nothing in trauma.
    first = datetime(2026, 4, 1, 14, tzinfo=UTC)
    assert services.send_goal_reminders(first) == 1
    assert services.send_goal_reminders(datetime(2026, 4, 2, 14, tzinfo=UTC)) == 0
    assert services.send_goal_reminders(datetime(2026, 4, 8, 14, tzinfo=UTC)) == 1

    notifications = list(Notification.objects.filter(user=owner))
    assert len(notifications) == 2
    assert notifications[0].title == "Your goal “Behind” is falling behind"
    assert notifications[0].url == reverse("growth:goal_detail", args=[behind.pk])
    assert "12 CE hours to go" in notifications[0].body
    assert not Notification.objects.filter(user=peer).exists()
    owner.refresh_from_db()
    assert owner.unread_notification_count == 2


def test_the_reminder_job_is_registered() -> None:
    from lifelong.core import schedule
    from lifelong.growth import tasks

    assert any(job.name == "growth.send-goal-reminders" for job in schedule.registered_jobs())
    assert tasks.send_goal_reminders is not None


# -- pages ----------------------------------------------------------------------------------


def goal_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Trauma-informed care",
        "why": "More trauma in my caseload",
        "target_kind": "hours",
        "target_value": "12",
        "custom_unit": "",
        "topics": ["trauma"],
        "starts_on": "2026-01-01",
        "due_on": "2026-06-30",
    }
    data.update(overrides)
    return data


@time_machine.travel(datetime(2026, 3, 1, 20, tzinfo=UTC), tick=False)
def test_add_a_goal_and_see_its_progress(owner: User, owner_client: Client) -> None:
    response = owner_client.get(reverse("growth:goal_add"))
    assert response.status_code == 200
    assert 'name="due_on"' in response.content.decode()

    response = owner_client.post(reverse("growth:goal_add"), goal_form())
    goal = Goal.objects.get(user=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:goal_detail", args=[goal.pk])

    make_activity(
        owner,
        title="TF-CBT workshop",
        completed_on=date(2026, 2, 1),
        hours=Decimal(3),
        topics=[{"slug": "trauma", "hours": None}],
    )
    html = owner_client.get(reverse("growth:goal_detail", args=[goal.pk])).content.decode()
    assert "3 of 12 CE hours" in html
    assert "TF-CBT workshop" in html
    assert 'value="25" max="100"' in html

    listing = owner_client.get(reverse("growth:goal_list")).content.decode()
    assert "Trauma-informed care" in listing


def test_bad_goal_form_says_what_is_wrong_and_saves_nothing(owner_client: Client) -> None:
    response = owner_client.post(
        reverse("growth:goal_add"), goal_form(due_on="2025-01-01", target_value="-1")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the form" in html
    assert "The due date is before the start date." in html
    assert not Goal.objects.exists()


def test_edit_and_delete_a_goal(owner: User, owner_client: Client) -> None:
    goal = make_goal(owner)
    response = owner_client.post(
        reverse("growth:goal_edit", args=[goal.pk]), goal_form(title="Renamed")
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Renamed"
    response = owner_client.post(reverse("growth:goal_delete", args=[goal.pk]))
    assert response.status_code == 302
    assert not Goal.objects.exists()


def test_log_and_remove_entries_of_a_custom_measure(owner: User, owner_client: Client) -> None:
    goal = make_goal(owner, target_kind="custom", topics=[], custom_unit="role-plays")
    url = reverse("growth:goal_entry_add", args=[goal.pk])
    response = owner_client.post(url, {"logged_on": "2026-02-01", "amount": "2", "note": "Peer"})
    assert response.status_code == 302
    entry = GoalEntry.objects.get()
    assert entry.amount == 2

    bad = owner_client.post(url, {"logged_on": "2026-02-01", "amount": "0"})
    assert bad.status_code == 400
    assert GoalEntry.objects.count() == 1

    owner_client.post(reverse("growth:goal_entry_delete", args=[goal.pk, entry.pk]))
    assert not GoalEntry.objects.exists()


def test_entries_are_refused_for_goals_that_count_records(
    owner: User, owner_client: Client
) -> None:
    goal = make_goal(owner)
    owner_client.post(
        reverse("growth:goal_entry_add", args=[goal.pk]), {"logged_on": "2026-02-01", "amount": "2"}
    )
    assert not GoalEntry.objects.exists()


def test_goal_list_runs_a_bounded_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    for size in (2, 20):
        for index in range(size):
            make_goal(owner, title=f"Goal {size}-{index}")
            make_goal(owner, title=f"Articles {size}-{index}", target_kind="articles", topics=[])
            custom = make_goal(
                owner, title=f"Own {size}-{index}", target_kind="custom", topics=[], custom_unit="x"
            )
            GoalEntry.objects.create(goal=custom, logged_on=date(2026, 2, 1), amount=1)
            make_activity(
                owner, completed_on=date(2026, 2, 1), topics=[{"slug": "trauma", "hours": None}]
            )
            make_reading(owner, f"Paper {size}-{index}")
        with django_assert_max_num_queries(7):
            response = owner_client.get(reverse("growth:goal_list"))
        assert response.status_code == 200
        with django_assert_max_num_queries(8):
            response = owner_client.get(reverse("growth:goal_detail", args=[custom.pk]))
        assert response.status_code == 200


def test_no_one_else_reaches_a_goal(owner: User, peer_client: Client, client: Client) -> None:
    goal = make_goal(owner, target_kind="custom", topics=[], custom_unit="role-plays")
    entry = GoalEntry.objects.create(goal=goal, logged_on=date(2026, 2, 1), amount=1)
    urls = [
        ("get", reverse("growth:goal_detail", args=[goal.pk])),
        ("get", reverse("growth:goal_edit", args=[goal.pk])),
        ("post", reverse("growth:goal_edit", args=[goal.pk])),
        ("get", reverse("growth:goal_delete", args=[goal.pk])),
        ("post", reverse("growth:goal_delete", args=[goal.pk])),
        ("post", reverse("growth:goal_entry_add", args=[goal.pk])),
        ("post", reverse("growth:goal_entry_delete", args=[goal.pk, entry.pk])),
    ]
    for method, url in urls:
        assert getattr(peer_client, method)(url).status_code == 404, url
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))
    assert (
        "Grow my trauma work" not in peer_client.get(reverse("growth:goal_list")).content.decode()
    )
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert GoalEntry.objects.filter(pk=entry.pk).exists()


# -- export and deletion --------------------------------------------------------------------


def test_goals_are_in_the_export_and_go_with_the_account(owner: User, peer: User) -> None:
    goal = make_goal(owner, target_kind="custom", topics=[], custom_unit="role-plays")
    GoalEntry.objects.create(goal=goal, logged_on=date(2026, 2, 1), amount=2, note="Group")
    make_goal(peer, title="Peer's goal")

    data = export_user_data(owner)

    [exported] = data["goals"]
    assert exported["title"] == "Grow my trauma work"
    assert exported["custom_unit"] == "role-plays"
    assert [(e["amount"], e["note"]) for e in exported["entries"]] == [(Decimal("2.00"), "Group")]

    owner.delete()
    assert list(Goal.objects.values_list("title", flat=True)) == ["Peer's goal"]
    assert not GoalEntry.objects.exists()
