"""Audit packets over the JSON API: start one, follow its progress, download it; with the owner
(by token and by session), a peer (404) and an anonymous caller (401)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lifelong.accounts.models import User
from lifelong.licensure import audit
from lifelong.licensure.models import AuditPacket, License
from tests.api.conftest import ApiClient, token_for
from tests.licensure.audit_factories import (
    add_certificate,
    database_tasks_fixture,  # noqa: F401 (fixture)
    make_packet,
    media_root_fixture,  # noqa: F401 (fixture)
    open_zip,
    response_bytes,
)
from tests.licensure.factories import add_activity, make_license

pytestmark = pytest.mark.usefixtures("media_root", "database_tasks")


@pytest.fixture
def owner_api(owner: User) -> ApiClient:
    return ApiClient(token_for(owner))


@pytest.fixture
def peer_api(peer: User) -> ApiClient:
    return ApiClient(token_for(peer))


@pytest.fixture
def license(owner: User) -> License:
    license = make_license(owner, label="LPC")
    add_certificate(owner, add_activity(owner, "Ethics in counseling", 6, topics="ethics"))
    return license


def start_url(license: License, cycle: str = "") -> str:
    url = f"/api/licenses/{license.pk}/audit-packets"
    return f"{url}?cycle={cycle}" if cycle else url


def ready_packet(license: License) -> AuditPacket:
    packet = make_packet(license, status=AuditPacket.READY, size=22)
    packet.file.save("packet.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    packet.finished_at = timezone.now()
    packet.save()
    return packet


def test_a_small_packet_is_built_at_once_and_downloads(
    owner_api: ApiClient, license: License
) -> None:
    response = owner_api.post(start_url(license, "2027-01-31"))

    assert response.status_code == 201
    body = response.json()
    packet = AuditPacket.objects.get()
    assert body["id"] == packet.pk
    assert body["license_id"] == license.pk
    assert body["cycle_end"] == "2027-01-31"
    assert body["status"] == "ready"
    assert body["progress"] == {"done": 4, "total": 4}
    assert body["error"] == ""
    assert body["size"] == packet.size > 0
    assert body["download_url"] == f"/api/audit-packets/{packet.pk}/download"
    download = owner_api.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == (
        'attachment; filename="audit-packet_lpc_2027-01-31.zip"'
    )
    archive = open_zip(response_bytes(download))
    assert "certificates/2026-02-10_test-institute_ethics-in-counseling.pdf" in archive.namelist()


def test_a_large_packet_is_queued_and_its_progress_can_be_read(
    owner_api: ApiClient, license: License, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "IN_REQUEST_MAX_CERTIFICATES", 0)

    response = owner_api.post(start_url(license))

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["progress"] == {"done": 0, "total": 4}
    assert body["download_url"] is None
    packet = AuditPacket.objects.get(pk=body["id"])
    assert DBTaskResult.objects.filter(id=packet.task_id).exists()
    AuditPacket.objects.filter(pk=packet.pk).update(status="building", progress_done=2)
    status = owner_api.get(f"/api/audit-packets/{packet.pk}").json()
    assert (status["status"], status["progress"]) == ("building", {"done": 2, "total": 4})
    early = owner_api.get(f"/api/audit-packets/{packet.pk}/download")
    assert early.status_code == 409
    assert early.json() == {
        "detail": "The audit packet is not ready to download (status: building)."
    }


def test_a_failed_packet_says_why(owner_api: ApiClient, license: License) -> None:
    packet = make_packet(license, status=AuditPacket.FAILED, error="The certificate is gone.")

    body = owner_api.get(f"/api/audit-packets/{packet.pk}").json()

    assert (body["status"], body["error"], body["download_url"]) == (
        "failed",
        "The certificate is gone.",
        None,
    )


def test_an_expired_packet_cannot_be_downloaded(owner_api: ApiClient, license: License) -> None:
    packet = ready_packet(license)
    AuditPacket.objects.filter(pk=packet.pk).update(expires_at=timezone.now() - timedelta(1))

    assert owner_api.get(f"/api/audit-packets/{packet.pk}").json()["download_url"] is None
    assert owner_api.get(f"/api/audit-packets/{packet.pk}/download").status_code == 409


@pytest.mark.parametrize(
    ("cycle", "message"),
    [("31-01-2027", "use a date as YYYY-MM-DD"), ("1900-01-01", "after the deadline 1900-01-01")],
)
def test_a_bad_cycle_is_refused_with_a_located_message(
    owner: User, owner_api: ApiClient, cycle: str, message: str
) -> None:
    license = make_license(owner, issued_on=timezone.localdate() - timedelta(days=400))

    response = owner_api.post(start_url(license, cycle))

    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][:2] == ["query", "cycle"]
    assert message in problem["msg"]
    assert not AuditPacket.objects.exists()


def test_a_license_whose_rule_set_is_gone_gets_409(owner: User, owner_api: ApiClient) -> None:
    license = make_license(owner, ruleset_id="my-deleted-rules")

    response = owner_api.post(start_url(license))

    assert response.status_code == 409
    assert "my-deleted-rules" in response.json()["detail"]


def test_a_peer_gets_404_everywhere_and_starts_nothing(
    peer_api: ApiClient, license: License
) -> None:
    packet = ready_packet(license)

    assert peer_api.post(start_url(license)).status_code == 404
    assert peer_api.get(f"/api/audit-packets/{packet.pk}").status_code == 404
    assert peer_api.get(f"/api/audit-packets/{packet.pk}/download").status_code == 404
    assert AuditPacket.objects.count() == 1


def test_an_anonymous_caller_gets_401_everywhere_and_starts_nothing(license: License) -> None:
    packet = ready_packet(license)
    anonymous = ApiClient()

    assert anonymous.post(start_url(license)).status_code == 401
    assert anonymous.get(f"/api/audit-packets/{packet.pk}").status_code == 401
    assert anonymous.get(f"/api/audit-packets/{packet.pk}/download").status_code == 401
    assert AuditPacket.objects.count() == 1


def test_the_browser_session_needs_the_csrf_token_to_start_a_packet(
    owner: User, license: License
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    refused = client.post(start_url(license))
    client.get("/api/docs")  # a page that sets the CSRF cookie
    allowed = client.post(
        start_url(license), headers={"X-CSRFToken": client.cookies["csrftoken"].value}
    )

    assert refused.status_code == 403
    assert allowed.status_code == 201
    assert AuditPacket.objects.count() == 1


def test_the_status_endpoint_runs_a_fixed_number_of_queries(
    owner_api: ApiClient, license: License, django_assert_max_num_queries: Any
) -> None:
    packet = make_packet(license)

    with django_assert_max_num_queries(3):
        owner_api.get(f"/api/audit-packets/{packet.pk}")


def test_the_endpoints_are_in_the_openapi_schema(owner_api: ApiClient) -> None:
    paths = owner_api.get("/api/openapi.json").json()["paths"]

    assert "post" in paths["/api/licenses/{license_id}/audit-packets"]
    assert "get" in paths["/api/audit-packets/{packet_id}"]
    download = paths["/api/audit-packets/{packet_id}/download"]["get"]
    assert "application/zip" in download["responses"]["200"]["content"]
