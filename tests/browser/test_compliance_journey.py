"""The whole journey: sign up, add a license, import CE activities (after fixing a bad file),
see the deficit on the dashboard, add the missing activity, become compliant."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Locator, Page, expect

from tests.browser.flows import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CSV_HEADER = "title,provider,completed_on,hours,format,kind,topics,approvals\n"


def renewal_deadline(today: date) -> date:
    """The last day of the month about six months ahead (California renews in the birth
    month), so that the activities below fall in the current cycle."""
    ahead = today + timedelta(days=180)
    return ahead.replace(day=calendar.monthrange(ahead.year, ahead.month)[1])


def activities_csv(today: date) -> str:
    """33 hours in the current cycle, only 3 of them law and ethics: 3 hours short overall
    and 3 hours short of California's 6 hours of law and ethics."""

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    rows = [
        f"Law and Ethics Update,CAMFT,{day(40)},3,live-online,course,law-and-ethics,other",
        f"EFT Core Skills,Sacramento Center for EFT,{day(70)},12,in-person,course,"
        "clinical-practice,apa;aamft",
        f"Trauma-Focused CBT,PESI,{day(100)},6,live-online,course,trauma,apa;nbcc:6361",
        f"Motivational Interviewing,MINT,{day(130)},6,in-person,course,"
        "substance-use=2;clinical-practice,nbcc",
        f"Cultural Humility in Couple Therapy,AAMFT,{day(160)},6,self-study,course,"
        "cultural-competence,aamft",
    ]
    return CSV_HEADER + "\n".join(rows) + "\n"


def upload(page: Page, text: str) -> None:
    payload: FilePayload = {
        "name": "activities.csv",
        "mimeType": "text/csv",
        "buffer": text.encode(),
    }
    page.get_by_label("CSV file").set_input_files(files=payload)
    page.get_by_role("button", name="Check and import").click()


def license_card(page: Page, name: str) -> Locator:
    return page.get_by_role("article").filter(has=page.get_by_role("heading", name=name))


def test_a_therapist_finds_the_deficit_and_closes_it(page: Page) -> None:
    today = timezone.localdate()
    deadline = renewal_deadline(today)
    sign_up(page, "casey.lmft@example.org", "a long and unusual passphrase", "Casey Lee")

    # Add a license: choose the rule set, then its details.
    page.get_by_role("link", name="Add a license").first.click()
    page.get_by_label("Rule set").select_option("us-ca-lmft")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a license")
    page.get_by_label("Label").fill("CA LMFT")
    page.get_by_label("License number").fill("LMFT 123456")
    page.get_by_label("First issued on").fill("2015-06-01")
    page.get_by_label("Expires on").fill(deadline.isoformat())
    page.get_by_label("No, I have renewed before").check()
    page.get_by_label("Suicide risk assessment and intervention (once)").check()
    page.get_by_label("Telehealth (once)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CA LMFT")

    # A file with a mistake is refused as a whole, with the problem located.
    page.goto("/activities/import/")
    bad = activities_csv(today).replace("live-online,course,trauma", "webinar,course,trauma")
    upload(page, bad)
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Nothing was imported")
    expect(problems).to_contain_text("webinar")
    page.goto("/activities/")
    expect(page.get_by_text("Law and Ethics Update")).to_have_count(0)

    # The corrected file goes in.
    page.goto("/activities/import/")
    upload(page, activities_csv(today))
    expect(page).to_have_url(re.compile(r"/activities/$"))
    expect(page.get_by_text("Law and Ethics Update")).to_be_visible()

    # The dashboard shows what is missing.
    page.goto("/dashboard/")
    card = license_card(page, "CA LMFT")
    expect(card.get_by_text("NOT COMPLIANT")).to_be_visible()
    expect(card).to_contain_text("33 of 36 h")
    expect(card).to_contain_text("3 of 6 h")

    # One 3-hour law and ethics course closes both gaps.
    page.goto("/activities/new/")
    page.get_by_label("Title").fill("California Law and Ethics: Telehealth and Minors")
    page.get_by_label("Provider (optional)").fill("CAMFT")
    page.get_by_label("Completed on").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Hours", exact=True).fill("3")
    page.get_by_label("Live online (synchronous, interactive)").check()
    page.get_by_role("checkbox", name="Law and ethics", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    page.goto("/dashboard/")
    card = license_card(page, "CA LMFT")
    expect(card.get_by_text("COMPLIANT", exact=True)).to_be_visible()
    expect(card).to_contain_text("36 of 36 h")
    expect(card).to_contain_text("6 of 6 h")
