"""The pages: an access matrix (owner, their supervisor, another supervisor, a peer, an
anonymous visitor) for every view, the flows, and bounded queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lifelong.accounts.models import User
from lifelong.supervision import services
from lifelong.supervision.models import LogEntry, SignOffPeriod, Supervision

from .conftest import TODAY, log_weeks, make_supervision, sign

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_today"),
]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


@pytest.fixture
def _today() -> Any:
    with time_machine.travel("2026-06-15 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def requested(supervision: Supervision, logged: list[LogEntry]) -> SignOffPeriod:
    return services.request_sign_off(supervision, date(2026, 2, 10), TODAY)


@pytest.fixture
def clients(
    owner_client: Client,
    supervisor_client: Client,
    other_supervisor_client: Client,
    peer_client: Client,
) -> dict[str, Client]:
    return {
        "owner": owner_client,
        "supervisor": supervisor_client,
        "other supervisor": other_supervisor_client,
        "peer": peer_client,
        "anonymous": Client(),
    }


def _status(client: Client, method: str, url: str, data: Any = None) -> int:
    response = client.get(url) if method == "get" else client.post(url, data or {})
    return int(response.status_code)


def test_access_matrix(
    clients: dict[str, Client],
    supervision: Supervision,
    logged: list[LogEntry],
    requested: SignOffPeriod,
    other_supervisor: User,
    peer: User,
) -> None:
    """Who reaches what: 200/302 allowed, 404 for everyone else, sign-in for the anonymous."""
    # The other supervisor supervises the peer, so they are a supervisor of someone.
    make_supervision(peer, other_supervisor)
    entry = logged[-1]
    allowed_for = {
        ("get", f"/supervision/hours/{entry.pk}/edit/"): {"owner"},
        ("get", f"/supervision/hours/{entry.pk}/delete/"): {"owner"},
        ("get", f"/supervision/supervisees/{supervision.pk}/"): {"supervisor"},
        ("post", f"/supervision/{supervision.pk}/sign-off/"): {"owner"},
        ("post", f"/supervision/{supervision.pk}/agreement/"): {"owner"},
        ("post", f"/supervision/periods/{requested.pk}/return/"): {"supervisor"},
    }
    for (method, url), allowed in allowed_for.items():
        for who, client in clients.items():
            status = _status(client, method, url, {"day": "2026-03-02"})
            if who == "anonymous":
                assert status == 302, (who, url)
            elif who in allowed:
                assert status in (200, 302), (who, url, status)
            else:
                assert status == 404, (who, url, status)
    # Signing: the owner, the peer and the other supervisor get 404; nothing is signed.
    for who in ("owner", "other supervisor", "peer"):
        assert _status(clients[who], "post", f"/supervision/periods/{requested.pk}/sign/") == 404
    requested.refresh_from_db()
    assert requested.status != SignOffPeriod.Status.SIGNED


def test_a_supervisor_sees_only_that_supervisees_hours(
    supervisor_client: Client,
    supervision: Supervision,
    logged: list[LogEntry],
    owner: User,
    supervisor: User,
) -> None:
    # The owner also works under someone else, and the supervisor supervises a second person.
    other = make_supervision(owner, make_user_quick("third@example.org"))
    LogEntry.objects.create(
        owner=owner,
        supervision=other,
        worked_on=date(2026, 2, 3),
        hours=Decimal("13.75"),
        category="direct-clinical",
        setting="Private practice elsewhere",
    )

    page = supervisor_client.get(f"/supervision/supervisees/{supervision.pk}/").content.decode()

    assert "Community clinic" in page
    assert "Private practice elsewhere" not in page
    assert "13.75" not in page
    # The owner's overview (progress, other supervisors) is their own page, not the supervisor's.
    own = supervisor_client.get("/supervision/").content.decode()
    assert "Community clinic" not in own
    assert supervisor_client.get(f"/supervision/supervisees/{other.pk}/").status_code == 404


def make_user_quick(email: str) -> User:
    from tests.conftest import make_user

    return make_user(email)


def test_the_whole_flow_through_the_pages(
    owner_client: Client, owner: User, supervisor: User, supervisor_client: Client
) -> None:
    response = owner_client.post(
        "/supervision/supervisors/invite/",
        {
            "email": supervisor.email,
            "name": "Sam",
            "started_on": "2026-06-01",
            "period_kind": "week",
            "setting": "Clinic",
        },
    )
    assert response.status_code == 302
    invitation = Supervision.objects.get(supervisee=owner)
    assert "asks you to supervise" in supervisor_client.get("/supervision/").content.decode()
    supervisor_client.post(f"/supervision/invitations/{invitation.pk}/", {"answer": "accept"})

    owner_client.post("/supervision/rule-set/", {"ruleset_id": "us-tx-lpc-experience"})
    response = owner_client.post(
        "/supervision/hours/new/",
        {
            "supervision": invitation.pk,
            "worked_on": "2026-06-08",
            "hours": "6.5",
            "category": "direct-clinical",
            "setting": "Clinic",
        },
    )
    assert response.status_code == 302, response.content.decode()
    owner_client.post(f"/supervision/{invitation.pk}/sign-off/", {"day": "2026-06-08"})
    period = SignOffPeriod.objects.get()
    assert (period.starts_on, period.ends_on) == (date(2026, 6, 8), date(2026, 6, 14))

    review = supervisor_client.get(f"/supervision/supervisees/{invitation.pk}/")
    fingerprint = review.context["groups"][0]["fingerprint"]
    supervisor_client.post(f"/supervision/periods/{period.pk}/sign/", {"fingerprint": fingerprint})

    period.refresh_from_db()
    assert period.status == SignOffPeriod.Status.SIGNED
    page = owner_client.get("/supervision/").content.decode()
    assert "Signed by Sam Supervisor" in page
    assert "Locked" in page
    assert "Texas LPC" in page
    entry = LogEntry.objects.get()
    response = owner_client.post(f"/supervision/hours/{entry.pk}/delete/", follow=True)
    assert "cannot change" in response.content.decode()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_the_form_refuses_bad_input_and_keeps_it(
    owner_client: Client, supervision: Supervision
) -> None:
    response = owner_client.post(
        "/supervision/hours/new/",
        {
            "supervision": supervision.pk,
            "worked_on": "2027-01-01",
            "hours": "30",
            "category": "direct-clinical",
            "setting": "Clinic",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Log hours you have worked" in page
    assert "at most 24" in page or "less than or equal to 24" in page
    assert 'value="Clinic"' in page
    assert not LogEntry.objects.exists()


def test_the_agreement_is_checked_by_content_and_served_to_both_sides_only(
    owner_client: Client,
    supervisor_client: Client,
    other_supervisor_client: Client,
    supervision: Supervision,
) -> None:
    fake = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = owner_client.post(
        f"/supervision/{supervision.pk}/agreement/", {"agreement": fake}, follow=True
    )
    assert "was not saved" in response.content.decode()

    good = SimpleUploadedFile("Agreement signed.pdf", PDF, "application/pdf")
    owner_client.post(f"/supervision/{supervision.pk}/agreement/", {"agreement": good})

    supervision.refresh_from_db()
    assert supervision.agreement_name == "Agreement signed.pdf"
    url = f"/supervision/{supervision.pk}/agreement/download/"
    for client in (owner_client, supervisor_client):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert other_supervisor_client.get(url).status_code == 404


@pytest.mark.parametrize("weeks", [6, 30])
def test_pages_run_a_bounded_number_of_queries(
    weeks: int,
    owner_client: Client,
    supervisor_client: Client,
    owner: User,
    supervision: Supervision,
    supervisor: User,
    django_assert_max_num_queries: Any,
) -> None:
    services.set_track(owner, "us-ca-lmft-experience")
    log_weeks(supervision, date(2026, 1, 5), weeks)
    sign(supervision, date(2026, 1, 10), supervisor)
    services.request_sign_off(supervision, date(2026, 2, 10), TODAY)

    with django_assert_max_num_queries(14):
        assert owner_client.get("/supervision/").status_code == 200
    with django_assert_max_num_queries(10):
        assert (
            supervisor_client.get(f"/supervision/supervisees/{supervision.pk}/").status_code == 200
        )
    with django_assert_max_num_queries(10):
        assert owner_client.get("/supervision/history/").status_code == 200
    with django_assert_max_num_queries(10):
        assert supervisor_client.get("/supervision/supervisees/").status_code == 200
