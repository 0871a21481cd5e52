"""/api/activities: a paginated, filtered list; create, read, replace, change and delete, with
the same rules as the CSV format."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from tests.api.conftest import ApiClient, make_activity
from tests.api.test_licenses import problems

from lifelong.accounts.models import User
from lifelong.credits.models import Activity

NEW_ACTIVITY = {
    "title": "Trauma-informed care",
    "provider": "PESI",
    "completed_on": "2026-03-14",
    "hours": 6.5,
    "format": "live-online",
    "kind": "course",
    "unit": "clock-hour",
    "topics": [{"slug": "trauma", "hours": None}, {"slug": "ethics", "hours": 1.5}],
    "approvals": [{"body": "apa", "number": ""}, {"body": "nbcc", "number": "6361"}],
    "notes": "Certificate in the drawer.",
}


def test_it_creates_an_activity(owner: User, owner_api: ApiClient) -> None:
    response = owner_api.send("POST", "/api/activities", NEW_ACTIVITY)

    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert activity.user == owner
    assert activity.hours == Decimal("6.5")
    assert activity.topics == [{"slug": "trauma", "hours": None}, {"slug": "ethics", "hours": 1.5}]
    assert {key: body[key] for key in NEW_ACTIVITY} == NEW_ACTIVITY


def test_it_rejects_an_unknown_topic_naming_the_known_ones(owner_api: ApiClient) -> None:
    body = {**NEW_ACTIVITY, "topics": [{"slug": "astrology"}]}

    message = problems(owner_api.send("POST", "/api/activities", body))["payload.topics.0.slug"]

    assert "'ethics'" in message
    assert "'clinical-practice'" in message
    assert not Activity.objects.exists()


def test_it_rejects_topic_hours_over_the_activity_hours(owner_api: ApiClient) -> None:
    body = {**NEW_ACTIVITY, "hours": 2, "topics": [{"slug": "ethics", "hours": 3}]}

    message = problems(owner_api.send("POST", "/api/activities", body))["payload.topics"]

    assert "ethics=3 is more than the activity's 2 hours" in message
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        ({"hours": 0}, "payload.hours", "greater than 0"),
        ({"hours": -1}, "payload.hours", "greater than 0"),
        ({"hours": 1001}, "payload.hours", "less than or equal to 1000"),
        ({"hours": 1.005}, "payload.hours", "two decimal places"),
        ({"title": "   "}, "payload.title", "at least 1 character"),
        ({"format": "online"}, "payload.format", "'in-person', 'live-online' or 'self-study'"),
        ({"kind": "nap"}, "payload.kind", "'course'"),
        ({"completed_on": "2026-02-30"}, "payload.completed_on", "valid date"),
        ({"unit": "semester-hour"}, "payload.unit", "only for academic courses"),
        (
            {"topics": [{"slug": "ethics"}, {"slug": "ethics", "hours": 1}]},
            "payload.topics",
            "listed more than once: ethics",
        ),
        ({"approvals": [{"body": "aca"}]}, "payload.approvals.0.body", "'apa'"),
        ({"notes": "a\x00b"}, "payload.notes", "match pattern"),
    ],
)
def test_it_rejects_bad_fields_with_a_located_message(
    owner_api: ApiClient, change: dict[str, Any], location: str, message: str
) -> None:
    response = owner_api.send("POST", "/api/activities", {**NEW_ACTIVITY, **change})

    assert message in problems(response)[location]
    assert not Activity.objects.exists()


def test_it_accepts_semester_hours_for_an_academic_course(owner_api: ApiClient) -> None:
    body = {**NEW_ACTIVITY, "kind": "academic-course", "unit": "semester-hour", "hours": 3}
    body["topics"] = [{"slug": "assessment"}]

    assert owner_api.send("POST", "/api/activities", body).status_code == 201


@time_machine.travel("2026-06-15 20:00 -07:00")  # already June 16 in UTC
def test_it_rejects_an_activity_completed_in_the_future_for_the_user(
    owner_api: ApiClient,
) -> None:
    # The owner lives in Los Angeles, where it is still June 15.
    body = {**NEW_ACTIVITY, "completed_on": "2026-06-16"}

    message = problems(owner_api.send("POST", "/api/activities", body))["payload.completed_on"]

    assert "2026-06-16 is in the future" in message
    today = {**body, "completed_on": "2026-06-15"}
    assert owner_api.send("POST", "/api/activities", today).status_code == 201


def test_it_reads_an_activity(owner_api: ApiClient, activity: Activity) -> None:
    body = owner_api.get(f"/api/activities/{activity.pk}").json()

    assert body["title"] == "Ethics for counselors"
    assert body["hours"] == 6.0
    assert body["topics"] == [{"slug": "ethics", "hours": None}]


def test_put_replaces_every_field(owner_api: ApiClient, activity: Activity) -> None:
    response = owner_api.send("PUT", f"/api/activities/{activity.pk}", NEW_ACTIVITY)

    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.title == "Trauma-informed care"
    assert activity.notes == "Certificate in the drawer."


def test_patch_changes_only_the_fields_given(owner_api: ApiClient, activity: Activity) -> None:
    response = owner_api.send("PATCH", f"/api/activities/{activity.pk}", {"hours": 4})

    assert response.status_code == 200
    activity.refresh_from_db()
    assert (activity.hours, activity.title) == (Decimal("4"), "Ethics for counselors")


def test_patch_checks_the_whole_activity(owner_api: ApiClient, owner: User) -> None:
    activity = make_activity(owner, hours=6, topics=[{"slug": "ethics", "hours": 5}])

    response = owner_api.send("PATCH", f"/api/activities/{activity.pk}", {"hours": 2})

    assert "ethics=5 is more than the activity's 2 hours" in problems(response)["payload.topics"]
    activity.refresh_from_db()
    assert activity.hours == Decimal("6")


def test_patch_refuses_null(owner_api: ApiClient, activity: Activity) -> None:
    response = owner_api.send("PATCH", f"/api/activities/{activity.pk}", {"title": None})

    assert "cannot be null: title" in problems(response)["payload"]


def test_delete_removes_the_activity(owner_api: ApiClient, activity: Activity) -> None:
    assert owner_api.delete(f"/api/activities/{activity.pk}").status_code == 204
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_the_list_is_paginated_newest_first(owner: User, owner_api: ApiClient) -> None:
    start = date(2026, 1, 1)
    for day in range(5):
        make_activity(owner, f"Course {day}", completed_on=start + timedelta(days=day))

    first = owner_api.get("/api/activities?limit=2").json()
    rest = owner_api.get("/api/activities?limit=2&offset=2").json()

    assert first["count"] == rest["count"] == 5
    assert [item["title"] for item in first["items"]] == ["Course 4", "Course 3"]
    assert [item["title"] for item in rest["items"]] == ["Course 2", "Course 1"]


def test_the_list_filters_by_dates_and_topic(owner: User, owner_api: ApiClient) -> None:
    make_activity(owner, "Old ethics", completed_on=date(2025, 5, 1))
    make_activity(owner, "New ethics", completed_on=date(2026, 5, 1))
    make_activity(
        owner, "Law and ethics", completed_on=date(2026, 5, 2), topics=[{"slug": "law-and-ethics"}]
    )
    make_activity(
        owner,
        "Trauma with some ethics",
        completed_on=date(2026, 5, 3),
        topics=[{"slug": "trauma"}, {"slug": "ethics", "hours": 1}],
    )

    def titles(query: str) -> list[str]:
        response = owner_api.get(f"/api/activities?{query}")
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles("from=2026-01-01&topic=ethics") == ["Trauma with some ethics", "New ethics"]
    assert titles("to=2025-12-31") == ["Old ethics"]
    assert titles("from=2026-05-02&to=2026-05-02") == ["Law and ethics"]
    assert titles("topic=law-and-ethics") == ["Law and ethics"]


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("topic=astrology", "topic"),
        ("from=yesterday", "from"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_the_list_rejects_bad_parameters(owner_api: ApiClient, query: str, location: str) -> None:
    response = owner_api.get(f"/api/activities?{query}")

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["query", location]]


def test_the_list_runs_a_fixed_number_of_queries(
    owner: User, owner_api: ApiClient, django_assert_max_num_queries: Any
) -> None:
    for index in range(60):
        make_activity(owner, f"Course {index}")

    # Token lookup, its last-used stamp, the count, the page.
    with django_assert_max_num_queries(5):
        response = owner_api.get("/api/activities?limit=50")

    assert len(response.json()["items"]) == 50


def test_it_rejects_unknown_fields_instead_of_dropping_them(owner_api: ApiClient) -> None:
    response = owner_api.send("POST", "/api/activities", {**NEW_ACTIVITY, "hourz": 3})

    assert "Extra inputs are not permitted" in problems(response)["payload.hourz"]
    assert not Activity.objects.exists()


def test_it_rejects_a_body_that_is_not_an_object(owner_api: ApiClient, activity: Activity) -> None:
    response = owner_api.send("PATCH", f"/api/activities/{activity.pk}", [None, None])

    assert response.status_code == 422
