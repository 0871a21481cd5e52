"""Certificates in the browser: upload several at once (one of them a photo), confirm the
activities Lifelong read from the PDFs, enter the photo's by hand, watch the license become
compliant, and download the audit packet; drag and drop onto the upload field."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect
from pypdf import PdfReader

from lifelong.accounts.models import User
from lifelong.licensure.models import License
from tests.browser.flows import sign_up
from tests.browser.test_compliance_journey import license_card, renewal_deadline
from tests.credits.certificates.make_certificates import certificate_image, certificate_pdf

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    """Uploaded files go to a temporary folder (the live server runs in this process)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_payload(name: str, layout: str, **details: object) -> FilePayload:
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": certificate_pdf(layout, **details),
    }


def add_license(email: str, today: date) -> None:
    """California LMFT (36 hours, 6 of them law and ethics, every two years), with the one-time
    courses done earlier."""
    License.objects.create(
        user=User.objects.get(email=email),
        ruleset_id="us-ca-lmft",
        label="CA LMFT",
        issued_on=date(2015, 6, 1),
        expires_on=renewal_deadline(today),
        first_renewal=False,
        completed_once=["suicide-prevention", "telehealth"],
    )


def test_uploaded_certificates_become_activities_and_the_license_compliant(page: Page) -> None:
    today = timezone.localdate()
    email = "robin.lmft@example.org"
    sign_up(page, email, "a long and unusual passphrase", "Robin Diaz")
    add_license(email, today)
    page.goto("/dashboard/")
    card = license_card(page, "CA LMFT")
    expect(card.get_by_text("NOT COMPLIANT")).to_be_visible()
    expect(card).to_contain_text("0 of 36 h")

    # Several files at once: three PDFs and a photo.
    page.goto("/activities/")
    page.get_by_role("link", name="Certificates").click()
    page.get_by_role("link", name="Upload certificates").click()
    expect(page.locator(".drop-zone.is-enhanced")).to_be_visible()  # upload.js has run
    page.get_by_label("Certificate files").set_input_files(
        files=[
            pdf_payload(
                "law-and-ethics.pdf",
                "california_bbs",
                participant="Robin Diaz",
                completed_on=today - timedelta(days=30),
                hours=6.0,
            ),
            pdf_payload(
                "insomnia.pdf",
                "apa_sponsor",
                participant="Robin Diaz",
                completed_on=today - timedelta(days=60),
                hours=12.0,
            ),
            pdf_payload(
                "eft-workshop.pdf",
                "two_page_agenda",
                participant="Robin Diaz",
                completed_on=today - timedelta(days=90),
                hours=12.0,
            ),
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": certificate_image("JPEG")},
        ]
    )
    expect(page.locator(".chosen-files li")).to_have_count(4)  # upload.js lists them
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="4 of 4 files stored")).to_be_visible()

    # Each PDF: the form comes prefilled; confirm it.
    for name, title in (
        ("law-and-ethics.pdf", "Law and Ethics: Dual Relationships and Mandated Reporting"),
        ("insomnia.pdf", "Evidence-Based Treatment of Insomnia: CBT-I in Practice"),
        ("eft-workshop.pdf", "Emotionally Focused Couple Therapy: Core Skills"),
    ):
        page.goto("/certificates/")
        page.get_by_role("link", name=f"Create the activity from {name}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the activity")
        expect(page.get_by_label("Title")).to_have_value(title)
        expect(page.get_by_text("Issued to: Robin Diaz")).to_be_visible()
        page.get_by_role("button", name="Save the activity").click()
        expect(page.get_by_text(f"Added “{title}”")).to_be_visible()

    # The photo: nothing to read, so it is entered by hand.
    page.get_by_role("link", name="Create the activity from photo.jpg").click()
    expect(page.get_by_text("nothing was read from it")).to_be_visible()
    page.get_by_label("Title").fill("Cultural Humility in Couple Therapy")
    page.get_by_label("Completed on").fill((today - timedelta(days=20)).isoformat())
    page.get_by_label("Hours", exact=True).fill("6")
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_text("Added “Cultural Humility in Couple Therapy”")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Create the activity"))).to_have_count(0)

    page.goto("/dashboard/")
    card = license_card(page, "CA LMFT")
    expect(card.get_by_text("COMPLIANT", exact=True)).to_be_visible()
    expect(card).to_contain_text("36 of 36 h")

    # The audit packet: the transcript and every certificate, named by date, provider and title.
    card.get_by_role("link", name=re.compile("^Transcript")).click()
    page.get_by_role("link", name="Audit packet").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download audit packet").or_(
            page.get_by_role("button", name="Download audit packet")
        ).click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    names = archive.namelist()
    assert names[:3] == ["README.txt", "transcript.pdf", "activities.csv"]
    certificates = sorted(name for name in names if name.startswith("certificates/"))
    assert len(certificates) == 4
    assert any(name.endswith(".jpg") for name in certificates)
    assert any("law-and-ethics-dual-relationships" in name for name in certificates)
    transcript = "".join(
        page_.extract_text()
        for page_ in PdfReader(io.BytesIO(archive.read("transcript.pdf"))).pages
    )
    assert "Robin Diaz" in transcript
    assert "Cultural Humility in Couple Therapy" in transcript


def test_files_dropped_on_the_field_are_uploaded(page: Page) -> None:
    sign_up(page, "sam.lpc@example.org", "a long and unusual passphrase", "Sam Ortiz")
    page.goto("/certificates/upload/")
    zone = page.locator(".drop-zone")
    expect(zone.get_by_text("Or drag and drop the files here.")).to_be_visible()
    data = base64.b64encode(certificate_pdf("ny_sed")).decode()
    dropped = page.evaluate_handle(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "dropped.pdf", {type: "application/pdf"}));
            return transfer;
        }""",
        data,
    )

    zone.dispatch_event("drop", {"dataTransfer": dropped})

    expect(page.locator(".chosen-files")).to_contain_text("dropped.pdf")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="1 of 1 file stored")).to_be_visible()
    expect(page.get_by_text("Stored: dropped.pdf")).to_be_visible()
