"""The planning pages: the plan list, add/edit/delete, "I completed this", and the projection on
the dashboard and the license page. Each with the owner, a peer (404) and an outsider (sign
in); bounded queries; accessible markup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import Activity, PlannedActivity
from tests.credits.test_planning_services import (
    make_plan,
    plans_closing_the_gap,
    texas_short_of_cultural_competence,
)
from tests.licensure.factories import TODAY, add_activity, make_license

LIST_URL = reverse("credits:plan_list")
ADD_URL = reverse("credits:plan_add")
DASHBOARD_URL = reverse("licensure:dashboard")
LOGIN_URL = reverse("account_login")


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(f"{TODAY.isoformat()} 19:00:00+00:00", tick=False):
        yield


def edit_url(plan: PlannedActivity) -> str:
    return reverse("credits:plan_edit", args=[plan.pk])


def delete_url(plan: PlannedActivity) -> str:
    return reverse("credits:plan_delete", args=[plan.pk])


def complete_url(plan: PlannedActivity) -> str:
    return reverse("credits:plan_complete", args=[plan.pk])


def plan_form_data(**overrides: Any) -> dict[str, Any]:
    """What the plan form posts for a three-hour cultural competence workshop."""
    data: dict[str, Any] = {
        "title": "Cultural humility in practice",
        "provider": "NASW",
        "planned_on": "2026-09-01",
        "hours": "3",
        "unit": "clock-hour",
        "format": "live-online",
        "kind": "course",
        "topics": ["cultural-competence"],
        "approvals": ["nasw"],
        "approvals-nasw": "886",
        "url": "https://www.example.org/cultural-humility",
        "notes": "Register by August.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def completion_data(plan: PlannedActivity, **overrides: Any) -> dict[str, Any]:
    """The "I completed this" form as it comes prefilled, sent as is."""
    initial = plan.activity_initial(TODAY)
    data: dict[str, Any] = {
        "title": initial["title"],
        "provider": initial["provider"],
        "completed_on": initial["completed_on"].isoformat(),
        "hours": str(initial["hours"]),
        "unit": initial["unit"],
        "format": initial["format"],
        "kind": initial["kind"],
        "topics": [item["slug"] for item in initial["topics"]],
        "approvals": [item["body"] for item in initial["approvals"]],
        "notes": initial["notes"],
    }
    data.update(overrides)
    return data


def form_errors(response: Any) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def main_html(response: Any) -> str:
    return str(response.content.decode().split("<main", 1)[1])


def text_of(html: str) -> str:
    """The visible words of some HTML, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


# The plan list


def test_outsiders_are_sent_to_sign_in_from_every_planning_page(
    client: Client, owner: User
) -> None:
    plan = make_plan(owner, "Cultural humility", 3, date(2026, 9, 1))
    for url in (LIST_URL, ADD_URL, edit_url(plan), delete_url(plan), complete_url(plan)):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(LOGIN_URL)
    assert PlannedActivity.objects.get() == plan
    assert not Activity.objects.exists()


def test_the_list_shows_the_plans_soonest_first_and_flags_overdue_ones(
    owner: User, owner_client: Client
) -> None:
    make_plan(owner, "Later course", 6, date(2026, 12, 1), topics="trauma")
    make_plan(owner, "Overdue course", 3, TODAY - timedelta(days=5))
    make_plan(
        owner,
        "Soon course",
        1.5,
        TODAY + timedelta(days=2),
        url="https://www.example.org/soon",
        provider="PESI",
    )

    response = owner_client.get(LIST_URL)

    assert response.status_code == 200
    assert response.context["nav_section"] == "activities"
    html = main_html(response)
    titles = re.findall(r">(\w+ course)</a>", html)
    assert titles == ["Overdue course", "Soon course", "Later course"]
    assert html.count("Overdue: did you take it?") == 1
    assert "1 plan past its date." in text_of(html)
    assert 'href="https://www.example.org/soon" rel="noopener noreferrer nofollow"' in html
    assert html.count('class="button button-small" href="/plans/') == 3  # I completed this


