"""Sign-in rate limits: allauth counts attempts in the shared database cache, so the limits hold
across worker processes and across sessions."""

from __future__ import annotations

from django.db import connection
from django.test import Client

from lifelong.accounts.models import User
from tests.accounts.helpers import sign_in, signed_in_user_id

TOO_MANY = "Too many failed login attempts. Try again later."


def cached_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM lifelong_cache")
        return [row[0] for row in cursor.fetchall()]


def test_it_refuses_sign_in_after_five_failed_attempts_for_one_address(
    client: Client, owner: User
) -> None:
    for _ in range(5):
        response = sign_in(client, owner.email, "not the password")
        assert TOO_MANY not in response.content.decode()

    # Even the right password, and even from a fresh session: the count is per address.
    response = sign_in(Client(), owner.email)

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_keeps_the_counts_in_the_database_cache(client: Client, owner: User) -> None:
    assert not any("login_failed" in key for key in cached_keys())

    sign_in(client, owner.email, "not the password")

    assert any("login_failed" in key for key in cached_keys())


def test_it_answers_429_after_thirty_sign_in_attempts_a_minute_from_one_address(
    client: Client, db: None
) -> None:
    for number in range(30):
        response = sign_in(client, f"someone{number}@example.org", "not the password")
        assert response.status_code == 200

    response = sign_in(client, "someone-else@example.org", "not the password")

    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>Too many attempts</h1>" in html
    assert 'class="site-header"' in html


def test_a_successful_sign_in_is_not_blocked_by_other_peoples_failures(
    client: Client, owner: User, peer: User
) -> None:
    for _ in range(5):
        sign_in(Client(), peer.email, "not the password")

    response = sign_in(client, owner.email)

    assert response.status_code == 302
    assert signed_in_user_id(client) == owner.pk
