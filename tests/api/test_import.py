"""/api/activities/import: a CSV body or a form upload, all rows or none."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.api.conftest import ApiClient

from lifelong.accounts.models import User
from lifelong.credits.models import Activity

HEADER = "title,provider,completed_on,hours,format,kind,topics,approvals\n"
GOOD_CSV = HEADER + (
    "Law and ethics update,CAMFT,2026-01-10,6,live-online,course,law-and-ethics,aamft\n"
    'Trauma-focused CBT,"PESI, Inc.",2026-02-01,12.5,in-person,course,'
    "trauma;ethics=1.5,apa;nbcc:6361\n"
)
BAD_CSV = HEADER + (
    "Fine row,,2026-01-10,2,in-person,course,ethics,\n"
    "Negative,,2026-01-11,-1,in-person,course,ethics,\n"
    "Bad topic,,2026-01-12,2,self-study,course,astrology,\n"
)


def post_csv(client: ApiClient, text: str, content_type: str = "text/csv") -> Any:
    return client.post("/api/activities/import", text, content_type=content_type)


def test_it_imports_a_csv_body(owner: User, owner_api: ApiClient) -> None:
    response = post_csv(owner_api, GOOD_CSV)

    assert response.status_code == 201, response.content
    assert response.json() == {"imported": 2, "skipped_duplicates": 0}
    trauma = Activity.objects.for_user(owner).get(title="Trauma-focused CBT")
    assert trauma.provider == "PESI, Inc."
    assert trauma.topics == [{"slug": "trauma", "hours": None}, {"slug": "ethics", "hours": 1.5}]
    assert trauma.approvals == [{"body": "apa", "number": ""}, {"body": "nbcc", "number": "6361"}]


def test_it_imports_a_form_upload(owner: User, owner_api: ApiClient) -> None:
    upload = SimpleUploadedFile("ledger.csv", GOOD_CSV.encode(), content_type="text/csv")

    response = owner_api.post("/api/activities/import", {"file": upload})

    assert response.status_code == 201, response.content
    assert Activity.objects.for_user(owner).count() == 2


def test_a_form_upload_needs_the_file_field(owner_api: ApiClient) -> None:
    response = owner_api.post("/api/activities/import", {"other": "x"})

    assert response.status_code == 400
    assert "`file`" in response.json()["detail"]


def test_it_imports_nothing_and_names_every_problem(owner: User, owner_api: ApiClient) -> None:
    response = post_csv(owner_api, BAD_CSV)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "2 problems in the file; nothing was imported."
    assert body["problems"][0] == {
        "row": 3,
        "column": "hours",
        "message": "hours cannot be negative (-1)",
    }
    assert body["problems"][1]["row"] == 4
    assert body["problems"][1]["column"] == "topics"
    assert "unknown topic 'astrology'" in body["problems"][1]["message"]
    assert not Activity.objects.exists()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    owner: User, owner_api: ApiClient
) -> None:
    post_csv(owner_api, GOOD_CSV)

    response = post_csv(owner_api, GOOD_CSV)

    assert response.json() == {"imported": 0, "skipped_duplicates": 2}
    assert Activity.objects.for_user(owner).count() == 2


def test_the_import_goes_to_the_callers_ledger_only(
    owner: User, peer: User, peer_api: ApiClient
) -> None:
    post_csv(peer_api, GOOD_CSV)

    assert Activity.objects.for_user(peer).count() == 2
    assert not Activity.objects.for_user(owner).exists()


def test_it_refuses_a_file_that_is_not_utf8(owner_api: ApiClient) -> None:
    data = (HEADER + "Café,,2026-01-10,2,in-person,course,ethics,\n").encode("latin-1")

    response = owner_api.post("/api/activities/import", data, content_type="text/csv")

    assert response.status_code == 422
    assert "not UTF-8" in response.json()["problems"][0]["message"]


def test_it_refuses_a_header_without_rows(owner_api: ApiClient) -> None:
    response = post_csv(owner_api, HEADER)

    assert response.status_code == 422
    assert "no activities" in response.json()["problems"][0]["message"]


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_it_refuses_other_content_types(owner_api: ApiClient, content_type: str) -> None:
    response = post_csv(owner_api, GOOD_CSV, content_type)

    assert response.status_code == 415
    assert not Activity.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(owner_api: ApiClient, settings: Any) -> None:
    settings.LIFELONG_CSV_MAX_BYTES = 100

    response = post_csv(owner_api, GOOD_CSV)

    assert response.status_code == 413
    assert not Activity.objects.exists()


def test_it_refuses_an_upload_over_the_size_limit(owner_api: ApiClient, settings: Any) -> None:
    settings.LIFELONG_CSV_MAX_BYTES = 100
    upload = SimpleUploadedFile("ledger.csv", GOOD_CSV.encode(), content_type="text/csv")

    response = owner_api.post("/api/activities/import", {"file": upload})

    assert response.status_code == 413
    assert not Activity.objects.exists()


def test_it_answers_400_to_a_form_upload_it_cannot_read(owner_api: ApiClient) -> None:
    response = post_csv(owner_api, "not a form", "multipart/form-data")

    assert response.status_code == 400
    assert response.json() == {"detail": "The form upload could not be read."}
    assert not Activity.objects.exists()