def test_the_list_shows_what_the_plans_do_for_each_license(
    owner: User, owner_client: Client
) -> None:
    texas_short_of_cultural_competence(owner)
    plans_closing_the_gap(owner)

    html = main_html(owner_client.get(LIST_URL))

    assert "What your plans do" in html
    assert "With these plans you will be compliant on" in html
    assert '<time datetime="2026-10-15">October 15, 2026</time>' in html
    assert "(2 of 3 planned courses needed)" in text_of(html)


def test_the_list_shows_only_the_users_own_plans(
    owner: User, peer: User, owner_client: Client
) -> None:
    make_plan(peer, "Peer plan", 3, date(2026, 9, 1))
    make_plan(owner, "Owner plan", 3, date(2026, 9, 1))

    html = main_html(owner_client.get(LIST_URL))

    assert "Owner plan" in html
    assert "Peer plan" not in html


def test_an_empty_list_invites_a_first_plan(owner_client: Client) -> None:
    html = main_html(owner_client.get(LIST_URL))

    assert "No plans yet" in html
    assert ADD_URL in html


def test_the_list_runs_a_fixed_number_of_queries(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    texas_short_of_cultural_competence(owner)
    make_license(owner, "us-ca-lmft", expires_on=date(2027, 4, 30))
    for day in range(40):
        make_plan(owner, f"Course {day}", 1, TODAY + timedelta(days=day * 5))

    # session, user, plans, licenses, activities, own rule sets
    with django_assert_max_num_queries(6):
        response = owner_client.get(LIST_URL)

    assert response.status_code == 200


# Adding, editing, deleting


def test_the_owner_plans_a_course(owner: User, owner_client: Client) -> None:
    response = owner_client.post(ADD_URL, plan_form_data())

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    plan = PlannedActivity.objects.get()
    assert plan.user == owner
    assert (plan.title, plan.provider, plan.planned_on, plan.hours) == (
        "Cultural humility in practice",
        "NASW",
        date(2026, 9, 1),
        Decimal("3"),
    )
    assert plan.topics == [{"slug": "cultural-competence", "hours": None}]
    assert plan.approvals == [{"body": "nasw", "number": "886"}]
    assert plan.url == "https://www.example.org/cultural-humility"
    assert plan.notes == "Register by August."


def test_save_and_plan_another_returns_to_an_empty_form(owner_client: Client) -> None:
    response = owner_client.post(ADD_URL, plan_form_data(add_another="1"))

    assert response["Location"] == ADD_URL
    assert PlannedActivity.objects.count() == 1


def test_a_past_date_is_accepted_and_shown_as_overdue(owner: User, owner_client: Client) -> None:
    yesterday = (TODAY - timedelta(days=1)).isoformat()

    owner_client.post(ADD_URL, plan_form_data(planned_on=yesterday))

    assert PlannedActivity.objects.get().planned_on == TODAY - timedelta(days=1)
    assert "Overdue: did you take it?" in main_html(owner_client.get(LIST_URL))


def test_an_address_without_a_scheme_is_read_as_https(owner_client: Client) -> None:
    owner_client.post(ADD_URL, plan_form_data(url="www.example.org/course"))

    assert PlannedActivity.objects.get().url == "https://www.example.org/course"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "Enter a web address starting with https:// or http://."),
        ("url", "ftp://files.example.org/course", "starting with https:// or http://"),
        ("hours", "0", "Enter hours greater than 0."),
        ("planned_on", "2037-01-01", "more than 10 years away"),
        ("planned_on", "next week", "Enter a valid date."),
        ("title", "", "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    owner_client: Client, field: str, value: str, message: str
) -> None:
    response = owner_client.post(ADD_URL, plan_form_data(**{field: value}))

    assert response.status_code == 200
    assert any(message in error for error in form_errors(response)[field])
    assert not PlannedActivity.objects.exists()
    html = main_html(response)
    assert 'role="alert"' in html
    assert "Cultural humility in practice" in html or field == "title"  # what was typed stays


