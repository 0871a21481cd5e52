"""The browser fixtures (system Chromium, requests confined to the live server, CSP watched)
are shared from tests/browser for the CE ledger's own browser tests."""

from tests.browser.conftest import (  # noqa: F401
    browser,
    browser_context,
    chromium_path,
    page,
    phone_page,
)
