"""The search page: results with badges and save buttons, filters with errors, paging, access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.literature.feed_helpers import make_article, save_to_reading_list

URL = reverse("literature:search")
pytestmark = pytest.mark.django_db


def titles(response: object) -> list[str]:
    results = response.context["results"]  # type: ignore[attr-defined]
    return [hit.article.title for hit in results.hits]


def test_an_empty_form_shows_no_results_yet(owner_client: Client) -> None:
    response = owner_client.get(URL)

    assert response.status_code == 200
    assert response.context["results"] is None
    assert 'role="search"' in response.content.decode()


def test_results_show_badges_reasons_and_save_buttons(owner_client: Client, owner: User) -> None:
    article = make_article(
        "Sertraline for PTSD",
        evidence_level="systematic-review",
        evidence_reason="publication type: Systematic Review",
        retracted=True,
    )

    response = owner_client.get(URL, {"q": "sertraline"})

    html = response.content.decode()
    assert titles(response) == ["Sertraline for PTSD"]
    assert "1\u20131 of 1 article for “sertraline”" in html
    assert "Systematic review</span>" in html
    assert "publication type: Systematic Review" in html
    assert '<strong class="badge lit-retracted">Retracted</strong>' in html
    assert f'name="article" value="{article.pk}"' in html


def test_filters_apply_and_bad_ones_are_reported(owner_client: Client, owner: User) -> None:
    make_article("PTSD guideline", evidence_level="guideline", published_year=2025)
    make_article("PTSD editorial", evidence_level="editorial", published_year=2025)
    saved = make_article("PTSD saved", evidence_level="guideline", published_year=2020)
    save_to_reading_list(owner, saved)

    assert sorted(titles(owner_client.get(URL, {"q": "ptsd", "evidence": "guideline"}))) == [
        "PTSD guideline",
        "PTSD saved",
    ]
    assert titles(owner_client.get(URL, {"q": "ptsd", "read_status": "saved"})) == ["PTSD saved"]
    response = owner_client.get(
        URL, {"q": "ptsd", "published_from": "2024-01-01", "published_to": "2023-01-01"}
    )
    assert "published_to" in response.context["form"].errors
    assert response.context["results"].filters.published_to is None
    assert sorted(titles(response)) == ["PTSD editorial", "PTSD guideline"]


def test_hostile_queries_render_a_page(owner_client: Client) -> None:
    make_article("Near misses")

    for query in ['"', "NEAR(", "*", "AND", "x\x00y"]:
        assert owner_client.get(URL, {"q": query}).status_code == 200


def test_results_come_in_pages_of_twenty(owner_client: Client) -> None:
    for number in range(25):
        make_article(f"Grief study {number}")

    first = owner_client.get(URL, {"q": "grief"})
    second = owner_client.get(URL, {"q": "grief", "page": "2"})
    nonsense = owner_client.get(URL, {"q": "grief", "page": "x"})

    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    assert 'rel="next"' in first.content.decode()
    assert titles(nonsense) == titles(first)


@pytest.mark.parametrize("size", [4, 30])
def test_the_page_runs_a_bounded_number_of_queries(
    owner_client: Client, owner: User, django_assert_max_num_queries: object, size: int
) -> None:
    for number in range(size):
        article = make_article(f"Grief study {number}")
        if number % 2:
            save_to_reading_list(owner, article)

    # The first search of a word on SQLite counts the articles that contain it and keeps
    # the count (two more queries); later searches reuse it.
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        owner_client.get(URL, {"q": "grief"})
    with django_assert_max_num_queries(7):  # type: ignore[operator]
        owner_client.get(URL, {"q": "grief"})


def test_a_peer_never_sees_the_owners_reading_state(peer_client: Client, owner: User) -> None:
    save_to_reading_list(owner, make_article("Grief"), status="read")

    html = peer_client.get(URL, {"q": "grief"}).content.decode()

    assert "On your reading list" not in html


def test_an_outsider_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL, {"q": "grief"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
