"""The audit packet pages: the packet of a cycle (download at once, or start a background
build), a packet's progress (htmx polling, a refresh without JavaScript) and its download;
each with the owner, a peer (404) and an anonymous visitor (sign in first)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from lifelong.licensure import audit
from lifelong.licensure.models import AuditPacket, License
from tests.licensure.audit_factories import (
    add_certificate,
    database_tasks_fixture,  # noqa: F401 (fixture)
    immediate_tasks_fixture,  # noqa: F401 (fixture)
    make_packet,
    media_root_fixture,  # noqa: F401 (fixture)
    open_zip,
    response_bytes,
)
from tests.licensure.factories import add_activity, complete_tx_cycle, make_license

pytestmark = pytest.mark.usefixtures("media_root")


def packet_url(license: License, cycle: str | None = None) -> str:
    url = reverse("licensure:audit_packet", args=[license.pk])
    return f"{url}?cycle={cycle}" if cycle else url


def detail_url(packet: AuditPacket) -> str:
    return reverse("licensure:audit_packet_detail", args=[packet.pk])


def download_url(packet: AuditPacket) -> str:
    return reverse("licensure:audit_packet_download", args=[packet.pk])


def login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def large_packets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any packet with a certificate is built by the worker."""
    monkeypatch.setattr(audit, "IN_REQUEST_MAX_CERTIFICATES", 0)


def ready_packet(license: License, content: bytes = b"PK\x05\x06" + bytes(18)) -> AuditPacket:
    packet = make_packet(license, status=AuditPacket.READY, size=len(content))
    packet.file.save("packet.zip", ContentFile(content), save=False)
    packet.finished_at = timezone.now()
    packet.save()
    return packet


# The packet of a cycle ----------------------------------------------------------------------


