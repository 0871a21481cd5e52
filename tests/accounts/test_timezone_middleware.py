"""Each signed-in user sees dates and times in their own time zone."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from lifelong.accounts.middleware import TimezoneMiddleware
from lifelong.accounts.models import User


def zone_seen_by_view(user: object) -> str:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(timezone.get_current_timezone_name())

    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    return TimezoneMiddleware(view)(request).content.decode()


def test_it_activates_the_users_time_zone(owner: User) -> None:
    assert zone_seen_by_view(owner) == "America/Los_Angeles"


def test_anonymous_visitors_get_utc(db: None) -> None:
    assert zone_seen_by_view(AnonymousUser()) == "UTC"


def test_an_unknown_stored_zone_falls_back_to_utc(owner: User) -> None:
    owner.time_zone = "Mars/Olympus_Mons"

    assert zone_seen_by_view(owner) == "UTC"


def test_one_users_zone_does_not_leak_into_the_next_request(owner: User) -> None:
    assert zone_seen_by_view(owner) == "America/Los_Angeles"

    assert zone_seen_by_view(AnonymousUser()) == "UTC"


def test_the_zone_ends_with_the_request(owner: User) -> None:
    zone_seen_by_view(owner)

    assert timezone.get_current_timezone_name() == "UTC"
