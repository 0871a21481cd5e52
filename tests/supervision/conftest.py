"""An associate (the owner) with an active supervision, its supervisor, another supervisor,
a peer and an outsider; hours logged over a few months."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from lifelong.accounts.models import User
from lifelong.supervision import services
from lifelong.supervision.models import LogEntry, SignOffPeriod, Supervision
from tests.conftest import make_user

TODAY = date(2026, 6, 15)


@pytest.fixture
def supervisor(db: None) -> User:
    return make_user("supervisor@example.org", name="Sam Supervisor")


@pytest.fixture
def other_supervisor(db: None) -> User:
    return make_user("other-supervisor@example.org", name="Tess Other")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def supervisor_client(supervisor: User) -> Client:
    return client_for(supervisor)


@pytest.fixture
def other_supervisor_client(other_supervisor: User) -> Client:
    return client_for(other_supervisor)


def make_supervision(
    supervisee: User,
    supervisor: User,
    *,
    started_on: date = date(2026, 1, 1),
    period_kind: str = Supervision.PeriodKind.MONTH,
) -> Supervision:
    return Supervision.objects.create(
        supervisee=supervisee,
        supervisor=supervisor,
        supervisor_email=supervisor.email,
        supervisor_name=supervisor.name,
        status=Supervision.Status.ACTIVE,
        started_on=started_on,
        period_kind=period_kind,
    )


def log_weeks(
    supervision: Supervision,
    start: date,
    weeks: int,
    direct: str = "20",
    supervision_hours: str = "1",
) -> list[LogEntry]:
    """Each week: direct hours on Monday, individual supervision on Tuesday."""
    entries = []
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        entries.append(
            LogEntry(
                owner=supervision.supervisee,
                supervision=supervision,
                worked_on=monday,
                hours=Decimal(direct),
                category="direct-clinical",
                setting="Community clinic",
            )
        )
        entries.append(
            LogEntry(
                owner=supervision.supervisee,
                supervision=supervision,
                worked_on=monday + timedelta(days=1),
                hours=Decimal(supervision_hours),
                category="individual-supervision",
            )
        )
    return LogEntry.objects.bulk_create(entries)


@pytest.fixture
def supervision(owner: User, supervisor: User) -> Supervision:
    return make_supervision(owner, supervisor)


@pytest.fixture
def logged(supervision: Supervision) -> list[LogEntry]:
    # January to March 2026, from Monday January 5.
    return log_weeks(supervision, date(2026, 1, 5), 12)


def sign(supervision: Supervision, day: date, supervisor: User) -> SignOffPeriod:
    period = services.request_sign_off(supervision, day, TODAY)
    return services.sign_period(period, supervisor, services.fingerprint(period))
