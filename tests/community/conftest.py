"""The shared browser fixtures (system Chromium, live server, CSP and network watch) for the
group pages' browser test."""

from tests.browser.conftest import (  # noqa: F401
    browser,
    browser_context,
    chromium_path,
    page,
)
