"""Growth in the browser: create a learning goal, log a matching CE activity, watch the goal
progress, then turn the course's key takeaway into a review card and review it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lifelong.growth.models import CardReview, Goal, ReviewCard
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EMAIL = "sam.lmft@example.org"


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_a_goal_progresses_with_a_matching_activity_and_a_card_is_reviewed(page: Page) -> None:
    make_user(EMAIL, name="Sam Lee")
    today = timezone.localdate()
    sign_in(page)

    # A goal: six CE hours in trauma, started ten days ago.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Growth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning goals")
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Title").fill("Trauma-informed care")
    page.get_by_label("Why this matters").fill("More of my clients come with trauma histories.")
    page.get_by_label("What counts").select_option("hours")
    page.get_by_label("Target").fill("6")
    page.get_by_label("Start date").fill((today - timedelta(days=10)).isoformat())
    page.get_by_label("Due date").fill((today + timedelta(days=170)).isoformat())
    page.get_by_role("checkbox", name="Trauma", exact=True).check()
    page.get_by_role("button", name="Add the goal").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Trauma-informed care")
    expect(page.get_by_text("0 of 6 CE hours")).to_be_visible()
    expect(page.get_by_text("No CE activity in these topics")).to_be_visible()

    # Log a three-hour trauma course.
    page.get_by_role("link", name="Log a CE activity").click()
    page.get_by_label("Title").fill("TF-CBT: stabilisation and narrative")
    page.get_by_label("Completed on").fill(today.isoformat())
    page.get_by_label("Hours", exact=True).fill("3")
    page.get_by_label("Live online (synchronous, interactive)").check()
    page.get_by_role("checkbox", name="Trauma", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Record a CE activity")

    # The goal is half way, and says what counted.
    goal = Goal.objects.get()
    page.goto(f"/growth/goals/{goal.pk}/")
    expect(page.get_by_text("3 of 6 CE hours")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "50")
    expect(page.get_by_role("cell", name="TF-CBT: stabilisation and narrative")).to_be_visible()

    # A review card from the course's key takeaway.
    page.get_by_role("navigation", name="Growth").get_by_role("link", name="Cards").click()
    page.get_by_label("Question").fill("What comes before the trauma narrative in TF-CBT?")
    page.get_by_label("Answer").fill("Stabilisation: psychoeducation, relaxation, affect skills.")
    page.get_by_label("From the CE activity").select_option(
        label=f"TF-CBT: stabilisation and narrative ({today:%Y-%m-%d})"
    )
    page.get_by_role("button", name="Add the card").click()
    expect(page.get_by_text("Added the card")).to_be_visible()

    # Review it: the answer is hidden until asked for; Good brings it back in ten minutes
    # (still today), Easy schedules it days ahead.
    page.get_by_role("navigation", name="Growth").get_by_role(
        "link", name="Review", exact=True
    ).click()
    expect(page.get_by_text("1 card due today.")).to_be_visible()
    answer = page.get_by_text("Stabilisation: psychoeducation, relaxation, affect skills.")
    expect(answer).to_be_hidden()
    page.get_by_text("Show the answer").click()
    expect(answer).to_be_visible()
    page.get_by_role("button", name="Good").click()
    expect(
        page.get_by_role("heading", name="What comes before the trauma narrative in TF-CBT?")
    ).to_be_visible()
    page.get_by_text("Show the answer").click()
    page.get_by_role("button", name="Easy").click()
    expect(page.get_by_text("Nothing left to review today.")).to_be_visible()
    expect(page.get_by_text("100% of 2 reviews")).to_be_visible()

    card = ReviewCard.objects.get()
    assert card.due - timezone.now() > timedelta(days=1)
    assert list(CardReview.objects.values_list("rating", flat=True)) == [3, 4]
