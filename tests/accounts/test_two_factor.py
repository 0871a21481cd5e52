"""Two-factor authentication with allauth's MFA: TOTP activation (QR code shown under our CSP),
sign-in that asks for the code, and recovery codes (view, download, regenerate, use)."""

from __future__ import annotations

import base64
import re
import time

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.accounts.helpers import (
    input_value,
    reauthenticate,
    sign_in,
    signed_in_user_id,
    totp_code,
)


def activate_totp(client: Client, user: User) -> str:
    """Sign in, activate TOTP through the pages and return the secret."""
    sign_in(client, user.email)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = input_value(page, "authenticator_secret")
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def test_it_asks_for_the_password_again_before_activating_totp(client: Client, owner: User) -> None:
    sign_in(client, owner.email)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert reauthenticate(client, "not the password").status_code == 200
    response = reauthenticate(client)
    assert response.status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_it_shows_the_qr_code_as_an_svg_image_the_csp_allows(client: Client, owner: User) -> None:
    sign_in(client, owner.email)
    reauthenticate(client)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    html = response.content.decode()
    image = re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert image, html
    svg = base64.b64decode(image.group(1)).decode()
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg
    assert "QR code" in html  # the alt text says what it is
    assert "data:" in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    secret = input_value(html, "authenticator_secret")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert re.search(r'<input readonly id="authenticator_secret"', html)  # selectable, copyable


def test_it_refuses_to_activate_with_a_wrong_code(client: Client, owner: User) -> None:
    sign_in(client, owner.email)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = input_value(page, "authenticator_secret")
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=owner).exists()


def test_it_activates_totp_and_then_asks_for_the_code_at_sign_in(
    client: Client, owner: User
) -> None:
    secret = activate_totp(client, owner)
    assert Authenticator.objects.filter(user=owner, type="totp").exists()
    client.post(reverse("account_logout"))

    # A later time step: the activation code may not be used twice.
    with time_machine.travel(time.time() + 30, tick=False):
        response = sign_in(client, owner.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert signed_in_user_id(client) is None

        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200
        assert "Incorrect code." in wrong.content.decode()
        assert signed_in_user_id(client) is None

        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("licensure:dashboard")
    assert signed_in_user_id(client) == owner.pk


def test_it_shows_downloads_and_regenerates_recovery_codes(client: Client, owner: User) -> None:
    activate_totp(client, owner)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=owner, type="recovery_codes")
    ).get_unused_codes()
    assert len(codes) == 10

    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert all(code in page for code in codes)
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert all(code in download.content.decode() for code in codes)

    response = client.post(reverse("mfa_generate_recovery_codes"))

    assert response.status_code == 302
    new_codes = RecoveryCodes(
        Authenticator.objects.get(user=owner, type="recovery_codes")
    ).get_unused_codes()
    assert len(new_codes) == 10
    assert not set(codes) & set(new_codes)


def test_it_signs_in_with_a_recovery_code_once(client: Client, owner: User) -> None:
    activate_totp(client, owner)
    code = RecoveryCodes(
        Authenticator.objects.get(user=owner, type="recovery_codes")
    ).get_unused_codes()[0]
    client.post(reverse("account_logout"))

    sign_in(client, owner.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert signed_in_user_id(client) == owner.pk
    client.post(reverse("account_logout"))
    sign_in(client, owner.email)
    reused = client.post(reverse("mfa_authenticate"), {"code": code})
    assert reused.status_code == 200
    assert signed_in_user_id(client) is None


def test_it_lists_two_factor_methods_inside_the_settings_pages(client: Client, owner: User) -> None:
    activate_totp(client, owner)

    html = client.get(reverse("mfa_index")).content.decode()

    assert '<nav class="settings-nav" aria-label="Settings">' in html
    assert re.search(r'href="/accounts/2fa/"\s+aria-current="page"', html)
    assert "Authentication using an authenticator app is active." in html
    assert 'class="button button-danger"' in html  # Deactivate
