"""Supervised experience in the browser: an associate invites a supervisor, logs hours and asks
for sign-off; the supervisor (in another browser) accepts and signs; the period locks and the
signed history is intact."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lifelong.supervision.models import SignOffPeriod
from tests.browser.conftest import open_context
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ASSOCIATE = "alex.associate@example.org"
SUPERVISOR = "sam.supervisor@example.org"


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_an_associate_logs_hours_the_supervisor_signs_and_the_period_locks(
    page: Page, browser: Browser, live_server: Any
) -> None:
    make_user(ASSOCIATE, name="Alex Associate")
    make_user(SUPERVISOR, name="Sam Supervisor")
    # A Monday at least a week ago, so that its week has started whatever the time zone.
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)

    # The associate invites a supervisor who signs weekly.
    sign_in(page, ASSOCIATE)
    page.get_by_role("link", name="Supervision", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervised experience")
    page.get_by_role("link", name="Invite a supervisor").first.click()
    page.get_by_label("Your supervisor's email").fill(SUPERVISOR)
    page.get_by_label("Their name").fill("Sam Supervisor")
    page.get_by_label("Supervision started on").fill((monday - timedelta(days=30)).isoformat())
    page.get_by_label("Sign-off period").select_option("week")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text(f"Invitation sent to {SUPERVISOR}")).to_be_visible()
    page.get_by_label("Experience rule set").select_option("us-tx-lpc-experience")
    page.get_by_role("button", name="Choose").click()
    expect(page.locator(".xp-progress")).to_contain_text("Texas LPC")

    # The supervisor accepts, in their own browser.
    context, watch = open_context(browser, live_server.url)
    try:
        supervisor_page = context.new_page()
        sign_in(supervisor_page, SUPERVISOR)
        supervisor_page.goto("/supervision/")
        expect(supervisor_page.get_by_text("asks you to supervise")).to_be_visible()
        supervisor_page.get_by_role("button", name="Accept").click()
        expect(supervisor_page.get_by_role("heading", level=1)).to_have_text(
            "Supervision of Alex Associate"
        )

        # The associate logs a week of hours and asks for the signature.
        page.reload()
        page.get_by_role("link", name="Log hours").click()
        page.get_by_label("Date").fill(monday.isoformat())
        page.get_by_label("Hours").fill("6.5")
        page.get_by_label("Category").select_option("direct-clinical")
        page.get_by_label("Setting").fill("Community clinic")
        page.get_by_role("button", name="Save and log more").click()
        page.get_by_label("Date").fill((monday + timedelta(days=1)).isoformat())
        page.get_by_label("Hours").fill("1")
        page.get_by_label("Category").select_option("individual-supervision")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".xp-period h3")).to_contain_text("Sam Supervisor · 7.5 h")
        page.get_by_role("button", name=re.compile("Ask Sam Supervisor to sign")).click()
        expect(page.get_by_text("Waiting for the supervisor")).to_be_visible()

        # The supervisor sees the request, reviews the week and signs it.
        supervisor_page.goto("/supervision/supervisees/")
        expect(supervisor_page.get_by_text("1 period to sign")).to_be_visible()
        supervisor_page.get_by_role("link", name="Alex Associate").click()
        expect(supervisor_page.get_by_role("cell", name="Community clinic")).to_be_visible()
        supervisor_page.get_by_role("button", name=re.compile(r"^Sign [A-Z][a-z]{2} \d")).click()
        expect(supervisor_page.get_by_text("Signed. The period is locked.")).to_be_visible()
    finally:
        context.close()
    assert watch.problems == []

    # The period is locked for the associate, and the history verifies.
    page.goto("/supervision/")
    expect(page.get_by_text("Signed by Sam Supervisor")).to_be_visible()
    expect(page.get_by_text("Locked").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    expect(page.locator(".xp-summary")).to_contain_text("Signed: 7.5 h")
    page.get_by_role("link", name="Signed history").click()
    expect(
        page.get_by_text("1 signed period checked; nothing changed since signing.")
    ).to_be_visible()
    assert SignOffPeriod.objects.get().sequence == 1
