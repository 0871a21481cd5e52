"""From a certificate to activities: the prefilled activity form with how sure each field is,
confirming or correcting it, and one certificate backing several activities (never another
user's)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.credits.models import Activity, Certificate
from tests.credits.certificates.helpers import make_certificate
from tests.credits.helpers import activity_form_data, make_activity

AFTER_THE_COURSES = time_machine.travel(date(2026, 11, 1), tick=False)


def activity_url(certificate: Certificate) -> str:
    return reverse("credits:certificate_activity", args=[certificate.pk])


def link_url(certificate: Certificate) -> str:
    return reverse("credits:certificate_link", args=[certificate.pk])


def confirm_data(form: Any) -> dict[str, Any]:
    """What the browser posts for the form as prefilled (every initial value kept)."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if name in ("topics", "approvals"):
            prepared = field.prepare_value(value)
            data[name] = [choice for choice, (ticked, _) in prepared.items() if ticked]
            for choice, (_, amount) in prepared.items():
                data[f"{name}-{choice}"] = amount
        elif name == "certificates":
            data[name] = [getattr(item, "pk", item) for item in value or []]
        elif value is not None:
            data[name] = value.isoformat() if isinstance(value, date) else value
    return data


@pytest.fixture
def nbcc(owner: User, certificate_files: dict[str, Path]) -> Certificate:
    return make_certificate(owner, certificate_files["nbcc_home_study"])


def test_the_form_is_prefilled_with_what_was_read(owner_client: Client, nbcc: Certificate) -> None:
    response = owner_client.get(activity_url(nbcc))

    form = response.context["form"]
    initial = {name: form.get_initial_for_field(form.fields[name], name) for name in form.fields}
    assert initial["title"] == "Ethical Dilemmas in Telehealth Counseling"
    assert initial["provider"] == "ClearPath CE"
    assert initial["completed_on"] == date(2026, 3, 3)
    assert initial["hours"] == "5"
    assert (initial["unit"], initial["format"], initial["kind"]) == (
        "clock-hour",
        "self-study",
        "course",
    )
    assert initial["topics"] == [
        {"slug": "ethics", "hours": None},
        {"slug": "telehealth", "hours": None},
    ]
    assert initial["approvals"] == [{"body": "nbcc", "number": "6361"}]
    assert initial["certificates"] == [nbcc.pk]


