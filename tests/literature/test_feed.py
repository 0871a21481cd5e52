"""My feed: the service (candidates, ranking, scopes) and the page (owner, peer, outsider)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.literature.feed import build_feed, published_until
from tests.literature.feed_helpers import (
    bring,
    make_article,
    make_interest,
    make_source,
    save_to_reading_list,
)

URL = reverse("literature:feed")
pytestmark = pytest.mark.django_db


def feed_titles(user: User, scope: str = "sources") -> list[str]:
    return [item.article.title for item in build_feed(user, scope).items]


# -- the service ---------------------------------------------------------------------------


def test_the_feed_ranks_the_users_new_items_by_interest_evidence_and_recency(owner: User) -> None:
    source = make_source(owner)
    make_interest(owner, "PTSD", "PTSD, posttraumatic stress")
    make_interest(owner, "EMDR", "EMDR")
    bring(source, make_article("Knee surgery outcomes"), days_ago=1)
    bring(source, make_article("PTSD in firefighters", evidence_level="observational"), 2)
    bring(
        source,
        make_article(
            "EMDR for PTSD: a meta-analysis",
            evidence_level="systematic-review",
            evidence_reason="publication type: Meta-Analysis",
            published_month=None,
            published_year=None,
        ),
        days_ago=21,
    )

    feed = build_feed(owner)

    assert [item.article.title for item in feed.items] == [
        "EMDR for PTSD: a meta-analysis",
        "PTSD in firefighters",
        "Knee surgery outcomes",
    ]
    assert feed.items[0].ranked.reason == "matches EMDR, PTSD · meta-analysis · 3 weeks old"
    assert feed.items[2].ranked.reason.startswith("from your sources, no interest matched")


def test_only_the_users_own_source_items_are_in_their_feed(owner: User, peer: User) -> None:
    bring(make_source(owner), make_article("Mine"))
    bring(make_source(peer), make_article("The peer's"))

    assert feed_titles(owner) == ["Mine"]
    assert feed_titles(peer) == ["The peer's"]


def test_items_older_than_the_window_and_removed_articles_are_left_out(owner: User) -> None:
    source = make_source(owner)
    bring(source, make_article("Fresh"), days_ago=3)
    bring(source, make_article("Nine weeks old"), days_ago=63)
    bring(source, make_article("Removed", removed_at=timezone.now()), days_ago=1)

    assert feed_titles(owner) == ["Fresh"]


def test_an_article_two_sources_brought_appears_once(owner: User) -> None:
    article = make_article("Twice")
    bring(make_source(owner, "A"), article, days_ago=5)
    bring(make_source(owner, "B"), article, days_ago=1)

    feed = build_feed(owner)

    assert [item.article.title for item in feed.items] == ["Twice"]
    assert feed.items[0].ranked.age_days == 5


def test_retracted_articles_sink_and_say_so(owner: User) -> None:
    source = make_source(owner)
    make_interest(owner, "PTSD")
    bring(source, make_article("PTSD retracted trial", retracted=True, evidence_level="guideline"))
    bring(source, make_article("PTSD case", evidence_level="case-report"))

    items = build_feed(owner).items

    assert [item.article.title for item in items] == ["PTSD case", "PTSD retracted trial"]
    assert items[1].ranked.reason.startswith("RETRACTED · ")


def test_the_library_scope_adds_other_articles_matching_an_interest(
    owner: User, peer: User
) -> None:
    make_interest(owner, "Grief", "grief, bereavement")
    bring(make_source(owner), make_article("Knee surgery"))
    make_article("Grief after suicide loss")  # in the library, from nobody's source
    bring(make_source(peer), make_article("Bereavement in widows"))  # a peer's source
    make_article("Unrelated library article")

    assert sorted(feed_titles(owner, "library")) == [
        "Bereavement in widows",
        "Grief after suicide loss",
        "Knee surgery",
    ]
    assert feed_titles(owner, "sources") == ["Knee surgery"]


def test_candidates_are_capped_to_the_newest(owner: User) -> None:
    source = make_source(owner)
    for number in range(5):
        bring(source, make_article(f"Item {number}"), days_ago=number)

    feed = build_feed(owner, max_candidates=3)

    assert feed.capped is True
    assert sorted(item.article.title for item in feed.items) == ["Item 0", "Item 1", "Item 2"]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((2024, None, None), date(2024, 12, 31)),
        ((2024, 2, None), date(2024, 2, 29)),
        ((2025, 2, None), date(2025, 2, 28)),
        ((2025, 3, 9), date(2025, 3, 9)),
        ((None, None, None), None),
        ((2025, 13, None), None),
        ((2025, 2, 30), None),
    ],
)
def test_publication_periods_end_on_their_last_day(
    parts: tuple[int | None, int | None, int | None], expected: date | None
) -> None:
    assert published_until(*parts) == expected


# -- the page ------------------------------------------------------------------------------


def test_the_page_shows_ranked_items_with_badges_reasons_and_save_buttons(
    owner_client: Client, owner: User
) -> None:
    make_interest(owner, "PTSD")
    article = make_article(
        "PTSD and <i>sleep</i>",
        title_html="PTSD and <i>sleep</i><script>alert(1)</script>",
        evidence_level="randomized-trial",
        evidence_reason="title says 'randomized' (not yet indexed)",
    )
    bring(make_source(owner), article, days_ago=15)

    response = owner_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "PTSD and <i>sleep</i>" in html
    assert "<script>alert(1)" not in html
    assert "Randomised trial</span>" in html
    assert "title says &#x27;randomized&#x27; (not yet indexed)" in html
    assert "matches PTSD · randomised trial · 2 weeks old" in html
    assert f'name="article" value="{article.pk}"' in html
    assert response.context["nav_section"] == "literature"


def test_a_retracted_item_has_a_red_badge_in_words(owner_client: Client, owner: User) -> None:
    bring(make_source(owner), make_article("Bad data", retracted=True))

    html = owner_client.get(URL).content.decode()

    assert '<strong class="badge lit-retracted">Retracted</strong>' in html
    assert "This article was retracted." in html


def test_saved_items_link_to_their_reading_list_entry(owner_client: Client, owner: User) -> None:
    article = make_article("Saved one")
    bring(make_source(owner), article)
    entry = save_to_reading_list(owner, article, status="reading")

    html = owner_client.get(URL).content.decode()

    assert reverse("literature:reading_entry", args=[entry.pk]) in html
    assert "On your reading list: reading" in html


def test_without_sources_the_page_says_how_to_add_one(owner_client: Client) -> None:
    html = owner_client.get(URL).content.decode()

    assert "No sources yet" in html
    assert reverse("literature:source_list") in html
    assert "You have no interests yet." in html


def test_the_whole_library_scope_is_chosen_on_the_page(owner_client: Client, owner: User) -> None:
    make_interest(owner, "Grief")
    make_article("Grief in the library")

    assert "Grief in the library" not in owner_client.get(URL).content.decode()
    assert "Grief in the library" in owner_client.get(URL, {"scope": "library"}).content.decode()
    assert owner_client.get(URL, {"scope": "nonsense"}).context["scope"] == "sources"


def test_a_peer_sees_none_of_the_owners_feed(peer_client: Client, owner: User) -> None:
    bring(make_source(owner), make_article("Owner's item"))

    assert "Owner's item" not in peer_client.get(URL).content.decode()


def test_an_outsider_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_feed_page_runs_a_bounded_number_of_queries(
    owner_client: Client, owner: User, django_assert_max_num_queries: object
) -> None:
    source = make_source(owner)
    for number in range(3):
        make_interest(owner, f"Topic {number}")
    for number in range(60):
        article = make_article(f"Topic {number % 3} study {number}", authors=[{"family": "Lee"}])
        bring(source, article, days_ago=number % 20)
        if number % 4 == 0:
            save_to_reading_list(owner, article)

    with django_assert_max_num_queries(9):  # type: ignore[operator]
        response = owner_client.get(URL, {"page": "2"})

    assert response.status_code == 200
    assert len(response.context["items"]) == 25


def test_pages_of_the_feed_follow_the_ranking(owner_client: Client, owner: User) -> None:
    source = make_source(owner)
    for number in range(30):
        bring(source, make_article(f"Item {number:02d}"), days_ago=timedelta(hours=number).days)

    first = owner_client.get(URL).context["items"]
    second = owner_client.get(URL, {"page": "2"}).context["items"]

    assert len(first) == 25
    assert len(second) == 5
    assert not {item.article.pk for item in first} & {item.article.pk for item in second}
