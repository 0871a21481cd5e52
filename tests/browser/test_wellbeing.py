"""Well-being in the browser: take the ProQOL and see the scores and bands, check in three
times over three weeks, and see the trend and a gentle warning with its options."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from lifelong.api.common import today_for
from lifelong.wellbeing.instruments import get_instrument
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "sam.lcsw@example.org"


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_proqol_check_ins_trend_and_a_warning_with_options(page: Page) -> None:
    user = make_user(EMAIL, name="Sam Rivera")
    today = today_for(user)
    proqol = get_instrument("proqol-5")
    assert proqol is not None
    sign_in(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Well-being").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Well-being")
    page.get_by_role("region", name="Self-checks").get_by_role(
        "link", name="Take the ProQOL 5"
    ).click()
    expect(page.get_by_text("www.ProQOL.org").first).to_be_visible()

    # Worn out: burnout items "Very often" (their reversed items "Never"), the rest "Sometimes".
    for item in proqol.items:
        answer = "Sometimes"
        if item.subscale == "burnout":
            answer = "Never" if item.reverse else "Very often"
        page.get_by_role("group", name=f"{item.number}. {item.text}").get_by_label(
            answer, exact=True
        ).check()
    page.get_by_role("button", name="See my scores").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ProQOL 5: your scores")
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Burnout")).to_contain_text("50")
    expect(rows.filter(has_text="Burnout")).to_contain_text("High")
    expect(rows.filter(has_text="Compassion satisfaction")).to_contain_text("30")
    expect(rows.filter(has_text="Compassion satisfaction")).to_contain_text("Moderate")

    for weeks_ago, answer in ((2, "5 · "), (1, "4"), (0, "2")):
        page.get_by_role("link", name="Check in", exact=True).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Quick check-in")
        page.get_by_label("Day").fill((today - timedelta(weeks=weeks_ago)).isoformat())
        questions = page.locator("fieldset.wb-question")
        expect(questions).to_have_count(5)
        for index in range(5):
            questions.nth(index).get_by_label(re.compile(r"^\s*" + re.escape(answer))).check()
        page.get_by_role("button", name="Save check-in").click()
        expect(page.get_by_role("status")).to_contain_text("Check-in saved")

    trends = page.get_by_role("region", name="Trends")
    expect(trends.get_by_role("img", name=re.compile("Quick check-ins over time"))).to_be_visible()
    expect(trends.locator("polyline").first).to_be_visible()
    expect(trends.locator("circle")).to_have_count(3 + 3)  # three check-ins, one ProQOL x 3

    warnings = page.get_by_role("region", name="Worth a look")
    expect(warnings).to_contain_text("Your ProQOL 5 shows a high score")
    expect(warnings).to_contain_text("Your last check-ins have each been a little harder")
    expect(warnings).to_contain_text("Options that may help")
    expect(warnings).to_contain_text("988")
    expect(warnings.get_by_role("link", name="plan a CE course on self-care")).to_be_visible()

    page.get_by_role("link", name=re.compile("Notifications")).click()
    page.get_by_role("link", name="Your last check-ins have each been a little harder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support and options")
    expect(page.get_by_role("main")).to_contain_text("Talk it through")
