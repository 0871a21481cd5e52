from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from tests.licensure.factories import TODAY


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    """Every licensure test runs on TODAY (19:00 UTC: noon in the owner's Los Angeles)."""
    with time_machine.travel(f"{TODAY.isoformat()} 19:00:00+00:00", tick=False):
        yield


@pytest.fixture
def anonymous_client() -> Client:
    return Client()
