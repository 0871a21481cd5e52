"""/api/licenses: list, create, read, replace, change and delete, with validation against the
rule set the license follows."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.conftest import ApiClient, make_license, make_own_ruleset

from lifelong.accounts.models import User
from lifelong.licensure.models import License

NEW_LICENSE = {
    "ruleset_id": "us-tx-lpc",
    "kind": "license",
    "label": "LPC",
    "number": "TX-12345",
    "issued_on": "2019-02-01",
    "expires_on": "2027-01-31",
    "first_renewal": False,
    "roles": ["supervisor"],
    "completed_once": [],
    "attestations": {"2027-01-31": ["jurisprudence-exam"]},
    "carry_over_in_hours": 2.5,
}


def problems(response: Any) -> dict[str, str]:
    """A 422 answer's messages by location (``payload.roles.0``)."""
    assert response.status_code == 422, response.content
    return {
        ".".join(str(part) for part in item["loc"][1:]): item["msg"]
        for item in response.json()["detail"]
    }


def test_it_creates_a_license_with_everything_its_rule_set_knows(
    owner: User, owner_api: ApiClient
) -> None:
    response = owner_api.send("POST", "/api/licenses", NEW_LICENSE)

    assert response.status_code == 201, response.content
    body = response.json()
    license = License.objects.get(pk=body["id"])
    assert license.user == owner
    assert license.roles == ["supervisor"]
    assert license.attestations == {"2027-01-31": ["jurisprudence-exam"]}
    assert float(license.carry_over_in_hours or 0) == 2.5
    assert {key: body[key] for key in NEW_LICENSE} == NEW_LICENSE


def test_it_fills_in_defaults(owner_api: ApiClient) -> None:
    response = owner_api.send(
        "POST", "/api/licenses", {"ruleset_id": "us-ca-lmft", "expires_on": "2026-08-31"}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "license"
    assert body["first_renewal"] is None
    assert body["carry_over_in_hours"] is None
    assert body["roles"] == []


def test_it_accepts_the_users_own_rule_set(owner: User, owner_api: ApiClient) -> None:
    make_own_ruleset(owner, "my-tx-lpc")

    response = owner_api.send("POST", "/api/licenses", {**NEW_LICENSE, "ruleset_id": "my-tx-lpc"})

    assert response.status_code == 201, response.content


def test_it_rejects_another_users_rule_set(peer: User, owner_api: ApiClient) -> None:
    make_own_ruleset(peer, "peer-tx-lpc")

    response = owner_api.send("POST", "/api/licenses", {**NEW_LICENSE, "ruleset_id": "peer-tx-lpc"})

    assert "unknown rule set 'peer-tx-lpc'" in problems(response)["payload.ruleset_id"]
    assert not License.objects.exists()


def test_it_rejects_an_unknown_rule_set_and_lists_the_known_ones(owner_api: ApiClient) -> None:
    response = owner_api.send("POST", "/api/licenses", {**NEW_LICENSE, "ruleset_id": "us-xx"})

    message = problems(response)["payload.ruleset_id"]
    assert "unknown rule set 'us-xx'" in message
    assert "us-tx-lpc" in message


def test_it_rejects_roles_one_time_items_and_conditions_the_rule_set_lacks(
    owner_api: ApiClient,
) -> None:
    response = owner_api.send(
        "POST",
        "/api/licenses",
        {
            **NEW_LICENSE,
            "roles": ["supervisor", "astronaut"],
            "completed_once": ["telehealth"],
            "attestations": {"2027-01-31": ["moon-landing"]},
        },
    )

    found = problems(response)
    assert found["payload.roles.1"] == "us-tx-lpc has no role 'astronaut' (roles: supervisor)"
    assert "no one-time requirement 'telehealth'" in found["payload.completed_once.0"]
    assert "no condition 'moon-landing'" in found["payload.attestations.2027-01-31"]
    assert not License.objects.exists()


def test_it_accepts_a_one_time_requirement_met_earlier(owner_api: ApiClient) -> None:
    response = owner_api.send(
        "POST",
        "/api/licenses",
        {"ruleset_id": "us-ca-lmft", "expires_on": "2026-08-31", "completed_once": ["telehealth"]},
    )

    assert response.status_code == 201
    assert response.json()["completed_once"] == ["telehealth"]


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        ({"expires_on": "2027-02-30"}, "payload.expires_on", "valid date"),
        ({"expires_on": "1066-10-14"}, "payload.expires_on", "between 1900-01-01"),
        ({"issued_on": "2028-01-01"}, "payload", "issued_on is after expires_on"),
        ({"kind": "diploma"}, "payload.kind", "'license' or 'certification'"),
        ({"label": "x" * 101}, "payload.label", "at most 100 characters"),
        ({"label": "nul\x00byte"}, "payload.label", "match pattern"),
        ({"carry_over_in_hours": -1}, "payload.carry_over_in_hours", "greater than or equal"),
        ({"carry_over_in_hours": 1.234}, "payload.carry_over_in_hours", "two decimal places"),
        ({"roles": ["Not A Slug"]}, "payload.roles.0", "match pattern"),
    ],
)
def test_it_rejects_bad_fields_with_a_located_message(
    owner_api: ApiClient, change: dict[str, Any], location: str, message: str
) -> None:
    response = owner_api.send("POST", "/api/licenses", {**NEW_LICENSE, **change})

    assert message in problems(response)[location]
    assert not License.objects.exists()