def test_the_course_rules_of_activities_apply_to_plans(owner_client: Client) -> None:
    response = owner_client.post(
        ADD_URL,
        plan_form_data(
            hours="2", topics=["ethics"], **{"topics-ethics": "3"}, unit="semester-hour"
        ),
    )

    errors = form_errors(response)
    assert "more than the activity's 2 hours" in errors["topics"][0]
    assert "academic courses" in errors["unit"][0]
    assert not PlannedActivity.objects.exists()


def test_every_input_of_the_plan_form_has_a_label_and_no_inline_style_or_script(
    owner_client: Client,
) -> None:
    html = main_html(owner_client.get(ADD_URL))

    ids = re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html)
    assert ids
    for input_id in ids:
        assert f'for="{input_id}"' in html, input_id
    assert "<legend" in html  # format, topics, approvals are fieldsets
    assert "style=" not in html
    assert "<script" not in html


def test_the_owner_edits_a_plan(owner: User, owner_client: Client) -> None:
    plan = make_plan(owner, "Cultural humility", 3, date(2026, 9, 1))

    page = owner_client.get(edit_url(plan))
    response = owner_client.post(edit_url(plan), plan_form_data(planned_on="2026-11-02"))

    assert page.status_code == 200
    assert 'value="2026-09-01"' in page.content.decode()
    assert response["Location"] == LIST_URL
    plan.refresh_from_db()
    assert plan.planned_on == date(2026, 11, 2)
    assert plan.title == "Cultural humility in practice"


def test_a_peer_gets_404_on_another_users_plan_and_changes_nothing(
    owner: User, peer_client: Client
) -> None:
    plan = make_plan(owner, "Cultural humility", 3, date(2026, 9, 1))

    for url in (edit_url(plan), delete_url(plan), complete_url(plan)):
        assert peer_client.get(url).status_code == 404, url
    assert peer_client.post(edit_url(plan), plan_form_data()).status_code == 404
    assert peer_client.post(delete_url(plan)).status_code == 404
    assert peer_client.post(complete_url(plan), completion_data(plan)).status_code == 404

    assert PlannedActivity.objects.get().title == "Cultural humility"
    assert not Activity.objects.exists()


def test_delete_asks_for_confirmation_then_deletes(owner: User, owner_client: Client) -> None:
    plan = make_plan(owner, "Cultural humility", 3, date(2026, 9, 1))

    page = owner_client.get(delete_url(plan))
    assert page.status_code == 200
    assert "Delete this plan?" in page.content.decode()
    assert PlannedActivity.objects.exists()

    response = owner_client.post(delete_url(plan))

    assert response["Location"] == LIST_URL
    assert not PlannedActivity.objects.exists()


def test_a_missing_plan_is_404(owner_client: Client) -> None:
    assert owner_client.get(reverse("credits:plan_edit", args=[999])).status_code == 404
    assert owner_client.get(reverse("credits:plan_complete", args=[999])).status_code == 404


# "I completed this"


def test_completing_opens_the_activity_form_prefilled_from_the_plan(
    owner: User, owner_client: Client
) -> None:
    plan = make_plan(
        owner,
        "Cultural humility",
        3,
        TODAY - timedelta(days=4),
        topics="cultural-competence=2;clinical-practice",
        approvals="nasw",
        notes="Bring the workbook.",
        url="https://www.example.org/c",
    )

    response = owner_client.get(complete_url(plan))

    assert response.status_code == 200
    html = main_html(response)
    assert 'value="Cultural humility"' in html
    assert 'name="hours" value="3"' in html
    assert f'value="{(TODAY - timedelta(days=4)).isoformat()}"' in html  # the planned date
    assert re.search(r'value="cultural-competence"[^>]*checked', html)
    assert (
        'name="topics-cultural-competence" id="id_topics_cultural-competence_amount" value="2"'
        in html
    )
    assert re.search(r'value="nasw"[^>]*checked', html)
    assert "Bring the workbook.\n\nCourse page: https://www.example.org/c</textarea>" in html
    assert "the completion date is set to that day" in html


