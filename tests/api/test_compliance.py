"""/api/licenses/{id}/compliance and /api/compliance: the engine's verdict in the shape of
``lifelong compliance check --json``, plus the license id and the days left."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import time_machine
from tests.api.conftest import ApiClient, make_activity, make_license

from lifelong.accounts.models import User
from lifelong.licensure.models import License
from lifelong.licensure.services import transcript
from lifelong.rules.report import verdict_to_dict

API_KEYS = {"license_id", "days_left"}
REQUIREMENT_KEYS = {
    "id",
    "title",
    "topics",
    "required_hours",
    "counted_hours",
    "deficit_hours",
    "met",
    "frequency",
    "counts_toward_total",
    "status_note",
    "uncertain",
    "activities",
}


def requirement(body: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    return next(item for item in body["requirements"] if item["id"] == requirement_id)


@time_machine.travel("2026-06-15 12:00 -07:00")
def test_it_answers_in_the_shape_of_the_cli_json(
    owner: User, owner_api: ApiClient, license: License
) -> None:
    ethics = make_activity(owner, "Ethics for counselors", 6)

    response = owner_api.get(f"/api/licenses/{license.pk}/compliance")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["license_id"] == license.pk
    assert body["days_left"] == (date(2027, 1, 31) - date(2026, 6, 15)).days
    assert body["ruleset"] == "us-tx-lpc"
    assert body["ruleset_info"]["sources"]
    assert body["cycle"]["start"] == "2025-02-01"
    assert body["cycle"]["end"] == "2027-01-31"
    assert body["compliant"] is False
    assert body["next_steps"]
    assert isinstance(body["carry_over_out_hours"], float)
    total = requirement(body, "total")
    assert set(total) == REQUIREMENT_KEYS
    assert total["topics"] == []
    assert total["required_hours"] == 24
    assert total["counted_hours"] == 6
    assert total["deficit_hours"] == 18
    assert total["met"] is False
    assert requirement(body, "ethics")["met"] is True
    assert requirement(body, "ethics")["activities"] == [
        {"activity_id": str(ethics.pk), "title": "Ethics for counselors", "hours": 6.0}
    ]
    # Exactly what the report module gives the CLI, plus the two keys of the API.
    cycle = transcript(license, {})
    expected = json.loads(json.dumps(verdict_to_dict(cycle.verdict, cycle.ruleset)))
    assert {key: value for key, value in body.items() if key not in API_KEYS} == expected


def test_it_says_compliant_when_every_requirement_is_met(
    owner: User, owner_api: ApiClient, license: License
) -> None:
    make_activity(owner, "Ethics", 6, topics=[{"slug": "ethics"}])
    make_activity(owner, "Cultural humility", 3, topics=[{"slug": "cultural-competence"}])
    make_activity(owner, "Trauma", 15, topics=[{"slug": "trauma"}])
    license.attestations = {"2027-01-31": ["jurisprudence-exam"]}
    license.save()

    body = owner_api.get(f"/api/licenses/{license.pk}/compliance").json()

    assert body["compliant"] is True, body["next_steps"]
    assert body["deficit_hours"] == 0


def test_it_checks_another_cycle_by_its_deadline(
    owner: User, owner_api: ApiClient, license: License
) -> None:
    make_activity(owner, "Old ethics", 6, completed_on=date(2024, 3, 1))
    make_activity(owner, "New ethics", 6, completed_on=date(2026, 3, 1))

    body = owner_api.get(f"/api/licenses/{license.pk}/compliance?cycle=2025-01-31").json()

    assert body["cycle"] == {
        "start": "2023-02-01",
        "end": "2025-01-31",
        "number": None,
        "first_renewal": False,
    }
    titles = [used["title"] for used in requirement(body, "total")["activities"]]
    assert titles == ["Old ethics"]


def test_it_refuses_a_cycle_that_ends_before_the_license_was_issued(
    owner: User, owner_api: ApiClient
) -> None:
    license = make_license(owner, issued_on=date(2024, 1, 1))

    response = owner_api.get(f"/api/licenses/{license.pk}/compliance?cycle=2023-06-30")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "cycle"]


def test_it_refuses_a_cycle_that_is_not_a_date(owner_api: ApiClient, license: License) -> None:
    response = owner_api.get(f"/api/licenses/{license.pk}/compliance?cycle=soon")

    assert response.status_code == 422


def test_it_answers_409_when_the_rule_set_is_gone(owner: User, owner_api: ApiClient) -> None:
    license = make_license(owner, ruleset_id="my-deleted-rules")

    response = owner_api.get(f"/api/licenses/{license.pk}/compliance")

    assert response.status_code == 409
    assert "unknown rule set 'my-deleted-rules'" in response.json()["detail"]


def test_the_overview_has_every_license_with_its_verdict(owner: User, owner_api: ApiClient) -> None:
    texas = make_license(owner)
    gone = make_license(owner, ruleset_id="my-deleted-rules", expires_on=date(2028, 1, 1))
    make_activity(owner, "Ethics", 6)

    body = owner_api.get("/api/compliance").json()

    assert [item["license_id"] for item in body] == [texas.pk, gone.pk]
    first, second = body
    assert first["compliant"] is False
    assert first["deficit_hours"] == first["verdict"]["deficit_hours"]
    assert first["verdict"]["license_id"] == texas.pk
    assert requirement(first["verdict"], "total")["counted_hours"] == 6
    assert second["verdict"] is None
    assert second["deficit_hours"] is None
    assert "unknown rule set 'my-deleted-rules'" in second["error"]


def test_the_overview_runs_a_fixed_number_of_queries(
    owner: User, owner_api: ApiClient, django_assert_max_num_queries: Any
) -> None:
    for index in range(6):
        make_license(owner, label=f"License {index}")
    for index in range(40):
        make_activity(owner, f"Course {index}", 1)

    # Token lookup, its last-used stamp, licenses, activities, the user's own rule sets.
    with django_assert_max_num_queries(6):
        response = owner_api.get("/api/compliance")

    assert len(response.json()) == 6


def test_one_verdict_runs_a_fixed_number_of_queries(
    owner: User, owner_api: ApiClient, license: License, django_assert_max_num_queries: Any
) -> None:
    for index in range(40):
        make_activity(owner, f"Course {index}", 1)

    # Token lookup, its last-used stamp, the license, the user's own rule sets, activities.
    with django_assert_max_num_queries(6):
        response = owner_api.get(f"/api/licenses/{license.pk}/compliance")

    assert response.status_code == 200