def test_the_page_says_what_the_packet_holds_and_which_activities_lack_a_certificate(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    complete_tx_cycle(owner)
    ethics = Activity.objects.get(title="Ethics in counseling")
    add_certificate(owner, ethics)

    response = owner_client.get(packet_url(license))

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 certificate file," in html
    assert "the 3 activities of this cycle" in html
    assert "2 of 3 activities have no certificate on file" in html
    assert "Cultural humility" in html
    assert "Trauma-focused CBT" in html
    assert ">Download audit packet</button>" in html
    assert 'name="cycle" value="2027-01-31"' in html


def test_a_peer_gets_404_for_the_packet_page_and_builds_nothing(
    owner: User, peer_client: Client
) -> None:
    license = make_license(owner)

    assert peer_client.get(packet_url(license)).status_code == 404
    assert peer_client.post(packet_url(license), {"cycle": "2027-01-31"}).status_code == 404
    assert not AuditPacket.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(owner: User, anonymous_client: Client) -> None:
    license = make_license(owner)

    assert login_redirect(anonymous_client.get(packet_url(license)))
    assert login_redirect(anonymous_client.post(packet_url(license), {"cycle": "2027-01-31"}))
    assert not AuditPacket.objects.exists()


def test_a_small_packet_downloads_at_once(owner: User, owner_client: Client) -> None:
    license = make_license(owner, label="LPC")
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    add_certificate(owner, activity)

    response = owner_client.post(packet_url(license), {"cycle": "2027-01-31"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"] == 'attachment; filename="audit-packet_lpc_2027-01-31.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    archive = open_zip(response_bytes(response))
    assert "certificates/2026-02-10_test-institute_ethics-in-counseling.pdf" in archive.namelist()
    assert not AuditPacket.objects.exists()


def test_a_past_cycle_downloads_its_own_packet(owner: User, owner_client: Client) -> None:
    license = make_license(owner)
    add_activity(owner, "Course of the last cycle", 5, completed_on=date(2024, 6, 1))

    response = owner_client.post(packet_url(license), {"cycle": "2025-01-31"})

    archive = open_zip(response_bytes(response))
    assert "Course of the last cycle" in archive.read("activities.csv").decode()
    assert response["Content-Disposition"].endswith('_2025-01-31.zip"')


@pytest.mark.usefixtures("large_packets", "database_tasks")
def test_a_large_packet_is_queued_for_the_worker(owner: User, owner_client: Client) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    add_certificate(owner, activity)
    assert ">Build audit packet</button>" in owner_client.get(packet_url(license)).content.decode()

    response = owner_client.post(packet_url(license), {"cycle": "2027-01-31"})

    packet = AuditPacket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(packet)
    assert (packet.owner, packet.license, packet.cycle_end) == (owner, license, date(2027, 1, 31))
    assert packet.status == AuditPacket.QUEUED
    assert packet.progress_total == 4
    task = DBTaskResult.objects.get(id=packet.task_id)
    assert task.task_path == "lifelong.licensure.tasks.build_audit_packet"
    assert task.args_kwargs == {"args": [packet.pk], "kwargs": {}}


@pytest.mark.usefixtures("large_packets", "database_tasks")
def test_asking_twice_does_not_queue_a_second_packet(owner: User, owner_client: Client) -> None:
    license = make_license(owner)
    add_certificate(owner, add_activity(owner, "Ethics in counseling", 6, topics="ethics"))

    first = owner_client.post(packet_url(license), {"cycle": "2027-01-31"})
    second = owner_client.post(packet_url(license), {"cycle": "2027-01-31"})

    assert first["Location"] == second["Location"]
    assert AuditPacket.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.usefixtures("large_packets", "immediate_tasks")
def test_a_packet_built_by_the_worker_is_ready_to_download(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner, label="LPC")
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    add_certificate(owner, activity)

    response = owner_client.post(packet_url(license), {"cycle": "2027-01-31"}, follow=True)

    packet = AuditPacket.objects.get()
    assert packet.status == AuditPacket.READY
    html = response.content.decode()
    assert "Ready" in html
    assert f'href="{download_url(packet)}"' in html
    assert "hx-trigger" not in html
    assert 'http-equiv="refresh"' not in html
    download = owner_client.get(download_url(packet))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="audit-packet_lpc_2027-01-31.zip"'
    )
    assert "no-store" in download["Cache-Control"]
    archive = open_zip(response_bytes(download))
    assert "certificates/2026-02-10_test-institute_ethics-in-counseling.pdf" in archive.namelist()


def test_a_missing_certificate_file_is_explained_on_the_page(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    activity = add_activity(owner, "Ethics in counseling", 6, topics="ethics")
    certificate = add_certificate(owner, activity, original_name="ethics.pdf")
    Path(certificate.file.path).unlink()

    response = owner_client.post(packet_url(license), {"cycle": "2027-01-31"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert">The certificate “ethics.pdf” could not be read from storage' in html


def test_a_bad_cycle_falls_back_to_the_current_one_with_a_message(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)

    response = owner_client.get(packet_url(license, "31/01/2027"))

    html = response.content.decode()
    assert "is not a date (use YYYY-MM-DD). Showing the current cycle instead." in html
    assert 'name="cycle" value="2027-01-31"' in html


def test_a_bad_cycle_posted_builds_nothing(owner: User, owner_client: Client) -> None:
    license = make_license(owner)

    response = owner_client.post(packet_url(license), {"cycle": "1800-01-01"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "is too far from today" in response.content.decode()


def test_a_license_whose_rule_set_is_gone_explains_it(owner: User, owner_client: Client) -> None:
    license = make_license(owner, ruleset_id="my-deleted-rules")

    response = owner_client.get(packet_url(license))

    html = response.content.decode()
    assert "my-deleted-rules" in html
    assert "Download audit packet" not in html


def test_the_packet_page_runs_a_bounded_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    license = make_license(owner)
    for number in range(25):
        add_certificate(owner, add_activity(owner, f"Course {number}", 1))
    make_packet(license)

    with django_assert_max_num_queries(7):
        response = owner_client.get(packet_url(license))

    assert response.status_code == 200


def test_the_transcript_and_the_license_page_link_to_the_packet(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    transcript = reverse("licensure:transcript", args=[license.pk])

    past = owner_client.get(f"{transcript}?cycle=2025-01-31").content.decode()
    current = owner_client.get(license.get_absolute_url()).content.decode()

    assert f'href="{packet_url(license, "2025-01-31")}">Audit packet</a>' in past
    assert f'href="{packet_url(license)}">Audit packet</a>' in current


def test_the_packets_of_the_cycle_are_listed_with_their_status(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    ready = ready_packet(license)
    make_packet(license, status=AuditPacket.FAILED, error="Storage was down.")
    make_packet(license, cycle_end=date(2025, 1, 31), status=AuditPacket.FAILED)

    html = owner_client.get(packet_url(license)).content.decode()

    assert html.count('<span class="badge badge-bad">Failed</span>') == 1
    assert f'href="{download_url(ready)}"' in html


# A packet's progress ------------------------------------------------------------------------


def test_a_queued_packet_polls_every_two_seconds_and_refreshes_without_javascript(
    owner: User, owner_client: Client
) -> None:
    packet = make_packet(make_license(owner))

    html = owner_client.get(detail_url(packet)).content.decode()

    assert "Waiting for the worker" in html
    assert f'hx-get="{detail_url(packet)}" hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert f'<a href="{detail_url(packet)}">Refresh now</a>' in html


def test_a_packet_queued_for_minutes_says_the_worker_may_not_be_running(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    fresh = make_packet(license)
    stuck = make_packet(license, created_at=timezone.now() - timedelta(minutes=5))

    assert "may not be running" not in owner_client.get(detail_url(fresh)).content.decode()
    assert "may not be running" in owner_client.get(detail_url(stuck)).content.decode()


def test_a_building_packet_shows_how_many_files_are_written(
    owner: User, owner_client: Client
) -> None:
    packet = make_packet(
        make_license(owner), status=AuditPacket.BUILDING, progress_done=3, progress_total=10
    )

    html = owner_client.get(detail_url(packet)).content.decode()

    assert "3 of 10 files written." in html
    assert '<progress class="packet-progress-bar" max="100" value="30"' in html


def test_htmx_gets_the_status_alone_and_code_286_once_finished(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    building = make_packet(license, status=AuditPacket.BUILDING, progress_total=4)
    ready = ready_packet(license)

    polling = owner_client.get(detail_url(building), headers={"HX-Request": "true"})
    finished = owner_client.get(detail_url(ready), headers={"HX-Request": "true"})

    assert polling.status_code == 200
    assert "<html" not in polling.content.decode()
    assert "0 of 4 files written." in polling.content.decode()
    assert finished.status_code == 286  # htmx stops polling, and shows the download button
    assert f'href="{download_url(ready)}"' in finished.content.decode()


def test_a_failed_packet_shows_the_error_and_offers_to_build_again(
    owner: User, owner_client: Client
) -> None:
    license = make_license(owner)
    packet = make_packet(license, status=AuditPacket.FAILED, error="The certificate is gone.")

    html = owner_client.get(detail_url(packet)).content.decode()

    assert '<p class="errorlist" role="alert">The certificate is gone.</p>' in html
    assert f'action="{packet_url(license)}"' in html
    assert "Build it again" in html
    assert "hx-trigger" not in html


def test_a_peer_gets_404_for_a_packet_and_its_download(owner: User, peer_client: Client) -> None:
    packet = ready_packet(make_license(owner))

    assert peer_client.get(detail_url(packet)).status_code == 404
    assert peer_client.get(download_url(packet)).status_code == 404


def test_an_anonymous_visitor_cannot_see_or_download_a_packet(
    owner: User, anonymous_client: Client
) -> None:
    packet = ready_packet(make_license(owner))

    assert login_redirect(anonymous_client.get(detail_url(packet)))
    assert login_redirect(anonymous_client.get(download_url(packet)))


def test_the_progress_page_runs_a_bounded_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    packet = make_packet(make_license(owner), status=AuditPacket.BUILDING)

    with django_assert_max_num_queries(3):
        owner_client.get(detail_url(packet))


# Downloads ----------------------------------------------------------------------------------


def test_a_packet_still_building_cannot_be_downloaded(owner: User, owner_client: Client) -> None:
    packet = make_packet(make_license(owner), status=AuditPacket.BUILDING)

    response = owner_client.get(download_url(packet), follow=True)

    assert response.redirect_chain == [(detail_url(packet), 302)]
    assert "cannot be downloaded (not built, or expired)" in response.content.decode()


def test_an_expired_packet_cannot_be_downloaded(owner: User, owner_client: Client) -> None:
    packet = ready_packet(make_license(owner))
    AuditPacket.objects.filter(pk=packet.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = owner_client.get(download_url(packet))

    assert response.status_code == 302


def test_a_packet_whose_file_is_gone_says_so(owner: User, owner_client: Client) -> None:
    packet = ready_packet(make_license(owner))
    Path(packet.file.path).unlink()

    response = owner_client.get(download_url(packet), follow=True)

    assert "The file of this packet is gone. Build the packet again." in response.content.decode()
