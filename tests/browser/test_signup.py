"""A new user signs up, confirms their email address and lands on the dashboard."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.flows import confirmation_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_visitor_signs_up_confirms_and_lands_on_the_dashboard(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Create an account").click()

    page.get_by_label("Email").fill("new.therapist@example.org")
    page.get_by_label("Full name").fill("Nora Newcomer")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long and unusual passphrase")
    page.get_by_label("Password (again)").fill("a long and unusual passphrase")
    page.get_by_role("button", name=re.compile("sign up", re.IGNORECASE)).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("verify", re.I))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.therapist@example.org"]

    page.goto(confirmation_path(str(mail.outbox[0].body)))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
