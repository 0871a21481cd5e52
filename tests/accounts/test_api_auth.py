"""API authentication: personal access tokens (``Authorization: Bearer lfl_…``) and the browser
session (with CSRF for unsafe methods), tried through a tiny test-only API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from lifelong.accounts.models import PersonalAccessToken, User
from lifelong.api.auth import TokenAuth

pytestmark = pytest.mark.urls("tests.accounts.api_urls")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_valid_token_authenticates_its_user(client: Client, owner: User) -> None:
    _, secret = PersonalAccessToken.issue(owner, "script")

    response = client.get("/api/whoami", headers=bearer(secret))

    assert response.status_code == 200
    assert response.json() == {"auth": owner.email, "user": owner.email}
    assert PersonalAccessToken.objects.get(user=owner).last_used_at is not None


def test_a_token_needs_no_csrf_token(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    _, secret = PersonalAccessToken.issue(owner, "script")

    response = client.post("/api/echo", headers=bearer(secret))

    assert response.status_code == 200
    assert response.json() == {"user": owner.email}


def test_a_revoked_token_is_refused(client: Client, owner: User) -> None:
    token, secret = PersonalAccessToken.issue(owner, "script")
    token.revoke()

    assert client.get("/api/whoami", headers=bearer(secret)).status_code == 401


def test_an_unknown_token_is_refused(client: Client, owner: User) -> None:
    _, secret = PersonalAccessToken.issue(owner, "script")

    for guess in (secret[:-1], "lfl_" + "A" * 43, "not-even-a-token", ""):
        assert client.get("/api/whoami", headers=bearer(guess)).status_code == 401


def test_the_token_of_an_inactive_user_is_refused(client: Client, owner: User) -> None:
    _, secret = PersonalAccessToken.issue(owner, "script")
    owner.is_active = False
    owner.save()

    assert client.get("/api/whoami", headers=bearer(secret)).status_code == 401


def test_a_token_under_another_scheme_is_refused(client: Client, owner: User) -> None:
    _, secret = PersonalAccessToken.issue(owner, "script")

    for header in (f"Token {secret}", f"Basic {secret}", secret):
        response = client.get("/api/whoami", headers={"Authorization": header})
        assert response.status_code == 401


def test_no_credentials_are_refused(client: Client, db: None) -> None:
    assert client.get("/api/whoami").status_code == 401


def test_a_peers_token_authenticates_the_peer_not_the_owner(owner: User, peer: User) -> None:
    _, secret = PersonalAccessToken.issue(peer, "peer script")

    response = Client().get("/api/whoami", headers=bearer(secret))

    assert response.json()["user"] == peer.email


def test_the_browser_session_authenticates(owner_client: Client, owner: User) -> None:
    response = owner_client.get("/api/whoami")

    assert response.status_code == 200
    assert response.json() == {"auth": owner.email, "user": owner.email}


def test_the_browser_session_needs_the_csrf_token_for_unsafe_methods(owner: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    assert client.post("/api/echo").status_code == 403

    csrf_secret = "a" * 32  # Django accepts the cookie's secret, unmasked, as the token
    client.cookies["csrftoken"] = csrf_secret
    response = client.post("/api/echo", headers={"X-CSRFToken": csrf_secret})
    assert response.status_code == 200
    assert client.post("/api/echo", headers={"X-CSRFToken": "b" * 32}).status_code == 403


def test_token_auth_sets_request_user(owner: User) -> None:
    _, secret = PersonalAccessToken.issue(owner, "script")
    request = RequestFactory().get("/api/whoami", headers=bearer(secret))

    result = TokenAuth()(request)

    assert result == owner
    assert request.user == owner


def test_last_use_is_recorded_at_most_once_a_minute(client: Client, owner: User) -> None:
    token, secret = PersonalAccessToken.issue(owner, "script")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=an_hour_ago)

    client.get("/api/whoami", headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > an_hour_ago
    first = token.last_used_at

    client.get("/api/whoami", headers=bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first
