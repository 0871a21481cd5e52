"""The profile page (/settings/): name, time zone and birth month, and the way to every other
account setting."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import PersonalAccessToken, User


def profile_data(**overrides: Any) -> dict[str, Any]:
    return {"name": "Olivia Q. Owner", "time_zone": "Europe/Berlin", "birth_month": "7"} | overrides


def test_it_shows_the_profile_with_links_to_every_setting(
    owner_client: Client, owner: User, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        response = owner_client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Olivia Owner"' in html
    assert '<option value="America/Los_Angeles" selected>' in html
    assert f'href="{reverse("accounts:profile")}" aria-current="page">Settings</a>' in html
    for name in ("account_email", "account_change_password", "mfa_index", "accounts:tokens"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("accounts:export")}" download' in html
    assert f'href="{reverse("accounts:delete")}"' in html


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/settings/"


def test_it_saves_the_profile(owner_client: Client, owner: User) -> None:
    response = owner_client.post(reverse("accounts:profile"), profile_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    owner.refresh_from_db()
    assert (owner.name, owner.time_zone, owner.birth_month) == (
        "Olivia Q. Owner",
        "Europe/Berlin",
        7,
    )
    assert (
        "Your profile was saved." in owner_client.get(reverse("accounts:profile")).content.decode()
    )


def test_it_clears_the_birth_month(owner_client: Client, owner: User) -> None:
    owner.birth_month = 3
    owner.save()

    owner_client.post(reverse("accounts:profile"), profile_data(birth_month=""))

    owner.refresh_from_db()
    assert owner.birth_month is None


def test_it_rejects_an_unknown_time_zone_and_keeps_the_other_input(
    owner_client: Client, owner: User
) -> None:
    response = owner_client.post(
        reverse("accounts:profile"), profile_data(time_zone="Mars/Olympus_Mons")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice. Mars/Olympus_Mons is not one of the available choices." in html
    assert 'value="Olivia Q. Owner"' in html
    owner.refresh_from_db()
    assert (owner.name, owner.time_zone) == ("Olivia Owner", "America/Los_Angeles")


def test_it_rejects_a_birth_month_outside_one_to_twelve(owner_client: Client, owner: User) -> None:
    for month in ("0", "13", "July"):
        response = owner_client.post(reverse("accounts:profile"), profile_data(birth_month=month))

        assert response.status_code == 200
        assert "Select a valid choice." in response.content.decode()
    owner.refresh_from_db()
    assert owner.birth_month is None


def test_it_counts_active_tokens_and_shows_two_factor_off(
    owner_client: Client, owner: User, peer: User
) -> None:
    PersonalAccessToken.issue(owner, "one")
    PersonalAccessToken.issue(owner, "two")[0].revoke()
    PersonalAccessToken.issue(peer, "peer's")

    html = owner_client.get(reverse("accounts:profile")).content.decode()

    assert "1 active" in html
    assert '<span class="badge badge-warn">Off</span>' in html
