"""Adding, editing and deleting an activity: validated on the server, owner-scoped, and
accessible markup for the topic and approval checklists."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from tests.credits.helpers import activity_form_data, make_activity

ADD_URL = reverse("credits:activity_add")
LIST_URL = reverse("credits:activity_list")


def edit_url(activity: Activity) -> str:
    return reverse("credits:activity_edit", args=[activity.pk])


def delete_url(activity: Activity) -> str:
    return reverse("credits:activity_delete", args=[activity.pk])


def form_errors(response: Any) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# Adding


def test_it_adds_an_activity_with_topics_and_approvals(owner_client: Client, owner: User) -> None:
    response = owner_client.post(ADD_URL, activity_form_data())

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    activity = Activity.objects.get(user=owner)
    assert (activity.title, activity.provider, activity.completed_on) == (
        "Ethics in practice",
        "CAMFT",
        date(2025, 3, 14),
    )
    assert (activity.hours, activity.unit, activity.format, activity.kind) == (
        Decimal("6"),
        "clock-hour",
        "live-online",
        "course",
    )
    assert activity.topics == [
        {"slug": "ethics", "hours": 3.0},
        {"slug": "clinical-practice", "hours": None},
    ]
    assert activity.approvals == [{"body": "nbcc", "number": "6361"}]
    assert activity.topic_slugs == "|ethics|clinical-practice|"
    messages = [str(message) for message in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert messages == ["Added “Ethics in practice”."]


def test_save_and_add_another_returns_to_an_empty_form(owner_client: Client, owner: User) -> None:
    response = owner_client.post(ADD_URL, activity_form_data(add_another="1"))

    assert response["Location"] == ADD_URL
    assert Activity.objects.filter(user=owner).count() == 1


def test_the_form_says_one_entry_counts_toward_every_license(owner_client: Client) -> None:
    response = owner_client.get(ADD_URL)

    assert response.status_code == 200
    assert "counts it toward every license and certification" in response.content.decode()
    assert response.context["nav_section"] == "activities"


def test_typing_topic_hours_ticks_the_topic(owner_client: Client, owner: User) -> None:
    owner_client.post(
        ADD_URL, activity_form_data(topics=[], **{"topics-ethics": "", "topics-trauma": "2"})
    )

    assert Activity.objects.get(user=owner).topics == [{"slug": "trauma", "hours": 2.0}]


def test_an_activity_may_have_no_topics_or_approvals(owner_client: Client, owner: User) -> None:
    data = activity_form_data(topics=[], approvals=[])
    del data["topics-ethics"], data["approvals-nbcc"]

    response = owner_client.post(ADD_URL, data)

    assert response.status_code == 302
    activity = Activity.objects.get(user=owner)
    assert (activity.topics, activity.approvals, activity.topic_slugs) == ([], [], "")


def test_it_stores_semester_hours_for_an_academic_course(owner_client: Client, owner: User) -> None:
    owner_client.post(
        ADD_URL,
        activity_form_data(kind="academic-course", unit="semester-hour", hours="3", topics=[]),
    )

    activity = Activity.objects.get(user=owner)
    assert (activity.unit, activity.hours) == ("semester-hour", Decimal("3"))


@pytest.mark.parametrize(
    ("overrides", "field", "needle"),
    [
        ({"hours": "0"}, "hours", "greater than 0"),
        ({"hours": "-1"}, "hours", "greater than 0"),
        ({"hours": "1.234"}, "hours", "2 decimal places"),
        ({"hours": "1001"}, "hours", "less than or equal to 1000"),
        ({"hours": "two"}, "hours", "Enter a number"),
        ({"title": ""}, "title", "required"),
        ({"completed_on": "14/03/2025"}, "completed_on", "valid date"),
        ({"format": "webinar"}, "format", "valid choice"),
        ({"topics-ethics": "7"}, "topics", "more than the activity's 6 hours"),
        ({"topics-ethics": "0"}, "topics", "Ethics: the hours must be greater than 0"),
        ({"topics-ethics": "lots"}, "topics", "Ethics: enter the hours as a number"),
        ({"unit": "semester-hour"}, "unit", "for academic courses"),
        ({"approvals-nbcc": "x" * 61}, "approvals", "NBCC: the approval number is longer"),
        ({"approvals-nbcc": "63;61"}, "approvals", "cannot contain"),
    ],
)
def test_it_rejects_bad_input_keeping_what_was_typed(
    owner_client: Client, owner: User, overrides: dict[str, str], field: str, needle: str
) -> None:
    data = activity_form_data(**overrides)

    response = owner_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert not Activity.objects.filter(user=owner).exists()
    errors = form_errors(response)
    assert any(needle in message for message in errors[field]), errors
    page = response.content.decode()
    assert 'class="error-summary"' in page
    # Nothing typed is lost: the title and the topic hours come back in the form.
    if data.get("title"):
        assert f'value="{data["title"]}"' in page
    assert f'name="topics-ethics" id="id_topics_ethics_amount" value="{data["topics-ethics"]}"' in (
        page
    )


@time_machine.travel("2025-06-01 12:00 +0000", tick=False)
def test_it_rejects_a_completion_date_in_the_future(owner_client: Client, owner: User) -> None:
    tomorrow = date(2025, 6, 2)

    response = owner_client.post(ADD_URL, activity_form_data(completed_on=tomorrow.isoformat()))

    assert "in the future" in form_errors(response)["completed_on"][0]
    assert not Activity.objects.exists()


def test_an_outsider_cannot_add(client: Client, db: None) -> None:
    response = client.post(ADD_URL, activity_form_data())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Activity.objects.exists()


# Accessible markup


def labelled_ids(page: str) -> set[str]:
    return set(re.findall(r'<label[^>]* for="([^"]+)"', page))


def test_every_input_of_the_form_has_a_label(owner_client: Client) -> None:
    page = owner_client.get(ADD_URL).content.decode()
    form = page[page.index('<form method="post" class="activity-form"') :]
    form = form[: form.index("</form>")]

    input_ids = set(
        re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]* id="([^"]+)"', form)
    )

    assert "id_topics_ethics" in input_ids
    assert "id_approvals_nbcc_amount" in input_ids
    assert input_ids - labelled_ids(form) == set()


def test_topics_and_approvals_are_fieldsets_with_legends(owner_client: Client) -> None:
    page = owner_client.get(ADD_URL).content.decode()

    for legend in ("Topics", "Approved by", "Format"):
        assert re.search(rf"<fieldset[^>]*>\s*<legend>{legend}</legend>", page), legend
    assert '<span class="visually-hidden">Ethics: </span>hours (optional)' in page
    assert '<span class="visually-hidden">NBCC: </span>approval number (optional)' in page


def test_the_page_has_no_inline_styles_or_scripts(owner_client: Client) -> None:
    page = owner_client.get(ADD_URL).content.decode()

    assert "style=" not in page
    assert "<script>" not in page
    assert " on" + "click=" not in page


# Editing


def test_the_edit_form_shows_the_stored_topics_and_approvals(
    owner_client: Client, owner: User
) -> None:
    activity = make_activity(owner)

    page = owner_client.get(edit_url(activity)).content.decode()

    assert 'value="ethics" id="id_topics_ethics" checked' in page
    assert 'name="topics-ethics" id="id_topics_ethics_amount" value="3"' in page
    assert 'value="clinical-practice" id="id_topics_clinical-practice" checked' in page
    assert 'value="trauma" id="id_topics_trauma">' in page
    assert 'name="approvals-nbcc" id="id_approvals_nbcc_amount" value="6361"' in page
    assert 'value="2025-03-14"' in page


def test_the_owner_edits_an_activity(owner_client: Client, owner: User) -> None:
    activity = make_activity(owner)

    response = owner_client.post(
        edit_url(activity),
        activity_form_data(title="Ethics, revised", hours="4", topics=["trauma"], **{
            "topics-ethics": "", "topics-trauma": "1.5"
        }),
    )  # fmt: skip

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.hours) == ("Ethics, revised", Decimal("4"))
    assert activity.topics == [{"slug": "trauma", "hours": 1.5}]
    assert activity.topic_slugs == "|trauma|"


def test_a_peer_gets_404_on_another_users_activity(peer_client: Client, owner: User) -> None:
    activity = make_activity(owner)

    assert peer_client.get(edit_url(activity)).status_code == 404
    assert (
        peer_client.post(edit_url(activity), activity_form_data(title="Stolen")).status_code == 404
    )
    activity.refresh_from_db()
    assert activity.title == "Ethics in practice"


def test_an_outsider_cannot_edit(client: Client, owner: User) -> None:
    activity = make_activity(owner)

    response = client.get(edit_url(activity))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_editing_a_missing_activity_is_404(owner_client: Client) -> None:
    assert owner_client.get(reverse("credits:activity_edit", args=[999_999])).status_code == 404


# Deleting


def test_delete_asks_for_confirmation_first(owner_client: Client, owner: User) -> None:
    activity = make_activity(owner)

    response = owner_client.get(delete_url(activity))

    assert response.status_code == 200
    assert "Delete this activity?" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_owner_deletes_an_activity(owner_client: Client, owner: User) -> None:
    activity = make_activity(owner)

    response = owner_client.post(delete_url(activity))

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_a_peer_cannot_delete_another_users_activity(peer_client: Client, owner: User) -> None:
    activity = make_activity(owner)

    assert peer_client.get(delete_url(activity)).status_code == 404
    assert peer_client.post(delete_url(activity)).status_code == 404
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_an_outsider_cannot_delete(client: Client, owner: User) -> None:
    activity = make_activity(owner)

    response = client.post(delete_url(activity))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_yesterday_is_not_the_future(owner_client: Client, owner: User) -> None:
    yesterday = date.today() - timedelta(days=1)

    response = owner_client.post(ADD_URL, activity_form_data(completed_on=yesterday.isoformat()))

    assert response.status_code == 302
