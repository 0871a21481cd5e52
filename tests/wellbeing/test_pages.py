"""The well-being pages: what they show, bad input, query budgets, and privacy (owner, peer,
staff administrator, outsider)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from lifelong.accounts.models import Membership, Organization, Role, User
from lifelong.community.models import Group, GroupMembership
from lifelong.wellbeing.models import (
    CareItem,
    CareTick,
    CheckIn,
    Commitment,
    InstrumentResult,
    TimeOff,
    WellbeingSettings,
    WorkloadWeek,
)
from tests.conftest import PASSWORD, make_user
from tests.wellbeing.conftest import add_leave, check_in, take_proqol

pytestmark = pytest.mark.django_db
TODAY = "2026-03-02 20:00Z"  # 12:00 in Los Angeles, the owner's zone


def all_answers(value: int, items: int) -> dict[str, str]:
    return {f"item_{number}": str(value) for number in range(1, items + 1)}


def test_taking_the_proqol_shows_scores_bands_and_the_credit(
    owner_client: Client, owner: User
) -> None:
    with time_machine.travel(TODAY, tick=False):
        response = owner_client.get("/wellbeing/instruments/proqol-5/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "I am happy." in page
        assert "www.ProQOL.org" in page
        assert "the last 30 days" in page

        response = owner_client.post(
            "/wellbeing/instruments/proqol-5/", {"taken_on": "2026-03-02", **all_answers(4, 30)}
        )

    result = InstrumentResult.objects.get(user=owner)
    assert response.status_code == 302
    assert response["Location"] == f"/wellbeing/results/{result.pk}/"
    # Every 4: compassion satisfaction 40, burnout 5 reversed items at 2 + 5 at 4 = 30, STS 40.
    assert [(s["subscale"], s["score"], s["band"]) for s in result.scores] == [
        ("compassion-satisfaction", 40.0, "moderate"),
        ("burnout", 30.0, "moderate"),
        ("secondary-traumatic-stress", 40.0, "moderate"),
    ]
    assert result.answers["1"] == 4
    assert result.version == "5"
    assert "Center for Victims of Torture" in result.attribution
    page = owner_client.get(response["Location"]).content.decode()
    assert "Compassion satisfaction" in page
    assert "Moderate" in page
    assert "www.ProQOL.org" in page


def test_an_unanswered_question_is_marked_and_nothing_is_saved(
    owner_client: Client, owner: User
) -> None:
    answers = all_answers(3, 19)
    del answers["item_13"]
    response = owner_client.post(
        "/wellbeing/instruments/cbi/", answers | {"taken_on": "2026-03-01"}
    )

    assert response.status_code == 200
    assert "Please answer this question." in response.content.decode()
    assert not InstrumentResult.objects.exists()


def test_an_answer_outside_the_scale_and_a_future_day_are_refused(owner_client: Client) -> None:
    with time_machine.travel(TODAY, tick=False):
        bad_value = owner_client.post(
            "/wellbeing/instruments/cbi/",
            all_answers(3, 19) | {"item_2": "9", "taken_on": "2026-03-02"},
        )
        future = owner_client.post(
            "/wellbeing/instruments/cbi/", all_answers(3, 19) | {"taken_on": "2026-03-03"}
        )
    assert bad_value.status_code == 200
    assert future.status_code == 200
    assert "cannot be a day in the future" in future.content.decode()
    assert not InstrumentResult.objects.exists()


def test_an_unknown_instrument_is_a_404(owner_client: Client) -> None:
    assert owner_client.get("/wellbeing/instruments/mbi/").status_code == 404


def test_check_ins_show_on_the_overview_as_an_svg_trend(owner_client: Client, owner: User) -> None:
    with time_machine.travel(TODAY, tick=False):
        for day, value in (("2026-02-16", "5"), ("2026-02-23", "4"), ("2026-03-02", "3")):
            response = owner_client.post(
                "/wellbeing/check-in/",
                {
                    "taken_on": day,
                    "energy": value,
                    "engagement": value,
                    "sleep": value,
                    "workload": value,
                    "connection": value,
                },
            )
            assert response.status_code == 302
        page = owner_client.get("/wellbeing/").content.decode()

    assert [c.score for c in CheckIn.objects.for_user(owner)] == [100.0, 75.0, 50.0]
    assert "<svg" in page
    assert "<polyline" in page
    assert "Quick check-ins over time" in page
    assert "Your last check-ins have each been a little harder" in page  # the warning
    assert "988" in page  # crisis resources with the options
    assert "Resilience index" in page
    assert "25 %" in page


def test_a_second_check_in_on_a_day_replaces_the_first(owner: User) -> None:
    check_in(owner, date(2026, 3, 1), 2)
    check_in(owner, date(2026, 3, 1), 5)
    assert [c.score for c in CheckIn.objects.for_user(owner)] == [100.0]


def test_the_plan_adds_a_builder_that_ticks_off_on_the_checklist(
    owner_client: Client, owner: User
) -> None:
    with time_machine.travel(TODAY, tick=False):
        owner_client.post(
            "/wellbeing/plan/",
            {"text": "Lunch away from my desk", "why": "", "review_every_days": "14"},
        )
        owner_client.post("/wellbeing/items/", {"kind": "drainer", "label": "Notes after 9 pm"})
        commitment = Commitment.objects.get(user=owner)
        drainer = CareItem.objects.get(user=owner, kind="drainer")
        assert commitment.builder is not None
        assert commitment.builder.label == "Lunch away from my desk"
        assert commitment.next_review_on == date(2026, 3, 16)

        page = owner_client.get("/wellbeing/today/").content.decode()
        assert "Lunch away from my desk" in page
        assert "Notes after 9 pm" in page
        owner_client.post(
            "/wellbeing/today/",
            {"day": "2026-03-02", "ticked": [commitment.builder.pk, drainer.pk]},
        )
        owner_client.post(
            "/wellbeing/today/", {"day": "2026-03-02", "ticked": [commitment.builder.pk]}
        )

        ticks = list(CareTick.objects.for_user(owner).values_list("item_id", "day"))
        assert ticks == [(commitment.builder.pk, date(2026, 3, 2))]
        owner_client.post(f"/wellbeing/plan/{commitment.pk}/review/")
    commitment.refresh_from_db()
    assert commitment.last_reviewed_on == date(2026, 3, 2)


def test_the_leave_clock_counts_days_since_and_until(owner_client: Client, owner: User) -> None:
    with time_machine.travel(TODAY, tick=False):
        owner_client.post(
            "/wellbeing/time-off/", {"starts_on": "2026-01-26", "ends_on": "2026-01-30"}
        )
        owner_client.post(
            "/wellbeing/time-off/", {"starts_on": "2026-04-01", "ends_on": "2026-04-03"}
        )
        bad = owner_client.post(
            "/wellbeing/time-off/", {"starts_on": "2026-05-05", "ends_on": "2026-05-01"}
        )
        page = owner_client.get("/wellbeing/").content.decode()

    assert "cannot be before the first" in bad.content.decode()
    assert TimeOff.objects.for_user(owner).count() == 2
    assert "31</span> days since your last time off" in page
    assert "30</span> days until your next time off" in page


def test_settings_are_saved_and_validated(owner_client: Client, owner: User) -> None:
    response = owner_client.post(
        "/wellbeing/settings/",
        {
            "checkin_every_days": "14", "proqol_every_days": "0", "cbi_every_days": "90",
            "leave_warning_days": "60", "weekly_session_limit": "25", "weekly_hours_limit": "",
            "consultation_contact": "Tuesday peer group (Sam)",
        },
    )  # fmt: skip
    assert response.status_code == 302
    saved = WellbeingSettings.objects.get(user=owner)
    assert (saved.checkin_every_days, saved.proqol_every_days, saved.weekly_session_limit) == (
        14,
        0,
        25,
    )
    bad = owner_client.post(
        "/wellbeing/settings/", {"checkin_every_days": "-1", "proqol_every_days": "400"}
    )
    assert bad.status_code == 200
    assert WellbeingSettings.objects.get(user=owner).checkin_every_days == 14


def give_history(user: User, weeks: int, earlier_by: int = 0) -> None:
    """``weeks`` weekly rows of each kind, ending ``earlier_by`` weeks before 2026-03-02."""
    start = date(2026, 3, 2) - timedelta(weeks=weeks + earlier_by)
    item = CareItem.objects.create(user=user, kind="builder", label="Walk")
    for week in range(weeks):
        day = start + timedelta(weeks=week)
        CheckIn.objects.create(
            user=user,
            taken_on=day,
            energy=3,
            engagement=3,
            sleep=3,
            workload=3,
            connection=3,
            score=50,
        )
        WorkloadWeek.objects.create(user=user, week_start=day, sessions=20, hours=30)
        CareTick.objects.create(user=user, item=item, day=day)
        TimeOff.objects.create(user=user, starts_on=day, ends_on=day)
    for month in range(max(weeks // 4, 1)):
        take_proqol(user, start + timedelta(days=30 * month))
    Commitment.objects.create(user=user, text="Walk", next_review_on=date(2026, 3, 1), builder=item)


@pytest.mark.parametrize(
    "path",
    [
        "/wellbeing/",
        "/wellbeing/support/",
        "/wellbeing/time-off/",
        "/wellbeing/workload/",
        "/wellbeing/plan/",
        "/wellbeing/today/",
    ],
)
def test_pages_run_a_bounded_number_of_queries(
    owner_client: Client, owner: User, django_assert_max_num_queries: Any, path: str
) -> None:
    # 11: the overview and support pages also look up the user's consultation groups.
    with time_machine.travel(TODAY, tick=False):
        give_history(owner, 2)
        with django_assert_max_num_queries(11):
            assert owner_client.get(path).status_code == 200
        give_history(owner, 40, earlier_by=2)
        with django_assert_max_num_queries(11):
            assert owner_client.get(path).status_code == 200


# -- privacy ---------------------------------------------------------------------------------------


@pytest.fixture
def owned(owner: User) -> dict[str, int]:
    result = take_proqol(owner, date(2026, 2, 1))
    item = CareItem.objects.create(user=owner, kind="builder", label="Owner's secret walk")
    commitment = Commitment.objects.create(
        user=owner, text="Owner's plan", next_review_on=date(2026, 3, 1), builder=item
    )
    leave = add_leave(owner, date(2026, 1, 30))
    return {"result": result.pk, "item": item.pk, "commitment": commitment.pk, "leave": leave.pk}


def owner_urls(ids: dict[str, int]) -> list[tuple[str, str]]:
    return [
        ("get", f"/wellbeing/results/{ids['result']}/"),
        ("get", f"/wellbeing/results/{ids['result']}/delete/"),
        ("post", f"/wellbeing/results/{ids['result']}/delete/"),
        ("post", f"/wellbeing/items/{ids['item']}/archive/"),
        ("post", f"/wellbeing/plan/{ids['commitment']}/review/"),
        ("post", f"/wellbeing/plan/{ids['commitment']}/delete/"),
        ("post", f"/wellbeing/time-off/{ids['leave']}/delete/"),
    ]


def test_the_owner_reaches_their_own_objects(owner_client: Client, owned: dict[str, int]) -> None:
    assert owner_client.get(f"/wellbeing/results/{owned['result']}/").status_code == 200
    for method, url in owner_urls(owned):
        assert getattr(owner_client, method)(url).status_code in (200, 302), url


def test_a_peer_and_a_staff_administrator_get_404_and_see_nothing(
    peer_client: Client, owned: dict[str, int], owner: User
) -> None:
    staff = make_user("admin@example.org", is_staff=True, is_superuser=True)
    staff_client = Client()
    staff_client.force_login(staff)
    for client in (peer_client, staff_client):
        for method, url in owner_urls(owned):
            assert getattr(client, method)(url).status_code == 404, url
        for page in (
            "/wellbeing/",
            "/wellbeing/today/",
            "/wellbeing/plan/",
            "/wellbeing/time-off/",
        ):
            html = client.get(page).content.decode()
            assert "Owner&#x27;s secret walk" not in html
            assert "Owner's plan" not in html
            assert "Owner&#x27;s plan" not in html
    assert InstrumentResult.objects.filter(pk=owned["result"]).exists()
    assert Commitment.objects.filter(pk=owned["commitment"]).exists()


def test_the_owners_organization_admins_and_supervisors_see_none_of_it(
    owned: dict[str, int], owner: User
) -> None:
    """Even where the owner shares their CE compliance with an organization, its owner, admins
    and supervisors reach no well-being object and find none of it on the organization's pages
    or in its API."""
    organization = Organization.objects.create(name="Riverside Counseling")
    Membership.objects.create(
        organization=organization, user=owner, role=Role.MEMBER, shares_compliance=True
    )
    for role in (Role.OWNER, Role.ADMIN, Role.SUPERVISOR):
        colleague = make_user(f"org-{role}@example.org")
        Membership.objects.create(organization=organization, user=colleague, role=role)
        client = Client()
        client.force_login(colleague)
        for method, url in owner_urls(owned):
            assert getattr(client, method)(url).status_code == 404, (role, url)
        for page in (
            f"/organizations/{organization.pk}/",
            f"/organizations/{organization.pk}/compliance/",
            f"/api/organizations/{organization.pk}",
            f"/api/organizations/{organization.pk}/compliance",
        ):
            response = client.get(page)
            assert response.status_code == 200, (role, page)
            text = response.content.decode().lower()
            for private in (
                "secret walk",
                "owner&#x27;s plan",
                "owner's plan",
                "proqol",
                "burnout",
            ):
                assert private not in text, (role, page, private)


def test_an_outsider_is_sent_to_sign_in(client: Client, owned: dict[str, int]) -> None:
    for method, url in [
        *owner_urls(owned),
        ("get", "/wellbeing/"),
        ("get", "/wellbeing/check-in/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


def test_no_wellbeing_model_is_in_the_admin() -> None:
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "wellbeing" not in registered


def test_the_export_holds_every_kind_of_wellbeing_data_and_deletion_removes_it(
    owner_client: Client, owner: User, peer: User
) -> None:
    give_history(owner, 2)
    WellbeingSettings.objects.create(user=owner, consultation_contact="Sam")
    give_history(peer, 1)

    response = owner_client.get("/settings/export/")
    data = json.loads(response.content)["wellbeing"]

    assert {key: len(rows) for key, rows in data.items()} == {
        "settings": 1, "instrument_results": 1, "checkins": 2, "checklist_items": 1,
        "checklist_ticks": 2, "self_care_plan": 1, "time_off": 2, "workload_weeks": 2,
    }  # fmt: skip
    assert data["instrument_results"][0]["scores"][0]["subscale"] == "compassion-satisfaction"

    response = owner_client.post("/settings/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    for model in (
        WellbeingSettings,
        InstrumentResult,
        CheckIn,
        CareItem,
        CareTick,
        Commitment,
        TimeOff,
        WorkloadWeek,
    ):
        assert not model.objects.filter(user_id=owner.pk).exists(), model
    assert CheckIn.objects.filter(user=peer).count() == 1


def test_the_options_name_the_consultation_groups_the_user_joined(
    owner: User, owner_client: Client
) -> None:
    joined = Group.objects.create(name="Thursday trauma consultation")
    GroupMembership.objects.create(group=joined, user=owner, joined_at=timezone.now())
    invited_only = Group.objects.create(name="Group not joined yet")
    GroupMembership.objects.create(group=invited_only, user=owner)

    html = owner_client.get("/wellbeing/support/").content.decode()

    assert f'href="/groups/{joined.pk}/">Thursday trauma consultation</a>' in html
    assert "Group not joined yet" not in html
