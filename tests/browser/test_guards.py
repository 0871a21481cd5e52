"""The browser fixtures' own guarantees: no request leaves the live server, and CSP violations
and script errors are reported."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Route

from tests.browser.conftest import open_context

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PROBE_HTML = """<!doctype html><html lang="en"><head><title>probe</title></head><body>
<h1>probe</h1>
<img src="https://example.org/pixel.png" alt="">
<script>document.title = "ran inline";</script>
</body></html>"""


def test_it_blocks_requests_outside_the_live_server_and_reports_csp_violations(
    browser: Browser, live_server: Any, transactional_db: None
) -> None:
    context, watch = open_context(browser, live_server.url)

    def probe(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": "default-src 'self'; img-src *"},
            body=PROBE_HTML,
        )

    try:
        # Registered after the guard, so it answers first for this one URL.
        context.route(f"{live_server.url}/probe/", probe)
        page = context.new_page()
        page.goto("/probe/")
        page.wait_for_load_state("load")
        assert page.title() == "probe"  # the inline script was refused
    finally:
        context.close()

    assert any("blocked a request outside" in p and "example.org" in p for p in watch.problems)
    assert any(problem.startswith("CSP violation") for problem in watch.problems)


def test_it_reports_uncaught_script_errors(
    browser: Browser, live_server: Any, transactional_db: None
) -> None:
    context, watch = open_context(browser, live_server.url)
    try:
        page = context.new_page()
        page.goto("/")
        page.evaluate("setTimeout(() => { throw new Error('boom'); })")
        page.wait_for_timeout(200)
    finally:
        context.close()

    assert any("boom" in problem for problem in watch.problems)
