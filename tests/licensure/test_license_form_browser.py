"""The license form in the system Chromium: the rule set's options follow the select with
htmx, and without JavaScript after pressing Save, before anything is saved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lifelong.licensure.models import License
from tests.browser.conftest import browser, chromium_path, open_context  # noqa: F401
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "form.tester@example.org"


def _page(browser: Browser, live_server: Any, javascript: bool) -> Iterator[Page]:  # noqa: F811
    context, watch = open_context(browser, live_server.url, java_script_enabled=javascript)
    try:
        yield context.new_page()
    finally:
        context.close()
    if watch.problems:
        pytest.fail("\n".join(watch.problems), pytrace=False)


@pytest.fixture
def js_page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:  # noqa: F811
    yield from _page(browser, live_server, javascript=True)


@pytest.fixture
def no_js_page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:  # noqa: F811
    yield from _page(browser, live_server, javascript=False)


def _sign_in(page: Page) -> None:
    make_user(EMAIL)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _start_texas_license(page: Page) -> None:
    page.goto("/licenses/new/")
    page.get_by_label("Rule set").select_option("us-tx-lpc")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Supervisor")).to_be_visible()
    page.get_by_label("Label").fill("My license")
    page.get_by_label("Expires on").fill("2027-04-30")


def test_the_options_follow_the_rule_set_with_javascript(js_page: Page) -> None:
    _sign_in(js_page)
    _start_texas_license(js_page)

    js_page.get_by_label("Rule set").select_option("us-ca-lmft")

    expect(js_page.get_by_label("Graduate study before 2004", exact=True)).to_be_visible()
    expect(js_page.get_by_label("Supervisor")).to_have_count(0)
    expect(js_page.get_by_label("Label")).to_have_value("My license")
    assert not License.objects.exists()
    js_page.get_by_label("Telehealth (once)").check()
    js_page.get_by_role("button", name="Save").click()
    expect(js_page.get_by_role("heading", level=1)).to_have_text("My license")
    license = License.objects.get()
    assert license.ruleset_id == "us-ca-lmft"
    assert license.completed_once == ["telehealth"]


def test_the_options_follow_the_rule_set_without_javascript(no_js_page: Page) -> None:
    _sign_in(no_js_page)
    _start_texas_license(no_js_page)

    no_js_page.get_by_label("Rule set").select_option("us-ca-lmft")
    no_js_page.get_by_role("button", name="Save").click()

    expect(no_js_page.get_by_text("Showing the options of California LMFT")).to_be_visible()
    expect(no_js_page.get_by_label("Supervisor")).to_have_count(0)
    expect(no_js_page.get_by_label("Label")).to_have_value("My license")
    assert not License.objects.exists()
    no_js_page.get_by_label("Graduate study before 2004", exact=True).check()
    no_js_page.get_by_role("button", name="Save").click()
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text("My license")
    assert License.objects.get().roles == ["graduate-study-before-2004"]
