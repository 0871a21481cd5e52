"""Reminders in the system Chromium, on a phone: the unread count, the notifications page with
the keyboard, the license's reminder days, the calendar URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lifelong.licensure import reminders
from lifelong.licensure.models import License
from tests.browser.conftest import browser, chromium_path, open_context  # noqa: F401
from tests.conftest import PASSWORD, make_user
from tests.licensure.factories import make_license

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "reminded@example.org"


@pytest.fixture
def phone(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:  # noqa: F811
    context, watch = open_context(
        browser, live_server.url, viewport={"width": 390, "height": 844}, has_touch=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()
    if watch.problems:
        pytest.fail("\n".join(watch.problems), pytrace=False)


@pytest.fixture
def license() -> License:
    """Thirty days before its deadline (TODAY is June 15, 2026), with nothing recorded."""
    user = make_user(EMAIL, time_zone="America/Los_Angeles")
    return make_license(user, label="Texas LPC", expires_on=date(2026, 7, 15))


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def horizontal_overflow(page: Page) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_a_reminder_is_read_and_marked_read_with_the_keyboard(
    phone: Page, license: License
) -> None:
    reminders.send_due_reminders()
    sign_in(phone)

    bell = phone.get_by_role("link", name=re.compile(r"^Notifications 1 unread$"))
    expect(bell).to_be_visible()
    bell.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(phone.get_by_role("heading", level=2)).to_contain_text(
        "Texas LPC: renewal in 30 days, something is still missing"
    )
    assert horizontal_overflow(phone) == 0

    button = phone.get_by_role("button", name=re.compile(r"^Mark as read\W+Texas LPC"))
    button.focus()
    phone.keyboard.press("Enter")

    expect(phone.get_by_text("Nothing unread.")).to_be_visible()
    expect(phone.get_by_role("link", name="Notifications", exact=True)).to_be_visible()


def test_the_reminder_days_change_on_the_license_page(phone: Page, license: License) -> None:
    sign_in(phone)
    phone.goto(f"/licenses/{license.pk}/")

    field = phone.get_by_label("Remind me this many days before the deadline")
    expect(field).to_have_value("180, 90, 30, 7")
    field.fill("21, 3")
    field.press("Enter")

    expect(phone).to_have_url(re.compile(rf"/licenses/{license.pk}/#reminders$"))
    expect(phone.locator(".reminder-dates li")).to_have_text(
        ["Jun 24, 2026 — 21 days before", "Jul 12, 2026 — 3 days before"]
    )
    assert horizontal_overflow(phone) == 0


def test_the_calendar_url_is_shown_once_on_a_phone(phone: Page, license: License) -> None:
    sign_in(phone)
    phone.goto("/settings/calendar/")

    phone.get_by_role("button", name="Make a calendar URL").click()

    url = phone.get_by_label(re.compile("Calendar URL"))
    expect(url).to_have_value(re.compile(r"/calendar/lfc_[\w-]+\.ics$"))
    assert horizontal_overflow(phone) == 0
    phone.reload()
    expect(phone.get_by_label(re.compile("Calendar URL"))).to_have_count(0)
