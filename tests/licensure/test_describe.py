from __future__ import annotations

import pytest

from lifelong.licensure import describe
from lifelong.rules.loader import load_catalog
from lifelong.rules.schema import Cycle, Limit, Requirement


@pytest.mark.parametrize(
    ("cycle", "expected"),
    [
        (Cycle(length_months=24), "The expiration date printed on your license, every 2 years."),
        (
            Cycle(length_months=36, deadline="birth-month"),
            "The last day of your birth month, every 3 years.",
        ),
        (
            Cycle(length_months=24, deadline="fixed-date", month=3, day=31, years="odd"),
            "March 31 of odd years, every 2 years.",
        ),
        (
            Cycle(length_months=18, deadline="fixed-date", month=2, day=28),
            "February 28, every 18 months.",
        ),
    ],
)
def test_it_describes_the_deadline_rule(cycle: Cycle, expected: str) -> None:
    assert describe.deadline_rule(cycle) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "Every renewal cycle."),
        ({"frequency": "once"}, "Once (a one-time requirement)."),
        ({"frequency": "once", "due_cycle": 2}, "Once, by your 2nd renewal."),
        ({"frequency": "per-year"}, "For each year of the renewal cycle."),
        ({"frequency": "every-nth-cycle", "every": 3}, "Every 3rd renewal cycle."),
        (
            {"frequency": "every-nth-cycle", "every": 3, "due_cycle": 2},
            "Every 3rd renewal cycle, starting with your 2nd renewal.",
        ),
        (
            {"frequency": "every-nth-cycle", "every": 3, "window": "rolling"},
            "Due every renewal: hours from your last 3 cycles count (a rolling 3-cycle window).",
        ),
    ],
)
def test_it_describes_how_often_a_requirement_is_due(
    fields: dict[str, object], expected: str
) -> None:
    requirement = Requirement.model_validate(
        {"id": "ethics", "title": "Ethics", "topics": ["ethics"], "hours": 3, **fields}
    )
    assert describe.frequency_text(requirement) == expected


def test_it_lists_what_restricts_a_requirement() -> None:
    requirement = Requirement.model_validate(
        {
            "id": "supervision",
            "title": "Supervision",
            "topics": ["supervision", "law-and-ethics"],
            "hours": 6,
            "formats": ["in-person", "live-online"],
            "approvals": ["board"],
            "roles": ["qualified-supervisor"],
            "first_renewal": "skip",
            "counts_toward_total": False,
        }
    )

    assert describe.requirement_facts(requirement) == [
        "Every renewal cycle.",
        "Topics that count: Supervision or Law and ethics.",
        "Only in person or live online activities count.",
        "Only activities approved by the licensing board count.",
        "Applies only if this describes you: Qualified supervisor.",
        "Does not apply at your first renewal after licensure.",
        "These hours come on top of the total.",
    ]


def test_it_describes_every_bound_of_a_limit() -> None:
    limit = Limit(
        id="online",
        title="Online",
        formats=["self-study"],
        topics=["ethics"],
        max_hours=10,
        max_share=0.5,
        per_activity_max_hours=2.5,
    )

    assert describe.limit_facts(limit) == [
        "Applies to self-study activities on Ethics.",
        "At most 10 h count toward the total, at most 50% of the hours counted toward the total "
        "and at most 2.5 h per activity.",
    ]


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (22, "22nd")],
)
def test_ordinals(number: int, expected: str) -> None:
    assert describe.ordinal(number) == expected


def test_hours_are_shown_without_needless_decimals() -> None:
    assert [describe.hours_text(value) for value in (6.0, 4.5, 1.3333, 0.0)] == [
        "6",
        "4.5",
        "1.33",
        "0",
    ]


@pytest.mark.parametrize("ruleset_id", sorted(load_catalog()))
def test_every_catalog_rule_set_can_be_described(ruleset_id: str) -> None:
    ruleset = load_catalog()[ruleset_id]
    assert describe.deadline_rule(ruleset.cycle).endswith(".")
    for requirement in ruleset.requirements:
        assert all(fact.endswith(".") for fact in describe.requirement_facts(requirement))
    for limit in ruleset.limits:
        assert all(fact.endswith(".") for fact in describe.limit_facts(limit))
