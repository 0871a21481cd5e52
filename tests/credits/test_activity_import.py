"""Importing activities from a CSV file: all or nothing, every problem by row and column,
duplicates of the ledger skipped, size and content checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits import services
from lifelong.credits.activity_csv import ActivityCsvError
from lifelong.credits.models import Activity
from lifelong.credits.services import import_activities
from tests.credits.helpers import make_activity

URL = reverse("credits:activity_import")
TEMPLATE_URL = reverse("credits:activity_csv_template")
HEADER = "title,provider,completed_on,hours,format,kind,topics,approvals\n"

# A year of a counselor's CE, as a spreadsheet would save it (quoted commas, BOM, CRLF).
LEDGER = (
    "\ufeff" + HEADER.replace("\n", "\r\n") + "Law and ethics for MFTs,CAMFT,2025-01-18,6,"
    "live-online,course,law-and-ethics,aamft\r\n"
    '"Trauma-focused CBT, part 1",Example Institute,2025-02-07,3,self-study,course,'
    '"trauma=2;clinical-practice",apa;nbcc:6361\r\n'
    "Suicide risk assessment,County Behavioral Health,2025-03-21,6.5,in-person,course,"
    "suicide-prevention=6;assessment,board:PCE 1234\r\n"
    "Annual conference,ACA,2025-04-10,12,in-person,conference,"
    "cultural-competence=3;ethics=3;clinical-practice,nbcc\r\n"
    "Peer consultation group,,2025-05-01,1.25,live-online,peer-consultation,clinical-practice,\r\n"
).encode()


def upload(content: bytes, name: str = "activities.csv") -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


def page_of(response: Any) -> str:
    return str(response.content.decode())


def test_it_imports_a_real_multi_row_file(owner_client: Client, owner: User) -> None:
    response = owner_client.post(URL, upload(LEDGER))

    assert response.status_code == 302
    assert response["Location"] == reverse("credits:activity_list")
    activities = list(Activity.objects.for_user(owner).order_by("completed_on"))
    assert [activity.title for activity in activities] == [
        "Law and ethics for MFTs",
        "Trauma-focused CBT, part 1",
        "Suicide risk assessment",
        "Annual conference",
        "Peer consultation group",
    ]
    trauma = activities[1]
    assert trauma.topics == [
        {"slug": "trauma", "hours": 2.0},
        {"slug": "clinical-practice", "hours": None},
    ]
    assert trauma.approvals == [{"body": "apa", "number": ""}, {"body": "nbcc", "number": "6361"}]
    assert activities[2].approvals == [{"body": "board", "number": "PCE 1234"}]
    assert activities[4].hours == Decimal("1.25")
    assert {activity.topic_slugs for activity in activities[:1]} == {"|law-and-ethics|"}
    messages = [str(message) for message in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert messages == ["Imported 5 activities."]


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(
    owner_client: Client, owner: User
) -> None:
    bad = LEDGER.replace(b"2025-03-21,6.5", b"2025-03-21,0")

    response = owner_client.post(URL, upload(bad))

    assert response.status_code == 200
    assert not Activity.objects.filter(user=owner).exists()
    page = page_of(response)
    assert "Nothing was imported: 1 problem in the file" in page
    assert '<td class="number">4</td><td>hours</td><td>Hours must be greater than 0</td>' in page


def test_it_lists_every_problem_in_a_table(owner_client: Client, owner: User) -> None:
    bad = (
        HEADER + "A,,2025-13-01,1,in-person,course,,\n"
        "B,,2025-01-01,2,online,course,ethics=3,\n"
        "C,,2025-01-01,1,in-person\n"
    ).encode()

    response = owner_client.post(URL, upload(bad))

    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert problems == [(2, "completed_on"), (3, "format"), (3, "topics"), (4, None)]
    page = page_of(response)
    assert '<th scope="col" class="number">Row</th><th scope="col">Column</th>' in page
    assert "Nothing was imported: 4 problems" in page
    assert not Activity.objects.exists()


def test_importing_the_same_file_twice_skips_the_duplicates(
    owner_client: Client, owner: User
) -> None:
    owner_client.post(URL, upload(LEDGER), follow=True)

    response = owner_client.post(URL, upload(LEDGER), follow=True)

    assert Activity.objects.filter(user=owner).count() == 5
    assert [str(message) for message in response.context["messages"]] == [
        "Nothing new to import: the 5 activities in the file are already in your ledger "
        "(same title, provider, date and hours)."
    ]


def test_it_says_how_many_were_imported_and_how_many_skipped(
    owner_client: Client, owner: User
) -> None:
    make_activity(
        owner,
        title="Peer consultation group",
        provider="",
        completed_on=date(2025, 5, 1),
        hours=Decimal("1.25"),
    )

    response = owner_client.post(URL, upload(LEDGER), follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Imported 4 activities. Skipped 1 already in your ledger "
        "(same title, provider, date and hours)."
    ]


def test_it_skips_only_rows_matching_title_provider_date_and_hours(owner: User) -> None:
    make_activity(
        owner, title="Ethics", provider="CAMFT", completed_on=date(2025, 1, 5), hours=Decimal(3)
    )
    text = HEADER + (
        "Ethics,CAMFT,2025-01-05,3.00,in-person,course,,\n"  # the same entry
        "Ethics,CAMFT,2025-01-05,2,in-person,course,,\n"  # other hours
        "Ethics,CAMFT,2025-01-06,3,in-person,course,,\n"  # another day
        "Ethics,NBCC,2025-01-05,3,in-person,course,,\n"  # another provider
        "Ethics II,CAMFT,2025-01-05,3,in-person,course,,\n"  # another title
    )

    result = import_activities(owner, text)

    assert (result.imported, result.skipped_duplicates) == (4, 1)


def test_another_users_activities_are_not_duplicates(owner: User, peer: User) -> None:
    make_activity(peer, title="Ethics", provider="", completed_on=date(2025, 1, 5))

    result = import_activities(owner, HEADER + "Ethics,,2025-01-05,6,in-person,course,,\n")

    assert result.imported == 1


def test_repeated_rows_within_one_file_are_all_imported(owner: User) -> None:
    row = "Weekly consultation,,2025-01-05,1,live-online,peer-consultation,,\n"

    result = import_activities(owner, HEADER + row + row)

    assert (result.imported, result.skipped_duplicates) == (2, 0)


def test_a_failure_while_saving_rolls_back_every_row(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Activity.objects.bulk_create

    def save_one_batch_then_fail(objs: list[Activity], **kwargs: Any) -> list[Activity]:
        original(objs[:1], **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Activity.objects, "bulk_create", save_one_batch_then_fail)

    with pytest.raises(RuntimeError):
        import_activities(owner, LEDGER)

    assert not Activity.objects.exists()


def test_a_header_without_rows_is_a_problem(owner: User) -> None:
    with pytest.raises(ActivityCsvError, match="no activities"):
        import_activities(owner, HEADER)


@time_machine.travel("2025-03-01 12:00 +0000", tick=False)
def test_it_rejects_rows_completed_in_the_future(owner_client: Client, owner: User) -> None:
    response = owner_client.post(URL, upload(LEDGER))

    rows = {(p.row, p.column) for p in response.context["problems"]}
    assert rows == {(4, "completed_on"), (5, "completed_on"), (6, "completed_on")}
    assert not Activity.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(
    owner_client: Client, owner: User, settings: Any
) -> None:
    settings.LIFELONG_CSV_MAX_BYTES = len(LEDGER) - 1

    response = owner_client.post(URL, upload(LEDGER))

    assert response.status_code == 200
    assert "larger than" in response.context["form"].errors["file"][0]
    assert not Activity.objects.exists()


def test_a_file_at_the_size_limit_is_accepted(
    owner_client: Client, owner: User, settings: Any
) -> None:
    settings.LIFELONG_CSV_MAX_BYTES = len(LEDGER)

    response = owner_client.post(URL, upload(LEDGER))

    assert response.status_code == 302
    assert Activity.objects.filter(user=owner).count() == 5


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (HEADER.encode() + "Café,,2025-01-01,1,in-person,course,,\n".encode("cp1252"), "not UTF-8"),
        (b"PK\x03\x04\x14\x00\x06\x00 workbook", "Excel"),
        (b"%PDF-1.7 certificate", "a PDF"),
        (b"title\x00provider", "not a text file"),
        (b"", "empty"),
        (b"  \r\n", "empty"),
    ],
)
def test_it_explains_a_file_that_is_not_csv_text(
    owner_client: Client, owner: User, content: bytes, needle: str
) -> None:
    response = owner_client.post(URL, upload(content))

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert needle in errors[0], errors
    assert not Activity.objects.exists()


def test_the_page_explains_the_format_with_an_example(owner_client: Client) -> None:
    response = owner_client.get(URL)

    page = page_of(response)
    assert response.status_code == 200
    assert response.context["nav_section"] == "activities"
    assert "<code>ethics=3;clinical-practice</code>" in page
    assert "<code>apa;nbcc:6361</code>" in page
    assert HEADER.strip() in page
    assert f'href="{TEMPLATE_URL}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_the_template_file_downloads_and_imports_cleanly(owner_client: Client, owner: User) -> None:
    response = owner_client.get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="lifelong-activities-template.csv"'
    )
    result = import_activities(owner, response.content)
    assert result.imported == 2


def test_an_outsider_cannot_import(client: Client, db: None) -> None:
    for response in (client.get(URL), client.post(URL, upload(LEDGER)), client.get(TEMPLATE_URL)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Activity.objects.exists()


def test_imports_go_to_the_importing_users_ledger_only(peer_client: Client, owner: User) -> None:
    peer_client.post(URL, upload(LEDGER))

    assert not Activity.objects.filter(user=owner).exists()
    assert Activity.objects.exclude(user=owner).count() == 5


def test_a_long_list_of_problems_is_cut_short(owner_client: Client, owner: User) -> None:
    rows = "".join(f"Row {n},,2025-01-01,0,in-person,course,,\n" for n in range(300))

    response = owner_client.post(URL, upload((HEADER + rows).encode()))

    assert len(response.context["problems"]) == 200
    assert response.context["problem_count"] == 300
    assert "Showing the first 200" in page_of(response)


def test_batches_are_used_for_large_files(owner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    rows = "".join(f"Session {n},,2025-01-01,1,in-person,course,,\n" for n in range(5))

    assert import_activities(owner, HEADER + rows).imported == 5
    assert Activity.objects.filter(user=owner).count() == 5
