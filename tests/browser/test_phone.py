"""The demo account's pages on a phone: readable without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lifelong.core.demo import DEMO_EMAIL, create_demo_account

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "a demo password for phones"


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize("path", ["/dashboard/", "/activities/", "/licenses/", "/rulesets/"])
def test_the_demo_pages_fit_a_phone_screen(phone_page: Page, path: str) -> None:
    create_demo_account(password=PASSWORD)
    sign_in(phone_page)

    phone_page.goto(path)

    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert horizontal_overflow(phone_page) == 0
