"""Certificate fixtures built once per test session into a temporary folder, stored files kept
in a temporary MEDIA_ROOT per test, and helpers to upload and count what was left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.credits.certificates.make_certificates import build

EXPECTED_FIELDS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).with_name("expected_fields.json")).read_text(encoding="utf-8")
)
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}


@pytest.fixture(scope="session")
def certificate_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every fixture file by name: the ten layouts, two images, the hostile files."""
    return build(tmp_path_factory.mktemp("certificates"))


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Stored files go to a fresh folder for each test."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    """Every file under the media root."""
    return sorted(path for path in root.rglob("*") if path.is_file())


def upload_of(path: Path, name: str | None = None, content_type: str | None = None) -> Any:
    """A file as the browser would send it."""
    return SimpleUploadedFile(
        name or path.name,
        path.read_bytes(),
        content_type=content_type or CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
    )


def read_download(response: Any) -> bytes:
    """Read a download to its end, which closes the file it streams, and return its bytes.

    (The test client closes the response at the end of the stream with the database
    connection kept open; ``response.close()`` called by a test would close the test's
    connection on PostgreSQL.)"""
    if not getattr(response, "streaming", False):
        return bytes(response.content)
    return b"".join(response.streaming_content)
