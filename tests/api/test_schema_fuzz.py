"""Schemathesis against /api/openapi.json: generated valid and invalid requests for every
operation, answered as the schema says (documented status codes and bodies, no server error,
invalid input refused)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from tests.api.conftest import make_activity, make_license, token_for

from lifelong.accounts.models import User
from lifelong.wellbeing.instruments import get_instrument
from lifelong.wellbeing.services import record_checkin, record_result
from lifelong.wsgi import application

# Valid-looking data may still be refused with 422 for reasons a schema cannot say (an unknown
# rule-set id, hours with three decimals, a CSV file with bad rows), so that check is off; every
# other check runs, for valid and invalid requests alike.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {"positive_data_acceptance": {"enabled": False}},
        # The test sends the owner's token itself.
        "generation": {"max-examples": 25, "with-security-parameters": False},
    }
)
# Loaded when the module is collected (the OpenAPI view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)


@pytest.fixture
def _connection_kept_open() -> Iterator[None]:
    """Requests go to the real WSGI application, whose request signals would close the
    database connection, and with it the test's transaction (on PostgreSQL). Django's own test
    client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_owner(owner: User) -> tuple[str, dict[str, int]]:
    """The owner's token and the ids of objects to aim some requests at."""
    license = make_license(owner, attestations={"2027-01-31": ["jurisprudence-exam"]})
    make_license(owner, "us-ca-lmft", expires_on=date(2026, 8, 31))
    activity = make_activity(owner, topics=[{"slug": "ethics", "hours": 2}])
    checkin = record_checkin(
        owner,
        date(2026, 1, 5),
        dict.fromkeys(("energy", "engagement", "sleep", "workload"), 3) | {"connection": 4},
    )
    cbi = get_instrument("cbi")
    assert cbi is not None
    result = record_result(owner, cbi, dict.fromkeys(range(1, 20), 3), date(2026, 1, 5))
    return token_for(owner), {
        "license_id": license.pk,
        "activity_id": activity.pk,
        "checkin_id": checkin.pk,
        "result_id": result.pk,
    }


@pytest.mark.slow
@pytest.mark.usefixtures("_connection_kept_open")
@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(
    case: Any, fuzz_owner: tuple[str, dict[str, int]]
) -> None:
    token, ids = fuzz_owner
    for name, real_id in ids.items():
        # Aim every other generated id at a real object, so changes and deletes run too.
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = real_id
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
