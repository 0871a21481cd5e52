"""Who may call what: every endpoint with the owner, a peer (another user: 404 for the owner's
objects) and an anonymous caller (401); tokens, revoked tokens and session auth with CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.api.conftest import ApiClient, make_activity, make_license, make_own_ruleset

from lifelong.accounts.models import PersonalAccessToken, User
from lifelong.credits.models import Activity
from lifelong.licensure.models import License

LICENSE_BODY = {"ruleset_id": "us-tx-lpc", "expires_on": "2027-01-31", "label": "LPC"}
ACTIVITY_BODY = {
    "title": "Ethics in practice",
    "completed_on": "2026-02-10",
    "hours": 3,
    "format": "live-online",
    "topics": [{"slug": "ethics"}],
}
CSV = (
    "title,provider,completed_on,hours,format,kind,topics,approvals\n"
    "Trauma basics,PESI,2026-01-05,2,self-study,course,trauma,apa\n"
)

# (method, path, JSON body) for every operation on one of the owner's objects.
OBJECT_OPERATIONS = [
    ("GET", "/api/licenses/{license}", None),
    ("PUT", "/api/licenses/{license}", LICENSE_BODY),
    ("PATCH", "/api/licenses/{license}", {"label": "Mine now"}),
    ("DELETE", "/api/licenses/{license}", None),
    ("GET", "/api/licenses/{license}/compliance", None),
    ("GET", "/api/activities/{activity}", None),
    ("PUT", "/api/activities/{activity}", ACTIVITY_BODY),
    ("PATCH", "/api/activities/{activity}", {"title": "Mine now"}),
    ("DELETE", "/api/activities/{activity}", None),
    ("GET", "/api/rulesets/{ruleset}", None),
]
# Every operation, for the anonymous caller.
ALL_OPERATIONS = [
    ("GET", "/api/licenses", None),
    ("POST", "/api/licenses", LICENSE_BODY),
    ("GET", "/api/compliance", None),
    ("GET", "/api/activities", None),
    ("POST", "/api/activities", ACTIVITY_BODY),
    ("GET", "/api/rulesets", None),
    *OBJECT_OPERATIONS,
]


@pytest.fixture
def owned(owner: User) -> dict[str, Any]:
    """One object of each kind belonging to the owner, by the name used in the paths."""
    return {
        "license": make_license(owner).pk,
        "activity": make_activity(owner).pk,
        "ruleset": make_own_ruleset(owner).ruleset_id,
    }


def snapshot(owner: User) -> tuple[list[Any], list[Any]]:
    licenses = list(License.objects.for_user(owner).values().order_by("pk"))
    activities = list(Activity.objects.for_user(owner).values().order_by("pk"))
    return licenses, activities


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_OPERATIONS)
def test_the_owner_reaches_their_objects(
    owner_api: ApiClient, owned: dict[str, Any], method: str, path: str, body: Any
) -> None:
    response = owner_api.send(method, path.format(**owned), body)

    assert response.status_code in (200, 204), response.content


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_OPERATIONS)
def test_a_peer_gets_404_and_changes_nothing(
    peer_api: ApiClient,
    owner: User,
    owned: dict[str, Any],
    method: str,
    path: str,
    body: Any,
) -> None:
    before = snapshot(owner)

    response = peer_api.send(method, path.format(**owned), body)

    assert response.status_code == 404, response.content
    assert snapshot(owner) == before


@pytest.mark.parametrize(("method", "path", "body"), ALL_OPERATIONS)
def test_an_anonymous_caller_gets_401_and_changes_nothing(
    anonymous_api: ApiClient,
    owner: User,
    owned: dict[str, Any],
    method: str,
    path: str,
    body: Any,
) -> None:
    before = snapshot(owner)

    response = anonymous_api.send(method, path.format(**owned), body)

    assert response.status_code == 401, response.content
    assert response.json() == {"detail": "Unauthorized"}
    assert snapshot(owner) == before


def test_an_anonymous_import_gets_401(anonymous_api: ApiClient, owner: User) -> None:
    response = anonymous_api.post("/api/activities/import", CSV, content_type="text/csv")

    assert response.status_code == 401
    assert not Activity.objects.exists()


def test_lists_hold_only_the_callers_objects(
    owner_api: ApiClient, peer_api: ApiClient, owned: dict[str, Any]
) -> None:
    assert [item["id"] for item in owner_api.get("/api/licenses").json()] == [owned["license"]]
    assert owner_api.get("/api/activities").json()["count"] == 1
    assert peer_api.get("/api/licenses").json() == []
    assert peer_api.get("/api/activities").json() == {"items": [], "count": 0}
    assert peer_api.get("/api/compliance").json() == []
    own_ids = {item["id"] for item in owner_api.get("/api/rulesets").json()}
    peer_ids = {item["id"] for item in peer_api.get("/api/rulesets").json()}
    assert owned["ruleset"] in own_ids
    assert owned["ruleset"] not in peer_ids


def test_a_revoked_token_gets_401(owner: User, license: License) -> None:
    token, secret = PersonalAccessToken.issue(owner, "old script")
    client = ApiClient(secret)
    assert client.get("/api/licenses").status_code == 200

    token.revoke()

    assert client.get("/api/licenses").status_code == 401
    assert client.get(f"/api/licenses/{license.pk}").status_code == 401


@pytest.mark.parametrize(
    "authorization",
    ["Bearer lfl_not-a-real-token", "Bearer ", "Token lfl_abc", "lfl_abc", "Basic b3duZXI6cHc="],
)
def test_a_malformed_or_unknown_token_gets_401(owner_token: str, authorization: str) -> None:
    client = Client(HTTP_AUTHORIZATION=authorization)

    assert client.get("/api/licenses").status_code == 401


def test_a_token_of_a_deactivated_user_gets_401(owner: User, owner_api: ApiClient) -> None:
    owner.is_active = False
    owner.save()

    assert owner_api.get("/api/licenses").status_code == 401


def test_a_token_records_when_it_was_last_used(owner: User, owner_api: ApiClient) -> None:
    before = timezone.now()

    owner_api.get("/api/licenses")

    token = PersonalAccessToken.objects.for_user(owner).get()
    assert token.last_used_at is not None
    assert token.last_used_at >= before


def test_a_token_needs_no_csrf_token_for_unsafe_methods(owner_token: str) -> None:
    client = ApiClient(owner_token, enforce_csrf_checks=True)

    response = client.send("POST", "/api/licenses", LICENSE_BODY)

    assert response.status_code == 201, response.content


def test_the_session_authenticates_reads(owner_client: Client, license: License) -> None:
    response = owner_client.get(f"/api/licenses/{license.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == license.pk


def test_the_session_needs_the_csrf_token_for_unsafe_methods(owner: User) -> None:
    client = ApiClient(enforce_csrf_checks=True)
    client.force_login(owner)

    refused = client.send("POST", "/api/licenses", LICENSE_BODY)

    assert refused.status_code == 403
    assert not License.objects.exists()

    client.get("/api/docs")  # any page that sets the CSRF cookie
    csrf_token = client.cookies["csrftoken"].value
    accepted = client.send("POST", "/api/licenses", LICENSE_BODY, HTTP_X_CSRFTOKEN=csrf_token)

    assert accepted.status_code == 201, accepted.content
    assert License.objects.for_user(owner).count() == 1


def test_a_session_delete_without_csrf_token_deletes_nothing(owner: User, license: License) -> None:
    client = ApiClient(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.delete(f"/api/licenses/{license.pk}")

    assert response.status_code == 403
    assert License.objects.filter(pk=license.pk).exists()
