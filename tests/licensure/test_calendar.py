"""The calendar: the private feed URL (revocable, regenerated), the signed-in download and the
settings page; both files hold deadlines, reminder dates and planned activities."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import icalendar
import pytest
import vobject
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import PlannedActivity
from lifelong.licensure.models import CalendarFeed, License
from tests.licensure.factories import TODAY, TX_EXPIRES, make_license

SETTINGS_URL = reverse("licensure:calendar_settings")
DOWNLOAD_URL = reverse("licensure:calendar_download")


def feed_path(secret: str) -> str:
    return reverse("licensure:calendar_feed", args=[secret])


@pytest.fixture
def license(owner: User) -> License:
    return make_license(owner, label="Texas LPC", number="LPC-778899")


@pytest.fixture
def plan(owner: User) -> PlannedActivity:
    return PlannedActivity.objects.create(
        user=owner,
        title="Ethics for Counselors",
        provider="NBCC",
        planned_on=TODAY + timedelta(days=10),
        hours=Decimal("3"),
        format="live-online",
        url="https://courses.example.org/ethics",
    )


def events_by_uid(data: bytes) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# --- what the calendar holds ----------------------------------------------------------------------


def test_the_download_has_deadlines_reminder_dates_and_plans(
    owner_client: Client, license: License, plan: PlannedActivity, settings: Any
) -> None:
    settings.LIFELONG_BASE_URL = "https://lifelong.example.org"
    old_plan = PlannedActivity.objects.create(
        user=plan.user, title="Past plan", planned_on=TODAY - timedelta(days=3), hours=1,
        format="self-study",
    )  # fmt: skip

    response = owner_client.get(DOWNLOAD_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="lifelong-calendar-2026-06-15.ics"'
    )
    assert "private" in response["Cache-Control"]
    events = events_by_uid(response.content)
    host = "lifelong.example.org"
    deadline = events[f"license-{license.pk}-deadline-20270131@{host}"]
    assert deadline.decoded("DTSTART") == TX_EXPIRES
    assert str(deadline["SUMMARY"]) == "Texas LPC: renewal deadline"
    assert str(deadline["URL"]) == f"https://{host}/licenses/{license.pk}/"
    assert [alarm.decoded("TRIGGER") for alarm in deadline.walk("VALARM")] == [
        timedelta(days=-7),
        timedelta(days=-1),
    ]
    for days in (180, 90, 30, 7):
        reminder = events[f"license-{license.pk}-reminder-20270131-{days}d@{host}"]
        assert reminder.decoded("DTSTART") == TX_EXPIRES - timedelta(days=days)
        assert str(reminder["SUMMARY"]) == f"Texas LPC: renewal in {days} days"
    planned = events[f"plan-{plan.pk}@{host}"]
    assert planned.decoded("DTSTART") == date(2026, 6, 25)
    assert str(planned["SUMMARY"]) == "Planned CE: Ethics for Counselors"
    assert "NBCC" in str(planned["DESCRIPTION"])
    assert str(planned["URL"]) == "https://courses.example.org/ethics"
    assert f"plan-{old_plan.pk}@{host}" not in events
    assert len(events) == 6
    assert b"LPC-778899" not in response.content  # the license number stays out


def test_the_file_is_valid_for_an_independent_parser(
    owner_client: Client, license: License, plan: PlannedActivity
) -> None:
    calendar = vobject.readOne(owner_client.get(DOWNLOAD_URL).content.decode("utf-8"))

    assert len(calendar.vevent_list) == 6
    assert {event.dtstart.value for event in calendar.vevent_list} >= {TX_EXPIRES}


def test_without_reminders_the_license_has_only_its_deadline(
    owner_client: Client, owner: User
) -> None:
    license = make_license(owner, reminder_days=[])

    events = events_by_uid(owner_client.get(DOWNLOAD_URL).content)

    assert list(events) == [f"license-{license.pk}-deadline-20270131@127.0.0.1"]


def test_the_download_shows_only_the_users_own_items(
    owner_client: Client, license: License, peer: User
) -> None:
    make_license(peer, label="Peer license")

    data = owner_client.get(DOWNLOAD_URL).content

    assert b"Peer license" not in data


def test_the_feed_takes_a_fixed_number_of_queries(
    owner: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        make_license(owner, label=f"License {number}")
    _, secret = CalendarFeed.issue(owner)

    with django_assert_max_num_queries(4):
        response = Client().get(feed_path(secret))

    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 25


# --- the private feed -----------------------------------------------------------------------------


def test_the_feed_needs_no_sign_in(license: License, owner: User) -> None:
    _, secret = CalendarFeed.issue(owner)

    response = Client().get(feed_path(secret))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"].startswith("private")
    assert f"license-{license.pk}-deadline-20270131@" in response.content.decode()
    feed = CalendarFeed.objects.get()
    assert feed.last_used_at is not None


def test_only_the_tokens_hash_is_stored(owner: User) -> None:
    feed, secret = CalendarFeed.issue(owner)

    assert secret.startswith("lfc_")
    assert secret not in feed.token_hash
    assert feed.prefix == secret[:8]


@pytest.mark.parametrize(
    "secret", ["lfc_not-a-real-token", "nope", "lfc_" + "x" * 200, "lfl_api-token-shape"]
)
def test_an_unknown_token_is_not_found(secret: str, owner: User) -> None:
    CalendarFeed.issue(owner)

    assert Client().get(feed_path(secret)).status_code == 404


def test_a_revoked_feed_is_not_found(owner: User) -> None:
    feed, secret = CalendarFeed.issue(owner)
    feed.revoke()

    assert Client().get(feed_path(secret)).status_code == 404


def test_the_feed_of_a_deactivated_account_is_not_found(owner: User) -> None:
    _, secret = CalendarFeed.issue(owner)
    owner.is_active = False
    owner.save()

    assert Client().get(feed_path(secret)).status_code == 404


# --- the settings page ----------------------------------------------------------------------------


def shown_feed_url(html: str) -> str | None:
    match = re.search(r'id="feed-url"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else None


def test_the_owner_makes_a_feed_url_shown_once(
    owner_client: Client, owner: User, settings: Any
) -> None:
    settings.LIFELONG_BASE_URL = "https://lifelong.example.org"
    assert "You have no calendar URL" in owner_client.get(SETTINGS_URL).content.decode()

    response = owner_client.post(SETTINGS_URL, {"create": "1"})
    assert response.status_code == 302
    html = owner_client.get(SETTINGS_URL).content.decode()
    url = shown_feed_url(html)
    assert url is not None
    assert url.startswith("https://lifelong.example.org/calendar/lfc_")
    assert 'href="webcal://lifelong.example.org/calendar/lfc_' in html

    again = owner_client.get(SETTINGS_URL).content.decode()
    assert shown_feed_url(again) is None
    assert "Turn the URL off" in again
    path = url.removeprefix("https://lifelong.example.org")
    assert Client().get(path).status_code == 200


def test_a_new_url_turns_the_old_one_off(owner_client: Client, owner: User) -> None:
    owner_client.post(SETTINGS_URL, {"create": "1"})
    first = shown_feed_url(owner_client.get(SETTINGS_URL).content.decode())
    owner_client.post(SETTINGS_URL, {"create": "1"})
    second = shown_feed_url(owner_client.get(SETTINGS_URL).content.decode())
    assert first
    assert second
    assert first != second

    base = "http://127.0.0.1:8000"
    assert Client().get(first.removeprefix(base)).status_code == 404
    assert Client().get(second.removeprefix(base)).status_code == 200
    assert CalendarFeed.objects.for_user(owner).active().count() == 1


def test_the_owner_turns_the_url_off(owner_client: Client, owner: User) -> None:
    _, secret = CalendarFeed.issue(owner)

    owner_client.post(SETTINGS_URL, {"revoke": "1"})

    assert Client().get(feed_path(secret)).status_code == 404
    assert "You have no calendar URL" in owner_client.get(SETTINGS_URL).content.decode()


def test_a_peer_cannot_turn_off_the_owners_feed(peer_client: Client, owner: User) -> None:
    _, secret = CalendarFeed.issue(owner)

    peer_client.post(SETTINGS_URL, {"revoke": "1"})

    assert Client().get(feed_path(secret)).status_code == 200
    assert "Starts with" not in peer_client.get(SETTINGS_URL).content.decode()


def test_anonymous_visitors_must_sign_in_for_the_page_and_the_download(owner: User) -> None:
    client = Client()
    for response in (
        client.get(SETTINGS_URL),
        client.post(SETTINGS_URL, {"create": "1"}),
        client.get(DOWNLOAD_URL),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not CalendarFeed.objects.exists()


def test_the_page_is_in_settings(
    owner_client: Client, owner: User, django_assert_max_num_queries: Any
) -> None:
    CalendarFeed.issue(owner)
    with django_assert_max_num_queries(4):
        response = owner_client.get(SETTINGS_URL)

    html = response.content.decode()
    assert 'aria-current="page">Calendar</a>' in html
    assert "<h1>Calendar</h1>" in html
