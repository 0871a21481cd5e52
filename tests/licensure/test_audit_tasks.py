"""Audit packets built in the background: the task (immediate and database backends, and the
worker itself), progress written as it goes, failures recorded with a message, one build per
packet whatever the number of workers, and expired packets deleted with their files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lifelong.accounts.models import User
from lifelong.core import schedule
from lifelong.licensure import audit
from lifelong.licensure.models import AuditPacket, License
from lifelong.licensure.tasks import build_audit_packet, prune_audit_packets
from tests.licensure.audit_factories import (
    add_certificate,
    database_tasks_fixture,  # noqa: F401 (fixture)
    immediate_tasks_fixture,  # noqa: F401 (fixture)
    make_packet,
    media_root_fixture,  # noqa: F401 (fixture)
    open_zip,
    stored_files,
)
from tests.licensure.factories import TODAY, add_activity, make_license

pytestmark = pytest.mark.usefixtures("media_root")

PRUNE_JOB = "licensure.prune-audit-packets"
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 19, tzinfo=UTC)


def license_with_certificates(owner: User, count: int = 3) -> License:
    license = make_license(owner, label="LPC")
    for number in range(count):
        add_certificate(owner, add_activity(owner, f"Course {number}", 2))
    return license


def start(license: License, owner: User) -> AuditPacket:
    plan = audit.plan_packet(license, None, holder=owner)
    return audit.start_packet(license, plan)


def packet_files(media_root: Path) -> list[Path]:
    return [path for path in stored_files(media_root) if "audit-packets" in path.parts]


@pytest.mark.usefixtures("immediate_tasks")
def test_the_task_builds_the_packet_into_storage(owner: User, media_root: Path) -> None:
    license = license_with_certificates(owner)

    packet = start(license, owner)

    assert packet.status == AuditPacket.READY
    assert (packet.progress_done, packet.progress_total) == (6, 6)
    assert packet.error == ""
    assert packet.started_at == packet.finished_at == NOW
    assert packet.expires_at == NOW + timedelta(days=7)
    [stored] = packet_files(media_root)
    assert stored.stat().st_size == packet.size
    assert packet.file.name.startswith(f"audit-packets/{owner.pk}/")
    archive = open_zip(stored.read_bytes())
    assert len([name for name in archive.namelist() if name.startswith("certificates/")]) == 3


@pytest.mark.usefixtures("database_tasks")
def test_enqueueing_with_the_database_backend_records_a_task_for_the_worker(
    owner: User,
) -> None:
    license = license_with_certificates(owner)

    packet = start(license, owner)

    assert packet.status == AuditPacket.QUEUED
    task = DBTaskResult.objects.get(id=packet.task_id)
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "lifelong.licensure.tasks.build_audit_packet"
    assert task.args_kwargs == {"args": [packet.pk], "kwargs": {}}
    assert task.queue_name == "default"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_the_worker_runs_the_queued_task(owner: User, media_root: Path) -> None:
    license = license_with_certificates(owner, 2)
    packet = start(license, owner)

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    packet.refresh_from_db()
    assert packet.status == AuditPacket.READY
    assert DBTaskResult.objects.get(id=packet.task_id).status == TaskResultStatus.SUCCESSFUL
    assert len(packet_files(media_root)) == 1


def test_progress_is_written_to_the_row_while_the_packet_is_built(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    license = license_with_certificates(owner, 4)
    packet = make_packet(license)
    monkeypatch.setattr(audit, "PROGRESS_INTERVAL", 0)
    seen: list[tuple[str, int, int]] = []
    record = audit._ProgressRecorder.__call__

    def record_and_look(self: Any, done: int, total: int) -> None:
        record(self, done, total)
        row = AuditPacket.objects.get(pk=packet.pk)
        seen.append((row.status, row.progress_done, row.progress_total))

    monkeypatch.setattr(audit._ProgressRecorder, "__call__", record_and_look)

    assert audit.build_stored_packet(packet.pk) == AuditPacket.READY

    assert seen == [("building", done, 7) for done in range(8)]


def test_a_packet_claimed_by_another_worker_is_not_built_twice(owner: User) -> None:
    license = license_with_certificates(owner, 1)
    packet = make_packet(license, status=AuditPacket.BUILDING)

    assert audit.build_stored_packet(packet.pk) == "skipped"

    packet.refresh_from_db()
    assert packet.status == AuditPacket.BUILDING
    assert not packet.file


def test_a_packet_deleted_before_its_turn_is_skipped(owner: User) -> None:
    packet = make_packet(license_with_certificates(owner, 1))
    packet_id = packet.pk
    packet.delete()

    assert audit.build_stored_packet(packet_id) == "skipped"


@pytest.mark.usefixtures("immediate_tasks")
def test_a_missing_certificate_fails_the_packet_with_a_message_and_leaves_no_file(
    owner: User, media_root: Path
) -> None:
    license = make_license(owner)
    certificate = add_certificate(
        owner, add_activity(owner, "Ethics", 6, topics="ethics"), original_name="ethics.pdf"
    )
    Path(certificate.file.path).unlink()

    packet = start(license, owner)

    assert packet.status == AuditPacket.FAILED
    assert packet.error.startswith("The certificate “ethics.pdf” could not be read from storage")
    assert packet.finished_at == NOW
    assert packet_files(media_root) == []


@pytest.mark.usefixtures("immediate_tasks")
def test_an_unexpected_error_fails_the_packet_and_the_task_and_is_logged(
    owner: User, media_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    license = license_with_certificates(owner, 1)
    packet = make_packet(license)

    def broken(plan: audit.PacketPlan) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(audit, "transcript_pdf", broken)

    result = build_audit_packet.enqueue(packet.pk)

    assert result.status == TaskResultStatus.FAILED
    packet.refresh_from_db()
    assert packet.status == AuditPacket.FAILED
    assert packet.error == audit.UNEXPECTED_ERROR
    assert "disk on fire" not in packet.error
    assert f"Audit packet {packet.pk} failed" in caplog.text
    assert packet_files(media_root) == []


def test_a_license_whose_rule_set_is_gone_fails_the_packet(owner: User) -> None:
    license = make_license(owner, ruleset_id="my-deleted-rules")
    packet = make_packet(license)

    assert audit.build_stored_packet(packet.pk) == AuditPacket.FAILED

    packet.refresh_from_db()
    assert "my-deleted-rules" in packet.error


# Expiry -------------------------------------------------------------------------------------


def ready_packet(license: License, **fields: Any) -> AuditPacket:
    packet = make_packet(license, status=AuditPacket.READY, **fields)
    packet.file.save("packet.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    packet.save()
    return packet


def test_expired_packets_are_deleted_with_their_files(
    owner: User, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    license = make_license(owner)
    expired = ready_packet(license, expires_at=NOW - timedelta(seconds=1))
    kept = ready_packet(license, expires_at=NOW + timedelta(days=1))
    expired_file = Path(expired.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        assert audit.prune_audit_packets(NOW) == (0, 1)

    assert list(AuditPacket.objects.all()) == [kept]
    assert not expired_file.exists()
    assert Path(kept.file.path).exists()


def test_packets_left_unfinished_by_a_stopped_worker_are_marked_failed(owner: User) -> None:
    license = make_license(owner)
    lost = make_packet(license, status=AuditPacket.BUILDING, created_at=NOW - timedelta(hours=7))
    recent = make_packet(license, created_at=NOW - timedelta(minutes=5))

    assert audit.prune_audit_packets(NOW) == (1, 0)

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.status == AuditPacket.FAILED
    assert "Build it again" in lost.error
    assert recent.status == AuditPacket.QUEUED


def test_deleting_a_license_deletes_its_packets_and_their_files(
    owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    license = make_license(owner)
    packet = ready_packet(license)
    stored = Path(packet.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        license.delete()

    assert not AuditPacket.objects.exists()
    assert not stored.exists()


@pytest.mark.usefixtures("immediate_tasks")
def test_the_prune_task_and_command_report_what_they_did(owner: User, capsys: Any) -> None:
    license = make_license(owner)
    ready_packet(license, expires_at=NOW - timedelta(days=1))
    make_packet(license, status=AuditPacket.QUEUED, created_at=NOW - timedelta(days=1))

    result = prune_audit_packets.enqueue()
    call_command("prune_audit_packets")

    assert result.return_value == {"failed": 1, "deleted": 1}
    assert "Audit packets: 0 expired deleted, 0 unfinished marked as failed." in (
        capsys.readouterr().out
    )


def test_the_number_of_days_a_packet_is_kept_is_a_setting(owner: User, settings: Any) -> None:
    settings.AUDIT_PACKET_KEEP_DAYS = 30
    license = license_with_certificates(owner, 1)
    packet = make_packet(license)

    audit.build_stored_packet(packet.pk)

    packet.refresh_from_db()
    assert packet.expires_at == NOW + timedelta(days=30)


@pytest.mark.usefixtures("db", "database_tasks")
def test_the_worker_schedule_queues_the_cleanup_every_hour() -> None:
    schedule.autodiscover()
    job = next(job for job in schedule.registered_jobs() if job.name == PRUNE_JOB)

    assert schedule.run_due_jobs(NOW, [job]) == [PRUNE_JOB]
    assert schedule.run_due_jobs(NOW + timedelta(minutes=59), [job]) == []
    assert schedule.run_due_jobs(NOW + timedelta(hours=1), [job]) == [PRUNE_JOB]

    queued = DBTaskResult.objects.filter(task_path="lifelong.licensure.tasks.prune_audit_packets")
    assert queued.count() == 2
