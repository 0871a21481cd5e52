"""Supervised experience in the account's JSON export and in account deletion."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifelong.accounts.models import User
from lifelong.accounts.services import export_user_data
from lifelong.supervision import services
from lifelong.supervision.models import LogEntry, SignOffPeriod, Supervision

from .conftest import sign
from .test_views import PDF

pytestmark = pytest.mark.django_db


def test_the_export_has_the_associates_log_supervisors_and_signed_periods(
    owner: User, supervisor: User, supervision: Supervision, logged: list[LogEntry]
) -> None:
    services.set_track(owner, "us-ny-lmhc-experience")
    sign(supervision, date(2026, 1, 10), supervisor)

    data = json.loads(json.dumps(export_user_data(owner), default=str))

    assert data["experience_track"] == [
        {
            "ruleset_id": "us-ny-lmhc-experience",
            "updated_at": data["experience_track"][0]["updated_at"],
        }
    ]
    assert [s["supervisor_email"] for s in data["supervisions"]] == ["supervisor@example.org"]
    assert len(data["experience_log"]) == len(logged)
    assert {entry["setting"] for entry in data["experience_log"]} == {"Community clinic", ""}
    assert [(p["sequence"], p["starts_on"], len(p["hash"])) for p in data["signed_periods"]] == [
        (1, "2026-01-01", 64)
    ]
    # The supervisor's own export holds none of the associate's hours.
    theirs = export_user_data(supervisor)
    assert theirs["experience_log"] == []
    assert theirs["supervisions"] == []


def test_deleting_the_associate_removes_everything_and_the_agreement_file(
    owner: User,
    owner_client: Client,
    supervisor: User,
    supervision: Supervision,
    logged: list[LogEntry],
    django_capture_on_commit_callbacks: object,
) -> None:
    owner_client.post(
        f"/supervision/{supervision.pk}/agreement/",
        {"agreement": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
    )
    supervision.refresh_from_db()
    storage = supervision.agreement.storage
    name = supervision.agreement.name
    assert storage.exists(name)
    sign(supervision, date(2026, 1, 10), supervisor)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        User.objects.filter(pk=owner.pk).delete()

    assert not LogEntry.objects.exists()
    assert not SignOffPeriod.objects.exists()
    assert not Supervision.objects.exists()
    assert not storage.exists(name)
    assert User.objects.filter(pk=supervisor.pk).exists()


def test_deleting_the_supervisor_leaves_the_signed_history_intact(
    owner: User, supervisor: User, supervision: Supervision, logged: list[LogEntry]
) -> None:
    sign(supervision, date(2026, 1, 10), supervisor)

    supervisor.delete()

    supervision.refresh_from_db()
    assert supervision.supervisor is None
    assert SignOffPeriod.objects.get().signed_by_name == "Sam Supervisor"
    assert services.verify_history(owner).intact
