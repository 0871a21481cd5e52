"""Exporting activities as CSV: the owner's (optionally filtered) activities, a dated file name,
and a file that imports back to the same activities."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import time_machine
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.activity_csv import parse_activities_csv
from lifelong.credits.models import Activity
from lifelong.credits.services import import_activities
from tests.credits.helpers import make_activity

URL = reverse("credits:activity_export")
HEADER = "title,provider,completed_on,hours,format,kind,topics,approvals"


def test_it_exports_the_owners_activities_oldest_first(
    owner_client: Client, owner: User, peer: User
) -> None:
    make_activity(owner, title="Second", completed_on=date(2025, 3, 14))
    make_activity(
        owner,
        title='First, with "quotes"',
        provider="",
        completed_on=date(2024, 11, 2),
        hours=Decimal("1.50"),
        format="self-study",
        topics=[],
        approvals=[{"body": "apa", "number": ""}],
    )
    make_activity(peer, title="Not mine")

    response = owner_client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().split("\r\n") == [
        HEADER,
        '"First, with ""quotes""",,2024-11-02,1.5,self-study,course,,apa',
        "Second,CAMFT,2025-03-14,6,live-online,course,ethics=3;clinical-practice,nbcc:6361",
        "",
    ]


@time_machine.travel("2025-07-01 05:00 +0000", tick=False)
def test_the_file_name_carries_the_date_in_the_users_time_zone(owner_client: Client) -> None:
    # 05:00 UTC is still June 30 in Los Angeles, the owner's time zone.
    response = owner_client.get(URL)

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="lifelong-activities-2025-06-30.csv"'
    )


def test_it_exports_only_the_filtered_activities(owner_client: Client, owner: User) -> None:
    make_activity(owner, title="Ethics 2024", completed_on=date(2024, 5, 1))
    make_activity(owner, title="Ethics 2025", completed_on=date(2025, 5, 1))
    make_activity(owner, title="Trauma 2025", completed_on=date(2025, 6, 1), topics=[])

    response = owner_client.get(URL, {"year": "2025", "topic": "ethics"})

    titles = [activity.title for activity in parse_activities_csv(response.content)]
    assert titles == ["Ethics 2025"]


def test_an_empty_ledger_exports_the_header_only(owner_client: Client) -> None:
    response = owner_client.get(URL)

    assert response.content.decode() == HEADER + "\r\n"


def test_export_then_import_gives_back_the_same_activities(
    owner_client: Client, owner: User, peer: User
) -> None:
    make_activity(owner)
    make_activity(
        owner,
        title="Statistics for clinicians",
        provider="State University",
        completed_on=date(2024, 12, 15),
        hours=Decimal("3"),
        unit="semester-hour",
        format="in-person",
        kind="academic-course",
        topics=[{"slug": "assessment", "hours": 1.25}],
        approvals=[{"body": "university", "number": ""}],
    )
    make_activity(owner, title="Café “Ethik” — ümlauts", provider="", topics=[], approvals=[])

    exported = owner_client.get(URL).content
    result = import_activities(peer, exported)

    def ledger(user: User) -> list[object]:
        return sorted(
            (
                dataclasses.replace(activity.to_rules(), id="")
                for activity in Activity.objects.for_user(user)
            ),
            key=repr,
        )

    assert result.imported == 3
    assert ledger(peer) == ledger(owner)
    # The owner re-importing their own export adds nothing.
    assert import_activities(owner, exported).skipped_duplicates == 3


def test_an_outsider_cannot_export(client: Client, owner: User) -> None:
    make_activity(owner)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_peer_exports_only_their_own(peer_client: Client, owner: User) -> None:
    make_activity(owner)

    assert peer_client.get(URL).content.decode() == HEADER + "\r\n"
