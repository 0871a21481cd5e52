"""The supervision API: each endpoint for the owner, their supervisor, another supervisor, a
peer and an anonymous caller; locking (409); the sign-off path end to end."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from lifelong.accounts.models import User
from lifelong.supervision import services
from lifelong.supervision.models import LogEntry, SignOffPeriod, Supervision
from tests.api.conftest import ApiClient, token_for

from .conftest import TODAY, make_supervision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_today")]


@pytest.fixture
def _today() -> Any:
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def apis(owner: User, supervisor: User, other_supervisor: User, peer: User) -> dict[str, ApiClient]:
    make_supervision(peer, other_supervisor)
    return {
        "owner": ApiClient(token_for(owner)),
        "supervisor": ApiClient(token_for(supervisor)),
        "other supervisor": ApiClient(token_for(other_supervisor)),
        "peer": ApiClient(token_for(peer)),
        "anonymous": ApiClient(),
    }


def test_access_matrix(
    apis: dict[str, ApiClient], supervision: Supervision, logged: list[LogEntry]
) -> None:
    entry = logged[0]
    period = services.request_sign_off(supervision, date(2026, 2, 10), TODAY)
    cases: dict[tuple[str, str], tuple[set[str], Any]] = {
        ("get", f"/api/supervision/entries/{entry.pk}"): ({"owner"}, None),
        ("delete", f"/api/supervision/entries/{logged[-1].pk}"): ({"owner"}, None),
        ("post", f"/api/supervision/supervisors/{supervision.pk}/sign-off"): (
            {"owner"},
            {"day": "2026-03-03"},
        ),
        ("get", f"/api/supervision/supervisees/{supervision.pk}/periods"): ({"supervisor"}, None),
    }
    for (method, url), (allowed, body) in cases.items():
        for who, api in apis.items():
            if who in allowed:
                continue
            response = api.send(method, url, body)
            expected = 401 if who == "anonymous" else 404
            assert response.status_code == expected, (who, method, url, response.content)
        owner_or_supervisor = apis[next(iter(allowed))]
        assert owner_or_supervisor.send(method, url, body).status_code in (200, 201, 204), url
    fingerprint = services.fingerprint(period)
    for who in ("owner", "other supervisor", "peer"):
        response = apis[who].send(
            "post", f"/api/supervision/periods/{period.pk}/sign", {"fingerprint": fingerprint}
        )
        assert response.status_code == 404, who
    # Lists are per user: the peer sees none of the owner's entries or supervisions.
    assert apis["peer"].get("/api/supervision/entries").json()["count"] == 0
    assert apis["peer"].get("/api/supervision/supervisors").json()[0]["supervisee_email"] == (
        "peer@example.org"
    )
    assert apis["supervisor"].get("/api/supervision/entries").json()["count"] == 0
    assert [
        s["id"] for s in apis["other supervisor"].get("/api/supervision/supervisees").json()
    ] != [supervision.pk]


def test_invite_accept_log_sign_and_lock(apis: dict[str, ApiClient], owner: User) -> None:
    owner_api, supervisor_api = apis["owner"], apis["supervisor"]
    invited = owner_api.send(
        "post",
        "/api/supervision/supervisors",
        {"email": "supervisor@example.org", "started_on": "2026-05-01"},
    )
    assert invited.status_code == 201, invited.content
    supervision_id = invited.json()["id"]
    assert (
        owner_api.send(
            "post",
            "/api/supervision/supervisors",
            {"email": "not an email", "started_on": "2026-05-01"},
        ).status_code
        == 422
    )

    invitations = supervisor_api.get("/api/supervision/invitations").json()
    assert [item["id"] for item in invitations] == [supervision_id]
    answered = supervisor_api.send(
        "post", f"/api/supervision/invitations/{supervision_id}", {"answer": "accept"}
    )
    assert answered.json()["status"] == "active"

    created = owner_api.send(
        "post",
        "/api/supervision/entries",
        {
            "supervision_id": supervision_id,
            "worked_on": "2026-05-04",
            "hours": 6.5,
            "category": "direct-clinical",
        },
    )
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    assert (
        owner_api.send(
            "post",
            "/api/supervision/entries",
            {
                "supervision_id": supervision_id,
                "worked_on": "2026-05-04",
                "hours": 6.555,
                "category": "direct-clinical",
            },
        ).status_code
        == 422
    )

    requested = owner_api.send(
        "post", f"/api/supervision/supervisors/{supervision_id}/sign-off", {"day": "2026-05-20"}
    )
    assert requested.status_code == 201, requested.content
    review = supervisor_api.get(f"/api/supervision/supervisees/{supervision_id}/periods").json()
    assert [entry["hours"] for entry in review[0]["entries"]] == [6.5]
    signed = supervisor_api.send(
        "post",
        f"/api/supervision/periods/{review[0]['id']}/sign",
        {"fingerprint": review[0]["fingerprint"]},
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["sequence"] == 1

    assert owner_api.get(f"/api/supervision/entries/{entry_id}").json()["locked"] is True
    assert owner_api.delete(f"/api/supervision/entries/{entry_id}").status_code == 409
    changed = owner_api.send(
        "put",
        f"/api/supervision/entries/{entry_id}",
        {
            "supervision_id": supervision_id,
            "worked_on": "2026-05-04",
            "hours": 9,
            "category": "direct-clinical",
        },
    )
    assert changed.status_code == 409
    assert LogEntry.objects.get(pk=entry_id).hours == 6.5
    history = owner_api.get("/api/supervision/history").json()
    assert history == {"intact": True, "checked": 1, "broken": None}
    again = supervisor_api.send(
        "post",
        f"/api/supervision/periods/{review[0]['id']}/sign",
        {"fingerprint": review[0]["fingerprint"]},
    )
    assert again.status_code == 409
    assert SignOffPeriod.objects.get().sequence == 1


def test_progress_needs_a_rule_set_and_then_explains_itself(
    apis: dict[str, ApiClient], logged: list[LogEntry]
) -> None:
    owner_api = apis["owner"]
    assert owner_api.get("/api/supervision/progress").status_code == 404
    assert (
        owner_api.send("put", "/api/supervision/track", {"ruleset_id": "nope"}).status_code == 422
    )
    ids = [item["id"] for item in owner_api.get("/api/supervision/rulesets").json()]
    assert "us-tx-lpc-experience" in ids

    progress = owner_api.send(
        "put", "/api/supervision/track", {"ruleset_id": "us-tx-lpc-experience"}
    ).json()

    assert progress["signed_hours"] == 0
    assert progress["pending_hours"] == 252
    logged_verdict = progress["logged"]
    direct = next(item for item in logged_verdict["requirements"] if item["id"] == "direct")
    assert (direct["counted"], direct["required"], direct["missing"]) == (240, 1500, 1260)
    # 252 hours from Monday January 5 to Tuesday March 24: 79 days.
    assert logged_verdict["weekly_pace"] == round(252 / (79 / 7), 2)
    assert logged_verdict["projected_completion"] is not None
    assert "Direct clinical hours: 1260 more hours needed." in logged_verdict["next_steps"]
