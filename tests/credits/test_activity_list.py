"""The activity list: the owner's activities only, newest first, filtered, paginated, totalled,
in a bounded number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from tests.credits.helpers import make_activity

URL = reverse("credits:activity_list")


def titles(response: object) -> list[str]:
    return [activity.title for activity in response.context["page"].object_list]  # type: ignore[attr-defined]


def test_it_lists_the_owners_activities_newest_first(
    owner_client: Client, owner: User, peer: User
) -> None:
    make_activity(owner, title="Older", completed_on=date(2024, 5, 1))
    make_activity(owner, title="Newer", completed_on=date(2025, 2, 1))
    make_activity(peer, title="Someone else's")

    response = owner_client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Newer", "Older"]
    assert "Someone else's" not in response.content.decode()
    assert response.context["nav_section"] == "activities"


def test_each_row_links_to_its_edit_page(owner_client: Client, owner: User) -> None:
    activity = make_activity(owner, title="Trauma-informed care")

    response = owner_client.get(URL)

    edit_url = reverse("credits:activity_edit", args=[activity.pk])
    assert f'<a href="{edit_url}">Trauma-informed care</a>' in response.content.decode()


def test_a_peer_sees_only_their_own_activities(peer_client: Client, owner: User) -> None:
    make_activity(owner, title="Owner only")

    response = peer_client.get(URL)

    assert titles(response) == []
    assert "Owner only" not in response.content.decode()


def test_an_outsider_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_says_one_entry_counts_toward_every_license(owner_client: Client) -> None:
    response = owner_client.get(URL)

    assert "counts toward every license" in response.content.decode()


def test_it_filters_by_year(owner_client: Client, owner: User) -> None:
    make_activity(owner, title="2024", completed_on=date(2024, 12, 31))
    make_activity(owner, title="2025", completed_on=date(2025, 1, 1))

    response = owner_client.get(URL, {"year": "2024"})

    assert titles(response) == ["2024"]
    assert response.context["filters"].fields["year"].choices == [
        ("", "Any year"),
        (2025, "2025"),
        (2024, "2024"),
    ]


def test_it_filters_by_topic_without_matching_longer_slugs(
    owner_client: Client, owner: User
) -> None:
    make_activity(owner, title="Ethics", topics=[{"slug": "ethics", "hours": None}])
    make_activity(owner, title="Law and ethics", topics=[{"slug": "law-and-ethics", "hours": 2}])
    make_activity(owner, title="No topics", topics=[])

    assert titles(owner_client.get(URL, {"topic": "ethics"})) == ["Ethics"]
    assert titles(owner_client.get(URL, {"topic": "law-and-ethics"})) == ["Law and ethics"]


def test_it_filters_by_format(owner_client: Client, owner: User) -> None:
    make_activity(owner, title="Recorded", format="self-study")
    make_activity(owner, title="Live", format="live-online")

    assert titles(owner_client.get(URL, {"format": "self-study"})) == ["Recorded"]


def test_it_reports_a_bad_filter_and_ignores_it(owner_client: Client, owner: User) -> None:
    make_activity(owner, title="Kept")

    response = owner_client.get(URL, {"year": "1850", "topic": "astrology"})

    assert titles(response) == ["Kept"]
    assert response.context["filters"].errors.keys() == {"year", "topic"}
    assert 'class="errorlist"' in response.content.decode()


def test_it_shows_the_total_hours_of_the_filtered_activities_by_unit(
    owner_client: Client, owner: User
) -> None:
    make_activity(owner, hours=Decimal("6"), completed_on=date(2025, 1, 5))
    make_activity(owner, hours=Decimal("1.5"), completed_on=date(2025, 2, 5))
    make_activity(owner, hours=Decimal("10"), completed_on=date(2024, 2, 5))
    make_activity(
        owner, hours=Decimal("3"), kind="academic-course", unit="semester-hour", topics=[]
    )

    response = owner_client.get(URL, {"year": "2025"})

    totals = [(t.unit, t.hours_text, t.activities) for t in response.context["totals"]]
    assert totals == [("clock-hour", "7.5", 2), ("semester-hour", "3", 1)]
    page = response.content.decode()
    assert "Clock hours</dt>" in page
    assert "Semester hours</dt>" in page


def test_it_shows_fifty_activities_a_page_keeping_the_filters(
    owner_client: Client, owner: User
) -> None:
    start = date(2025, 1, 1)
    Activity.objects.bulk_create(
        Activity(
            user=owner,
            title=f"Session {number:02}",
            completed_on=start - timedelta(days=number),
            hours=Decimal(1),
            format="self-study",
            kind="course",
        )
        for number in range(60)
    )

    first = owner_client.get(URL, {"format": "self-study"})
    second = owner_client.get(URL, {"format": "self-study", "page": "2"})

    assert titles(first) == [f"Session {number:02}" for number in range(50)]
    assert titles(second) == [f"Session {number:02}" for number in range(50, 60)]
    assert "?format=self-study&amp;page=2" in first.content.decode()
    assert first.context["totals"][0].activities == 60


def test_the_export_link_carries_the_filters(owner_client: Client, owner: User) -> None:
    make_activity(owner)

    response = owner_client.get(URL, {"format": "live-online", "page": "1"})

    export_url = reverse("credits:activity_export")
    assert f'href="{export_url}?format=live-online"' in response.content.decode()


def _queries_for_list(client: Client, owner: User, count: int) -> int:
    Activity.objects.filter(user=owner).delete()
    Activity.objects.bulk_create(
        Activity(
            user=owner,
            title=f"Activity {number}",
            completed_on=date(2020, 1, 1) + timedelta(days=number * 7),
            hours=Decimal("1.5"),
            format="in-person",
            kind="course",
            topics=[{"slug": "ethics", "hours": None}],
            approvals=[{"body": "apa", "number": ""}],
        )
        for number in range(count)
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"topic": "ethics"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)
    return len(queries)


def test_the_list_runs_the_same_few_queries_for_5_or_200_activities(
    owner_client: Client, owner: User, django_assert_max_num_queries: object
) -> None:
    few = _queries_for_list(owner_client, owner, 5)
    many = _queries_for_list(owner_client, owner, 200)

    assert few == many
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        owner_client.get(URL)


@pytest.mark.parametrize("page", ["0", "999", "abc"])
def test_an_out_of_range_page_shows_a_page_instead_of_failing(
    owner_client: Client, owner: User, page: str
) -> None:
    make_activity(owner)

    response = owner_client.get(URL, {"page": page})

    assert response.status_code == 200
    assert len(titles(response)) == 1
