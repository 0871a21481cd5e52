"""Review cards: scheduling through the fsrs package, the daily queue, statistics, pages and
privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from fsrs import Card, Rating, Scheduler, State

from lifelong.accounts.models import User
from lifelong.accounts.services import export_user_data
from lifelong.growth import retention
from lifelong.growth.models import CardReview, ReviewCard
from tests.credits.helpers import make_activity
from tests.growth.conftest import make_reading

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def make_card(
    user: User, question: str = "What are the three phases of TF-CBT?", **kw: Any
) -> ReviewCard:
    return retention.new_card(
        user,
        question=question,
        answer="Stabilisation, trauma narrative and processing, integration.",
        now=kw.pop("now", T0),
        **kw,
    )


def test_reviews_follow_the_fsrs_scheduler(owner: User) -> None:
    card = make_card(owner)
    reference = Scheduler(desired_retention=0.9, enable_fuzzing=False)
    expected = Card(card_id=card.pk, due=T0)
    moments = [T0, T0 + timedelta(minutes=12), T0 + timedelta(days=3), T0 + timedelta(days=20)]
    ratings = [Rating.Good, Rating.Good, Rating.Again, Rating.Easy]

    for moment, rating in zip(moments, ratings, strict=True):
        retention.review(card, int(rating), now=moment)
        expected, _ = reference.review_card(expected, rating, review_datetime=moment)
        card.refresh_from_db()
        assert card.state == int(expected.state)
        assert card.step == expected.step
        assert card.stability == pytest.approx(expected.stability)
        assert card.difficulty == pytest.approx(expected.difficulty)
        assert card.due == expected.due
        assert card.last_review == moment

    assert list(card.reviews.values_list("rating", flat=True)) == [3, 3, 1, 4]


def test_a_new_card_rated_good_comes_back_in_ten_minutes_then_in_days(owner: User) -> None:
    card = make_card(owner)
    retention.review(card, 3, now=T0)
    card.refresh_from_db()
    assert card.state == State.Learning
    assert card.due == T0 + timedelta(minutes=10)  # the second learning step

    later = T0 + timedelta(minutes=10)
    review = retention.review(card, 3, now=later)
    card.refresh_from_db()
    assert card.state == State.Review
    assert card.due - later >= timedelta(days=1)
    assert review.scheduled_days == (card.due - later).days


def test_the_daily_queue_holds_cards_due_by_the_end_of_the_day(owner: User, peer: User) -> None:
    overdue = make_card(owner, "Overdue", now=T0 - timedelta(days=2))
    later_today = make_card(owner, "Later today", now=T0 + timedelta(hours=5))
    make_card(owner, "Tomorrow", now=T0 + timedelta(days=1, hours=12))
    make_card(peer, "Peer's", now=T0 - timedelta(days=5))

    with time_machine.travel(T0, tick=False):
        queue = retention.due_queue(owner, T0)

    assert [card.pk for card in queue] == [overdue.pk, later_today.pk]


def test_statistics(owner: User) -> None:
    first = make_card(owner, "One")
    second = make_card(owner, "Two")
    make_card(owner, "Three", now=T0 + timedelta(days=9))
    retention.review(first, 3, now=T0 - timedelta(days=40))  # too old for the recent figures
    retention.review(first, 1, now=T0 - timedelta(days=3))
    retention.review(second, 4, now=T0 - timedelta(hours=1))
    ReviewCard.objects.filter(pk=second.pk).update(stability=30.0)

    with time_machine.travel(T0, tick=False):
        stats = retention.stats(owner, T0)

    assert stats.cards == 3
    assert stats.learned == 1
    assert stats.reviews_today == 1
    assert stats.reviews_recent == 2
    assert stats.recalled_recent == 1
    assert stats.recall_percent == 50


def test_cards_link_only_the_users_own_records(owner: User, peer: User) -> None:
    activity = make_activity(peer)
    with pytest.raises(ValueError, match="not yours"):
        make_card(owner, activity=activity)
    reading = make_reading(peer, "Peer's paper")
    with pytest.raises(ValueError, match="not yours"):
        make_card(owner, reading=reading)


@time_machine.travel(T0, tick=False)
def test_add_a_card_and_review_it_in_the_browserless_flow(
    owner: User, owner_client: Client, peer: User
) -> None:
    activity = make_activity(owner, title="TF-CBT workshop")
    peer_activity = make_activity(peer, title="Peer's course")

    page = owner_client.get(reverse("growth:card_list") + f"?activity={activity.pk}")
    assert "selected>TF-CBT workshop" in page.content.decode()
    assert "Peer&#x27;s course" not in page.content.decode()

    refused = owner_client.post(
        reverse("growth:card_list"),
        {"question": "Q", "answer": "A", "activity": peer_activity.pk},
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not ReviewCard.objects.exists()

    response = owner_client.post(
        reverse("growth:card_list"),
        {
            "question": "Three phases of TF-CBT?",
            "answer": "Stabilise, process, integrate",
            "activity": activity.pk,
        },
    )
    assert response.status_code == 302
    card = ReviewCard.objects.get()
    assert card.activity == activity

    html = owner_client.get(reverse("growth:review")).content.decode()
    assert "Three phases of TF-CBT?" in html
    assert "<summary>Show the answer</summary>" in html

    bad = owner_client.post(reverse("growth:review_card", args=[card.pk]), {"rating": "9"})
    assert bad.status_code == 302
    assert not CardReview.objects.exists()

    owner_client.post(reverse("growth:review_card", args=[card.pk]), {"rating": "4"})
    card.refresh_from_db()
    assert card.state == State.Review
    assert card.due > T0 + timedelta(days=1)
    html = owner_client.get(reverse("growth:review")).content.decode()
    assert "Nothing left to review today." in html
    assert "100% of 1 review" in html


def test_review_page_runs_a_bounded_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    for size in (2, 30):
        for index in range(size):
            card = make_card(owner, f"Q{size}-{index}", now=T0 - timedelta(days=1))
            retention.review(card, 1, now=T0 - timedelta(days=1))
        with time_machine.travel(T0, tick=False):
            with django_assert_max_num_queries(8):
                assert owner_client.get(reverse("growth:review")).status_code == 200
            with django_assert_max_num_queries(8):
                assert owner_client.get(reverse("growth:card_list")).status_code == 200


def test_no_one_else_reaches_a_card(owner: User, peer_client: Client, client: Client) -> None:
    card = make_card(owner, "Private question")
    for method, url, data in [
        ("post", reverse("growth:review_card", args=[card.pk]), {"rating": "3"}),
        ("get", reverse("growth:card_delete", args=[card.pk]), {}),
        ("post", reverse("growth:card_delete", args=[card.pk]), {}),
    ]:
        assert getattr(peer_client, method)(url, data).status_code == 404
        assert getattr(client, method)(url, data).status_code == 302
    assert "Private question" not in peer_client.get(reverse("growth:review")).content.decode()
    assert "Private question" not in peer_client.get(reverse("growth:card_list")).content.decode()
    card.refresh_from_db()
    assert card.last_review is None


def test_cards_and_reviews_are_exported_and_deleted_with_the_account(owner: User) -> None:
    card = make_card(owner)
    retention.review(card, 3, now=T0)
    data = export_user_data(owner)
    [exported] = data["review_cards"]
    assert exported["question"] == "What are the three phases of TF-CBT?"
    assert [r["rating"] for r in exported["reviews"]] == [3]
    owner.delete()
    assert not ReviewCard.objects.exists()
    assert not CardReview.objects.exists()
