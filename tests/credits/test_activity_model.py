"""Rules and queries on the Activity model."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lifelong.accounts.models import User
from lifelong.credits.models import Activity
from lifelong.rules import model as rules
from tests.credits.helpers import make_activity


def test_topic_slugs_follow_the_topics_on_every_save(owner: User) -> None:
    activity = make_activity(owner, topics=[{"slug": "ethics", "hours": None}])
    assert activity.topic_slugs == "|ethics|"

    activity.topics = [{"slug": "trauma", "hours": 1.0}, {"slug": "telehealth", "hours": None}]
    activity.save(update_fields=["topics"])

    activity.refresh_from_db()
    assert activity.topic_slugs == "|trauma|telehealth|"


def test_bulk_create_fills_topic_slugs(owner: User) -> None:
    Activity.objects.bulk_create(
        [
            Activity(
                user=owner,
                title="Bulk",
                completed_on=date(2025, 1, 1),
                hours=Decimal(1),
                format="in-person",
                kind="course",
                topics=[{"slug": "hiv-aids", "hours": None}],
            )
        ]
    )

    assert Activity.objects.get(user=owner).topic_slugs == "|hiv-aids|"
    assert Activity.objects.with_topic("hiv-aids").count() == 1
    assert Activity.objects.with_topic("aids").count() == 0


def test_it_rejects_topic_hours_over_the_activity_hours(owner: User) -> None:
    activity = Activity(
        user=owner,
        title="Short",
        completed_on=date(2025, 1, 1),
        hours=Decimal("1.5"),
        format="in-person",
        kind="course",
        topics=[{"slug": "ethics", "hours": 2.0}],
    )

    with pytest.raises(ValidationError) as caught:
        activity.full_clean()

    assert caught.value.message_dict == {
        "topics": ["Hours for Ethics are more than the activity's 1.5 hours."]
    }


def test_it_rejects_semester_hours_for_a_course(owner: User) -> None:
    activity = Activity(
        user=owner,
        title="Workshop",
        completed_on=date(2025, 1, 1),
        hours=Decimal(3),
        unit="semester-hour",
        format="in-person",
        kind="course",
    )

    with pytest.raises(ValidationError) as caught:
        activity.full_clean()

    assert list(caught.value.message_dict) == ["unit"]


def test_a_valid_activity_passes_full_clean(owner: User) -> None:
    make_activity(owner).full_clean()


def test_rules_fields_round_trip_through_the_model(owner: User) -> None:
    original = rules.Activity(
        id="x",
        title="Statistics",
        provider="State U",
        completed_on=date(2024, 12, 15),
        hours=3.0,
        format="in-person",
        kind="academic-course",
        topics=(rules.TopicShare("assessment", 1.25), rules.TopicShare("ethics")),
        approvals=(rules.Approval("university", "STAT 501"),),
        unit="semester-hour",
    )

    saved = Activity.objects.create(user=owner, **Activity.fields_from_rules(original))
    saved.refresh_from_db()

    assert saved.to_rules() == rules.Activity(**{**_fields(original), "id": str(saved.pk)})


def _fields(activity: rules.Activity) -> dict[str, object]:
    return {name: getattr(activity, name) for name in rules.Activity.__slots__}


def test_totals_and_years_are_per_user(owner: User, peer: User) -> None:
    make_activity(owner, hours=Decimal("2.25"), completed_on=date(2023, 4, 1))
    make_activity(owner, hours=Decimal("1"), completed_on=date(2025, 4, 1))
    make_activity(peer, hours=Decimal("40"), completed_on=date(2019, 4, 1))

    mine = Activity.objects.for_user(owner)

    assert mine.years() == [2025, 2023]
    assert [(t.unit, t.hours, t.activities) for t in mine.totals_by_unit()] == [
        ("clock-hour", Decimal("3.25"), 2)
    ]


def test_labels_read_well(owner: User) -> None:
    activity = make_activity(
        owner,
        hours=Decimal("1.50"),
        topics=[{"slug": "hiv-aids", "hours": 1.0}, {"slug": "ethics", "hours": None}],
        approvals=[{"body": "nbcc", "number": "6361"}, {"body": "apa", "number": ""}],
    )

    assert activity.hours_text == "1.5"
    assert activity.topic_labels == ["HIV/AIDS (1 h)", "Ethics"]
    assert activity.approval_labels == ["NBCC 6361", "APA"]
