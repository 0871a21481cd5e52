"""Browser tests: Playwright's sync API driving the system Chromium against ``live_server``.

- The browser is the system Chromium (``$LIFELONG_CHROMIUM``, /usr/bin/chromium or
  ``chromium`` on PATH), never one downloaded by ``playwright install``.
- Without a browser these tests skip with a message; with ``LIFELONG_REQUIRE_BROWSER=1`` (CI)
  a missing browser is a failure.
- Every request that does not go to the live server is blocked, so a test can never reach the
  internet, and a page that asks for anything outside is a failure. So is a
  Content-Security-Policy violation or an uncaught script error on any page.
- Playwright's sync API runs an event loop in the test thread, so Django's async-safety check
  must be off: ``DJANGO_ALLOW_ASYNC_UNSAFE=true``. The live server runs in-process, so
  ``django.core.mail.outbox`` sees the emails it sends.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Route,
    sync_playwright,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000
CSP_MESSAGE = re.compile(r"Content Security Policy|Content-Security-Policy", re.IGNORECASE)


def find_chromium(candidates: Sequence[str | None] | None = None) -> str | None:
    """The system Chromium: $LIFELONG_CHROMIUM, /usr/bin/chromium, or chromium on PATH."""
    if candidates is None:
        candidates = [
            os.environ.get("LIFELONG_CHROMIUM"),
            "/usr/bin/chromium",
            shutil.which("chromium"),
            shutil.which("chromium-browser"),
        ]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_required() -> bool:
    return os.environ.get("LIFELONG_REQUIRE_BROWSER", "").strip().lower() in ("1", "true", "yes")


def no_browser(required: bool) -> NoReturn:
    """Skip the browser tests with a message, or fail them when a browser is required (CI)."""
    message = (
        "no system Chromium found (set LIFELONG_CHROMIUM, or install Debian's chromium "
        "package; `playwright install` is never used)"
    )
    if required:
        pytest.fail(f"LIFELONG_REQUIRE_BROWSER is set but {message}", pytrace=False)
    pytest.skip(f"browser tests skipped: {message}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return find_chromium() or no_browser(browser_required())


# The running browser of this test process, shared by every copy of the ``browser`` fixture.
_running: dict[str, Browser] = {}


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One Chromium per test process. Other test folders import these fixtures into their own
    conftest.py, and pytest then sets this session fixture up once per folder; Playwright's sync
    API allows one instance per thread, so later copies reuse the first."""
    if "chromium" in _running:
        yield _running["chromium"]
        return
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        _running["chromium"] = chromium
        try:
            yield chromium
        finally:
            del _running["chromium"]
            chromium.close()


@dataclass
class PageWatch:
    """What went wrong in a browser context: requests outside the live server (blocked), CSP
    violations, uncaught script errors."""

    origin: str
    problems: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._guard)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _guard(self, route: Route) -> None:
        url = route.request.url
        if url == self.origin or url.startswith(self.origin + "/"):
            route.continue_()
        else:
            self.problems.append(f"blocked a request outside the live server: {url}")
            route.abort("blockedbyclient")

    def _console(self, message: ConsoleMessage) -> None:
        if CSP_MESSAGE.search(message.text):
            self.problems.append(f"CSP violation: {message.text}")

    def _page_error(self, error: Error) -> None:
        self.problems.append(f"uncaught script error: {error}")


def open_context(browser: Browser, origin: str, **options: Any) -> tuple[BrowserContext, PageWatch]:
    """A fresh browser context (cookies, storage) whose requests are confined to ``origin``."""
    context = browser.new_context(base_url=origin, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    watch = PageWatch(origin)
    watch.attach(context)
    context.on("page", watch.watch)
    return context, watch


@pytest.fixture
def browser_context(
    browser: Browser, live_server: Any, transactional_db: None, settings: Any
) -> Iterator[tuple[BrowserContext, PageWatch]]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    context, watch = open_context(browser, live_server.url)
    try:
        yield context, watch
    finally:
        context.close()
    if watch.problems:
        pytest.fail("\n".join(watch.problems), pytrace=False)


@pytest.fixture
def page(browser_context: tuple[BrowserContext, PageWatch]) -> Page:
    """A page on the live server; the test fails on a CSP violation, a script error or a
    request leaving the live server."""
    context, _ = browser_context
    return context.new_page()


@pytest.fixture
def phone_page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:
    """A page with a phone-sized viewport and touch, watched like ``page``."""
    context, watch = open_context(
        browser,
        live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    try:
        yield context.new_page()
    finally:
        context.close()
    if watch.problems:
        pytest.fail("\n".join(watch.problems), pytrace=False)
