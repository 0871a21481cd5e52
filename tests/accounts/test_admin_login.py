"""The admin has no sign-in form of its own: it goes through allauth's, with its rate limits and
two-factor step."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.accounts.helpers import sign_in
from tests.conftest import make_user


def test_the_admin_login_page_redirects_to_allauths_login_keeping_next(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"


def test_an_anonymous_visit_to_the_admin_ends_on_allauths_login(client: Client, db: None) -> None:
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()


def test_staff_sign_in_through_allauth_and_reach_the_admin(client: Client, db: None) -> None:
    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)

    response = sign_in(client, staff.email, next="/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_non_staff_user_does_not_reach_the_admin(client: Client, owner: User) -> None:
    sign_in(client, owner.email)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
