"""Account pages in the system Chromium: the TOTP QR code shows under the CSP, two-factor
sign-in works, and the settings pages fit a phone screen. The fixtures (live server, CSP and
network watch) are the shared ones from tests/browser, imported in tests/accounts/conftest.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lifelong.accounts.models import User
from tests.accounts.helpers import totp_code
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()


def horizontal_overflow(page: Page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_two_factor_activation_shows_the_qr_code_and_guards_the_next_sign_in(page: Page) -> None:
    user: User = make_user("totp@example.org")
    sign_in(page, user.email)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.goto("/settings/")
    page.get_by_role("link", name="Manage two-factor authentication").click()
    page.get_by_role("link", name="Activate").click()
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)  # allauth asks again
    page.get_by_role("button", name="Confirm").click()

    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Recovery Codes")
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Two-Factor Authentication")
    page.get_by_role("textbox").fill(codes[0])
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_a_new_token_is_shown_once_in_a_copyable_field(page: Page) -> None:
    user = make_user("tokens@example.org")
    sign_in(page, user.email)
    page.goto("/settings/tokens/")

    page.get_by_label("Token name").fill("backup script")
    page.get_by_role("button", name="Create token").click()

    field = page.get_by_label("Token", exact=True)
    expect(field).to_have_attribute("readonly", "")
    assert field.input_value().startswith("lfl_")
    expect(page.get_by_text("shown only this once")).to_be_visible()

    page.reload()  # neither shows the secret again nor creates a second token

    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    expect(page.get_by_role("rowheader", name="backup script")).to_have_count(1)


@pytest.mark.parametrize(
    "path",
    ["/settings/", "/settings/tokens/", "/settings/delete/", "/accounts/email/", "/accounts/2fa/"],
)
def test_the_settings_pages_fit_a_phone_screen(phone_page: Page, path: str) -> None:
    user = make_user("phone@example.org")
    sign_in(phone_page, user.email)

    phone_page.goto(path)

    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    expect(phone_page.get_by_role("navigation", name="Settings")).to_be_visible()
    assert horizontal_overflow(phone_page) == 0
