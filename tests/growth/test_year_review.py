"""The year in review: hours by topic and month, articles, goals met, highlights, the SVG
charts and the PDF; bounded queries; private."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lifelong.accounts.models import User
from lifelong.growth import retention, services
from lifelong.growth.charts import bar_chart
from lifelong.growth.models import PurposeNote, Reflection
from tests.credits.helpers import make_activity
from tests.growth.conftest import make_goal, make_reading

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_bar_chart_scales_to_the_largest_value() -> None:
    chart = bar_chart("t", [("Trauma", 9.0, "9"), ("Ethics", 3.0, "3"), ("None", 0.0, "0")])
    assert [bar.width for bar in chart.bars] == [360.0, 120.0, 0.0]
    assert [bar.y for bar in chart.bars] == [8, 34, 60]
    assert chart.height == 86
    assert not chart.empty
    assert bar_chart("t", [("x", 0.0, "0")]).empty


def year_of_learning(owner: User, peer: User) -> None:
    make_activity(
        owner,
        title="TF-CBT",
        completed_on=date(2026, 2, 10),
        hours=Decimal(6),
        topics=[{"slug": "trauma", "hours": None}, {"slug": "ethics", "hours": 1}],
    )
    make_activity(
        owner,
        title="EMDR",
        completed_on=date(2026, 5, 3),
        hours=Decimal(3),
        topics=[{"slug": "trauma", "hours": None}],
    )
    make_activity(
        owner, title="Untagged", completed_on=date(2026, 5, 20), hours=Decimal("1.5"), topics=[]
    )
    make_activity(owner, title="Last year", completed_on=date(2025, 12, 31))
    make_activity(peer, title="Peer's", completed_on=date(2026, 3, 1))
    make_goal(
        owner,
        title="Trauma hours",
        target_value=Decimal(9),
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 6, 30),
    )
    make_goal(
        owner,
        title="Not met",
        target_value=Decimal(50),
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 12, 31),
    )
    with time_machine.travel(datetime(2026, 4, 2, 12, tzinfo=UTC), tick=False):
        entry = make_reading(owner, "Stabilisation first")
        entry.applied_in_practice = True
        entry.applied_how = "Checklist"
        entry.save()
    Reflection.objects.create(
        user=owner,
        title="After EMDR",
        written_on=date(2026, 5, 5),
        answers={"text": "x"},
        practice_change="I pace exposure.",
        client_benefit="Fewer drop-outs.",
    )
    Reflection.objects.create(
        user=owner, title="Plain", written_on=date(2026, 6, 5), answers={"text": "y"}
    )
    card = retention.new_card(owner, question="Q", answer="A", now=datetime(2026, 3, 1, tzinfo=UTC))
    retention.review(card, 3, now=datetime(2026, 3, 1, tzinfo=UTC))
    PurposeNote.objects.create(user=owner, text="For the kid I was.")


@time_machine.travel(NOW, tick=False)
def test_the_year_in_numbers(owner: User, peer: User) -> None:
    year_of_learning(owner, peer)

    review = services.year_in_review(owner, 2026)

    assert review.activities == 3
    assert review.total_hours == Decimal("10.5")
    assert review.hours_by_topic == [
        ("Trauma", Decimal(9)),
        ("No topic recorded", Decimal("1.5")),
        ("Ethics", Decimal(1)),
    ]
    assert review.hours_by_month[1] == 6
    assert review.hours_by_month[4] == Decimal("4.5")
    assert sum(review.hours_by_month) == review.total_hours
    assert review.articles_read == ["Stabilisation first"]
    assert review.articles_applied == 1
    assert [(g.title, g.met_on) for g in review.goals_met] == [("Trauma hours", date(2026, 5, 3))]
    assert review.goals_due == 2
    assert review.reflections == 2
    assert [h.title for h in review.highlights] == ["After EMDR"]
    assert review.cards_reviewed == 1
    assert review.purpose_notes == ["For the kid I was."]


@time_machine.travel(NOW, tick=False)
def test_page_charts_and_pdf(
    owner: User, peer: User, owner_client: Client, peer_client: Client
) -> None:
    year_of_learning(owner, peer)

    html = owner_client.get(reverse("growth:year_review")).content.decode()
    assert "<h1>2026 in review</h1>" in html
    assert '<title id="topics-chart-title">CE hours by topic, 2026</title>' in html
    assert 'class="growth-bar"' in html
    assert "After EMDR" in html
    assert "I pace exposure." in html
    assert "style=" not in html

    response = owner_client.get(reverse("growth:year_review_pdf", args=[2026]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "2026 in review" in text
    assert "CE activities 3 (10.5 hours)" in text
    assert "Trauma hours — 9 CE hours, met 2026-05-03" in text
    assert "Stabilisation first" in text
    assert "What changed in my practice: I pace exposure." in text

    peer_html = peer_client.get(reverse("growth:year_review")).content.decode()
    assert "After EMDR" not in peer_html
    assert "TF-CBT" not in peer_html
    assert owner_client.get(reverse("growth:year_review_for", args=[2031])).status_code == 404
    assert owner_client.get(reverse("growth:year_review_for", args=[2025])).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_year_review_queries_are_bounded(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    for size in (2, 15):
        for index in range(size):
            make_activity(owner, completed_on=date(2026, 3, 1))
            make_goal(owner, title=f"G{size}-{index}")
            make_reading(owner, f"Paper {size}-{index}")
            Reflection.objects.create(
                user=owner,
                title=f"R{size}-{index}",
                written_on=date(2026, 3, 2),
                answers={"text": "x"},
                practice_change="y",
            )
        with django_assert_max_num_queries(10):
            assert owner_client.get(reverse("growth:year_review")).status_code == 200
        with django_assert_max_num_queries(10):
            assert (
                owner_client.get(reverse("growth:year_review_pdf", args=[2026])).status_code == 200
            )
