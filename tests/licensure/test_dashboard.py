from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from tests.licensure.factories import (
    TODAY,
    activity_fields,
    add_activity,
    complete_tx_cycle,
    make_license,
)

URL = reverse("licensure:dashboard")


def test_it_sends_anonymous_visitors_to_sign_in(anonymous_client: Client) -> None:
    response = anonymous_client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_guides_a_new_user(owner_client: Client) -> None:
    response = owner_client.get(URL)
    assert response.status_code == 200
    assert response.context["nav_section"] == "dashboard"
    html = response.content.decode()
    assert "Getting started" in html
    assert reverse("licensure:license_add") in html
    assert "Import activities" in html
    assert "Add an activity" in html


def test_it_shows_a_compliant_license(owner: User, owner_client: Client) -> None:
    make_license(
        owner,
        label="Texas LPC-S",
        number="12345",
        attestations={"2027-01-31": ["jurisprudence-exam"]},
    )
    complete_tx_cycle(owner)

    response = owner_client.get(URL)

    html = response.content.decode()
    assert "Texas LPC-S" in html
    assert "COMPLIANT" in html
    assert "NOT COMPLIANT" not in html
    assert '<progress class="progress is-met" value="24" max="24"' in html
    assert "24 of 24 h" in html
    assert "Nothing missing" in html
    assert "in 230 days" in html


def test_it_shows_deficits_and_next_steps_of_a_license_that_is_not_compliant(
    owner: User, owner_client: Client
) -> None:
    make_license(owner, label="Texas LPC")
    add_activity(owner, "Ethics refresher", 3, topics="ethics")
    add_activity(owner, "Trauma-focused CBT", 15, topics="trauma")

    response = owner_client.get(URL)

    html = response.content.decode()
    assert "NOT COMPLIANT" in html
    assert "18 of 24 h" in html
    assert "3 of 6 h" in html  # ethics
    assert '<progress class="progress" value="3" max="6"' in html
    assert "3 h missing" in html
    assert "Missing:" in html
    (status,) = response.context["statuses"]
    assert status.verdict is not None
    for step in status.verdict.next_steps:
        assert step in html or step.replace("'", "&#x27;") in html
    assert any("ethics" in step for step in status.verdict.next_steps)


def test_it_lists_only_the_unmet_requirements_as_missing(owner: User, owner_client: Client) -> None:
    make_license(owner, label="Texas LPC")
    add_activity(owner, "Ethics refresher", 3, topics="ethics")
    add_activity(owner, "Cultural humility", 3, topics="cultural-competence")
    add_activity(owner, "Trauma-focused CBT", 15, topics="trauma")

    html = owner_client.get(URL).content.decode()

    missing = html.split("Missing:</strong>")[1].split("</p>")[0]
    assert " ".join(missing.split()) == "3 h Total CE hours; 3 h Ethics"


def test_it_lists_conditions_to_attest_and_uncertain_facts(
    owner: User, owner_client: Client
) -> None:
    make_license(owner)

    html = owner_client.get(URL).content.decode()

    assert "Conditions to attest" in html
    assert "Pass the jurisprudence exam" in html
    assert "Rule set verified on" in html
    assert "some facts are uncertain" in html
    assert "§681.140(f)" in html


def test_it_shows_an_overdue_deadline_in_words_not_colour_alone(
    owner: User, owner_client: Client
) -> None:
    make_license(owner, "us-ca-lmft", expires_on=TODAY - timedelta(days=76))

    html = owner_client.get(URL).content.decode()

    assert '<p class="deadline is-overdue">' in html
    assert "76 days overdue" in html


def test_it_names_a_rule_set_that_no_longer_exists(owner: User, owner_client: Client) -> None:
    make_license(owner, "gone-board", label="Old license")

    response = owner_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "unknown rule set &#x27;gone-board&#x27;" in html
    assert "NOT CHECKED" in html


def test_it_shows_only_the_users_own_licenses(
    owner: User, peer: User, owner_client: Client
) -> None:
    make_license(peer, label="Peer license")
    make_license(owner, label="Owner license")

    html = owner_client.get(URL).content.decode()

    assert "Owner license" in html
    assert "Peer license" not in html


def _seed(user: User, licenses: int, activities_per_license: int) -> None:
    ruleset_ids = ["us-tx-lpc", "us-ca-lmft", "us-ny-lmhc", "nbcc-ncc", "us-fl-lmhc"]
    expirations = [date(2027, 1, 31), date(2026, 9, 30), date(2027, 8, 31), date(2029, 5, 31),
                   date(2027, 3, 31)]  # fmt: skip
    for index in range(licenses):
        make_license(user, ruleset_ids[index], expires_on=expirations[index])
    Activity.objects.bulk_create(
        Activity(
            **activity_fields(
                user,
                f"Course {number}",
                1.5,
                completed_on=TODAY - timedelta(days=number * 3 % 2000),
                topics="ethics=1;clinical-practice" if number % 4 == 0 else "clinical-practice",
                format="self-study" if number % 3 == 0 else "live-online",
            )
        )
        for number in range(licenses * activities_per_license)
    )


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_licenses_or_activities(
    django_assert_max_num_queries: object,
) -> None:
    from tests.conftest import make_user

    small = make_user("small@example.org")
    large = make_user("large@example.org")
    _seed(small, licenses=1, activities_per_license=1)
    _seed(large, licenses=5, activities_per_license=200)
    small_client, large_client = Client(), Client()
    small_client.force_login(small)
    large_client.force_login(large)

    small_queries = _queries(small_client)
    large_queries = _queries(large_client)

    assert large_queries == small_queries
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        large_client.get(URL)
