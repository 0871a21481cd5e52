"""The demo account tells the same story whatever day it is created."""

from __future__ import annotations

from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from lifelong.accounts.models import User
from lifelong.core import demo
from lifelong.credits.models import Activity
from lifelong.licensure.models import License
from lifelong.licensure.services import license_statuses


@pytest.mark.parametrize(
    "today",
    [
        date(2026, 11, 27),
        date(2026, 1, 31),
        date(2027, 3, 1),
        date(2027, 12, 31),
        date(2028, 2, 29),
        date(2028, 7, 15),
    ],
)
def test_one_license_is_short_one_in_progress_and_one_compliant(db: None, today: date) -> None:
    account = demo.create_demo_account(today=today)

    statuses = {
        status.license.ruleset_id: status for status in license_statuses(account.user, today)
    }

    california = statuses["us-ca-lmft"]
    assert california.verdict is not None
    assert not california.compliant
    assert 120 <= california.days_left <= 185
    assert california.deadline_warning is None  # the demo user's birth month matches
    law_and_ethics = next(r for r in california.verdict.requirements if r.id == "law-and-ethics")
    assert law_and_ethics.deficit_hours == 3
    assert california.verdict.total.deficit_hours == 3

    texas = statuses["us-tx-lpc"]
    assert texas.verdict is not None
    assert not texas.compliant
    assert texas.days_left > 365
    assert {r.id for r in texas.verdict.requirements if not r.met} == {"ethics", "supervision"}

    national = statuses["nbcc-ncc"]
    assert national.verdict is not None
    assert national.compliant


def test_it_creates_a_verified_account_that_can_sign_in(db: None) -> None:
    account = demo.create_demo_account(password="a demo password for tests")

    assert account.user.email == demo.DEMO_EMAIL
    assert account.license_count == len(demo.LICENSES) == 3
    assert account.activity_count == len(demo.ACTIVITIES) >= 40
    assert EmailAddress.objects.filter(user=account.user, verified=True, primary=True).exists()
    client = Client()
    assert client.login(email=demo.DEMO_EMAIL, password="a demo password for tests")


def test_it_generates_a_different_password_each_time(db: None) -> None:
    first = demo.create_demo_account().password
    demo.delete_demo_account()
    second = demo.create_demo_account().password

    assert first != second
    assert len(first) >= 16


def test_it_refuses_to_create_the_demo_account_twice(db: None) -> None:
    demo.create_demo_account()

    with pytest.raises(demo.DemoAccountExists):
        demo.create_demo_account()
    assert demo.demo_account_exists()


def test_deleting_the_demo_account_removes_its_data_only(db: None, owner: User) -> None:
    account = demo.create_demo_account()

    assert demo.delete_demo_account() is True
    assert not User.objects.filter(pk=account.user.pk).exists()
    assert not License.objects.filter(user_id=account.user.pk).exists()
    assert not Activity.objects.filter(user_id=account.user.pk).exists()
    assert User.objects.filter(pk=owner.pk).exists()
    assert demo.delete_demo_account() is False


def test_every_demo_activity_uses_the_shared_vocabulary() -> None:
    today = date(2026, 11, 27)
    for spec in demo.ACTIVITIES:
        fields = demo.activity_fields(spec, today)
        assert fields["completed_on"] < today
    with pytest.raises(ValueError, match="unknown topic"):
        demo.activity_fields(
            demo.DemoActivity(1, "Bad", "", "1", "self-study", "course", "astrology"), today
        )