def test_each_field_says_where_it_was_read_and_how_sure(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    content = owner_client.get(activity_url(nbcc)).content.decode()

    assert "Read from: “Date Completed: 03/03/2026” — <strong>sure</strong>." in content
    assert "Read from: “Credits Awarded: 5.0 NBCC clock hours” — <strong>sure</strong>." in content
    # A default guessed from little evidence asks to be checked.
    assert "<strong>likely; check it</strong>" in content
    # The note is part of each field's description for screen readers.
    assert 'aria-describedby="id_completed_on_helptext"' in content
    assert "Issued to: <strong>Morgan Lee, LPC</strong>" in content


def test_a_field_not_found_asks_to_be_entered(
    owner_client: Client, owner: User, certificate_files: dict[str, Path]
) -> None:
    agenda = make_certificate(owner, certificate_files["two_page_agenda"])

    content = owner_client.get(activity_url(agenda)).content.decode()

    assert "None found on the certificate: tick any that apply." in content  # no topics


def test_evidence_is_escaped(owner: User, owner_client: Client, nbcc: Certificate) -> None:
    nbcc.reading["evidence"]["title"] = "<script>alert(1)</script>"
    nbcc.save()

    content = owner_client.get(activity_url(nbcc)).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@AFTER_THE_COURSES
def test_confirming_creates_the_activity_backed_by_the_certificate(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    form = owner_client.get(activity_url(nbcc)).context["form"]

    response = owner_client.post(activity_url(nbcc), confirm_data(form))

    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("credits:certificate_list")
    activity = Activity.objects.get(user=owner)
    assert (activity.title, activity.provider, activity.completed_on) == (
        "Ethical Dilemmas in Telehealth Counseling",
        "ClearPath CE",
        date(2026, 3, 3),
    )
    assert (activity.hours, activity.format, activity.kind) == (
        Decimal("5"),
        "self-study",
        "course",
    )
    assert activity.topics == [
        {"slug": "ethics", "hours": None},
        {"slug": "telehealth", "hours": None},
    ]
    assert activity.approvals == [{"body": "nbcc", "number": "6361"}]
    assert list(activity.certificates.all()) == [nbcc]


@AFTER_THE_COURSES
def test_corrections_are_saved_and_the_certificate_is_linked_even_if_unticked(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    data = confirm_data(owner_client.get(activity_url(nbcc)).context["form"])
    data.update(title="Ethics in Telehealth (corrected)", hours="4.5", certificates=[])

    owner_client.post(activity_url(nbcc), data)

    activity = Activity.objects.get(user=owner)
    assert (activity.title, activity.hours) == ("Ethics in Telehealth (corrected)", Decimal("4.5"))
    assert list(activity.certificates.all()) == [nbcc]


@AFTER_THE_COURSES
def test_invalid_corrections_are_refused_and_nothing_is_created(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    data = confirm_data(owner_client.get(activity_url(nbcc)).context["form"])
    data["hours"] = "0"

    response = owner_client.post(activity_url(nbcc), data)

    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    assert not Activity.objects.exists()


@AFTER_THE_COURSES
def test_an_image_certificate_is_entered_by_hand_and_linked(
    owner_client: Client, owner: User, certificate_files: dict[str, Path]
) -> None:
    image = make_certificate(owner, certificate_files["image_png"])
    page = owner_client.get(activity_url(image))
    assert "nothing was read from it" in page.content.decode()
    form = page.context["form"]
    assert not form.get_initial_for_field(form.fields["title"], "title")

    response = owner_client.post(
        activity_url(image), activity_form_data(certificates=[image.pk], completed_on="2026-03-03")
    )

    assert response.status_code == 302
    assert list(Activity.objects.get(user=owner).certificates.all()) == [image]


# One certificate, several activities.


def test_the_certificate_page_links_it_to_another_activity(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    first = make_activity(owner, title="Part 1")
    second = make_activity(owner, title="Part 2")
    first.certificates.add(nbcc)
    detail = owner_client.get(reverse("credits:certificate_detail", args=[nbcc.pk]))
    offered = list(detail.context["link_form"].fields["activity"].queryset)
    assert offered == [second]  # already linked activities are not offered

    response = owner_client.post(link_url(nbcc), {"activity": second.pk})

    assert response.status_code == 302
    assert set(nbcc.activities.all()) == {first, second}
    assert Certificate.objects.count() == 1


def test_it_never_links_another_users_activity(
    owner_client: Client, peer: User, nbcc: Certificate
) -> None:
    theirs = make_activity(peer, title="Peer's course")

    response = owner_client.post(link_url(nbcc), {"activity": theirs.pk})

    assert response.status_code == 400
    assert "activity" in response.context["link_form"].errors
    assert not nbcc.activities.exists()


def test_unlinking_keeps_both_the_activity_and_the_certificate(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    activity = make_activity(owner)
    activity.certificates.add(nbcc)

    response = owner_client.post(reverse("credits:certificate_unlink", args=[nbcc.pk, activity.pk]))

    assert response.status_code == 302
    assert not nbcc.activities.exists()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_peer_cannot_unlink(peer_client: Client, owner: User, nbcc: Certificate) -> None:
    activity = make_activity(owner)
    activity.certificates.add(nbcc)

    response = peer_client.post(reverse("credits:certificate_unlink", args=[nbcc.pk, activity.pk]))

    assert response.status_code == 404
    assert nbcc.activities.count() == 1


def test_the_activity_form_offers_only_the_users_certificates(
    owner_client: Client, owner: User, peer: User, certificate_files: dict[str, Path]
) -> None:
    mine = make_certificate(owner, certificate_files["ny_sed"])
    theirs = make_certificate(peer, certificate_files["conference"])

    response = owner_client.get(reverse("credits:activity_add"))

    assert list(response.context["form"].fields["certificates"].queryset) == [mine]
    content = response.content.decode()
    assert "ny_sed.pdf" in content
    assert "conference.pdf" not in content
    assert theirs.pk != mine.pk


def test_the_activity_form_links_an_existing_certificate_to_a_second_activity(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    first = make_activity(owner, title="Part 1")
    first.certificates.add(nbcc)

    owner_client.post(
        reverse("credits:activity_add"), activity_form_data(title="Part 2", certificates=[nbcc.pk])
    )

    second = Activity.objects.get(user=owner, title="Part 2")
    assert list(second.certificates.all()) == [nbcc]
    assert nbcc.activities.count() == 2


def test_the_activity_form_refuses_another_users_certificate(
    owner_client: Client, owner: User, peer: User, certificate_files: dict[str, Path]
) -> None:
    theirs = make_certificate(peer, certificate_files["conference"])

    response = owner_client.post(
        reverse("credits:activity_add"), activity_form_data(certificates=[theirs.pk])
    )

    assert response.status_code == 200
    assert "certificates" in response.context["form"].errors
    assert not Activity.objects.filter(user=owner).exists()


def test_editing_an_activity_can_unlink_its_certificate(
    owner_client: Client, owner: User, nbcc: Certificate
) -> None:
    activity = make_activity(owner)
    activity.certificates.add(nbcc)

    owner_client.post(
        reverse("credits:activity_edit", args=[activity.pk]), activity_form_data(certificates=[])
    )

    assert not activity.certificates.exists()
    assert Certificate.objects.filter(pk=nbcc.pk).exists()
