"""A license's reminder days on its page: shown with their dates, changed, turned off."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.licensure.models import License
from tests.licensure.factories import make_license


@pytest.fixture
def license(owner: User) -> License:
    return make_license(owner, label="Texas LPC")


def url(license: License) -> str:
    return reverse("licensure:license_reminders", args=[license.pk])


def test_the_license_page_shows_the_reminder_dates(owner_client: Client, license: License) -> None:
    response = owner_client.get(license.get_absolute_url())

    html = response.content.decode()
    assert 'id="reminders"' in html
    assert '<time datetime="2026-08-04">Aug 4, 2026</time> — 180 days before' in html
    assert '<time datetime="2027-01-24">Jan 24, 2027</time> — 7 days before' in html
    assert 'value="180, 90, 30, 7"' in html


def test_past_reminder_dates_are_marked_passed(owner_client: Client, owner: User) -> None:
    license = make_license(owner, expires_on=date(2026, 9, 1))

    html = owner_client.get(license.get_absolute_url()).content.decode()

    assert '180 days before <span class="muted">(passed)</span>' in html
    assert "30 days before <span" not in html


def test_the_owner_changes_the_reminder_days(owner_client: Client, license: License) -> None:
    response = owner_client.post(url(license), {"days": "60, 14 , 60, 3"})

    assert response.status_code == 302
    assert response["Location"] == license.get_absolute_url() + "#reminders"
    license.refresh_from_db()
    assert license.reminder_days == [60, 14, 3]


def test_an_empty_list_or_the_off_button_turns_reminders_off(
    owner_client: Client, license: License
) -> None:
    owner_client.post(url(license), {"days": "180", "off": "1"})
    license.refresh_from_db()
    assert license.reminder_days == []
    assert (
        "Reminders are <strong>off</strong>"
        in owner_client.get(license.get_absolute_url()).content.decode()
    )

    owner_client.post(url(license), {"days": "", "defaults": "1"})
    license.refresh_from_db()
    assert license.reminder_days == [180, 90, 30, 7]

    owner_client.post(url(license), {"days": "  "})
    license.refresh_from_db()
    assert license.reminder_days == []


def test_bad_days_are_refused_and_what_was_typed_is_kept(
    owner_client: Client, license: License
) -> None:
    response = owner_client.post(url(license), {"days": "90, next month"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "“next” is not a number of days" in html
    assert 'value="90, next month"' in html
    assert 'aria-invalid="true"' in html
    license.refresh_from_db()
    assert license.reminder_days == [180, 90, 30, 7]


def test_the_reminder_page_shows_the_form(owner_client: Client, license: License) -> None:
    response = owner_client.get(url(license))

    assert response.status_code == 200
    assert "<h1>Reminders for Texas LPC</h1>" in response.content.decode()


def test_a_peer_cannot_see_or_change_the_owners_reminders(
    peer_client: Client, license: License
) -> None:
    assert peer_client.get(url(license)).status_code == 404
    assert peer_client.post(url(license), {"off": "1"}).status_code == 404
    license.refresh_from_db()
    assert license.reminder_days == [180, 90, 30, 7]


def test_anonymous_visitors_must_sign_in(license: License) -> None:
    client = Client()
    for response in (client.get(url(license)), client.post(url(license), {"off": "1"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    license.refresh_from_db()
    assert license.reminder_days == [180, 90, 30, 7]


def test_saving_takes_a_fixed_number_of_queries(
    owner_client: Client, license: License, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):
        owner_client.post(url(license), {"days": "30"})
