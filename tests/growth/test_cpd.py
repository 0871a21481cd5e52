"""The CPD profile: gaps of three months or more, the chronological record, chosen
reflections, and the PDF read back with pypdf."""

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
from lifelong.growth import services
from lifelong.growth.cpd import Gap, add_months, find_gaps
from lifelong.growth.models import Reflection
from tests.credits.helpers import make_activity
from tests.growth.conftest import make_goal, make_reading


def test_add_months_keeps_the_day_or_the_months_last() -> None:
    assert add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2026, 10, 31), 3) == date(2027, 1, 31)


def test_gaps_of_three_months_or_more() -> None:
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    days = [date(2025, 1, 20), date(2025, 4, 19), date(2025, 4, 25), date(2025, 8, 1)]
    # Jan 20 -> Apr 19: 2 months 30 days, no gap. Apr 25 -> Aug 1: a gap.
    # Aug 1 -> the end (Dec 31, the day after counts as the next): a gap.
    assert find_gaps(days, start, end) == [
        Gap(date(2025, 4, 26), date(2025, 7, 31)),
        Gap(date(2025, 8, 2), date(2025, 12, 31)),
    ]


def test_a_gap_at_the_start_and_exactly_three_months() -> None:
    start, end = date(2025, 1, 1), date(2025, 6, 30)
    # Dec 31 (the eve) + 3 months = Mar 31: learning on Mar 31 leaves a three-month gap.
    assert find_gaps([date(2025, 3, 31), date(2025, 6, 1)], start, end) == [
        Gap(date(2025, 1, 1), date(2025, 3, 30))
    ]
    assert find_gaps([date(2025, 3, 30), date(2025, 6, 1)], start, end) == []
    assert find_gaps([], start, end) == [Gap(start, end)]
    assert Gap(start, end).days == 181


@pytest.mark.django_db
def test_profile_pdf_lists_learning_in_order_flags_gaps_and_prints_chosen_reflections(
    owner: User, owner_client: Client, peer: User
) -> None:
    make_activity(
        owner,
        title="Ethics for counsellors",
        completed_on=date(2025, 2, 10),
        hours=Decimal(6),
        topics=[{"slug": "ethics", "hours": None}],
    )
    make_activity(
        owner,
        title="Trauma-focused CBT",
        completed_on=date(2025, 9, 5),
        hours=Decimal(3),
        topics=[{"slug": "trauma", "hours": None}],
    )
    make_activity(owner, title="Outside the period", completed_on=date(2024, 5, 1))
    make_activity(peer, title="Peer's course", completed_on=date(2025, 3, 1))
    with time_machine.travel(datetime(2025, 3, 20, 12, tzinfo=UTC), tick=False):
        make_reading(owner, "Stabilisation before exposure")
        make_reading(owner, "Not read yet", status="to-read")
    chosen = Reflection.objects.create(
        user=owner,
        title="What the TF-CBT course changed",
        template="gibbs",
        written_on=date(2025, 9, 12),
        answers={"description": "Two days on trauma narratives.", "action_plan": "Pace it."},
        practice_change="I check stabilisation first.",
        client_benefit="Fewer drop-outs.",
        in_cpd_profile=True,
    )
    chosen.goals.add(make_goal(owner, title="Trauma work"))
    Reflection.objects.create(
        user=owner, title="Private musing", written_on=date(2025, 9, 20), answers={"text": "x"}
    )

    response = owner_client.get(
        reverse("growth:cpd_profile_pdf"), {"start": "2025-01-01", "end": "2025-12-31"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "cpd-profile-2025-01-01-to-2025-12-31.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "CPD profile" in text
    assert "Olivia Owner" in text
    order = [
        text.index("Ethics for counsellors"),
        text.index("Stabilisation before exposure"),
        text.index("Trauma-focused CBT"),
        text.index("What the TF-CBT course changed"),
        text.index("Private musing"),
    ]
    assert order == sorted(order)
    assert "Outside the period" not in text
    assert "Peer's course" not in text
    assert "Not read yet" not in text
    assert "CE activities 2 (9 hours)" in text
    # Gaps: Mar 20 -> Sep 5 (more than 3 months) and Sep 20 -> the end of the year.
    assert "2025-03-21 to 2025-09-04 (168 days)" in text
    assert "2025-09-21 to 2025-12-31 (102 days)" in text
    # The chosen reflection in full; the other one only in the record.
    assert "What will I do next time?" in text
    assert "Pace it." in text
    assert "I check stabilisation first." in text
    assert "Fewer drop-outs." in text
    assert "Goal: Trauma work" in text
    assert text.count("Private musing") == 1


@pytest.mark.django_db
def test_profile_page_and_bad_periods(owner: User, owner_client: Client) -> None:
    make_activity(owner, title="Ethics for counsellors", completed_on=date(2025, 2, 10))
    html = owner_client.get(
        reverse("growth:cpd_profile"), {"start": "2025-01-01", "end": "2025-06-30"}
    ).content.decode()
    assert "Ethics for counsellors" in html
    assert "2025-02-11" not in html
    assert "Feb 11, 2025 to Jun 30, 2025" in html  # the gap after the course
    bad = owner_client.get(
        reverse("growth:cpd_profile_pdf"), {"start": "2025-06-30", "end": "2025-01-01"}
    )
    assert bad.status_code == 400
    assert "The period ends before it starts." in bad.content.decode()
    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=UTC), tick=False):
        default = owner_client.get(reverse("growth:cpd_profile")).content.decode()
    assert 'value="2024-03-01"' in default
    assert 'value="2026-03-15"' in default


@pytest.mark.django_db
def test_profile_queries_are_bounded_and_private(
    owner: User, peer_client: Client, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    for size in (2, 20):
        for index in range(size):
            make_activity(owner, title=f"Course {size}-{index}", completed_on=date(2025, 3, 1))
            reflection = Reflection.objects.create(
                user=owner,
                title=f"Thought {size}-{index}",
                written_on=date(2025, 3, 2),
                answers={"text": "x"},
                in_cpd_profile=True,
            )
            reflection.readings.add(make_reading(owner, f"Paper {size}-{index}"))
        with django_assert_max_num_queries(10):
            response = owner_client.get(
                reverse("growth:cpd_profile_pdf"), {"start": "2025-01-01", "end": "2025-12-31"}
            )
        assert response.status_code == 200
    peer_text = "".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(
                peer_client.get(
                    reverse("growth:cpd_profile_pdf"), {"start": "2025-01-01", "end": "2025-12-31"}
                ).content
            )
        ).pages
    )
    assert "Course 2-0" not in peer_text
    assert "Thought" not in peer_text
    assert services.cpd_profile(owner, date(2025, 1, 1), date(2025, 12, 31)).gaps
