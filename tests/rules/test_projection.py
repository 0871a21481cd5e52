"""The compliance projection with real catalog rule sets: when planned courses make a license
compliant, what stays missing, and which plans do not count."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.rules.engine import evaluate
from lifelong.rules.loader import load_catalog
from lifelong.rules.model import Activity, LicenseContext, Verdict
from lifelong.rules.projection import Projection, project
from lifelong.rules.schema import RuleSet
from tests.rules.builders import activity, context

TEXAS = load_catalog()["us-tx-lpc"]
CALIFORNIA = load_catalog()["us-ca-lmft"]
# Texas LPC: 24 h in the 2 years ending on the expiration date; 6 h ethics, 3 h cultural
# competence, at most 1 h self-study, at least half of the hours from listed providers.
TX_DEADLINE = date(2027, 1, 31)
TX_CONTEXT = context(TX_DEADLINE)
TODAY = date(2026, 6, 15)


def done(title: str, hours: float, topics: str, on: date = date(2026, 2, 10)) -> Activity:
    return activity(title, hours, topics=topics, on=on, approvals="nbcc")


def plan(title: str, hours: float, topics: str, on: date, **fields: str) -> Activity:
    fields.setdefault("approvals", "nbcc")
    return activity(title, hours, topics=topics, on=on, id=f"plan-{title}", **fields)


# 18 of 24 h: ethics met, 3 h of cultural competence and 6 h in total missing.
TX_LEDGER = [
    done("Ethics in counseling", 6, "ethics"),
    done("Trauma-focused CBT", 12, "trauma;clinical-practice"),
]


def run(
    ruleset: RuleSet,
    ctx: LicenseContext,
    activities: Sequence[Activity],
    plans: Sequence[Activity],
    today: date = TODAY,
) -> Projection:
    return project(ruleset, ctx, activities, plans, today=today)


def test_the_license_becomes_compliant_on_the_date_of_the_second_plan() -> None:
    plans = [
        plan("Cultural humility", 3, "cultural-competence", date(2026, 9, 1)),
        plan("Motivational interviewing", 3, "clinical-practice", date(2026, 10, 15)),
        plan("EMDR basics", 6, "trauma", date(2026, 12, 1)),
    ]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.outcome == "compliant"
    assert projection.compliant_on == date(2026, 10, 15)
    assert [item.title for item in projection.plans_needed] == [
        "Cultural humility",
        "Motivational interviewing",
    ]
    assert projection.verdict.compliant
    assert projection.verdict.total.counted_hours == 24
    assert projection.headline == "With these plans you will be compliant on 2026-10-15."
    assert projection.notes == ()
    assert projection.missing == ()


def test_plans_are_taken_in_date_order_whatever_order_they_come_in() -> None:
    plans = [
        plan("EMDR basics", 6, "trauma", date(2026, 12, 1)),
        plan("Cultural humility", 3, "cultural-competence", date(2026, 9, 1)),
        plan("Motivational interviewing", 3, "clinical-practice", date(2026, 10, 15)),
    ]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.compliant_on == date(2026, 10, 15)
    assert [item.completed_on for item in projection.counted] == [
        date(2026, 9, 1),
        date(2026, 10, 15),
        date(2026, 12, 1),
    ]


def test_plans_that_cover_no_missing_topic_are_not_enough() -> None:
    plans = [
        plan("EMDR basics", 6, "trauma", date(2026, 9, 1)),
        plan("Couples therapy", 6, "clinical-practice", date(2026, 10, 1)),
    ]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.outcome == "not-enough"
    assert projection.compliant_on is None
    assert [(item.requirement_id, item.hours) for item in projection.missing] == [
        ("cultural-diversity", 3.0)
    ]
    assert projection.headline == (
        "These plans are not enough: 3 h of Cultural diversity or competency would still be "
        "missing."
    )
    assert projection.verdict.total.met  # the hours are there, the topic is not


def test_the_missing_hours_name_the_total_and_each_topic() -> None:
    plans = [plan("Ethics refresher", 1, "ethics", date(2026, 9, 1))]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.outcome == "not-enough"
    assert projection.missing_text == "5 h in total and 3 h of Cultural diversity or competency"


def test_a_board_cap_limits_what_plans_can_add() -> None:
    """Texas counts at most 1 h of self-study: 12 planned self-study hours close only 1 h."""
    plans = [
        plan("Cultural humility", 3, "cultural-competence", date(2026, 9, 1)),
        plan("Recorded workshop", 12, "clinical-practice", date(2026, 10, 1), format="self-study"),
    ]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.outcome == "not-enough"
    assert projection.missing_text == "2 h in total"


def test_a_license_compliant_without_plans_says_so() -> None:
    ledger = [*TX_LEDGER, done("Cultural humility", 6, "cultural-competence")]
    plans = [plan("EMDR basics", 6, "trauma", date(2026, 9, 1))]

    projection = run(TEXAS, TX_CONTEXT, ledger, plans)

    assert projection.outcome == "already-compliant"
    assert projection.compliant_on is None
    assert projection.plans_needed == ()
    assert [item.title for item in projection.counted] == ["EMDR basics"]
    assert projection.headline == "Already compliant without these plans."


def test_plans_after_the_deadline_do_not_count_for_this_cycle() -> None:
    plans = [
        plan("Cultural humility", 3, "cultural-competence", date(2026, 9, 1)),
        plan("Spring conference", 12, "clinical-practice", date(2027, 3, 2)),
    ]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.outcome == "not-enough"
    assert projection.missing_text == "3 h in total"
    assert [item.title for item in projection.after_deadline] == ["Spring conference"]
    assert [item.title for item in projection.counted] == ["Cultural humility"]
    assert projection.notes == (
        "Plans after the deadline (2027-01-31) do not count for this cycle: "
        "“Spring conference” (2027-03-02).",
    )


def test_a_plan_on_the_deadline_still_counts() -> None:
    plans = [plan("Cultural humility", 6, "cultural-competence", TX_DEADLINE)]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.outcome == "compliant"
    assert projection.compliant_on == TX_DEADLINE


def test_overdue_plans_are_not_counted_and_are_named() -> None:
    plans = [
        plan("Cultural humility", 6, "cultural-competence", TODAY - timedelta(days=20)),
        plan("Motivational interviewing", 3, "clinical-practice", TODAY),
    ]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert [item.title for item in projection.overdue] == ["Cultural humility"]
    assert [item.title for item in projection.counted] == ["Motivational interviewing"]
    assert projection.outcome == "not-enough"
    assert "record them as completed if you took them" in projection.notes[0]
    assert "“Cultural humility” (2026-05-26)" in projection.notes[0]


def test_plans_on_the_same_day_are_done_together() -> None:
    day = date(2026, 11, 5)
    plans = [
        plan("Cultural humility", 3, "cultural-competence", day),
        plan("Conference day", 3, "clinical-practice", day),
        plan("Later course", 3, "clinical-practice", date(2026, 12, 5)),
    ]

    projection = run(TEXAS, TX_CONTEXT, TX_LEDGER, plans)

    assert projection.compliant_on == day
    assert len(projection.plans_needed) == 2


def test_a_plan_repeating_a_completed_activity_adds_nothing() -> None:
    """Same title, provider, date and hours: the engine takes it for the same entry."""
    ledger = [*TX_LEDGER, done("Cultural humility", 3, "cultural-competence", date(2026, 9, 1))]
    plans = [plan("Cultural humility", 3, "cultural-competence", date(2026, 9, 1))]

    projection = run(TEXAS, TX_CONTEXT, ledger, plans)

    assert projection.outcome == "not-enough"
    assert projection.missing_text == "3 h in total"


def test_plans_before_a_future_cycle_starts_do_not_count_for_it() -> None:
    """A license renewed early: its current cycle starts after today."""
    ctx = context(date(2029, 1, 31))  # the cycle runs from 2027-02-01
    plans = [plan("Cultural humility", 3, "cultural-competence", date(2026, 9, 1))]

    projection = run(TEXAS, ctx, [], plans)

    assert projection.before_cycle == tuple(plans)
    assert projection.counted == ()
    assert "Plans before this cycle starts (2027-02-01)" in projection.notes[0]


def test_california_becomes_compliant_once_law_and_ethics_is_planned() -> None:
    """California LMFT, not a first renewal, one-time items done earlier: 36 h with 6 h of law
    and ethics."""
    ctx = context(
        date(2027, 4, 30), completed_once=["suicide-prevention", "telehealth"], first_renewal=False
    )
    ledger = [
        done("EFT core skills", 24, "clinical-practice", date(2025, 9, 1)),
        done("Law and ethics update", 3, "law-and-ethics", date(2025, 10, 1)),
    ]
    plans = [
        plan("Trauma conference", 6, "trauma", date(2026, 8, 20)),
        plan("California law and ethics", 3, "law-and-ethics", date(2026, 11, 3)),
        plan("Supervision workshop", 6, "supervision", date(2027, 2, 1)),
    ]

    projection = run(CALIFORNIA, ctx, ledger, plans)

    assert projection.outcome == "compliant"
    assert projection.compliant_on == date(2026, 11, 3)
    assert projection.verdict.total.counted_hours == 36


# The search: a binary search over planned days, checked against a linear scan.


class CountingJudge:
    def __init__(self) -> None:
        self.runs = 0

    def __call__(
        self, ruleset: RuleSet, ctx: LicenseContext, activities: Sequence[Activity]
    ) -> Verdict:
        self.runs += 1
        return evaluate(ruleset, ctx, activities)


def first_compliant_day(
    ruleset: RuleSet, ctx: LicenseContext, ledger: Sequence[Activity], plans: Sequence[Activity]
) -> date | None:
    """The first planned day on which the license is compliant, trying every day in turn."""
    ordered = sorted(plans, key=lambda item: item.completed_on)
    for day in sorted({item.completed_on for item in ordered}):
        taken = [item for item in ordered if item.completed_on <= day]
        if evaluate(ruleset, ctx, [*ledger, *taken]).compliant:
            return day
    return None


TOPIC_CHOICES = ["ethics", "cultural-competence", "clinical-practice", "trauma", "law-and-ethics"]
FORMAT_CHOICES = ["in-person", "live-online", "self-study"]
planned = st.builds(
    lambda number, hours, topic, days, format, approved: plan(
        f"Course {number}",
        hours,
        topic,
        TODAY + timedelta(days=days),
        format=format,
        approvals="nbcc" if approved else "",
    ),
    st.integers(0, 10_000),
    st.sampled_from([1.0, 1.5, 2.0, 3.0, 6.0]),
    st.sampled_from(TOPIC_CHOICES),
    st.integers(0, 200),
    st.sampled_from(FORMAT_CHOICES),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(plans=st.lists(planned, max_size=12, unique_by=lambda item: item.id))
def test_the_search_finds_the_same_day_as_trying_every_day(plans: list[Activity]) -> None:
    judge = CountingJudge()

    projection = project(TEXAS, TX_CONTEXT, TX_LEDGER, plans, today=TODAY, judge=judge)

    expected = first_compliant_day(TEXAS, TX_CONTEXT, TX_LEDGER, plans)
    assert projection.compliant_on == expected
    assert (projection.outcome == "compliant") == (expected is not None)
    days = len({item.completed_on for item in plans})
    # One run without plans, one with all of them, then a binary search over the days.
    assert judge.runs <= 2 + math.ceil(math.log2(max(days, 1)))


def test_a_given_current_verdict_saves_a_run() -> None:
    judge = CountingJudge()
    current = evaluate(TEXAS, TX_CONTEXT, TX_LEDGER)

    projection = project(
        TEXAS, TX_CONTEXT, TX_LEDGER, [], today=TODAY, current=current, judge=judge
    )

    assert judge.runs == 0
    assert projection.outcome == "not-enough"
    assert projection.verdict is current
