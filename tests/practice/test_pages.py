"""Practice pages: caseload, competency map, outcomes, priorities; owner, peer and anonymous
access; bad input; query budgets with data of two sizes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.growth.models import Goal
from lifelong.literature.models import Interest
from lifelong.practice.models import CaseloadSnapshot, Competency, OutcomeEpisode, OutcomeMeasure
from tests.practice.helpers import make_activity, make_episode, make_snapshot

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)
PAGES = ["practice:overview", "practice:caseload", "practice:competencies", "practice:outcomes"]


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-06-01 17:00:00+00:00", tick=False):
        yield


@pytest.mark.parametrize("name", PAGES)
def test_pages_need_sign_in(name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_saving_a_caseload_ranks_priorities(owner: User, owner_client: Client) -> None:
    response = owner_client.post(
        reverse("practice:caseload"),
        {
            "taken_on": "2026-06-01",
            "total_clients": "20",
            "area_concern__trauma_ptsd": "8",
            "area_concern__depression": "5",
            "area_context__immigrants_refugees": "3",
            "area_modality__cbt": "12",
        },
    )
    assert response.status_code == 302
    snapshot = CaseloadSnapshot.objects.get(owner=owner)
    assert snapshot.total_clients == 20
    assert snapshot.counts == {
        "concern:depression": 5,
        "concern:trauma-ptsd": 8,
        "context:immigrants-refugees": 3,
        "modality:cbt": 12,
    }
    page = owner_client.get(reverse("practice:overview")).content.decode()
    assert page.index("Cognitive behavioural therapy") < page.index("Trauma and PTSD")
    assert "40% of your clients (8 of 20)" in page
    assert "No CE activity in this area recorded" in page

    # The form comes back prefilled, and saving the same day replaces the snapshot.
    form = owner_client.get(reverse("practice:caseload")).content.decode()
    assert 'name="area_concern__trauma_ptsd" value="8"' in form
    owner_client.post(
        reverse("practice:caseload"), {"taken_on": "2026-06-01", "total_clients": "21"}
    )
    assert CaseloadSnapshot.objects.get(owner=owner).counts == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"taken_on": "2026-06-01", "total_clients": "10", "area_concern__grief": "11"},
            "More than the 10 active clients.",
        ),
        ({"taken_on": "2026-06-01", "total_clients": "0"}, "greater than or equal to 1"),
        (
            {"taken_on": "2026-06-01", "total_clients": "10", "area_concern__grief": "-1"},
            "greater than or equal to 0",
        ),
        ({"taken_on": "someday", "total_clients": "10"}, "Enter a valid date."),
    ],
)
def test_bad_caseload_input_is_explained_and_saves_nothing(
    owner_client: Client, data: dict[str, str], message: str
) -> None:
    response = owner_client.post(reverse("practice:caseload"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CaseloadSnapshot.objects.exists()


def test_competency_map_shows_evidence_and_saves_ratings(owner: User, owner_client: Client) -> None:
    make_snapshot(owner, TODAY, 10, concern__grief=4)
    make_activity(owner, "Grief and bereavement", 3, date(2025, 9, 1))
    page = owner_client.get(reverse("practice:competencies")).content.decode()
    assert "1 Sep 2025" in page
    response = owner_client.post(
        reverse("practice:competencies"),
        {"area_concern__grief": "2", "area_concern__anxiety": "5"},
    )
    assert response.status_code == 302
    assert dict(Competency.objects.filter(owner=owner).values_list("area", "confidence")) == {
        "concern:grief": 2,
        "concern:anxiety": 5,
    }
    # Clearing a rating removes it; a value out of range is refused.
    owner_client.post(reverse("practice:competencies"), {"area_concern__grief": ""})
    assert not Competency.objects.filter(owner=owner).exists()
    response = owner_client.post(reverse("practice:competencies"), {"area_concern__grief": "7"})
    assert response.status_code == 200
    assert not Competency.objects.exists()


def test_outcomes_page_classifies_and_suppresses(owner: User, owner_client: Client) -> None:
    for index, (baseline, latest) in enumerate([(20, 10), (18, 11), (15, 13), (12, 19), (22, 14)]):
        make_episode(owner, f"E-{index}", "concern:depression", baseline, latest)
    make_episode(owner, "A-1", "concern:anxiety", 15, 5)
    page = owner_client.get(reverse("practice:outcomes")).content.decode()
    assert "60%" in page  # 3 of 5 depression episodes reliably improved
    assert "Too few episodes to show (at least 5 needed)" in page
    assert "reliably deteriorated" in page


@pytest.mark.parametrize("code", ["JohnSmith", "J.S.", "E-2001-04-03", "19850403", "", "E 014"])
def test_episode_codes_that_could_identify_a_client_are_refused(
    owner_client: Client, code: str
) -> None:
    response = owner_client.post(
        reverse("practice:outcomes"),
        {
            "add_episode": "1",
            "code": code,
            "concern": "concern:depression",
            "measure": "phq-9",
            "baseline": "20",
            "latest": "9",
        },
    )
    assert response.status_code == 200
    assert not OutcomeEpisode.objects.exists()


def test_adding_a_custom_measure_and_an_episode(owner: User, owner_client: Client) -> None:
    owner_client.post(
        reverse("practice:outcomes"),
        {
            "add_measure": "1",
            "name": "CORE-10",
            "standard_deviation": "7.5",
            "reliability": "0.84",
            "lower_is_better": "on",
        },
    )
    measure = OutcomeMeasure.objects.get(owner=owner)
    response = owner_client.post(
        reverse("practice:outcomes"),
        {
            "add_episode": "1",
            "code": "E-014",
            "concern": "concern:anxiety",
            "measure": measure.key,
            "baseline": "20",
            "latest": "11",
        },
    )
    assert response.status_code == 302
    episode = OutcomeEpisode.objects.get(owner=owner)
    assert episode.custom_measure == measure
    assert episode.change() == "improved"
    # The same code twice is refused.
    response = owner_client.post(
        reverse("practice:outcomes"),
        {
            "add_episode": "1",
            "code": "E-014",
            "concern": "concern:anxiety",
            "measure": "phq-9",
            "baseline": "20",
            "latest": "11",
        },
    )
    assert "You already have an episode with this code." in response.content.decode()


def test_a_peer_cannot_use_another_users_measure_or_delete_their_episode(
    owner: User, peer: User, peer_client: Client
) -> None:
    measure = OutcomeMeasure.objects.create(
        owner=owner, name="Mine", standard_deviation=5, reliability=0.8
    )
    response = peer_client.post(
        reverse("practice:outcomes"),
        {
            "add_episode": "1",
            "code": "E-1",
            "concern": "concern:anxiety",
            "measure": measure.key,
            "baseline": "20",
            "latest": "11",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    episode = make_episode(owner, "E-9", "concern:grief", 10, 2)
    response = peer_client.post(reverse("practice:episode_delete", args=[episode.pk]))
    assert response.status_code == 404
    assert OutcomeEpisode.objects.filter(pk=episode.pk).exists()
    assert "E-9" not in peer_client.get(reverse("practice:outcomes")).content.decode()


def test_peer_pages_show_nothing_of_the_owner(owner: User, peer_client: Client) -> None:
    make_snapshot(owner, TODAY, 17, concern__eating_disorders=9)
    Competency.objects.create(owner=owner, area="concern:eating-disorders", confidence=1)
    for name in PAGES:
        page = peer_client.get(reverse(name)).content.decode()
        assert "9 of 17" not in page
        assert "(17 active" not in page
    assert (
        'value="1" selected'
        not in peer_client.get(reverse("practice:competencies")).content.decode()
    )


def test_following_an_area_adds_a_caseload_interest(owner: User, owner_client: Client) -> None:
    url = reverse("practice:area_interest", args=["concern:trauma-ptsd"])
    assert owner_client.post(url).status_code == 302
    owner_client.post(url)
    interest = Interest.objects.get(owner=owner)
    assert (interest.label, interest.origin, interest.kind) == (
        "Trauma and PTSD",
        "caseload",
        "topic",
    )
    assert interest.mesh_terms == ["Stress Disorders, Post-Traumatic"]
    assert (
        owner_client.post(reverse("practice:area_interest", args=["concern:nope"])).status_code
        == 404
    )
    assert owner_client.get(url).status_code == 405


@pytest.mark.parametrize("size", [1, 30])
def test_pages_run_a_bounded_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any, size: int
) -> None:
    make_snapshot(owner, TODAY, 50, concern__depression=10, concern__anxiety=8, modality__cbt=20)
    for index in range(size):
        make_activity(owner, f"Depression course {index}", 2, date(2025, 1, 1 + index % 28))
        make_episode(owner, f"E-{index}", "concern:depression", 20, 10 + index % 12)
        Competency.objects.get_or_create(
            owner=owner,
            area=["concern:depression", "concern:anxiety", "modality:cbt"][index % 3],
            defaults={"confidence": 3},
        )
    budgets = {
        "practice:overview": 8,
        "practice:caseload": 5,
        "practice:competencies": 7,
        "practice:outcomes": 8,
    }
    for name, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert owner_client.get(reverse(name)).status_code == 200


def test_one_click_goal_from_a_priority_progresses_with_matching_activities(
    owner: User, owner_client: Client, peer: User
) -> None:
    make_snapshot(owner, date(2026, 5, 1), 20, concern__trauma_ptsd=8)
    response = owner_client.post(
        reverse("practice:goal_from_priority"), {"area": "concern:trauma-ptsd"}
    )
    goal = Goal.objects.get(user=owner)
    assert response["Location"] == reverse("growth:goal_detail", args=[goal.pk])
    assert goal.title == "Learn more about trauma and PTSD"
    assert goal.topics == ["trauma"]
    assert (goal.target_kind, goal.target_value) == ("hours", Decimal(6))
    assert (goal.starts_on, goal.due_on) == (TODAY, date(2026, 12, 1))  # 183 days
    assert goal.why.startswith("From my learning priorities: 40% of your clients (8 of 20)")
    assert goal.source == "practice priority: Trauma and PTSD"

    make_activity(owner, "Complex PTSD", 2, TODAY, topics=("trauma",))
    make_activity(owner, "Ethics update", 3, TODAY, topics=("ethics",))
    make_activity(peer, "Peer's trauma course", 5, TODAY, topics=("trauma",))
    page = owner_client.get(reverse("growth:goal_detail", args=[goal.pk])).content.decode()
    assert "2 of 6 CE hours" in page

    # Without a snapshot the goal still works (no reasons); unknown areas are a 404.
    peer_client = Client()
    peer_client.force_login(peer)
    peer_client.post(reverse("practice:goal_from_priority"), {"area": "concern:grief"})
    assert Goal.objects.get(user=peer).why == ""
    missing = owner_client.post(reverse("practice:goal_from_priority"), {"area": "nope"})
    assert missing.status_code == 404
    assert (
        Client().post(reverse("practice:goal_from_priority"), {"area": "concern:grief"}).status_code
        == 302
    )
