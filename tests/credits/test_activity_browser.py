"""The CE ledger in the system Chromium: adding an activity on a phone with the keyboard, and
importing then exporting a file, with no CSP violation or script error on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LEDGER = (
    "title,provider,completed_on,hours,format,kind,topics,approvals\n"
    "Law and ethics for MFTs,CAMFT,2025-01-18,6,live-online,course,law-and-ethics,aamft\n"
    '"Trauma-focused CBT, part 1",Example Institute,2025-02-07,3,self-study,course,'
    "trauma=2;clinical-practice,apa;nbcc:6361\n"
)


def sign_in(page: Page, live_server: Any, user: User) -> None:
    """Reuse a session made by the test client instead of typing a password every time."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_phone_user_adds_an_activity_with_the_keyboard(
    phone_page: Page, live_server: Any
) -> None:
    owner = make_user("phone@example.org")
    sign_in(phone_page, live_server, owner)
    page = phone_page

    page.goto("/activities/new/")
    assert fits_the_screen(page)
    page.get_by_label("Title").fill("Suicide risk assessment")
    page.get_by_label("Completed on").fill("2025-03-21")
    page.get_by_label("Hours", exact=True).fill("6")
    page.get_by_label("In person").check()
    topic = page.get_by_role("checkbox", name="Suicide prevention")
    topic.focus()
    page.keyboard.press("Space")
    page.get_by_label("Suicide prevention: hours (optional)").fill("4")
    page.get_by_role("group", name="Approved by").get_by_role("checkbox", name="NBCC").check()
    page.get_by_label("NBCC: approval number (optional)").fill("6361")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Added “Suicide risk assessment”.")
    assert fits_the_screen(page)
    activity = Activity.objects.get(user=owner)
    assert activity.topics == [{"slug": "suicide-prevention", "hours": 4.0}]
    assert activity.approvals == [{"body": "nbcc", "number": "6361"}]


def test_a_mistake_comes_back_with_the_error_and_the_typed_values(
    page: Page, live_server: Any
) -> None:
    owner = make_user("mistake@example.org")
    sign_in(page, live_server, owner)

    page.goto("/activities/new/")
    page.get_by_label("Title").fill("Short workshop")
    page.get_by_label("Completed on").fill("2025-03-21")
    page.get_by_label("Hours", exact=True).fill("1")
    page.get_by_label("In person").check()
    page.get_by_label("Ethics: hours (optional)", exact=True).fill("2")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("more than the activity's 1 hours")
    expect(page.get_by_label("Ethics: hours (optional)", exact=True)).to_have_value("2")
    expect(page.get_by_label("Title")).to_have_value("Short workshop")
    assert not Activity.objects.exists()


def test_import_then_export(page: Page, live_server: Any, tmp_path: Any) -> None:
    owner = make_user("ledger@example.org")
    sign_in(page, live_server, owner)
    csv_file = tmp_path / "ledger.csv"
    csv_file.write_text(LEDGER, encoding="utf-8")

    page.goto("/activities/import/")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check and import").click()

    expect(page.get_by_role("status")).to_contain_text("Imported 2 activities.")
    expect(page.get_by_role("link", name="Trauma-focused CBT, part 1")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export all as CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("lifelong-activities-")
    exported = (tmp_path / "export.csv").as_posix()
    download.save_as(exported)
    with open(exported, encoding="utf-8") as exported_file:
        assert "Trauma-focused CBT, part 1" in exported_file.read()
