"""Staff can look activities up in the admin."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from tests.conftest import make_user
from tests.credits.helpers import make_activity


def test_staff_find_an_activity_in_the_admin(owner: User) -> None:
    make_activity(owner, title="Findable ethics course")
    staff = Client()
    staff.force_login(make_user("staff@example.org", is_staff=True, is_superuser=True))

    response = staff.get(reverse("admin:credits_activity_changelist"), {"q": "Findable"})

    assert response.status_code == 200
    assert "Findable ethics course" in response.content.decode()
