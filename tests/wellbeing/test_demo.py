"""The demo account's well-being history: every kind of data, realistic, and no warnings."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lifelong.core.demo import create_demo_account
from lifelong.wellbeing import services
from lifelong.wellbeing.models import CareTick, CheckIn, Commitment, InstrumentResult

pytestmark = pytest.mark.django_db


def test_the_demo_account_has_a_wellbeing_history_that_renders() -> None:
    today = date(2026, 6, 15)
    account = create_demo_account(today=today, password="demo password 123")
    user = account.user

    assert InstrumentResult.objects.for_user(user).count() == 4
    assert CheckIn.objects.for_user(user).count() == 10
    assert CareTick.objects.for_user(user).exists()
    assert all(c.builder is not None for c in Commitment.objects.for_user(user))
    snapshot = services.gather(user, today)
    assert services.alerts_for(snapshot) == []
    assert (snapshot.days_since_leave, snapshot.days_until_leave) == (74, 40)
    index = services.resilience_for(snapshot)
    assert index.score is not None
    assert all(part.score is not None for part in index.parts)

    client = Client()
    client.force_login(user)
    page = client.get("/wellbeing/").content.decode()
    assert "<polyline" in page
    assert "Resilience index" in page
