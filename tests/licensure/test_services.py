from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest

from lifelong.licensure.services import relevant_activities
from lifelong.rules import model as rules
from lifelong.rules.cycles import cycle_for
from lifelong.rules.engine import evaluate
from lifelong.rules.loader import load_catalog

TOPIC_MIXES = [
    ("clinical-practice",),
    ("ethics", "clinical-practice"),
    ("law-and-ethics",),
    ("cultural-competence",),
    ("suicide-prevention",),
    ("hiv-aids",),
    ("telehealth",),
    ("domestic-violence",),
    ("health-equity",),
    ("medical-errors",),
    ("supervision",),
]


def _ledger(seed: int, today: date) -> list[rules.Activity]:
    """Eight years of activities, with a few exact duplicates."""
    rng = random.Random(seed)
    activities = []
    for number in range(160):
        topics = rng.choice(TOPIC_MIXES)
        activities.append(
            rules.Activity(
                id=str(number),
                title=f"Course {number % 120}",
                provider="Provider",
                completed_on=today - timedelta(days=rng.randrange(8 * 365)),
                hours=rng.choice([1.0, 2.0, 3.0, 6.0]),
                format=rng.choice(["in-person", "live-online", "self-study"]),
                kind=rng.choice(["course", "conference", "teaching"]),
                topics=tuple(rules.TopicShare(slug) for slug in topics),
                approvals=(rules.Approval(rng.choice(["nbcc", "apa", "aswb-ace", "ny-sed"])),),
            )
        )
    activities.append(activities[5])
    activities.append(dataclasses.replace(activities[7], id="dup", topics=()))
    return activities


def _in_cycle(verdict: rules.Verdict, dates: dict[str, date]) -> list[rules.Exclusion]:
    cycle = verdict.cycle
    return [
        exclusion
        for exclusion in verdict.excluded
        if cycle.start <= dates[exclusion.activity_id] <= cycle.end
    ]


@pytest.mark.parametrize("ruleset_id", sorted(load_catalog()))
@pytest.mark.parametrize("seed", [1, 2])
def test_leaving_out_activities_that_cannot_count_changes_no_verdict(
    ruleset_id: str, seed: int
) -> None:
    ruleset = load_catalog()[ruleset_id]
    today = date(2026, 6, 15)
    ledger = _ledger(seed, today)
    dates = {activity.id: activity.completed_on for activity in ledger}
    context = rules.LicenseContext(
        expires_on=cycle_for(ruleset, rules.LicenseContext(expires_on=date(2027, 3, 31))).end,
        roles=frozenset(ruleset.roles),
    )

    everything = evaluate(ruleset, context, ledger)
    relevant = relevant_activities(ruleset, context, ledger)
    fast = evaluate(ruleset, context, relevant)

    assert len(relevant) < len(ledger)
    assert fast.compliant == everything.compliant
    assert fast.requirements == everything.requirements
    assert fast.carry_over_out_hours == everything.carry_over_out_hours
    assert fast.next_steps == everything.next_steps
    assert _in_cycle(fast, dates) == _in_cycle(everything, dates)


def test_an_earlier_duplicate_on_another_topic_is_still_seen_as_the_original() -> None:
    """The engine counts the first of two identical entries; keeping only the entry on a
    one-time topic would turn its duplicate into an original."""
    ruleset = load_catalog()["us-ca-lmft"]
    context = rules.LicenseContext(expires_on=date(2027, 3, 31))
    entered = {
        "title": "Suicide risk assessment",
        "provider": "PESI",
        "completed_on": date(2019, 5, 1),
        "hours": 6.0,
        "format": "live-online",
        "kind": "course",
    }
    original = rules.Activity(id="0a", **entered)  # type: ignore[arg-type]
    duplicate = rules.Activity(
        id="1a",
        topics=(rules.TopicShare("suicide-prevention"),),
        **entered,  # type: ignore[arg-type]
    )

    everything = evaluate(ruleset, context, [original, duplicate])
    fast = evaluate(ruleset, context, relevant_activities(ruleset, context, [original, duplicate]))

    assert fast.requirements == everything.requirements
    suicide = next(result for result in fast.requirements if result.id == "suicide-prevention")
    assert not suicide.met


@pytest.mark.django_db
def test_the_engines_view_of_the_ledger_is_each_activitys_own() -> None:
    from lifelong.credits.models import Activity
    from lifelong.licensure.services import rules_activities
    from tests.conftest import make_user
    from tests.licensure.factories import add_activity

    user = make_user("ledger@example.org")
    add_activity(user, "Ethics", 3, topics="ethics=1.5;clinical-practice", approvals="nbcc;apa")
    add_activity(user, "Reading", 2.25, format="self-study", approvals="")
    add_activity(user, "Seminar", 3, kind="academic-course", topics="")
    Activity.objects.filter(title="Seminar").update(unit="semester-hour")
    Activity.objects.filter(title="Ethics").update(
        approvals=[{"body": "nbcc", "number": "6361"}, {"body": "apa"}]
    )

    expected = [activity.to_rules() for activity in Activity.objects.for_user(user).order_by("pk")]

    assert rules_activities(user) == expected
    assert {activity.unit for activity in expected} == {"clock-hour", "semester-hour"}
