"""Shared fixtures: an owner, a peer and an outsider for every access test."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lifelong.accounts.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database also gets the database cache table (login rate limits, TOTP codes).

    Migrations do not create it; ``lifelong manage createcachetable`` does in production.
    """
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 takes about half a second a hash by design; tests hash with MD5 instead.
    (tests/accounts checks that production settings put Argon2 first.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Any) -> None:
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(email: str, **fields: Any) -> User:
    """A user whose email address is already verified, so that they can sign in at once."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def owner(db: None) -> User:
    return make_user("owner@example.org", name="Olivia Owner", time_zone="America/Los_Angeles")


@pytest.fixture
def peer(db: None) -> User:
    """Another user of the same instance: must never see the owner's objects."""
    return make_user("peer@example.org", name="Pat Peer")


@pytest.fixture
def outsider(db: None) -> User:
    return make_user("outsider@example.org", name="Oscar Outsider")


@pytest.fixture
def owner_client(owner: User) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def peer_client(peer: User) -> Client:
    client = Client()
    client.force_login(peer)
    return client
