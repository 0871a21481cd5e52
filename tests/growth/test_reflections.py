"""Reflections: templates, links to the user's own records, goals counted from them, purpose
notes, privacy, export and deletion."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.accounts.services import export_user_data
from lifelong.growth import services
from lifelong.growth.models import PurposeNote, Reflection
from tests.credits.helpers import make_activity
from tests.growth.conftest import make_goal, make_reading

pytestmark = pytest.mark.django_db


def gibbs_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "After the TF-CBT workshop",
        "written_on": "2026-02-03",
        "answer_description": "Two days on trauma narratives.",
        "answer_feelings": "Nervous about pacing.",
        "answer_action_plan": "Use the stabilisation checklist from the first session.",
        "practice_change": "I now check stabilisation before any exposure work.",
        "client_benefit": "Fewer drop-outs in the first weeks.",
        "in_cpd_profile": "on",
    }
    data.update(overrides)
    return data


def test_the_new_page_offers_the_templates_then_their_prompts(owner_client: Client) -> None:
    choose = owner_client.get(reverse("growth:reflection_add") + "?goal=3").content.decode()
    assert "Gibbs reflective cycle" in choose
    assert "Kolb learning cycle" in choose
    assert '<input type="hidden" name="goal" value="3">' in choose

    html = owner_client.get(reverse("growth:reflection_add") + "?template=kolb").content.decode()
    assert "Making sense of it" in html
    assert 'name="answer_experimentation"' in html
    assert "What changed in my practice" in html
    assert "How my clients benefit" in html


def test_write_a_reflection_linked_to_an_activity_a_reading_and_a_goal(
    owner: User, owner_client: Client, peer: User
) -> None:
    activity = make_activity(owner, title="TF-CBT workshop", completed_on=date(2026, 2, 1))
    reading = make_reading(owner, "Stabilisation before exposure: a review")
    goal = make_goal(owner, target_kind="reflections", topics=[], target_value=2)
    prefilled = owner_client.get(
        reverse("growth:reflection_add")
        + f"?template=gibbs&activity={activity.pk}&goal={goal.pk}&title=After+the+workshop"
    ).content.decode()
    assert 'value="After the workshop"' in prefilled
    assert f'<option value="{activity.pk}" selected>' in prefilled

    response = owner_client.post(
        reverse("growth:reflection_add") + "?template=gibbs",
        gibbs_form(activities=[activity.pk], readings=[reading.pk], goals=[goal.pk]),
    )
    reflection = Reflection.objects.get()
    assert response.status_code == 302
    assert reflection.template == "gibbs"
    assert reflection.answers == {
        "description": "Two days on trauma narratives.",
        "feelings": "Nervous about pacing.",
        "action_plan": "Use the stabilisation checklist from the first session.",
    }
    assert reflection.in_cpd_profile
    assert list(reflection.activities.all()) == [activity]
    assert list(reflection.readings.all()) == [reading]

    html = owner_client.get(
        reverse("growth:reflection_detail", args=[reflection.pk])
    ).content.decode()
    assert "What will I do next time?" in html
    assert "I now check stabilisation before any exposure work." in html
    assert "Stabilisation before exposure: a review" in html

    progress = services.goal_progress(goal, today=date(2026, 3, 1))
    assert progress.done == 1
    assert [c.label for c in progress.contributions] == ["After the TF-CBT workshop"]


def test_a_reflection_cannot_link_someone_elses_records(
    owner: User, owner_client: Client, peer: User
) -> None:
    peer_activity = make_activity(peer)
    peer_goal = make_goal(peer)
    response = owner_client.post(
        reverse("growth:reflection_add") + "?template=gibbs",
        gibbs_form(activities=[peer_activity.pk], goals=[peer_goal.pk]),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Reflection.objects.exists()


def test_an_empty_reflection_is_refused(owner_client: Client) -> None:
    response = owner_client.post(
        reverse("growth:reflection_add") + "?template=free",
        {"title": "Nothing", "written_on": "2026-02-03"},
    )
    assert "Write something: answer at least one prompt." in response.content.decode()
    assert not Reflection.objects.exists()


def test_edit_and_delete(owner: User, owner_client: Client) -> None:
    reflection = Reflection.objects.create(
        user=owner,
        title="Free",
        template="free",
        written_on=date(2026, 1, 5),
        answers={"text": "x"},
    )
    url = reverse("growth:reflection_edit", args=[reflection.pk])
    assert 'name="answer_text"' in owner_client.get(url).content.decode()
    owner_client.post(url, {"title": "Renamed", "written_on": "2026-01-05", "answer_text": "y"})
    reflection.refresh_from_db()
    assert (reflection.title, reflection.answers) == ("Renamed", {"text": "y"})
    owner_client.post(reverse("growth:reflection_delete", args=[reflection.pk]))
    assert not Reflection.objects.exists()


def test_reflection_list_runs_a_bounded_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    goal = make_goal(owner)
    for size in (2, 15):
        for index in range(size):
            reflection = Reflection.objects.create(
                user=owner,
                title=f"R{size}-{index}",
                written_on=date(2026, 1, 5),
                answers={"text": "x"},
            )
            reflection.activities.add(make_activity(owner))
            reflection.readings.add(make_reading(owner, f"Paper {size}-{index}"))
            reflection.goals.add(goal)
        with django_assert_max_num_queries(9):
            assert owner_client.get(reverse("growth:reflection_list")).status_code == 200


def test_no_one_else_reaches_a_reflection(owner: User, peer_client: Client, client: Client) -> None:
    reflection = Reflection.objects.create(
        user=owner, title="Private thoughts", written_on=date(2026, 1, 5), answers={"text": "x"}
    )
    for method, name in [
        ("get", "growth:reflection_detail"),
        ("get", "growth:reflection_edit"),
        ("post", "growth:reflection_edit"),
        ("get", "growth:reflection_delete"),
        ("post", "growth:reflection_delete"),
    ]:
        url = reverse(name, args=[reflection.pk])
        assert getattr(peer_client, method)(url).status_code == 404, name
        assert getattr(client, method)(url).status_code == 302, name
    assert (
        "Private thoughts"
        not in peer_client.get(reverse("growth:reflection_list")).content.decode()
    )
    assert Reflection.objects.filter(pk=reflection.pk, title="Private thoughts").exists()


def test_purpose_notes_are_kept_and_shown_again_in_turn(
    owner: User, owner_client: Client, peer_client: Client
) -> None:
    owner_client.post(reverse("growth:purpose"), {"text": "For the kid I was."})
    owner_client.post(reverse("growth:purpose"), {"text": "Because people can change."})
    first, second = PurposeNote.objects.order_by("pk")
    days = {services.purpose_note_of_the_day(owner, date(2026, 1, d)) for d in (1, 2)}
    assert days == {first, second}
    assert "For the kid I was." in owner_client.get(reverse("growth:purpose")).content.decode()
    assert "For the kid I was." not in peer_client.get(reverse("growth:purpose")).content.decode()
    assert peer_client.post(reverse("growth:purpose_delete", args=[first.pk])).status_code == 404
    owner_client.post(reverse("growth:purpose_delete", args=[first.pk]))
    assert list(PurposeNote.objects.all()) == [second]
    review = owner_client.get(reverse("growth:review")).content.decode()
    assert "Because people can change." in review


def test_reflections_and_notes_are_exported_and_deleted_with_the_account(
    owner: User, peer: User
) -> None:
    reflection = Reflection.objects.create(
        user=owner, title="Mine", written_on=date(2026, 1, 5), answers={"text": "x"}
    )
    reflection.readings.add(make_reading(owner, "A paper"))
    PurposeNote.objects.create(user=owner, text="Why")
    Reflection.objects.create(user=peer, title="Peer's", written_on=date(2026, 1, 5))

    data = export_user_data(owner)
    [exported] = data["reflections"]
    assert exported["title"] == "Mine"
    assert exported["answers"] == {"text": "x"}
    assert exported["readings"] == [{"pmid": None, "doi": None, "title": "A paper"}]
    assert [n["text"] for n in data["purpose_notes"]] == ["Why"]

    owner.delete()
    assert list(Reflection.objects.values_list("title", flat=True)) == ["Peer's"]
    assert not PurposeNote.objects.exists()
