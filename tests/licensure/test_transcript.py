from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.licensure.factories import add_activity, complete_tx_cycle, make_license


def _url(license_id: int, cycle: str | None = None) -> str:
    url = reverse("licensure:transcript", args=[license_id])
    return f"{url}?cycle={cycle}" if cycle is not None else url


def test_it_shows_each_requirement_with_the_activities_counted_toward_it(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner, number="TX-1")
    complete_tx_cycle(owner)

    response = owner_client.get(_url(license.pk))

    assert response.status_code == 200
    assert response.context["nav_section"] == "licenses"
    transcript = response.context["transcript"]
    allocation = {
        result.id: [row.used.title for row in rows] for result, rows in transcript.allocations
    }
    assert allocation["ethics"] == ["Ethics in counseling"]
    assert allocation["cultural-diversity"] == ["Cultural humility"]
    assert sorted(allocation["total"]) == [
        "Cultural humility",
        "Ethics in counseling",
        "Trauma-focused CBT",
    ]
    html = response.content.decode()
    assert 'Cycle <time datetime="2025-02-01">February 1, 2025</time>' in html
    assert "24 of 24 h" in html
    assert "COMPLIANT" in html


def test_it_lists_excluded_hours_with_the_reason(owner: User, owner_client: Client) -> None:
    license = make_license(owner)
    add_activity(owner, "Recorded webinar", 3, format="self-study", topics="ethics")

    html = owner_client.get(_url(license.pk)).content.decode()

    assert "Hours that do not count" in html
    assert "Recorded webinar" in html
    assert "over the self-study cap" in html


def test_activities_outside_the_cycle_are_summed_up_not_listed(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    add_activity(owner, "Course from 2022", 5, completed_on=date(2022, 5, 1))
    add_activity(owner, "Course from 2028", 5, completed_on=date(2028, 5, 1))

    response = owner_client.get(_url(license.pk))

    html = response.content.decode()
    assert "Course from 2022" not in html
    assert "Course from 2028" not in html
    assert "2 activities completed outside this cycle are not listed." in html


def test_it_shows_carry_over_next_steps_and_sources(owner: User, owner_client: Client) -> None:
    license = make_license(owner)
    complete_tx_cycle(owner)
    add_activity(owner, "Extra workshop", 4)

    html = owner_client.get(_url(license.pk)).content.decode()

    assert "Carried over to the next cycle</dt><dd>4 h" in html
    assert "Attest: Pass the jurisprudence exam" in html
    assert "https://texreg.sos.state.tx.us/" in html
    assert "Rule set verified on" in html


def test_it_moves_between_cycles(owner: User, owner_client: Client) -> None:
    license = make_license(owner)
    add_activity(owner, "Course in the previous cycle", 5, completed_on=date(2024, 3, 1))

    current = owner_client.get(_url(license.pk))
    previous = owner_client.get(_url(license.pk, "2025-01-31"))

    assert '<a href="?cycle=2025-01-31" rel="prev">' in current.content.decode()
    assert 'rel="next"' not in current.content.decode()
    html = previous.content.decode()
    assert "(a past cycle)" in html
    assert '<a href="?cycle=2023-01-31" rel="prev">' in html
    assert '<a href="?cycle=2027-01-31" rel="next">' in html
    titles = [
        row.used.title for _, rows in previous.context["transcript"].allocations for row in rows
    ]
    assert "Course in the previous cycle" in titles


def test_carry_over_from_the_previous_cycle_is_worked_out(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    add_activity(owner, "Big conference", 30, completed_on=date(2024, 3, 1), kind="conference")

    verdict = owner_client.get(_url(license.pk)).context["transcript"].verdict

    assert verdict.carry_over_in_hours == 6  # 30 - 24, under the 10-hour cap


def test_the_first_cycle_after_licensure_has_no_previous_cycle(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner, issued_on=date(2025, 6, 1))

    response = owner_client.get(_url(license.pk))

    assert response.context["transcript"].previous_deadline is None
    assert 'rel="prev"' not in response.content.decode()


def test_a_cycle_that_is_not_a_date_shows_an_error_and_the_current_cycle(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)

    for bad in ("yesterday", "2026-02-30", "0002-01-01"):
        response = owner_client.get(_url(license.pk, bad))
        assert response.status_code == 200
        assert "Showing the current cycle instead." in response.content.decode()
        assert response.context["transcript"].deadline == license.expires_on


def test_a_license_whose_rule_set_is_gone_explains_itself(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner, "gone-board")

    response = owner_client.get(_url(license.pk))

    assert response.status_code == 200
    assert "unknown rule set" in response.content.decode()


def test_its_query_count_does_not_grow_with_activities(
    owner: User, owner_client: Client, django_assert_max_num_queries: object
) -> None:
    license = make_license(owner)
    for number in range(60):
        add_activity(owner, f"Course {number}", 1, completed_on=date(2025, 3, 1 + number % 28))

    with django_assert_max_num_queries(5):  # type: ignore[operator]
        owner_client.get(_url(license.pk))
