"""``lifelong calendar export EMAIL [-o FILE]``: the same calendar as the feed and download."""

from __future__ import annotations

from pathlib import Path

import icalendar
import vobject
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from lifelong.accounts.models import User
from lifelong.cli import app
from tests.licensure.factories import make_license

runner = CliRunner()


def test_it_writes_the_calendar_to_stdout(owner: User) -> None:
    license = make_license(owner, label="Texas LPC")

    result = runner.invoke(app, ["calendar", "export", "OWNER@example.org"])

    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 5  # the deadline and four reminder dates
    assert f"license-{license.pk}-deadline-20270131@127.0.0.1" in {
        str(event["UID"]) for event in events
    }


def test_it_writes_the_same_file_as_the_download(
    owner: User, owner_client: Client, tmp_path: Path
) -> None:
    make_license(owner, label="Texas LPC")
    target = tmp_path / "renewals.ics"

    result = runner.invoke(app, ["calendar", "export", "owner@example.org", "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stderr
    assert "(5 events)" in result.stderr
    written = target.read_bytes()
    downloaded = owner_client.get(reverse("licensure:calendar_download")).content
    assert _without_stamps(written) == _without_stamps(downloaded)
    assert len(vobject.readOne(written.decode()).vevent_list) == 5


def _without_stamps(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\r\n") if not line.startswith(b"DTSTAMP")]


def test_an_unknown_account_exits_with_2(db: None) -> None:
    result = runner.invoke(app, ["calendar", "export", "nobody@example.org"])

    assert result.exit_code == 2
    assert "no account with the email address 'nobody@example.org'" in result.stderr


def test_an_unwritable_file_exits_with_2(owner: User, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["calendar", "export", "owner@example.org", "-o", str(tmp_path / "no" / "x.ics")]
    )

    assert result.exit_code == 2
    assert "cannot write" in result.stderr
