"""The certificate list, detail, download and delete pages: owner-scoped (a peer gets 404,
an outsider the sign-in page), files only ever streamed through the owner check, and stored
files deleted with their certificate or account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import Activity, Certificate
from tests.credits.certificates.conftest import read_download, stored_files
from tests.credits.certificates.helpers import make_certificate
from tests.credits.helpers import make_activity

LIST_URL = reverse("credits:certificate_list")


@pytest.fixture
def certificate(owner: User, certificate_files: dict[str, Path]) -> Certificate:
    return make_certificate(owner, certificate_files["nbcc_home_study"])


def urls(certificate: Certificate) -> dict[str, str]:
    return {
        name: reverse(f"credits:certificate_{name}", args=[certificate.pk])
        for name in ("detail", "download", "delete", "activity")
    }


# Access: owner, peer, outsider.


@pytest.mark.parametrize("page", ["detail", "download", "delete", "activity"])
def test_the_owner_reaches_each_page(
    owner_client: Client, certificate: Certificate, page: str
) -> None:
    response = owner_client.get(urls(certificate)[page])
    read_download(response)  # a download streams an open file

    assert response.status_code == 200


@pytest.mark.parametrize("page", ["detail", "download", "delete", "activity"])
def test_a_peer_gets_404_for_each_page(
    peer_client: Client, certificate: Certificate, page: str
) -> None:
    assert peer_client.get(urls(certificate)[page]).status_code == 404


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("post", "certificate_delete"),
        ("post", "certificate_activity"),
        ("post", "certificate_link"),
    ],
)
def test_a_peer_cannot_change_the_certificate(
    peer_client: Client, certificate: Certificate, method: str, name: str, media_root: Path
) -> None:
    response = getattr(peer_client, method)(reverse(f"credits:{name}", args=[certificate.pk]))

    assert response.status_code == 404
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize("page", ["detail", "download", "delete", "activity"])
def test_an_outsider_is_sent_to_sign_in(
    client: Client, certificate: Certificate, page: str
) -> None:
    response = client.get(urls(certificate)[page])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_outsider_cannot_list_certificates(client: Client, db: None) -> None:
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# List.


def test_the_list_shows_name_upload_reading_status_and_linked_activities(
    owner_client: Client, owner: User, peer: User, certificate_files: dict[str, Path]
) -> None:
    read = make_certificate(owner, certificate_files["conference"])
    image = make_certificate(owner, certificate_files["image_png"])
    make_certificate(peer, certificate_files["apa_sponsor"])
    activity = make_activity(owner, title="RMCA annual conference")
    activity.certificates.add(read)

    response = owner_client.get(LIST_URL)

    content = response.content.decode()
    assert [c.pk for c in response.context["certificates"]] == [image.pk, read.pk]
    assert "conference.pdf" in content
    assert "scanned-certificate.png" in content
    assert "apa_sponsor.pdf" not in content  # the peer's
    assert "Read from the PDF" in content
    assert "Image: enter by hand" in content
    assert "RMCA annual conference" in content
    assert reverse("credits:certificate_activity", args=[image.pk]) in content
    assert response.context["nav_section"] == "activities"


def test_the_list_runs_a_fixed_number_of_queries(
    owner_client: Client,
    owner: User,
    certificate_files: dict[str, Path],
    django_assert_max_num_queries: Any,
) -> None:
    for name in ("conference", "ny_sed", "apa_sponsor", "image_png", "university_course"):
        certificate = make_certificate(owner, certificate_files[name])
        make_activity(owner, title=f"From {name}").certificates.add(certificate)

    with django_assert_max_num_queries(5):
        response = owner_client.get(LIST_URL)

    assert len(response.context["certificates"]) == 5


def test_the_activities_page_links_to_the_certificates(owner_client: Client) -> None:
    content = owner_client.get(reverse("credits:activity_list")).content.decode()

    assert f'href="{LIST_URL}"' in content


# Detail.


def test_the_detail_shows_what_was_read_with_how_sure_and_from_what(
    owner_client: Client, certificate: Certificate
) -> None:
    response = owner_client.get(urls(certificate)["detail"])

    content = response.content.decode()
    rows = {row["name"]: row for row in response.context["reading_rows"]}
    assert rows["title"]["value"] == "Ethical Dilemmas in Telehealth Counseling"
    assert rows["completed_on"]["value"] == "March 3, 2026"
    assert rows["approvals"]["value"] == "NBCC 6361"
    assert rows["format"]["level"] == "sure"
    assert "“Date Completed: 03/03/2026”" in content
    assert "Create an activity from this certificate" in content
    assert urls(certificate)["download"] in content


def test_an_image_is_shown_for_entering_by_hand(
    owner_client: Client, owner: User, certificate_files: dict[str, Path]
) -> None:
    image = make_certificate(owner, certificate_files["image_jpeg"])

    response = owner_client.get(urls(image)["detail"])

    assert response.context["reading_rows"] == []
    assert f'src="{urls(image)["download"]}?inline=1"' in response.content.decode()


# Download.


def test_the_download_is_streamed_as_an_attachment_with_safe_headers(
    owner_client: Client, certificate: Certificate, certificate_files: dict[str, Path]
) -> None:
    response = owner_client.get(urls(certificate)["download"])
    content = read_download(response)

    assert response.streaming
    assert content == certificate_files["nbcc_home_study"].read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="nbcc_home_study.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_a_pdf_is_never_shown_inline_but_an_image_may_be(
    owner_client: Client, owner: User, certificate: Certificate, certificate_files: dict[str, Path]
) -> None:
    image = make_certificate(owner, certificate_files["image_png"])

    pdf = owner_client.get(urls(certificate)["download"] + "?inline=1")
    png = owner_client.get(urls(image)["download"] + "?inline=1")
    read_download(pdf)
    read_download(png)

    assert pdf["Content-Disposition"].startswith("attachment")
    assert png["Content-Disposition"].startswith("inline")
    assert png["Content-Type"] == "image/png"


def test_a_name_with_other_characters_is_encoded_in_the_header(
    owner_client: Client, owner: User, certificate_files: dict[str, Path]
) -> None:
    certificate = make_certificate(owner, certificate_files["ny_sed"], name='Zertifikat "ü".pdf')

    response = owner_client.get(urls(certificate)["download"])
    read_download(response)

    assert "filename*=utf-8''Zertifikat%20%22%C3%BC%22.pdf" in response["Content-Disposition"]


def test_stored_files_are_not_served_from_any_url(
    client: Client, owner_client: Client, certificate: Certificate
) -> None:
    name = certificate.file.name
    for path in (f"/media/{name}", f"/{name}", f"/static/{name}", f"/data/media/{name}"):
        assert client.get(path).status_code == 404, path
        assert owner_client.get(path).status_code == 404, path


def test_a_missing_stored_file_is_a_404_not_an_error(
    owner_client: Client, certificate: Certificate, media_root: Path
) -> None:
    (media_root / certificate.file.name).unlink()

    assert owner_client.get(urls(certificate)["download"]).status_code == 404


# Deleting.


def test_deleting_a_certificate_removes_its_file_and_keeps_its_activities(
    owner_client: Client,
    owner: User,
    certificate: Certificate,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    activity = make_activity(owner)
    activity.certificates.add(certificate)
    confirm = owner_client.get(urls(certificate)["delete"]).content.decode()
    assert "stay in your ledger" in confirm
    assert activity.title in confirm

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(urls(certificate)["delete"])

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert not Certificate.objects.filter(pk=certificate.pk).exists()
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert stored_files(media_root) == []


def test_a_rolled_back_deletion_keeps_the_file(
    owner: User, certificate: Certificate, media_root: Path
) -> None:
    # The test runs in a transaction that is rolled back: nothing was committed.
    certificate.delete()

    assert len(stored_files(media_root)) == 1


def test_deleting_an_activity_keeps_its_certificate(
    owner_client: Client,
    owner: User,
    certificate: Certificate,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    activity = make_activity(owner)
    activity.certificates.add(certificate)

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("credits:activity_delete", args=[activity.pk]))

    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert len(stored_files(media_root)) == 1


def test_deleting_the_account_removes_every_stored_file(
    owner_client: Client,
    owner: User,
    peer: User,
    certificate_files: dict[str, Path],
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for name in ("apa_sponsor", "conference", "image_png"):
        make_certificate(owner, certificate_files[name])
    theirs = make_certificate(peer, certificate_files["ny_sed"])

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("accounts:delete"), {"password": "correct horse battery staple"}
        )

    assert response.status_code == 302, response.content
    assert not User.objects.filter(pk=owner.pk).exists()
    assert list(Certificate.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert stored_files(media_root) == [media_root / theirs.file.name]
