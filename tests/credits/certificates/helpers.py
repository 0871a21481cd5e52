"""Building stored certificates for tests through the upload service (checked, read, stored)."""

from __future__ import annotations

from pathlib import Path

from lifelong.accounts.models import User
from lifelong.credits.certificate_services import upload_certificate
from lifelong.credits.models import Certificate


def make_certificate(user: User, path: Path, name: str | None = None) -> Certificate:
    result = upload_certificate(user, path.read_bytes(), name or path.name)
    assert result.status == "stored", result
    assert result.certificate is not None
    return result.certificate
