"""Fixtures for the literature tests: a loopback HTTP server and settings that let the
fetchers reach it (private addresses allowed, E-utilities pointed at loopback, no waiting)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lifelong.literature import eutils
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, for browser tests here)
    browser,
    browser_context,
    chromium_path,
    page,
    phone_page,
)
from tests.literature.loopback import LoopbackServer, serve


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    yield from serve()


@pytest.fixture
def fetch_settings(settings: Any, loopback: LoopbackServer) -> Any:
    """Fetching allowed to loopback, E-utilities served by ``loopback`` under /eutils/."""
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    settings.LIFELONG_EUTILS_BASE_URL = loopback.url("/eutils/")
    settings.LIFELONG_PUBMED_EMAIL = "maintainer@example.org"
    settings.LIFELONG_FETCH_TIMEOUT_SECONDS = 2
    return settings


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """E-utilities clients made from settings use a rate limiter that records its waits
    instead of sleeping (the limiter's own timing is tested with an injected clock)."""
    waits: list[float] = []

    def limiter(rate: float) -> eutils.RateLimiter:
        return eutils.RateLimiter(rate, clock=lambda: 0.0, sleep=waits.append)

    monkeypatch.setattr(eutils, "shared_limiter", limiter)
    return waits