def test_a_future_plan_is_completed_today(owner: User, owner_client: Client) -> None:
    plan = make_plan(owner, "Cultural humility", 3, TODAY + timedelta(days=30))

    html = main_html(owner_client.get(complete_url(plan)))

    assert f'value="{TODAY.isoformat()}"' in html
    assert "set to today" in html


def test_saving_adds_the_activity_and_removes_the_plan(owner: User, owner_client: Client) -> None:
    plan = make_plan(owner, "Cultural humility", 3, TODAY - timedelta(days=4), notes="Workbook.")

    response = owner_client.post(complete_url(plan), completion_data(plan))

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD_URL
    activity = Activity.objects.get()
    assert (activity.user, activity.title, activity.completed_on) == (
        owner,
        "Cultural humility",
        TODAY - timedelta(days=4),
    )
    assert activity.notes == "Workbook."
    assert not PlannedActivity.objects.exists()


def test_the_same_form_sent_twice_adds_one_activity(owner: User, owner_client: Client) -> None:
    plan = make_plan(owner, "Cultural humility", 3, TODAY)
    data = completion_data(plan)

    first = owner_client.post(complete_url(plan), data)
    second = owner_client.post(complete_url(plan), data, follow=True)

    assert first["Location"] == DASHBOARD_URL
    assert second.redirect_chain == [(reverse("credits:activity_list"), 302)]
    assert "already recorded as a completed activity" in second.content.decode()
    assert Activity.objects.count() == 1


