"""The upload page: several files at once, each checked by content; refused files leave
nothing behind; identical files are found by hash; owner, peer and outsider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import Certificate
from tests.credits.certificates.conftest import stored_files, upload_of
from tests.credits.certificates.make_certificates import oversized_pdf

UPLOAD_URL = reverse("credits:certificate_upload")


def results(response: Any) -> list[tuple[str, str]]:
    return [(result.name, result.status) for result in response.context["results"]]


def test_it_stores_several_files_at_once_and_reads_the_pdfs(
    owner_client: Client, owner: User, certificate_files: dict[str, Path], media_root: Path
) -> None:
    files = [
        upload_of(certificate_files["apa_sponsor"]),
        upload_of(certificate_files["nbcc_home_study"]),
        upload_of(certificate_files["image_png"]),
    ]

    response = owner_client.post(UPLOAD_URL, {"certificate_files": files})

    assert response.status_code == 200
    assert results(response) == [
        ("apa_sponsor.pdf", "stored"),
        ("nbcc_home_study.pdf", "stored"),
        ("scanned-certificate.png", "stored"),
    ]
    certificates = {c.original_name: c for c in Certificate.objects.for_user(owner)}
    assert len(certificates) == 3
    apa = certificates["apa_sponsor.pdf"]
    assert (apa.content_type, apa.page_count, apa.size) == (
        "application/pdf",
        1,
        certificate_files["apa_sponsor"].stat().st_size,
    )
    assert apa.reading["status"] == "read"
    assert apa.reading["fields"]["participant"] == "Jordan A. Rivera"
    assert certificates["scanned-certificate.png"].reading == {"version": 1, "status": "image"}
    assert len(stored_files(media_root)) == 3
    content = response.content.decode()
    assert "3 of 3 files stored" in content
    for certificate in certificates.values():
        assert reverse("credits:certificate_activity", args=[certificate.pk]) in content


def test_stored_files_have_unguessable_names_in_the_owners_folder(
    owner_client: Client, owner: User, certificate_files: dict[str, Path], media_root: Path
) -> None:
    owner_client.post(UPLOAD_URL, {"certificate_files": [upload_of(certificate_files["ny_sed"])]})

    certificate = Certificate.objects.get(owner=owner)
    folder, name = certificate.file.name.rsplit("/", 1)
    assert folder == f"certificates/{owner.pk}"
    assert len(name) == len("0123456789abcdef0123456789abcdef.pdf")
    assert "ny_sed" not in certificate.file.name
    assert (media_root / certificate.file.name).read_bytes() == (
        certificate_files["ny_sed"].read_bytes()
    )


@pytest.mark.parametrize(
    ("fixture", "needle"),
    [
        ("encrypted", "encrypted"),
        ("javascript", "script or automatic action"),
        ("truncated", "damaged or incomplete"),
        ("png_named_pdf", "named as a PDF but its content is a PNG image"),
        ("text_named_png", "not a PDF, PNG or JPEG"),
        ("decompression_bomb", "20,000 x 20,000 pixels"),
    ],
)
def test_a_refused_file_leaves_nothing_behind(
    owner_client: Client,
    owner: User,
    certificate_files: dict[str, Path],
    media_root: Path,
    fixture: str,
    needle: str,
) -> None:
    response = owner_client.post(
        UPLOAD_URL, {"certificate_files": [upload_of(certificate_files[fixture])]}
    )

    assert response.status_code == 200
    [result] = response.context["results"]
    assert result.status == "refused"
    assert needle in result.reason
    assert needle in response.content.decode()
    assert "Nothing was kept." in response.content.decode()
    assert not Certificate.objects.exists()
    assert stored_files(media_root) == []


def test_an_oversized_file_is_refused_without_being_read(
    owner_client: Client, settings: Any, media_root: Path
) -> None:
    settings.LIFELONG_CERTIFICATE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", oversized_pdf(1024 * 1024 + 1), "application/pdf")

    response = owner_client.post(UPLOAD_URL, {"certificate_files": [big]})

    [result] = response.context["results"]
    assert (result.status, result.code) == ("refused", "too-big")
    assert "larger than 1 MB" in result.reason
    assert not Certificate.objects.exists()
    assert stored_files(media_root) == []


def test_refused_files_do_not_stop_the_good_ones(
    owner_client: Client, owner: User, certificate_files: dict[str, Path], media_root: Path
) -> None:
    files = [
        upload_of(certificate_files["encrypted"]),
        upload_of(certificate_files["conference"]),
        upload_of(certificate_files["text_named_png"]),
    ]

    response = owner_client.post(UPLOAD_URL, {"certificate_files": files})

    assert results(response) == [
        ("encrypted.pdf", "refused"),
        ("conference.pdf", "stored"),
        ("certificate.png", "refused"),
    ]
    assert [c.original_name for c in Certificate.objects.for_user(owner)] == ["conference.pdf"]
    assert len(stored_files(media_root)) == 1


def test_an_identical_file_is_not_stored_again(
    owner_client: Client, owner: User, certificate_files: dict[str, Path], media_root: Path
) -> None:
    owner_client.post(
        UPLOAD_URL, {"certificate_files": [upload_of(certificate_files["aswb_webinar"])]}
    )
    first = Certificate.objects.get(owner=owner)

    renamed = upload_of(certificate_files["aswb_webinar"], name="webinar (1).pdf")
    response = owner_client.post(UPLOAD_URL, {"certificate_files": [renamed]})

    [result] = response.context["results"]
    assert (result.status, result.certificate) == ("duplicate", first)
    content = response.content.decode()
    assert "already uploaded on" in content
    assert reverse("credits:certificate_detail", args=[first.pk]) in content
    assert Certificate.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_the_same_file_twice_in_one_upload_is_stored_once(
    owner_client: Client, certificate_files: dict[str, Path], media_root: Path
) -> None:
    path = certificate_files["ny_sed"]

    response = owner_client.post(
        UPLOAD_URL, {"certificate_files": [upload_of(path), upload_of(path, name="copy.pdf")]}
    )

    assert results(response) == [("ny_sed.pdf", "stored"), ("copy.pdf", "duplicate")]
    assert len(stored_files(media_root)) == 1


def test_another_users_identical_file_is_their_own_copy(
    owner_client: Client,
    peer_client: Client,
    owner: User,
    peer: User,
    certificate_files: dict[str, Path],
) -> None:
    path = certificate_files["apa_sponsor"]
    owner_client.post(UPLOAD_URL, {"certificate_files": [upload_of(path)]})

    response = peer_client.post(UPLOAD_URL, {"certificate_files": [upload_of(path)]})

    assert results(response) == [("apa_sponsor.pdf", "stored")]
    assert Certificate.objects.for_user(owner).count() == 1
    assert Certificate.objects.for_user(peer).count() == 1


def test_choosing_no_file_is_an_error(owner_client: Client) -> None:
    response = owner_client.post(UPLOAD_URL, {})

    assert response.status_code == 200
    assert response.context["form"].errors["certificate_files"] == [
        "Choose at least one certificate file."
    ]


def test_too_many_files_at_once_are_refused_together(
    owner_client: Client, settings: Any, certificate_files: dict[str, Path]
) -> None:
    settings.LIFELONG_CERTIFICATE_MAX_FILES = 2
    files = [upload_of(certificate_files[name]) for name in ("ny_sed", "conference", "apa_sponsor")]

    response = owner_client.post(UPLOAD_URL, {"certificate_files": files})

    assert "upload at most 2 at a time" in response.context["form"].errors["certificate_files"][0]
    assert not Certificate.objects.exists()


def test_a_file_name_is_kept_without_folders_or_control_characters(
    owner_client: Client, owner: User, certificate_files: dict[str, Path]
) -> None:
    upload = upload_of(certificate_files["ny_sed"], name="..\\..\\evil\x07name.pdf")

    owner_client.post(UPLOAD_URL, {"certificate_files": [upload]})

    assert Certificate.objects.get(owner=owner).original_name == "evilname.pdf"


def test_the_page_offers_a_multiple_file_input_that_works_without_javascript(
    owner_client: Client,
) -> None:
    content = owner_client.get(UPLOAD_URL).content.decode()

    assert 'type="file" name="certificate_files"' in content
    assert "multiple" in content
    assert 'enctype="multipart/form-data"' in content
    assert '<label for="id_certificate_files">Certificate files</label>' in content
    assert 'src="/static/js/upload.js"' in content
    assert "defer" in content


def test_uploading_runs_a_bounded_number_of_queries(
    owner_client: Client,
    certificate_files: dict[str, Path],
    django_assert_max_num_queries: Any,
) -> None:
    files = [upload_of(certificate_files[name]) for name in ("ny_sed", "conference")]
    few = owner_client.post(UPLOAD_URL, {"certificate_files": files})
    assert few.status_code == 200
    files = [upload_of(certificate_files[name]) for name in sorted(certificate_files)[:6]]

    with django_assert_max_num_queries(4 + 3 * len(files)):
        owner_client.post(UPLOAD_URL, {"certificate_files": files})


def test_an_outsider_is_sent_to_sign_in(
    client: Client, db: None, certificate_files: dict[str, Path]
) -> None:
    response = client.post(
        UPLOAD_URL, {"certificate_files": [upload_of(certificate_files["ny_sed"])]}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Certificate.objects.exists()
