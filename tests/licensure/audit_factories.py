"""Certificates and packets for the audit-packet tests: small real PDFs (fpdf2) and PNGs
(Pillow) stored through the storage API in a temporary MEDIA_ROOT.

Test modules import the fixtures they use (``media_root_fixture`` provides ``media_root``)."""

from __future__ import annotations

import hashlib
import io
import itertools
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from lifelong.accounts.models import User
from lifelong.credits.models import Activity, Certificate
from lifelong.licensure.models import AuditPacket, License


def certificate_pdf(text: str) -> bytes:
    """A one-page certificate PDF saying ``text`` (Latin-1, fpdf2's core font)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def certificate_png(colour: str = "navy", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def certificate_jpeg(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


_serial = itertools.count(1)  # every certificate's file differs (hashes are unique per owner)
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def add_certificate(
    owner: User,
    *activities: Activity,
    data: bytes | None = None,
    kind: str = "pdf",
    original_name: str = "certificate.pdf",
) -> Certificate:
    """A certificate file of ``owner`` in storage, attached to ``activities``."""
    if data is None:
        data = certificate_pdf(f"Certificate of completion no. {next(_serial)}")
    certificate = Certificate(
        owner=owner,
        original_name=original_name,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    certificate.file.save(f"upload.{kind}", ContentFile(data), save=False)
    certificate.save()
    for activity in activities:
        activity.certificates.add(certificate)
    return certificate


def stored_bytes(certificate: Certificate) -> bytes:
    with certificate.file.open("rb") as stored:
        return stored.read()


def make_packet(license: License, **fields: Any) -> AuditPacket:
    now = timezone.now()
    fields.setdefault("status", AuditPacket.QUEUED)
    fields.setdefault("expires_at", now + timedelta(days=7))
    fields.setdefault("cycle_end", license.expires_on)
    return AuditPacket.objects.create(owner_id=license.user_id, license=license, **fields)


def open_zip(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def pdf_text(data: bytes) -> str:
    """The text of every page, with lines joined by spaces (table cells wrap)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def response_bytes(response: Any) -> bytes:
    """The body of a response, streamed or not. The test client closes a streamed response
    (and the file it streams) once its content is read to the end."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.fixture(name="media_root")
def media_root_fixture(settings: Any, tmp_path: Path) -> Path:
    """Stored files go to a temporary directory."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(name="immediate_tasks")
def immediate_tasks_fixture(settings: Any) -> None:
    """Tasks run at once, in the test, instead of waiting for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(name="database_tasks")
def database_tasks_fixture(settings: Any) -> None:
    """Tasks are queued in the database, as in production (no worker runs in the test)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def stored_files(root: Path) -> Iterator[Path]:
    return (path for path in root.rglob("*") if path.is_file())