def test_a_completion_racing_another_adds_one_activity(
    owner: User, owner_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan is read, then completed by another request before this one saves."""
    from lifelong.credits import planning

    plan = make_plan(owner, "Cultural humility", 3, TODAY)
    real_complete = planning.complete_plan

    def after_the_other_request(plan: PlannedActivity, save: Any) -> Activity:
        other = Activity(user=owner, **plan.activity_initial(TODAY))

        def save_other() -> Activity:
            other.save()
            return other

        real_complete(plan, save_other)
        return real_complete(plan, save)

    monkeypatch.setattr(planning, "complete_plan", after_the_other_request)
    response = owner_client.post(complete_url(plan), completion_data(plan), follow=True)

    assert response.redirect_chain == [(reverse("credits:activity_list"), 302)]
    assert "already recorded" in response.content.decode()
    assert Activity.objects.count() == 1


def test_an_invalid_completion_keeps_the_plan(owner: User, owner_client: Client) -> None:
    plan = make_plan(owner, "Cultural humility", 3, TODAY)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()

    response = owner_client.post(complete_url(plan), completion_data(plan, completed_on=tomorrow))

    assert response.status_code == 200
    assert "This date is in the future" in form_errors(response)["completed_on"][0]
    assert PlannedActivity.objects.get() == plan
    assert not Activity.objects.exists()


# The projection on the dashboard and the license page


def test_the_dashboard_card_shows_when_the_plans_make_the_license_compliant(
    owner: User, owner_client: Client
) -> None:
    texas_short_of_cultural_competence(owner)
    plans_closing_the_gap(owner)

    html = main_html(owner_client.get(DASHBOARD_URL))

    assert "NOT COMPLIANT" in html
    assert "<h3>Your plans</h3>" in html
    assert (
        "With these plans you will be compliant on "
        '<time datetime="2026-10-15">October 15, 2026</time>'
    ) in html
    assert LIST_URL in html


def test_the_dashboard_says_when_plans_are_not_enough(owner: User, owner_client: Client) -> None:
    texas_short_of_cultural_competence(owner)
    make_plan(owner, "EMDR basics", 6, date(2026, 9, 1), topics="trauma")
    make_plan(owner, "Spring conference", 3, date(2027, 3, 2), topics="cultural-competence")

    text = text_of(main_html(owner_client.get(DASHBOARD_URL)))

    assert (
        "These plans are not enough: 3 h of Cultural diversity or competency would still be "
        "missing."
    ) in text
    assert (
        "Plans after the deadline (January 31, 2027) do not count for this cycle: "
        "“Spring conference” (Mar 2, 2027)."
    ) in text


def test_the_dashboard_names_overdue_plans(owner: User, owner_client: Client) -> None:
    texas_short_of_cultural_competence(owner)
    make_plan(
        owner, "Cultural humility", 3, TODAY - timedelta(days=3), topics="cultural-competence"
    )

    text = text_of(main_html(owner_client.get(DASHBOARD_URL)))

    assert (
        "Not counted, past their date: “Cultural humility” (Jun 12, 2026). Did you take it?" in text
    )


def test_the_dashboard_invites_a_plan_when_something_is_missing(
    owner: User, owner_client: Client
) -> None:
    texas_short_of_cultural_competence(owner)

    html = main_html(owner_client.get(DASHBOARD_URL))

    assert f'<a href="{ADD_URL}">Plan a course</a>' in html
    assert "Planned courses" in html


def test_a_compliant_license_without_plans_shows_no_plan_section(
    owner: User, owner_client: Client
) -> None:
    texas_short_of_cultural_competence(owner)
    add_activity(owner, "Cultural humility", 6, topics="cultural-competence")

    html = main_html(owner_client.get(DASHBOARD_URL))

    assert "Your plans</h3>" not in html


def test_the_license_page_shows_the_projection(owner: User, owner_client: Client) -> None:
    license = texas_short_of_cultural_competence(owner)
    plans_closing_the_gap(owner)

    response = owner_client.get(reverse("licensure:license_detail", args=[license.pk]))

    html = main_html(response)
    assert "With these plans you will be compliant on" in html
    assert "October 15, 2026" in html


def test_the_projection_never_shows_a_peers_plans(
    owner: User, peer: User, owner_client: Client
) -> None:
    texas_short_of_cultural_competence(owner)
    plans_closing_the_gap(peer)

    html = main_html(owner_client.get(DASHBOARD_URL))

    assert "With these plans" not in html
    assert f'<a href="{ADD_URL}">Plan a course</a>' in html


def test_the_dashboard_adds_one_query_for_plans_whatever_their_number(
    owner: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    texas_short_of_cultural_competence(owner)
    make_license(owner, "us-ca-lmft", expires_on=date(2027, 4, 30))
    make_plan(owner, "Cultural humility", 3, date(2026, 7, 1), topics="cultural-competence")
    for day in range(30):
        make_plan(owner, f"Course {day}", 1, TODAY + timedelta(days=day * 7))

    # session, user, licenses, activities, own rule sets, plans
    with django_assert_max_num_queries(6):
        response = owner_client.get(DASHBOARD_URL)

    assert "With these plans" in response.content.decode()


def test_completing_the_plan_turns_the_projection_into_compliance(
    owner: User, owner_client: Client
) -> None:
    texas_short_of_cultural_competence(owner)
    plan = make_plan(owner, "Cultural humility", 6, TODAY, topics="cultural-competence")
    assert "With these plans you will be compliant on" in main_html(owner_client.get(DASHBOARD_URL))

    response = owner_client.post(complete_url(plan), completion_data(plan), follow=True)

    html = main_html(response)
    assert "NOT COMPLIANT" not in html
    assert "COMPLIANT" in html
    assert "With these plans" not in html
