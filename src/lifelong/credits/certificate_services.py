"""Certificates: uploading (checked by content, deduplicated by hash, read, stored through the
storage API), linking them to activities, and deleting them with their stored files.

The pure work (is this file acceptable? what does the PDF say?) is in
``lifelong.credits.certificates``; this module adds the database and the storage.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from lifelong.accounts.models import User
from lifelong.credits.certificates.reader import CertificateReading, read_pdf
from lifelong.credits.certificates.validation import (
    CertificateRefused,
    CheckedFile,
    check_certificate_file,
)
from lifelong.credits.models import Activity, Certificate

logger = logging.getLogger(__name__)

READING_VERSION = 1
MAX_NAME_LENGTH = 255


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What happened to one uploaded file."""

    name: str
    status: Literal["stored", "duplicate", "refused"]
    certificate: Certificate | None = None
    reason: str = ""
    code: str = ""

    @property
    def stored(self) -> bool:
        return self.status == "stored"


def max_bytes() -> int:
    return int(settings.LIFELONG_CERTIFICATE_MAX_BYTES)


def clean_file_name(name: str) -> str:
    """The user's file name without folders or control characters, at most 255 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_NAME_LENGTH - len(extension) - 1 if dot and len(extension) <= 10 else 0
        name = f"{stem[:keep]}.{extension}" if keep > 0 else name[:MAX_NAME_LENGTH]
    return name or "certificate"


def read_upload(upload: UploadedFile) -> bytes | None:
    """The uploaded bytes, or None when the file is over the size limit (read no further)."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        return None
    upload.seek(0)
    data: bytes = upload.read(limit + 1)
    return None if len(data) > limit else data


def reading_of(data: bytes, checked: CheckedFile) -> dict[str, Any]:
    """What is stored in ``Certificate.reading``: the fields read from a PDF, with confidence
    and evidence per field, and a status (``read``, ``nothing-found``, ``image``)."""
    if not checked.is_pdf:
        return {"version": READING_VERSION, "status": "image"}
    reading = read_pdf(data)
    status = "read" if reading.found_anything else "nothing-found"
    return {"version": READING_VERSION, "status": status, **reading.to_dict()}


def upload_certificate(user: User, data: bytes, name: str, declared_type: str = "") -> UploadResult:
    """Check, read and store one file for ``user``; an identical file they already have is
    not stored again. A refused file leaves nothing behind: no stored file, no row."""
    name = clean_file_name(name)
    try:
        checked = check_certificate_file(
            data,
            name=name,
            declared_type=declared_type,
            max_bytes=max_bytes(),
            max_pages=settings.LIFELONG_CERTIFICATE_MAX_PAGES,
            max_pixels=settings.LIFELONG_CERTIFICATE_MAX_PIXELS,
        )
        digest = hashlib.sha256(data).hexdigest()
        existing = Certificate.objects.for_user(user).filter(sha256=digest).first()
        if existing is not None:
            return UploadResult(name, "duplicate", existing)
        reading = reading_of(data, checked)
    except CertificateRefused as refused:
        return UploadResult(name, "refused", reason=refused.message, code=refused.code)
    certificate = Certificate(
        owner=user,
        original_name=name,
        content_type=checked.content_type,
        size=len(data),
        sha256=digest,
        page_count=checked.page_count,
        reading=reading,
    )
    try:
        with transaction.atomic():
            certificate.file.save(name, ContentFile(data), save=False)
            certificate.save()
    except IntegrityError:
        # The same file uploaded at the same moment by another request: keep theirs.
        _delete_stored_file(certificate.file.name)
        existing = Certificate.objects.for_user(user).filter(sha256=digest).first()
        if existing is None:
            raise
        return UploadResult(name, "duplicate", existing)
    except BaseException:
        _delete_stored_file(certificate.file.name)
        raise
    return UploadResult(name, "stored", certificate)


def upload_certificates(user: User, uploads: Iterable[UploadedFile]) -> list[UploadResult]:
    """Each uploaded file checked and stored on its own: one refused file does not stop the
    others. Two identical files in one upload are stored once."""
    results: list[UploadResult] = []
    for upload in uploads:
        name = clean_file_name(upload.name or "certificate")
        data = read_upload(upload)
        if data is None:
            results.append(
                UploadResult(
                    name,
                    "refused",
                    reason=f"The file is larger than {max_bytes() // (1024 * 1024)} MB, the "
                    "limit for a certificate.",
                    code="too-big",
                )
            )
            continue
        results.append(upload_certificate(user, data, name, upload.content_type or ""))
    return results


def _delete_stored_file(name: str | None) -> None:
    if not name:
        return
    try:
        Certificate._meta.get_field("file").storage.delete(name)
    except Exception:  # a storage outage must not hide the original error
        logger.exception("could not delete the stored certificate file %s", name)


@receiver(post_delete, sender=Certificate, dispatch_uid="delete_certificate_file")
def _delete_file_with_row(sender: type[Certificate], instance: Certificate, **kwargs: Any) -> None:
    """The stored file goes when its row does: deleting a certificate, or an account (the rows
    cascade). After the commit, so a rolled-back deletion keeps its file."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: _delete_stored_file(name), using=kwargs.get("using"))


# Reading, as stored.


def stored_reading(certificate: Certificate) -> CertificateReading | None:
    """The fields read from the certificate, or None for images and unread files."""
    reading = certificate.reading or {}
    if reading.get("status") not in ("read", "nothing-found"):
        return None
    return CertificateReading.from_dict(reading, page_count=certificate.page_count or 0)


def activity_initial(reading: CertificateReading | None) -> dict[str, Any]:
    """Initial values of the activity form from what was read (fields not found are left out)."""
    if reading is None:
        return {}
    initial: dict[str, Any] = {}
    for name in ("title", "provider", "completed_on", "unit", "format", "kind"):
        value = getattr(reading, name).value
        if value is not None:
            initial[name] = value
    if reading.hours.value is not None:
        initial["hours"] = f"{reading.hours.value:g}"
    if reading.topics.value:
        initial["topics"] = [
            {"slug": share.slug, "hours": share.hours} for share in reading.topics.value
        ]
    if reading.approvals.value:
        initial["approvals"] = [
            {"body": approval.body, "number": approval.number}
            for approval in reading.approvals.value
        ]
    return initial


# Links.


class CertificateLinkError(ValueError):
    pass


def link_certificate(certificate: Certificate, activity: Activity) -> None:
    """Let ``certificate`` back ``activity`` too (both must belong to the same user)."""
    if certificate.owner_id != activity.user_id:
        raise CertificateLinkError("a certificate can only back its owner's activities")
    activity.certificates.add(certificate)


def unlink_certificate(certificate: Certificate, activity: Activity) -> None:
    if certificate.owner_id != activity.user_id:
        raise CertificateLinkError("a certificate can only back its owner's activities")
    activity.certificates.remove(certificate)


def create_activity(certificate: Certificate, activity: Activity) -> Activity:
    """Save an activity entered from a certificate, linked to it."""
    if certificate.owner_id != activity.user_id:
        raise CertificateLinkError("a certificate can only back its owner's activities")
    with transaction.atomic():
        activity.save()
        activity.certificates.add(certificate)
    return activity


def delete_certificate(certificate: Certificate) -> None:
    """Delete the certificate and (once committed) its stored file; its activities stay."""
    certificate.delete()
