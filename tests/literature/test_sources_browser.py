"""Sources and library in the system Chromium: follow a journal feed served from loopback,
refresh it, find its papers with their evidence badges in the library, export a selection;
on a phone, with no CSP violation or script error on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from lifelong.accounts.models import User
from lifelong.literature.models import Source
from tests.conftest import make_user
from tests.literature.loopback import LoopbackServer, Reply, data

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, live_server: Any, user: User) -> None:
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


def test_follow_a_feed_refresh_it_and_export_from_the_library(
    phone_page: Page, live_server: Any, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/jcpr/rss", Reply(200, data("journal_rss.xml")))
    owner = make_user("reader@example.org")
    sign_in(phone_page, live_server, owner)
    page = phone_page

    page.goto("/literature/sources/")
    page.get_by_role("link", name="Add a source").click()
    page.get_by_label("Journal feed (RSS or Atom)").check()
    page.get_by_label("Name").fill("Clinical Psychotherapy Research")
    page.get_by_label("Feed address").fill(loopback.url("/jcpr/rss"))
    page.get_by_role("button", name="Add the source").click()

    expect(
        page.get_by_role("heading", level=2, name="Clinical Psychotherapy Research")
    ).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_role("button", name="Refresh now Clinical Psychotherapy Research").click()
    expect(
        page.get_by_text("Refreshed “Clinical Psychotherapy Research”: 3 new papers.")
    ).to_be_visible()

    page.get_by_role("link", name="Library", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your literature library")
    items = page.locator(".library-item")
    expect(items).to_have_count(3)
    burnout = items.filter(has_text="Therapist burnout and client outcomes")
    expect(burnout.locator(".evidence-badge")).to_have_text("Systematic review")
    emdr = items.filter(has_text="Eye movement desensitization")
    expect(emdr.locator(".evidence-badge")).to_have_text("Randomised trial")
    assert fits_the_screen(page)

    page.get_by_label(re.compile("^Select Therapist burnout")).check()
    page.get_by_label("Format").select_option("ris")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export the selected papers").click()
    exported = download_info.value.path().read_text(encoding="utf-8")
    assert exported.count("TY  - ") == 1
    assert "Therapist burnout and client outcomes" in exported
    assert Source.objects.get(owner=owner).last_error == ""
