"""allauth's pages in our layout: base.html around them, our form and button styles, the
settings navigation on the management pages, and nothing the CSP would block."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.accounts.helpers import PageAudit, reauthenticate, sign_in

ENTRANCE_PAGES = ["account_login", "account_signup", "account_reset_password"]
MANAGE_PAGES = ["account_email", "account_change_password", "mfa_index"]


@pytest.mark.parametrize("name", ENTRANCE_PAGES)
def test_entrance_pages_use_our_layout_and_pass_the_audit(
    client: Client, db: None, name: str
) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert '<main id="main"' in html
    assert 'class="button"' in html
    assert "settings-nav" not in html
    assert PageAudit(html).problems() == []


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_manage_pages_sit_in_settings_and_pass_the_audit(
    client: Client, owner: User, name: str
) -> None:
    sign_in(client, owner.email)

    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<nav class="settings-nav" aria-label="Settings">' in html
    assert f'href="{reverse(name)}" aria-current="page"' in html
    assert f'href="{reverse("accounts:profile")}" aria-current="page">Settings</a>' in html
    assert PageAudit(html).problems() == []


def test_two_factor_pages_pass_the_audit(client: Client, owner: User) -> None:
    sign_in(client, owner.email)
    assert (
        PageAudit(client.get(reverse("account_reauthenticate")).content.decode()).problems() == []
    )
    reauthenticate(client)

    html = client.get(reverse("mfa_activate_totp")).content.decode()

    assert PageAudit(html).problems() == []


def test_the_email_list_is_a_fieldset_with_a_legend(client: Client, owner: User) -> None:
    sign_in(client, owner.email)

    html = client.get(reverse("account_email")).content.decode()

    assert "<fieldset><legend>Your email addresses</legend>" in html
    assert 'class="button button-danger"' in html  # Remove


def test_our_own_settings_pages_pass_the_audit(owner_client: Client) -> None:
    for name in ("accounts:profile", "accounts:tokens", "accounts:delete"):
        html = owner_client.get(reverse(name)).content.decode()
        assert PageAudit(html).problems() == [], name


def test_the_429_page_uses_our_layout(client: Client, db: None, settings: object) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}  # type: ignore[attr-defined]
    sign_in(client, "someone@example.org", "wrong")

    response = sign_in(client, "someone@example.org", "wrong")

    assert response.status_code == 429
    assert PageAudit(response.content.decode()).problems() == []


def test_every_other_account_page_passes_the_audit(client: Client, owner: User) -> None:
    from tests.accounts.test_two_factor import activate_totp

    for name in ("account_email_verification_sent", "account_reset_password_done"):
        assert PageAudit(client.get(reverse(name)).content.decode()).problems() == [], name

    activate_totp(client, owner)
    for name in (
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
        "account_logout",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert PageAudit(response.content.decode()).problems() == [], name

    client.post(reverse("account_logout"))
    sign_in(client, owner.email)
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    assert PageAudit(response.content.decode()).problems() == []
