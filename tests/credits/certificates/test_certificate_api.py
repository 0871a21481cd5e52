"""/api/certificates: list, upload (multipart), read, download, delete, link to an activity;
every operation with the owner, a peer (404) and an anonymous caller (401)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lifelong.accounts.models import User
from lifelong.credits.models import Certificate
from tests.api.conftest import ApiClient, make_activity, token_for
from tests.credits.certificates.conftest import read_download, stored_files, upload_of
from tests.credits.certificates.helpers import make_certificate


@pytest.fixture
def owner_api(owner: User) -> ApiClient:
    return ApiClient(token_for(owner))


@pytest.fixture
def peer_api(peer: User) -> ApiClient:
    return ApiClient(token_for(peer))


@pytest.fixture
def anonymous_api(db: None) -> ApiClient:
    return ApiClient()


@pytest.fixture
def owned(owner: User, certificate_files: dict[str, Path]) -> dict[str, int]:
    certificate = make_certificate(owner, certificate_files["aswb_webinar"])
    activity = make_activity(owner)
    activity.certificates.add(certificate)
    return {"certificate": certificate.pk, "activity": make_activity(owner, "Second").pk}


OBJECT_OPERATIONS = [
    ("GET", "/api/certificates/{certificate}", None),
    ("GET", "/api/certificates/{certificate}/file", None),
    ("POST", "/api/certificates/{certificate}/activities", {"activity_id": "{activity}"}),
    ("DELETE", "/api/certificates/{certificate}/activities/{activity}", None),
    ("DELETE", "/api/certificates/{certificate}", None),
]


def send(client: ApiClient, method: str, path: str, body: Any, ids: dict[str, int]) -> Any:
    if body is not None:
        body = {key: int(value.format(**ids)) for key, value in body.items()}
    response = client.send(method, path.format(**ids), body)
    read_download(response)
    return response


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_OPERATIONS)
def test_the_owner_reaches_their_certificates(
    owner_api: ApiClient, owned: dict[str, int], method: str, path: str, body: Any
) -> None:
    assert send(owner_api, method, path, body, owned).status_code in (200, 204)


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_OPERATIONS)
def test_a_peer_gets_404_and_changes_nothing(
    peer_api: ApiClient, owned: dict[str, int], method: str, path: str, body: Any
) -> None:
    certificate = Certificate.objects.get(pk=owned["certificate"])
    before = sorted(certificate.activities.values_list("pk", flat=True))

    response = send(peer_api, method, path, body, owned)

    assert response.status_code == 404
    assert sorted(certificate.activities.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", "/api/certificates", None), *OBJECT_OPERATIONS],
)
def test_an_anonymous_caller_gets_401(
    anonymous_api: ApiClient, owned: dict[str, int], method: str, path: str, body: Any
) -> None:
    assert send(anonymous_api, method, path, body, owned).status_code == 401


def test_an_anonymous_upload_gets_401(
    anonymous_api: ApiClient, certificate_files: dict[str, Path]
) -> None:
    response = anonymous_api.post(
        "/api/certificates", {"file": upload_of(certificate_files["ny_sed"])}
    )

    assert response.status_code == 401
    assert not Certificate.objects.exists()


def test_it_uploads_a_certificate_and_returns_what_was_read(
    owner_api: ApiClient, owner: User, certificate_files: dict[str, Path]
) -> None:
    response = owner_api.post(
        "/api/certificates", {"file": upload_of(certificate_files["florida_ce_broker"])}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "stored"
    certificate = body["certificate"]
    assert certificate["original_name"] == "florida_ce_broker.pdf"
    assert certificate["content_type"] == "application/pdf"
    assert certificate["page_count"] == 1
    assert certificate["activities"] == []
    reading = certificate["reading"]
    assert reading["status"] == "read"
    assert reading["fields"]["approvals"] == [{"body": "board", "number": "50-1635"}]
    assert reading["fields"]["completed_on"] == "2026-02-11"
    assert reading["confidence"]["hours"] >= 0.85
    assert reading["evidence"]["hours"] == "Contact Hours: 3.0"
    assert Certificate.objects.for_user(owner).count() == 1


def test_uploading_the_same_file_again_returns_the_first_one(
    owner_api: ApiClient, certificate_files: dict[str, Path], media_root: Path
) -> None:
    first = owner_api.post("/api/certificates", {"file": upload_of(certificate_files["ny_sed"])})

    again = owner_api.post(
        "/api/certificates", {"file": upload_of(certificate_files["ny_sed"], name="again.pdf")}
    )

    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert "already uploaded this file on" in again.json()["detail"]
    assert again.json()["certificate"]["id"] == first.json()["certificate"]["id"]
    assert len(stored_files(media_root)) == 1


@pytest.mark.parametrize(
    ("fixture", "status", "code"),
    [
        ("encrypted", 422, "encrypted"),
        ("javascript", 422, "script"),
        ("truncated", 422, "malformed"),
        ("png_named_pdf", 422, "type-mismatch"),
        ("text_named_png", 422, "unsupported"),
        ("decompression_bomb", 422, "too-many-pixels"),
    ],
)
def test_a_refused_upload_says_why_and_leaves_nothing_behind(
    owner_api: ApiClient,
    certificate_files: dict[str, Path],
    media_root: Path,
    fixture: str,
    status: int,
    code: str,
) -> None:
    response = owner_api.post("/api/certificates", {"file": upload_of(certificate_files[fixture])})

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Certificate.objects.exists()
    assert stored_files(media_root) == []


def test_an_oversized_upload_gets_413(
    owner_api: ApiClient, settings: Any, certificate_files: dict[str, Path]
) -> None:
    settings.LIFELONG_CERTIFICATE_MAX_BYTES = 1000

    response = owner_api.post(
        "/api/certificates", {"file": upload_of(certificate_files["conference"])}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too-big"


def test_an_upload_must_be_a_form_with_a_file(owner_api: ApiClient) -> None:
    not_a_form = owner_api.post("/api/certificates", b"%PDF-", content_type="application/pdf")
    no_file = owner_api.post("/api/certificates", {"other": "x"})

    assert not_a_form.status_code == 415
    assert no_file.status_code == 400


def test_the_list_has_only_the_users_certificates_with_their_activities(
    owner_api: ApiClient,
    owner: User,
    peer: User,
    certificate_files: dict[str, Path],
    django_assert_max_num_queries: Any,
) -> None:
    mine = [make_certificate(owner, certificate_files[name]) for name in ("ny_sed", "conference")]
    make_certificate(peer, certificate_files["apa_sponsor"])
    activity = make_activity(owner)
    activity.certificates.add(mine[0])

    with django_assert_max_num_queries(5):
        response = owner_api.get("/api/certificates")

    body = response.json()
    assert body["count"] == 2
    by_id = {item["id"]: item for item in body["items"]}
    assert set(by_id) == {certificate.pk for certificate in mine}
    assert by_id[mine[0].pk]["activities"] == [activity.pk]


def test_download_streams_the_file_with_safe_headers(
    owner_api: ApiClient, owned: dict[str, int], certificate_files: dict[str, Path]
) -> None:
    response = owner_api.get(f"/api/certificates/{owned['certificate']}/file")
    content = read_download(response)

    assert content == certificate_files["aswb_webinar"].read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="aswb_webinar.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_linking_lets_one_certificate_back_several_activities(
    owner_api: ApiClient, owned: dict[str, int]
) -> None:
    response = owner_api.send(
        "POST",
        f"/api/certificates/{owned['certificate']}/activities",
        {"activity_id": owned["activity"]},
    )

    assert response.status_code == 200
    assert owned["activity"] in response.json()["activities"]
    assert len(response.json()["activities"]) == 2


def test_linking_a_peers_activity_is_404(
    owner_api: ApiClient, owned: dict[str, int], peer: User
) -> None:
    theirs = make_activity(peer)

    response = owner_api.send(
        "POST", f"/api/certificates/{owned['certificate']}/activities", {"activity_id": theirs.pk}
    )

    assert response.status_code == 404
    assert not theirs.certificates.exists()


def test_deleting_removes_the_certificate_and_its_file(
    owner_api: ApiClient,
    owned: dict[str, int],
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.delete(f"/api/certificates/{owned['certificate']}")

    assert response.status_code == 204
    assert not Certificate.objects.exists()
    assert stored_files(media_root) == []


def test_a_browser_session_needs_the_csrf_token_to_upload(
    owner: User, certificate_files: dict[str, Path]
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)

    response = browser.post("/api/certificates", {"file": upload_of(certificate_files["ny_sed"])})

    assert response.status_code in (401, 403)
    assert not Certificate.objects.exists()
