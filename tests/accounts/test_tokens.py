"""API tokens (/settings/tokens/): created with the secret shown once, listed, revoked; only
ever the owner's own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import PersonalAccessToken, User
from tests.accounts.helpers import input_value


def revoke_url(token: PersonalAccessToken) -> str:
    return reverse("accounts:token_revoke", args=[token.pk])


def test_it_lists_only_the_owners_tokens(
    owner_client: Client, owner: User, peer: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(25):
        PersonalAccessToken.issue(owner, f"script {number}")
    PersonalAccessToken.issue(peer, "peer laptop")

    with django_assert_max_num_queries(6):
        response = owner_client.get(reverse("accounts:tokens"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "script 0" in html
    assert "script 24" in html
    assert "peer laptop" not in html
    assert f'href="{reverse("accounts:tokens")}" aria-current="page"' in html


def test_it_creates_a_token_and_shows_the_secret_only_once(
    owner_client: Client, owner: User
) -> None:
    response = owner_client.post(reverse("accounts:tokens"), {"name": "laptop script"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:tokens")
    token = PersonalAccessToken.objects.get(user=owner)
    assert token.name == "laptop script"

    page = owner_client.get(reverse("accounts:tokens"))
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    secret = input_value(html, "new-token-secret")
    assert secret.startswith("lfl_")
    assert "shown only this once" in html
    assert secret not in token.token_hash
    assert PersonalAccessToken.authenticate(secret) == owner
    assert "accounts.new_token" not in owner_client.session

    again = owner_client.get(reverse("accounts:tokens")).content.decode()
    assert secret not in again
    assert "shown only this once" not in again
    assert "laptop script" in again
    assert token.prefix in again


def test_another_session_never_sees_the_new_secret(owner: User) -> None:
    creator, other = Client(), Client()
    creator.force_login(owner)
    other.force_login(owner)

    creator.post(reverse("accounts:tokens"), {"name": "laptop script"})

    assert "new-token-secret" not in other.get(reverse("accounts:tokens")).content.decode()
    assert "new-token-secret" in creator.get(reverse("accounts:tokens")).content.decode()


def test_it_rejects_a_token_without_a_name(owner_client: Client, owner: User) -> None:
    response = owner_client.post(reverse("accounts:tokens"), {"name": "   "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_it_rejects_a_token_name_over_the_limit(owner_client: Client, owner: User) -> None:
    response = owner_client.post(reverse("accounts:tokens"), {"name": "x" * 101})

    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters" in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_it_revokes_the_owners_token(owner_client: Client, owner: User) -> None:
    token, secret = PersonalAccessToken.issue(owner, "old script")

    response = owner_client.post(revoke_url(token))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert PersonalAccessToken.authenticate(secret) is None
    html = owner_client.get(reverse("accounts:tokens")).content.decode()
    assert "The token “old script” was revoked." in html
    assert "Revoked " in html


def test_it_keeps_the_first_revocation_date(owner_client: Client, owner: User) -> None:
    token, _ = PersonalAccessToken.issue(owner, "old script")
    first = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    token.revoke(first)

    owner_client.post(revoke_url(token))

    token.refresh_from_db()
    assert token.revoked_at == first


def test_a_peer_cannot_revoke_the_owners_token(
    peer_client: Client, owner: User, peer: User
) -> None:
    token, secret = PersonalAccessToken.issue(owner, "owner's script")

    response = peer_client.post(revoke_url(token))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert PersonalAccessToken.authenticate(secret) == owner


def test_an_outsider_is_sent_to_sign_in_and_revokes_nothing(client: Client, owner: User) -> None:
    token, _ = PersonalAccessToken.issue(owner, "owner's script")

    for response in (client.get(reverse("accounts:tokens")), client.post(revoke_url(token))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post(owner_client: Client, owner: User) -> None:
    token, _ = PersonalAccessToken.issue(owner, "script")

    response = owner_client.get(revoke_url(token))

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_shows_token_times_in_the_owners_time_zone(owner_client: Client, owner: User) -> None:
    token, _ = PersonalAccessToken.issue(owner, "script")
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        created_at=datetime(2026, 3, 1, 6, 30, tzinfo=UTC)
    )

    html = owner_client.get(reverse("accounts:tokens")).content.decode()

    assert "2026-02-28 22:30" in html  # Los Angeles, UTC-8
