"""A consultation group in the browser: a facilitator creates a group, schedules it, invites a
colleague who accepts the covenant, logs a meeting; the colleague confirms their attendance and
turns the meeting into a CE activity of kind peer consultation."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lifelong.credits.models import Activity
from lifelong.licensure.models import License
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Sign in")).to_be_visible()


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def test_a_group_is_scheduled_a_meeting_logged_and_turned_into_ce(page: Page) -> None:
    today = timezone.localdate()
    make_user("fay@example.org", name="Fay Facilitator", time_zone="America/New_York")
    sam = make_user("sam@example.org", name="Sam Rivera")
    License.objects.create(
        user=sam, ruleset_id="us-wa-lmhc", label="WA LMHC", expires_on=today + timedelta(days=400)
    )
    first_thursday = next_weekday(today, 3)

    # The facilitator creates the group.
    sign_in(page, "fay@example.org")
    page.get_by_role("link", name="Groups").click()
    page.get_by_label("Name").fill("Thursday consultation")
    page.get_by_label("Kind").select_option("consultation")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday consultation")

    # Schedules it: Thursdays at 18:00 in New York.
    page.get_by_text("Change the schedule").click()
    page.get_by_label("Recurrence rule").fill("FREQ=WEEKLY;BYDAY=TH")
    page.get_by_label("First meeting").fill(first_thursday.isoformat())
    page.get_by_label("Meeting time").fill("18:00")
    page.get_by_role("button", name="Save schedule").click()
    expect(page.get_by_text("The schedule was saved.")).to_be_visible()
    next_meetings = page.get_by_role("heading", name="Next meetings").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(next_meetings.get_by_role("listitem")).to_have_count(5)
    expect(next_meetings.get_by_role("listitem").first).to_contain_text("Thursday")
    expect(next_meetings.get_by_role("listitem").first).to_contain_text("18:00")

    # Invites a colleague, who reads the covenant and joins.
    page.get_by_label("Email address of their Lifelong account").fill("sam@example.org")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_text("Sam Rivera was invited.")).to_be_visible()
    sign_out(page)
    sign_in(page, "sam@example.org")
    page.get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Thursday consultation").click()
    expect(page.get_by_role("heading", name="The group's covenant")).to_be_visible()
    page.get_by_label(re.compile("I accept this covenant")).check()
    page.get_by_role("button", name="Join the group").click()
    expect(page.get_by_text("Welcome to Thursday consultation.")).to_be_visible()
    sign_out(page)

    # The facilitator logs the first meeting with both present.
    sign_in(page, "fay@example.org")
    page.get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Thursday consultation").click()
    page.get_by_label(re.compile(r"^Date:?$")).fill(today.isoformat())
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_label("Ethics", exact=True).check()
    page.get_by_label("Discussion notes").fill("Dual relationships in rural practice.")
    page.get_by_label("Sam Rivera").check()
    page.get_by_label("Fay Facilitator").check()
    page.get_by_role("button", name="Log meeting").click()
    expect(page.get_by_text("The meeting was logged")).to_be_visible()
    sign_out(page)

    # The colleague confirms and turns it into a CE activity.
    sign_in(page, "sam@example.org")
    page.get_by_role("link", name=re.compile("Notifications")).click()
    page.get_by_role("link", name=re.compile("Confirm your attendance")).first.click()
    page.get_by_role("button", name="Confirm I attended").click()
    expect(page.get_by_text("Your attendance is confirmed.")).to_be_visible()
    page.get_by_role("button", name="Add to my CE activities").click()
    expect(page.get_by_text(re.compile("is now in your CE activities"))).to_be_visible()

    activity = Activity.objects.get(user=sam)
    assert activity.kind == "peer-consultation"
    assert float(activity.hours) == 1.5
    assert activity.completed_on == today
    assert activity.topics == [{"slug": "ethics", "hours": None}]
    page.get_by_role("link", name="CE activities").click()
    expect(page.get_by_text("Thursday consultation: peer consultation")).to_be_visible()
