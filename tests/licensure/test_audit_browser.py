"""The audit packet in the system Chromium: from the transcript to a downloaded zip, and a
background build followed on its page, by htmx polling with JavaScript and by the page's own
refresh without; no CSP violation or script error on the way."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from lifelong.accounts.models import User
from lifelong.licensure import audit
from lifelong.licensure.models import AuditPacket, License
from tests.browser.conftest import browser, chromium_path, open_context  # noqa: F401
from tests.conftest import make_user
from tests.licensure.audit_factories import (
    add_certificate,
    database_tasks_fixture,  # noqa: F401 (fixture)
    media_root_fixture,  # noqa: F401 (fixture)
)
from tests.licensure.factories import add_activity, make_license

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.usefixtures("media_root", "database_tasks"),
]


def _page(browser: Browser, live_server: Any, javascript: bool) -> Iterator[Page]:  # noqa: F811
    context, watch = open_context(
        browser, live_server.url, java_script_enabled=javascript, accept_downloads=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()
    if watch.problems:
        pytest.fail("\n".join(watch.problems), pytrace=False)


@pytest.fixture
def js_page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:  # noqa: F811
    yield from _page(browser, live_server, javascript=True)


@pytest.fixture
def no_js_page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:  # noqa: F811
    yield from _page(browser, live_server, javascript=False)


def sign_in(page: Page, live_server: Any, user: User) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def licensed_owner(certificates: int) -> tuple[User, License]:
    owner = make_user("auditee@example.org", name="Audrey Auditee")
    license = make_license(owner, label="LPC")
    for number in range(certificates):
        add_certificate(owner, add_activity(owner, f"Course {number}", 2))
    add_activity(owner, "Course without a certificate", 1)
    return owner, license


def downloaded_zip(page: Page, button: str) -> zipfile.ZipFile:
    with page.expect_download() as download:
        page.get_by_role("link", name=button).or_(page.get_by_role("button", name=button)).click()
    path = download.value.path()
    return zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def test_a_small_packet_downloads_from_the_transcript(js_page: Page, live_server: Any) -> None:
    owner, license = licensed_owner(certificates=2)
    sign_in(js_page, live_server, owner)
    page = js_page

    page.goto(f"/licenses/{license.pk}/transcript/")
    page.get_by_role("link", name="Audit packet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit packet: LPC")
    expect(page.get_by_text("1 of 3 activities has no certificate on file")).to_be_visible()
    archive = downloaded_zip(page, "Download audit packet")

    assert archive.namelist() == [
        "README.txt",
        "transcript.pdf",
        "activities.csv",
        "certificates/2026-02-10_test-institute_course-0.pdf",
        "certificates/2026-02-10_test-institute_course-1.pdf",
    ]


def test_a_background_build_shows_its_progress_and_then_the_download_without_a_reload(
    js_page: Page, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "IN_REQUEST_MAX_CERTIFICATES", 1)
    owner, license = licensed_owner(certificates=3)
    sign_in(js_page, live_server, owner)
    page = js_page

    page.goto(f"/licenses/{license.pk}/audit-packet/")
    page.get_by_role("button", name="Build audit packet").click()
    expect(page.get_by_text("Waiting for the worker").first).to_be_visible()
    page.evaluate("window.sameDocument = true")
    packet = AuditPacket.objects.get()
    AuditPacket.objects.filter(pk=packet.pk).update(status="building", progress_done=2)
    expect(page.get_by_text("2 of 6 files written.")).to_be_visible()

    AuditPacket.objects.filter(pk=packet.pk).update(status="queued")
    assert audit.build_stored_packet(packet.pk) == "ready"  # what the worker does

    expect(page.get_by_role("link", name="Download audit packet")).to_be_visible()
    assert page.evaluate("window.sameDocument") is True  # htmx swapped the status in
    archive = downloaded_zip(page, "Download audit packet")
    assert len([name for name in archive.namelist() if name.startswith("certificates/")]) == 3


def test_without_javascript_the_progress_page_refreshes_itself(
    no_js_page: Page, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "IN_REQUEST_MAX_CERTIFICATES", 0)
    owner, license = licensed_owner(certificates=1)
    sign_in(no_js_page, live_server, owner)
    page = no_js_page

    page.goto(f"/licenses/{license.pk}/audit-packet/")
    page.get_by_role("button", name="Build audit packet").click()
    expect(page.get_by_text("Waiting for the worker").first).to_be_visible()
    assert audit.build_stored_packet(AuditPacket.objects.get().pk) == "ready"

    expect(page.get_by_role("link", name="Download audit packet")).to_be_visible(timeout=8000)
