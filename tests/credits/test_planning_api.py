"""/api/plans (list, create, read, replace, change, delete, complete) and
/api/licenses/{id}/projection: the owner, a peer (404) and an anonymous caller (401) for each;
validation; one activity per completion; bounded queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from lifelong.accounts.models import User
from lifelong.credits.models import Activity, PlannedActivity
from tests.api.conftest import ApiClient, token_for
from tests.api.test_licenses import problems
from tests.credits.test_planning_services import (
    make_plan,
    plans_closing_the_gap,
    texas_short_of_cultural_competence,
)
from tests.licensure.factories import TODAY, make_license

NEW_PLAN = {
    "title": "Cultural humility in practice",
    "provider": "NASW",
    "planned_on": "2026-09-01",
    "hours": 3,
    "format": "live-online",
    "kind": "course",
    "unit": "clock-hour",
    "topics": [{"slug": "cultural-competence", "hours": None}],
    "approvals": [{"body": "nasw", "number": "886"}],
    "url": "https://www.example.org/cultural-humility",
    "notes": "Register by August.",
}


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(f"{TODAY.isoformat()} 19:00:00+00:00", tick=False):
        yield


@pytest.fixture
def owner_api(owner: User) -> ApiClient:
    return ApiClient(token_for(owner))


@pytest.fixture
def peer_api(peer: User) -> ApiClient:
    return ApiClient(token_for(peer))


@pytest.fixture
def anonymous_api(db: None) -> ApiClient:
    return ApiClient()


@pytest.fixture
def plan(owner: User) -> PlannedActivity:
    return make_plan(owner, "Cultural humility", 3, date(2026, 9, 1), topics="cultural-competence")


# Who may call what


def operations(plan_id: int, license_id: int) -> list[tuple[str, str, Any]]:
    return [
        ("GET", f"/api/plans/{plan_id}", None),
        ("PUT", f"/api/plans/{plan_id}", NEW_PLAN),
        ("PATCH", f"/api/plans/{plan_id}", {"title": "Mine now"}),
        ("POST", f"/api/plans/{plan_id}/complete", {}),
        ("DELETE", f"/api/plans/{plan_id}", None),
        ("GET", f"/api/licenses/{license_id}/projection", None),
    ]


@pytest.mark.parametrize("index", range(6))
def test_the_owner_reaches_their_plans_and_projections(
    owner: User, owner_api: ApiClient, plan: PlannedActivity, index: int
) -> None:
    license = make_license(owner)
    method, path, body = operations(plan.pk, license.pk)[index]

    response = owner_api.send(method, path, body)

    assert response.status_code in (200, 201, 204), response.content


@pytest.mark.parametrize("index", range(6))
def test_a_peer_gets_404_and_changes_nothing(
    owner: User, peer_api: ApiClient, plan: PlannedActivity, index: int
) -> None:
    license = make_license(owner)
    method, path, body = operations(plan.pk, license.pk)[index]
    before = list(PlannedActivity.objects.values())

    response = peer_api.send(method, path, body)

    assert response.status_code == 404, response.content
    assert list(PlannedActivity.objects.values()) == before
    assert not Activity.objects.exists()


@pytest.mark.parametrize("index", range(6))
def test_an_anonymous_caller_gets_401(
    owner: User, anonymous_api: ApiClient, plan: PlannedActivity, index: int
) -> None:
    license = make_license(owner)
    method, path, body = operations(plan.pk, license.pk)[index]

    assert anonymous_api.send(method, path, body).status_code == 401


def test_anonymous_callers_can_neither_list_nor_create(anonymous_api: ApiClient) -> None:
    assert anonymous_api.send("GET", "/api/plans").status_code == 401
    assert anonymous_api.send("POST", "/api/plans", NEW_PLAN).status_code == 401
    assert not PlannedActivity.objects.exists()


# Plans


def test_it_creates_a_plan(owner: User, owner_api: ApiClient) -> None:
    response = owner_api.send("POST", "/api/plans", NEW_PLAN)

    assert response.status_code == 201, response.content
    body = response.json()
    plan = PlannedActivity.objects.get(pk=body["id"])
    assert plan.user == owner
    assert plan.hours == Decimal("3")
    assert {key: body[key] for key in NEW_PLAN} == NEW_PLAN
    assert body["overdue"] is False


def test_a_past_date_makes_an_overdue_plan(owner_api: ApiClient) -> None:
    yesterday = (TODAY - timedelta(days=1)).isoformat()

    body = owner_api.send("POST", "/api/plans", {**NEW_PLAN, "planned_on": yesterday}).json()

    assert body["overdue"] is True


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"url": "javascript:alert(1)"}, "payload.url", "https:// or http://"),
        ({"url": "ftp://files.example.org/x"}, "payload.url", "https:// or http://"),
        ({"hours": 0}, "payload.hours", "greater than 0"),
        ({"planned_on": "2037-01-01"}, "payload.planned_on", "more than 10 years away"),
        ({"planned_on": "soon"}, "payload.planned_on", "YYYY-MM-DD"),
        ({"topics": [{"slug": "ethics", "hours": 4}]}, "payload.topics", "more than the activity"),
        ({"unit": "semester-hour"}, "payload.unit", "only for academic courses"),
        ({"colour": "blue"}, "payload.colour", "Extra inputs are not permitted"),
    ],
)
def test_it_refuses_bad_plans_saying_why(
    owner_api: ApiClient, change: dict[str, Any], where: str, message: str
) -> None:
    response = owner_api.send("POST", "/api/plans", {**NEW_PLAN, **change})

    assert message in problems(response)[where]
    assert not PlannedActivity.objects.exists()


def test_it_lists_the_users_plans_soonest_first(
    owner: User, peer: User, owner_api: ApiClient
) -> None:
    make_plan(owner, "Later", 3, date(2026, 12, 1))
    make_plan(owner, "Sooner", 3, date(2026, 7, 1))
    make_plan(peer, "Peer plan", 3, date(2026, 8, 1))

    body = owner_api.send("GET", "/api/plans").json()

    assert body["count"] == 2
    assert [item["title"] for item in body["items"]] == ["Sooner", "Later"]


def test_listing_runs_a_fixed_number_of_queries(
    owner: User, owner_api: ApiClient, django_assert_max_num_queries: Any
) -> None:
    for day in range(25):
        make_plan(owner, f"Course {day}", 1, TODAY + timedelta(days=day))

    with django_assert_max_num_queries(5):  # token, user, count, page (and the token's use)
        response = owner_api.send("GET", "/api/plans")

    assert response.json()["count"] == 25


def test_patch_changes_only_the_fields_given(owner_api: ApiClient, plan: PlannedActivity) -> None:
    response = owner_api.send("PATCH", f"/api/plans/{plan.pk}", {"planned_on": "2026-10-02"})

    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert plan.planned_on == date(2026, 10, 2)
    assert plan.title == "Cultural humility"


def test_patch_keeps_the_rules_of_a_whole_plan(owner_api: ApiClient, plan: PlannedActivity) -> None:
    response = owner_api.send("PATCH", f"/api/plans/{plan.pk}", {"hours": 2, "title": None})

    found = problems(response)
    assert "cannot be null: title" in found["payload"]
    plan.refresh_from_db()
    assert plan.hours == Decimal("3")


def test_delete_removes_the_plan(owner_api: ApiClient, plan: PlannedActivity) -> None:
    assert owner_api.send("DELETE", f"/api/plans/{plan.pk}").status_code == 204
    assert not PlannedActivity.objects.exists()


# Completing a plan


def test_complete_adds_the_activity_and_removes_the_plan(owner: User, owner_api: ApiClient) -> None:
    plan = make_plan(
        owner,
        "Cultural humility",
        3,
        TODAY - timedelta(days=2),
        notes="Workbook.",
        url="https://www.example.org/c",
        topics="cultural-competence=2;clinical-practice",
    )

    response = owner_api.generic("POST", f"/api/plans/{plan.pk}/complete")  # no body

    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert activity.user == owner
    assert body["completed_on"] == (TODAY - timedelta(days=2)).isoformat()
    assert body["topics"] == [
        {"slug": "cultural-competence", "hours": 2.0},
        {"slug": "clinical-practice", "hours": None},
    ]
    assert body["notes"] == "Workbook.\n\nCourse page: https://www.example.org/c"
    assert not PlannedActivity.objects.exists()


def test_a_future_plan_is_completed_today_unless_a_date_is_given(
    owner: User, owner_api: ApiClient
) -> None:
    first = make_plan(owner, "First", 3, TODAY + timedelta(days=30))
    second = make_plan(owner, "Second", 3, TODAY + timedelta(days=30))

    today = owner_api.send("POST", f"/api/plans/{first.pk}/complete", {}).json()
    earlier = owner_api.send(
        "POST", f"/api/plans/{second.pk}/complete", {"completed_on": "2026-06-01"}
    ).json()

    assert today["completed_on"] == TODAY.isoformat()
    assert earlier["completed_on"] == "2026-06-01"


def test_complete_refuses_a_future_date_and_keeps_the_plan(
    owner_api: ApiClient, plan: PlannedActivity
) -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()

    response = owner_api.send("POST", f"/api/plans/{plan.pk}/complete", {"completed_on": tomorrow})

    assert "in the future" in problems(response)["payload.completed_on"]
    assert PlannedActivity.objects.exists()
    assert not Activity.objects.exists()


def test_complete_refuses_a_body_that_is_not_json(
    owner_api: ApiClient, plan: PlannedActivity
) -> None:
    response = owner_api.post(
        f"/api/plans/{plan.pk}/complete", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert PlannedActivity.objects.exists()


def test_completing_twice_adds_one_activity(owner_api: ApiClient, plan: PlannedActivity) -> None:
    first = owner_api.send("POST", f"/api/plans/{plan.pk}/complete", {})
    second = owner_api.send("POST", f"/api/plans/{plan.pk}/complete", {})

    assert (first.status_code, second.status_code) == (201, 404)
    assert Activity.objects.count() == 1


# The projection


def test_the_projection_says_when_the_license_becomes_compliant(
    owner: User, owner_api: ApiClient
) -> None:
    license = texas_short_of_cultural_competence(owner)
    plans = plans_closing_the_gap(owner)
    late = make_plan(owner, "Spring conference", 6, date(2027, 3, 2))
    overdue = make_plan(owner, "Missed webinar", 1, TODAY - timedelta(days=1))

    response = owner_api.send("GET", f"/api/licenses/{license.pk}/projection")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["license_id"] == license.pk
    assert body["cycle"] == {"start": "2025-02-01", "end": "2027-01-31"}
    assert body["deadline"] == "2027-01-31"
    assert body["compliant_now"] is False
    assert body["outcome"] == "compliant"
    assert body["compliant_on"] == "2026-10-15"
    assert body["headline"] == "With these plans you will be compliant on 2026-10-15."
    assert [item["id"] for item in body["plans_needed"]] == [plans[0].pk, plans[1].pk]
    assert [item["id"] for item in body["plans_counted"]] == [plan.pk for plan in plans]
    assert body["plans_after_deadline"] == [
        {"id": late.pk, "title": "Spring conference", "planned_on": "2027-03-02"}
    ]
    assert [item["id"] for item in body["plans_overdue"]] == [overdue.pk]
    assert body["missing"] == []
    assert len(body["notes"]) == 2


def test_the_projection_names_what_stays_missing(owner: User, owner_api: ApiClient) -> None:
    license = texas_short_of_cultural_competence(owner)
    make_plan(owner, "EMDR basics", 6, date(2026, 9, 1), topics="trauma")

    body = owner_api.send("GET", f"/api/licenses/{license.pk}/projection").json()

    assert body["outcome"] == "not-enough"
    assert body["compliant_on"] is None
    assert body["missing"] == [
        {
            "requirement": "cultural-diversity",
            "title": "Cultural diversity or competency",
            "hours": 3.0,
        }
    ]


def test_without_plans_the_projection_is_todays_verdict(owner: User, owner_api: ApiClient) -> None:
    license = texas_short_of_cultural_competence(owner)

    body = owner_api.send("GET", f"/api/licenses/{license.pk}/projection").json()

    assert body["outcome"] == "not-enough"
    assert body["plans_counted"] == []
    assert [item["requirement"] for item in body["missing"]] == ["total", "cultural-diversity"]


def test_the_projection_of_a_license_whose_rule_set_is_gone_is_409(
    owner: User, owner_api: ApiClient
) -> None:
    license = make_license(owner, "gone-board")

    response = owner_api.send("GET", f"/api/licenses/{license.pk}/projection")

    assert response.status_code == 409
    assert "gone-board" in response.json()["detail"]


def test_the_projection_runs_a_fixed_number_of_queries(
    owner: User, owner_api: ApiClient, django_assert_max_num_queries: Any
) -> None:
    license = texas_short_of_cultural_competence(owner)
    for day in range(30):
        make_plan(owner, f"Course {day}", 1, TODAY + timedelta(days=day * 3))

    # token, user, license, activities, own rule sets, plans (and the token's use)
    with django_assert_max_num_queries(7):
        response = owner_api.send("GET", f"/api/licenses/{license.pk}/projection")

    assert response.status_code == 200
