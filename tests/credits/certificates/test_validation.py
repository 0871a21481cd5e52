"""Checking a would-be certificate by its content: each hostile file is refused with a clear
reason, good files pass whatever their name says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from lifelong.credits.certificates.validation import (
    CertificateRefused,
    check_certificate_file,
    header_size,
)
from tests.credits.certificates.make_certificates import (
    certificate_image,
    decompression_bomb_png,
    oversized_pdf,
)


@pytest.mark.parametrize(
    ("fixture", "code", "needle"),
    [
        ("encrypted", "encrypted", "encrypted"),
        ("javascript", "script", "script"),
        ("truncated", "malformed", "damaged or incomplete"),
        ("png_named_pdf", "type-mismatch", "named as a PDF but its content is a PNG image"),
        ("text_named_png", "unsupported", "This is a text file, not a PDF, PNG or JPEG"),
        ("decompression_bomb", "too-many-pixels", "20,000 x 20,000 pixels"),
    ],
)
def test_it_refuses_each_hostile_file_with_a_reason(
    certificate_files: dict[str, Path], fixture: str, code: str, needle: str
) -> None:
    path = certificate_files[fixture]

    with pytest.raises(CertificateRefused) as refused:
        check_certificate_file(path.read_bytes(), name=path.name)

    assert refused.value.code == code
    assert needle in refused.value.message


def test_it_refuses_a_file_over_the_size_limit_before_looking_inside() -> None:
    data = oversized_pdf(50_000)

    with pytest.raises(CertificateRefused) as refused:
        check_certificate_file(data, name="big.pdf", max_bytes=40_000)

    assert refused.value.code == "too-big"
    assert "at most 39 KB" in refused.value.message


def test_the_bomb_is_refused_from_its_header_without_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("Pillow was asked to open the bomb")

    monkeypatch.setattr(Image, "open", no_decoding)
    data = decompression_bomb_png()

    assert header_size(data, "image/png") == (20_000, 20_000)
    with pytest.raises(CertificateRefused, match="pixels"):
        check_certificate_file(data, name="bomb.png")


def test_pillows_own_limit_is_set() -> None:
    assert Image.MAX_IMAGE_PIXELS == 50_000_000


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.pdf"),
        (b"PK\x03\x04rest of a zip", "certificate.docx"),
        (b"GIF89a....", "certificate.gif"),
        (b"%PDF-1.7\n garbage with no objects \n%%EOF\n", "broken.pdf"),
        (certificate_image("PNG")[:200], "cut.png"),
        (certificate_image("JPEG")[:300], "cut.jpg"),
    ],
)
def test_it_refuses_empty_unsupported_and_damaged_files(data: bytes, name: str) -> None:
    with pytest.raises(CertificateRefused):
        check_certificate_file(data, name=name)


def test_a_pdf_with_too_many_pages_is_refused(certificate_files: dict[str, Path]) -> None:
    data = certificate_files["two_page_agenda"].read_bytes()

    with pytest.raises(CertificateRefused, match="2 pages; a certificate may have at most 1"):
        check_certificate_file(data, name="agenda.pdf", max_pages=1)


@pytest.mark.parametrize(
    ("fixture", "name", "content_type", "pages"),
    [
        ("apa_sponsor", "certificate.pdf", "application/pdf", 1),
        ("two_page_agenda", "certificate", "application/pdf", 2),  # no extension: by content
        ("image_png", "scan.PNG", "image/png", None),
        ("image_jpeg", "photo.jpeg", "image/jpeg", None),
    ],
)
def test_good_files_pass_and_their_type_comes_from_their_content(
    certificate_files: dict[str, Path],
    fixture: str,
    name: str,
    content_type: str,
    pages: int | None,
) -> None:
    checked = check_certificate_file(certificate_files[fixture].read_bytes(), name=name)

    assert (checked.content_type, checked.page_count) == (content_type, pages)


def test_a_declared_type_that_does_not_match_the_content_is_refused(
    certificate_files: dict[str, Path],
) -> None:
    data = certificate_files["image_jpeg"].read_bytes()

    with pytest.raises(CertificateRefused, match="named as a PNG image"):
        check_certificate_file(data, name="upload", declared_type="image/png")
