"""Account deletion (/settings/delete/): confirmed with the password (no second factor needed),
removes the user and everything they own, signs out and says goodbye."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import PersonalAccessToken, User
from lifelong.credits.models import Activity
from lifelong.licensure.models import License, RuleSetDocument
from tests.accounts.helpers import sign_in, signed_in_user_id
from tests.accounts.test_export import give_data
from tests.conftest import PASSWORD

OWNED = [
    (EmailAddress, "user"),
    (Authenticator, "user"),
    (PersonalAccessToken, "user"),
    (License, "user"),
    (Activity, "user"),
    (RuleSetDocument, "owner"),
]


def rows_of(user_id: int) -> dict[str, int]:
    return {
        model.__name__: model._default_manager.filter(**{f"{field}_id": user_id}).count()
        for model, field in OWNED
    }


def test_it_asks_for_the_password_in_an_accessible_form(owner_client: Client) -> None:
    response = owner_client.get(reverse("accounts:delete"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<legend>Confirm with your password</legend>" in html
    assert '<label for="id_password">Your password:</label>' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{reverse("accounts:export")}" download' in html


def test_it_deletes_the_account_and_everything_it_owns(
    client: Client, owner: User, peer: User
) -> None:
    sign_in(client, owner.email)
    give_data(owner, "owner")
    give_data(peer, "peer")
    TOTP.activate(owner, generate_totp_secret())
    owner_id = owner.pk
    peer_rows = rows_of(peer.pk)
    assert all(rows_of(owner_id).values())

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("core:home"), 302)]
    assert "Your account and all its data were deleted. Goodbye." in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(pk=owner_id).exists()
    assert set(rows_of(owner_id).values()) == {0}
    assert rows_of(peer.pk) == peer_rows
    assert sign_in(Client(), "owner@example.org").status_code == 200  # no such account now


def test_it_needs_no_second_factor(owner_client: Client, owner: User) -> None:
    TOTP.activate(owner, generate_totp_secret())

    response = owner_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=owner.pk).exists()


def test_it_keeps_the_account_when_the_password_is_wrong(owner_client: Client, owner: User) -> None:
    give_data(owner, "owner")
    before = rows_of(owner.pk)

    response = owner_client.post(reverse("accounts:delete"), {"password": "not my password"})

    assert response.status_code == 200
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()
    assert rows_of(owner.pk) == before
    assert signed_in_user_id(owner_client) == owner.pk


def test_it_refuses_to_guess_passwords_for_long(owner_client: Client, owner: User) -> None:
    for _ in range(5):
        owner_client.post(reverse("accounts:delete"), {"password": "guess"})

    response = owner_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()


def test_it_works_for_an_account_made_on_the_command_line(client: Client, db: None) -> None:
    """``createsuperuser`` makes no allauth EmailAddress row; the password check must not
    depend on one."""
    admin = User.objects.create_superuser(email="admin@example.org", password=PASSWORD)
    client.force_login(admin)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=admin.pk).exists()


def test_it_needs_a_password(owner_client: Client, owner: User) -> None:
    response = owner_client.post(reverse("accounts:delete"), {"password": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()


def test_an_outsider_is_sent_to_sign_in(client: Client, owner: User) -> None:
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert User.objects.filter(pk=owner.pk).exists()


def test_a_user_deletes_only_their_own_account(
    peer_client: Client, owner: User, peer: User
) -> None:
    response = peer_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert User.objects.filter(pk=owner.pk).exists()
    assert not User.objects.filter(pk=peer.pk).exists()


def test_the_page_is_in_settings(owner_client: Client, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(4):
        html = owner_client.get(reverse("accounts:delete")).content.decode()

    assert f'href="{reverse("accounts:delete")}" aria-current="page"' in html
    assert f'href="{reverse("accounts:profile")}" aria-current="page">Settings' in html
