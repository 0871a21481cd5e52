"""Planning in the browser: plan the missing course, see on the dashboard when the license will
be compliant, complete the plan in one step and see the license become compliant. The plan
list also fits a phone screen."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from lifelong.accounts.models import User
from lifelong.credits.models import Activity, PlannedActivity
from lifelong.licensure.models import License
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "robin.lpc@example.org"


def texas_counselor_short_of_cultural_competence(today: date) -> User:
    """A Texas LPC whose cycle ends in about seven months: 18 of 24 hours, ethics done, the 3
    hours of cultural competence missing."""
    user = make_user(EMAIL, name="Robin Diaz")
    License.objects.create(
        user=user, ruleset_id="us-tx-lpc", label="TX LPC", expires_on=today + timedelta(days=220)
    )
    for title, hours, topic in [
        ("Ethics for counselors", 6, "ethics"),
        ("Trauma-focused CBT", 12, "trauma"),
    ]:
        Activity.objects.create(
            user=user,
            title=title,
            provider="Test Institute",
            completed_on=today - timedelta(days=40),
            hours=Decimal(hours),
            format="in-person",
            topics=[{"slug": topic, "hours": None}],
            approvals=[{"body": "nbcc", "number": ""}],
        )
    return user


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def license_card(page: Page) -> Locator:
    return page.get_by_role("article").filter(has=page.get_by_role("heading", name="TX LPC"))


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def test_a_counselor_plans_the_missing_course_and_completes_it(page: Page) -> None:
    today = timezone.localdate()
    planned_on = today + timedelta(days=21)
    texas_counselor_short_of_cultural_competence(today)
    sign_in(page)

    # The dashboard shows the gap and offers to plan.
    card = license_card(page)
    expect(card.get_by_text("NOT COMPLIANT")).to_be_visible()
    card.get_by_role("link", name="Plan a course").click()

    # Plan a six-hour cultural competence course three weeks ahead.
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a CE course")
    page.get_by_label("Title").fill("Cultural humility in counseling")
    page.get_by_label("Provider (optional)").fill("NBCC")
    page.get_by_label("Planned date").fill(planned_on.isoformat())
    page.get_by_label("Hours", exact=True).fill("6")
    page.get_by_label("Live online (synchronous, interactive)").check()
    page.get_by_role("checkbox", name="Cultural competence", exact=True).check()
    page.get_by_role("checkbox", name="NBCC", exact=True).check()
    page.get_by_label("Course page (optional)").fill("https://www.example.org/humility")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/plans/$"))
    expect(
        page.get_by_role("link", name="Cultural humility in counseling", exact=True)
    ).to_be_visible()

    # The dashboard says when the plan makes the license compliant.
    page.goto("/dashboard/")
    card = license_card(page)
    expect(card.get_by_text("NOT COMPLIANT")).to_be_visible()
    expect(card).to_contain_text(
        f"With these plans you will be compliant on {long_date(planned_on)}"
    )

    # Done early: "I completed this" opens the activity form, prefilled; the date is today.
    page.get_by_role("link", name="Planned courses").click()
    page.get_by_role("link", name=re.compile("I completed this")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a completed course")
    expect(page.get_by_label("Title")).to_have_value("Cultural humility in counseling")
    # (the day may have turned since the test began)
    expect(page.get_by_label("Completed on")).to_have_value(
        re.compile(f"^({today.isoformat()}|{timezone.localdate().isoformat()})$")
    )
    expect(page.get_by_role("checkbox", name="Cultural competence", exact=True)).to_be_checked()
    expect(page.get_by_label("Notes (optional)")).to_have_value(
        "Course page: https://www.example.org/humility"
    )
    page.get_by_role("button", name="Save as completed").click()

    # Compliant now, and the plan is gone.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    card = license_card(page)
    expect(card.get_by_text("COMPLIANT", exact=True)).to_be_visible()
    expect(card).to_contain_text("24 of 24 h")
    expect(card).not_to_contain_text("With these plans")
    assert not PlannedActivity.objects.exists()
    assert Activity.objects.filter(title="Cultural humility in counseling").count() == 1


def test_the_plan_list_fits_a_phone_screen(phone_page: Page) -> None:
    today = timezone.localdate()
    user = texas_counselor_short_of_cultural_competence(today)
    for days, title in [(-3, "A webinar with a long title about cultural humility"), (30, "EMDR")]:
        PlannedActivity.objects.create(
            user=user,
            title=title,
            provider="PESI",
            planned_on=today + timedelta(days=days),
            hours=Decimal(3),
            format="live-online",
            topics=[{"slug": "cultural-competence", "hours": None}],
            url="https://www.example.org/a-long-course-page-address",
        )
    sign_in(phone_page)

    phone_page.goto("/plans/")

    expect(phone_page.get_by_text("Overdue: did you take it?")).to_be_visible()
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
