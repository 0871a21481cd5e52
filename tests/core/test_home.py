"""The home page: what Lifelong does for visitors, the dashboard for signed-in users."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse


def test_it_shows_anonymous_visitors_what_lifelong_does(
    db: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        response = client.get(reverse("core:home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>" in content
    assert f'href="{reverse("account_signup")}"' in content
    assert f'href="{reverse("account_login")}"' in content


def test_it_sends_signed_in_users_to_their_dashboard(owner_client: Client) -> None:
    response = owner_client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("licensure:dashboard")


def test_the_dashboard_sends_anonymous_visitors_to_sign_in(db: None, client: Client) -> None:
    response = client.get(reverse("licensure:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
