"""Research in the browser: follow a journal feed served from loopback, refresh it, see the
new articles ranked with evidence badges and reasons, save one, find it again by search."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, make_user
from tests.literature.loopback import LoopbackServer, Reply, data, serve

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FEED_PATH = "/jcpr/rss"


@pytest.fixture
def journal_feed(settings: Any) -> Iterator[LoopbackServer]:
    """A psychotherapy journal's RSS feed on a loopback server the app may fetch from."""
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    for server in serve():
        server.add(
            FEED_PATH,
            Reply(200, data("journal_rss.xml"), {"Content-Type": "application/rss+xml"}),
        )
        yield server


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_follow_a_feed_see_ranked_articles_save_one_and_find_it(
    page: Page, journal_feed: LoopbackServer
) -> None:
    make_user("reader@example.org", name="Rea Reader")
    sign_in(page, "reader@example.org")

    # An interest to rank by.
    page.goto("/literature/interests/")
    page.get_by_label("Name").fill("PTSD")
    page.get_by_label("Words to look for").fill("PTSD, posttraumatic stress, EMDR")
    page.get_by_role("button", name="Add the interest").click()
    expect(page.get_by_role("status")).to_contain_text("Added the interest “PTSD”")

    # Follow the journal's feed and fetch it now.
    page.get_by_role("link", name="Sources").first.click()
    page.get_by_role("link", name="Add a source").first.click()
    page.get_by_label("Journal feed (RSS or Atom)").check()
    page.get_by_label("Name").fill("Journal of Clinical Psychotherapy Research")
    page.get_by_label("Feed address").fill(journal_feed.url(FEED_PATH))
    page.get_by_role("button", name="Add the source").click()
    page.get_by_role("button", name=re.compile("Refresh now")).click()
    assert journal_feed.hits(FEED_PATH), "the feed was never fetched"

    # My feed: the PTSD trial first, with its evidence badge and the reason it is there.
    page.goto("/literature/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My feed")
    items = page.locator("ol.lit-list > li")
    expect(items).to_have_count(3)
    first = items.nth(0)
    expect(first.get_by_role("heading")).to_contain_text("prolonged exposure for PTSD in veterans")
    expect(first.locator(".lit-evidence")).to_have_text("Randomised trial")
    expect(first.locator(".lit-evidence-reason")).to_contain_text("randomized")
    expect(first.locator(".lit-reason")).to_contain_text(re.compile(r"^matches PTSD · "))
    expect(items.nth(1).locator(".lit-evidence")).to_have_text("Systematic review")
    expect(items.nth(1).locator(".lit-reason")).to_contain_text("no interest matched")

    # Save the trial; the feed now shows it on the reading list.
    first.get_by_role("button", name=re.compile("Save .* to reading list")).click()
    expect(page.get_by_role("status")).to_contain_text("to your reading list")
    expect(page.locator("ol.lit-list > li").nth(0)).to_contain_text("On your reading list: to read")

    # Search finds it, saved, and the reading-list filter narrows to it.
    page.get_by_role("navigation", name="Research").get_by_role("link", name="Search").click()
    page.get_by_label("Search the library").fill('"prolonged exposure" veterans')
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("ol.lit-list > li")
    expect(results).to_have_count(1)
    expect(results.nth(0)).to_contain_text("On your reading list: to read")
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Reading list").select_option("unsaved")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="No articles found")).to_be_visible()

    # The reading list: mark it read with a note on how it changed practice.
    page.get_by_role("navigation", name="Research").get_by_role("link", name="Reading list").click()
    page.get_by_role("link", name=re.compile("Notes and practice")).click()
    page.get_by_label("Read", exact=True).check()
    page.get_by_label("Private notes").fill(
        "Similar effect sizes; EMDR needs fewer homework tasks."
    )
    page.get_by_label("I applied this in my practice").check()
    page.get_by_label("How").fill("Offer EMDR to veterans who cannot do exposure homework.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Saved your notes")
    expect(page.locator(".lit-entry")).to_contain_text(
        "Applied in practice: Offer EMDR to veterans who cannot do exposure homework."
    )