def test_it_requires_the_rule_set_and_the_deadline(owner_api: ApiClient) -> None:
    found = problems(owner_api.send("POST", "/api/licenses", {}))

    assert set(found) == {"payload.ruleset_id", "payload.expires_on"}


def test_it_reads_a_license(owner_api: ApiClient, license: License) -> None:
    response = owner_api.get(f"/api/licenses/{license.pk}")

    assert response.status_code == 200
    assert response.json()["ruleset_id"] == "us-tx-lpc"
    assert response.json()["expires_on"] == "2027-01-31"


def test_it_gives_404_for_a_license_that_does_not_exist(owner_api: ApiClient) -> None:
    assert owner_api.get("/api/licenses/999999").status_code == 404


def test_put_replaces_every_field(owner_api: ApiClient, license: License) -> None:
    license.number = "OLD-1"
    license.roles = ["supervisor"]
    license.save()

    response = owner_api.send(
        "PUT",
        f"/api/licenses/{license.pk}",
        {"ruleset_id": "us-ca-lmft", "expires_on": "2026-08-31"},
    )

    assert response.status_code == 200, response.content
    license.refresh_from_db()
    assert license.ruleset_id == "us-ca-lmft"
    assert license.number == ""
    assert license.roles == []


def test_patch_changes_only_the_fields_given(owner_api: ApiClient, license: License) -> None:
    license.number = "TX-1"
    license.save()

    response = owner_api.send("PATCH", f"/api/licenses/{license.pk}", {"label": "My LPC"})

    assert response.status_code == 200
    license.refresh_from_db()
    assert (license.label, license.number, license.ruleset_id) == ("My LPC", "TX-1", "us-tx-lpc")


def test_patch_can_clear_a_nullable_field(owner_api: ApiClient, license: License) -> None:
    license.first_renewal = True
    license.save()

    response = owner_api.send("PATCH", f"/api/licenses/{license.pk}", {"first_renewal": None})

    assert response.status_code == 200
    license.refresh_from_db()
    assert license.first_renewal is None


def test_patch_checks_the_result_against_the_rule_set(
    owner_api: ApiClient, license: License
) -> None:
    license.roles = ["supervisor"]
    license.save()

    # California LMFT has no "supervisor" role: switching keeps the role, which is refused.
    response = owner_api.send("PATCH", f"/api/licenses/{license.pk}", {"ruleset_id": "us-ca-lmft"})

    assert "has no role 'supervisor'" in problems(response)["payload.roles.0"]
    license.refresh_from_db()
    assert license.ruleset_id == "us-tx-lpc"


def test_patch_refuses_null_for_a_required_field(owner_api: ApiClient, license: License) -> None:
    response = owner_api.send("PATCH", f"/api/licenses/{license.pk}", {"expires_on": None})

    assert "payload.expires_on" in problems(response)
    license.refresh_from_db()
    assert license.expires_on.isoformat() == "2027-01-31"


def test_delete_removes_the_license(owner_api: ApiClient, license: License) -> None:
    response = owner_api.delete(f"/api/licenses/{license.pk}")

    assert response.status_code == 204
    assert not License.objects.filter(pk=license.pk).exists()


def test_the_list_runs_one_query_for_any_number_of_licenses(
    owner: User, owner_api: ApiClient, django_assert_max_num_queries: Any
) -> None:
    for index in range(25):
        make_license(owner, label=f"License {index}")

    # Token lookup, its last-used stamp, the licenses.
    with django_assert_max_num_queries(4):
        response = owner_api.get("/api/licenses")

    assert len(response.json()) == 25
