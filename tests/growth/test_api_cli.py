"""Growth over the API (token and session; owner, peer, anonymous) and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader
from typer.testing import CliRunner

from lifelong.accounts.models import User
from lifelong.cli import app
from lifelong.growth import retention
from lifelong.growth.models import Goal, ReviewCard
from tests.api.conftest import ApiClient, token_for
from tests.credits.helpers import make_activity
from tests.growth.conftest import make_goal

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 4, 1, 18, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture
def owner_api(owner: User) -> ApiClient:
    return ApiClient(token_for(owner))


@pytest.fixture
def peer_api(peer: User) -> ApiClient:
    return ApiClient(token_for(peer))


@time_machine.travel(NOW, tick=False)
def test_create_list_read_and_delete_goals(owner: User, owner_api: ApiClient) -> None:
    make_activity(
        owner,
        title="TF-CBT",
        completed_on=date(2026, 3, 1),
        hours=Decimal(6),
        topics=[{"slug": "trauma", "hours": None}],
    )
    response = owner_api.send(
        "POST",
        "/api/goals",
        {
            "title": "Trauma hours",
            "why": "More trauma in my caseload",
            "target_kind": "hours",
            "topics": ["trauma"],
            "target_value": 12,
            "starts_on": "2026-01-01",
            "due_on": "2026-06-30",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["done"] == 6
    assert created["percent"] == 50
    assert created["status"] == "on-track"
    assert created["contributions"] == [
        {"on": "2026-03-01", "kind": "activity", "label": "TF-CBT", "amount": 6.0}
    ]
    assert Goal.objects.get().source == "API"

    listing = owner_api.get("/api/goals").json()
    assert [(g["title"], g["done"]) for g in listing] == [("Trauma hours", 6.0)]
    assert (
        owner_api.get(f"/api/goals/{created['id']}").json()["contributions"][0]["label"] == "TF-CBT"
    )
    assert owner_api.delete(f"/api/goals/{created['id']}").status_code == 204
    assert not Goal.objects.exists()


def test_bad_goals_are_refused_with_the_field_at_fault(owner_api: ApiClient) -> None:
    response = owner_api.send(
        "POST",
        "/api/goals",
        {
            "title": "x",
            "target_kind": "custom",
            "target_value": 3,
            "due_on": "2026-01-01",
            "starts_on": "2026-02-01",
        },
    )
    assert response.status_code == 422
    fields = {tuple(item["loc"]) for item in response.json()["detail"]}
    assert ("body", "payload", "due_on") in fields
    assert ("body", "payload", "custom_unit") in fields
    unknown = owner_api.send(
        "POST",
        "/api/goals",
        {"title": "x", "target_value": 1, "due_on": "2027-01-01", "topics": ["astrology"]},
    )
    assert unknown.status_code == 422
    assert not Goal.objects.exists()


def test_cards_and_reviews_over_the_api(owner: User, peer: User, owner_api: ApiClient) -> None:
    activity = make_activity(owner)
    peer_activity = make_activity(peer)
    refused = owner_api.send(
        "POST",
        "/api/review/cards",
        {"question": "Q", "answer": "A", "activity_id": peer_activity.pk},
    )
    assert refused.status_code == 422
    created = owner_api.send(
        "POST", "/api/review/cards", {"question": "Q?", "answer": "A.", "activity_id": activity.pk}
    )
    assert created.status_code == 201
    card_id = created.json()["id"]
    queue = owner_api.get("/api/review/due").json()
    assert queue["due_count"] == 1
    assert queue["cards"][0]["question"] == "Q?"

    reviewed = owner_api.send("POST", f"/api/review/cards/{card_id}/review", {"rating": 4})
    assert reviewed.status_code == 200
    assert reviewed.json()["card"]["state"] == "review"
    assert reviewed.json()["scheduled_days"] >= 1
    assert owner_api.get("/api/review/due").json()["due_count"] == 0
    bad = owner_api.send("POST", f"/api/review/cards/{card_id}/review", {"rating": 5})
    assert bad.status_code == 422


def test_no_one_else_reaches_goals_or_cards(owner: User, peer_api: ApiClient, client: Any) -> None:
    goal = make_goal(owner)
    card = retention.new_card(owner, question="Private Q", answer="A")
    for method, path, body in [
        ("GET", f"/api/goals/{goal.pk}", None),
        ("DELETE", f"/api/goals/{goal.pk}", None),
        ("POST", f"/api/review/cards/{card.pk}/review", {"rating": 3}),
    ]:
        assert peer_api.send(method, path, body).status_code == 404, path
        assert ApiClient().send(method, path, body).status_code == 401, path
    assert peer_api.get("/api/goals").json() == []
    assert peer_api.get("/api/review/due").json() == {"due_count": 0, "cards": []}
    assert ApiClient().get("/api/goals").status_code == 401
    assert Goal.objects.filter(pk=goal.pk).exists()
    card.refresh_from_db()
    assert card.last_review is None


def test_goal_list_queries_are_bounded(
    owner: User, owner_api: ApiClient, django_assert_max_num_queries: Any
) -> None:
    for size in (2, 20):
        for index in range(size):
            make_goal(owner, title=f"G{size}-{index}")
            make_activity(owner, completed_on=date(2026, 2, 1))
        with django_assert_max_num_queries(6):
            assert owner_api.get("/api/goals").status_code == 200


# -- CLI ------------------------------------------------------------------------------------


def test_review_due_lists_todays_cards(owner: User, peer: User) -> None:
    retention.new_card(
        owner, question="What is PE?", answer="Prolonged exposure", now=NOW - timedelta(days=1)
    )
    retention.new_card(owner, question="Tomorrow's", answer="x", now=NOW + timedelta(days=2))
    retention.new_card(peer, question="Peer's", answer="x", now=NOW - timedelta(days=1))
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(app, ["review", "due", "--user", "OWNER@example.org"])
        as_json = runner.invoke(app, ["review", "due", "--user", "owner@example.org", "--json"])
    assert result.exit_code == 0, result.output
    assert "1 card due today:" in result.stdout
    assert "What is PE?" in result.stdout
    assert "Tomorrow's" not in result.stdout
    assert "Peer's" not in result.stdout
    data = json.loads(as_json.stdout)
    assert data["due_count"] == 1
    assert data["total_cards"] == 2

    # The account's zone is used for the command only: it does not stay active afterwards.
    assert timezone.get_current_timezone_name() == "UTC"
    missing = runner.invoke(app, ["review", "due", "--user", "nobody@example.org"])
    assert missing.exit_code == 2
    assert "no account" in missing.stderr


def test_goals_list_and_cpd_profile(owner: User, tmp_path: Path) -> None:
    make_goal(owner, title="Trauma hours")
    make_activity(
        owner,
        title="TF-CBT",
        completed_on=date(2026, 2, 1),
        hours=Decimal(3),
        topics=[{"slug": "trauma", "hours": None}],
    )
    with time_machine.travel(NOW, tick=False):
        listing = runner.invoke(app, ["goals", "list", "--user", "owner@example.org"])
        target = tmp_path / "cpd.pdf"
        written = runner.invoke(
            app,
            [
                "goals",
                "cpd-profile",
                "--user",
                "owner@example.org",
                "-o",
                str(target),
                "--from",
                "2026-01-01",
                "--to",
                "2026-03-31",
            ],
        )
    assert listing.exit_code == 0, listing.output
    assert "Trauma hours: 3 of 12 CE hours (25%), behind, due 2026-06-30" in listing.stdout
    assert written.exit_code == 0, written.output
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "TF-CBT" in text
    assert "2026-02-02 to 2026-03-31" not in text  # under three months: no gap
    assert ReviewCard.objects.count() == 0
