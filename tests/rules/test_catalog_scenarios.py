"""Every catalog rule set, through the engine: realistic cycles and one change at a time.

For each rule set: (a) a compliant cycle; (b) one hour short on the total and on a topic
requirement; (c) a cap exceeded; (d) the first renewal; (e) carry-over. Then the special rules:
every-third-biennium items, rolling windows, once-at-the-second-renewal, per-year items,
supervisor roles, minimum shares and renewal conditions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from lifelong.rules.engine import evaluate
from lifelong.rules.loader import load_catalog, parse_ruleset
from lifelong.rules.model import Activity, RequirementResult, Verdict
from lifelong.rules.schema import RuleSet
from tests.rules.catalog_helpers import (
    Item,
    Plan,
    build,
    build_one,
    cycle_bounds,
    make_activity,
    shortened,
)

CA_BBS_ONCE = frozenset({"suicide-prevention", "telehealth"})

PLANS: dict[str, Plan] = {
    plan.ruleset_id: plan
    for plan in (
        *(
            Plan(
                ruleset_id,
                expires_on=date(2026, 6, 30),
                cycle_number=3,
                items=(Item("law-and-ethics", "law-and-ethics", 6),),
                completed_once=CA_BBS_ONCE,
                short_requirement="law-and-ethics",
            )
            for ruleset_id in ("us-ca-lmft", "us-ca-lcsw", "us-ca-lpcc")
        ),
        Plan(
            "us-ca-psychologist",
            expires_on=date(2026, 6, 30),
            cycle_number=3,
            items=(
                Item("laws-and-ethics", "law-and-ethics", 4),
                Item("cultural-diversity", "cultural-competence", 4),
            ),
            completed_once=frozenset({"suicide-prevention"}),
            short_requirement="laws-and-ethics",
        ),
        Plan(
            "us-tx-lpc",
            expires_on=date(2026, 5, 31),
            cycle_number=3,
            approval="nbcc",
            items=(
                Item("ethics", "ethics", 5),
                Item("ethics", "ethics", 1, kind="exam"),  # the jurisprudence exam
                Item("cultural-diversity", "cultural-competence", 3),
            ),
            attested=frozenset({"jurisprudence-exam"}),
            short_requirement="cultural-diversity",
        ),
        Plan("us-ny-lmhc", expires_on=date(2026, 8, 31), cycle_number=2, approval="ny-sed"),
        Plan("us-ny-lcsw", expires_on=date(2026, 8, 31), cycle_number=2, approval="ny-sed"),
        Plan(
            "us-fl-lmhc",
            expires_on=date(2027, 3, 31),
            cycle_number=2,
            approval="nbcc",
            items=(
                Item("medical-errors", "medical-errors", 2),
                Item("ethics-or-teletherapy", "ethics", 3),
            ),
            completed_once=frozenset({"domestic-violence-initial"}),
            short_requirement="medical-errors",
        ),
        Plan(
            "us-il-lcpc",
            expires_on=date(2027, 3, 31),
            cycle_number=3,
            items=(
                Item("ethics", "ethics", 3),
                Item("sexual-harassment-prevention", "sexual-harassment-prevention", 1),
                Item("implicit-bias", "implicit-bias", 1),
            ),
            completed_once=frozenset({"supervision-training"}),
            short_requirement="ethics",
        ),
        Plan(
            "us-mi-lmsw",
            expires_on=date(2026, 12, 31),
            cycle_number=3,
            approval="aswb-ace",
            items=(
                Item("ethics", "ethics", 5),
                Item("pain-management", "pain-management", 2),
                Item("implicit-bias", "implicit-bias", 1, completed_on=date(2024, 3, 15)),
                Item("implicit-bias", "implicit-bias", 1, completed_on=date(2025, 3, 15)),
                Item("implicit-bias", "implicit-bias", 1, completed_on=date(2026, 3, 15)),
            ),
            completed_once=frozenset({"human-trafficking"}),
            short_requirement="ethics",
        ),
        Plan(
            "us-oh-lpc",
            expires_on=date(2026, 9, 30),
            cycle_number=3,
            approval="board",
            items=(Item("ethics", "ethics", 3),),
            short_requirement="ethics",
        ),
        Plan(
            "us-pa-lpc",
            expires_on=date(2027, 2, 28),
            cycle_number=3,
            items=(
                Item("ethics", "ethics", 3),
                Item("suicide-prevention", "suicide-prevention", 1),
                Item("child-abuse", "child-abuse", 2),
            ),
            short_requirement="child-abuse",
        ),
        Plan(
            "us-wa-lmhc",
            expires_on=date(2026, 10, 31),
            cycle_number=3,
            items=(
                Item("ethics-and-law", "ethics", 6),
                Item("suicide-prevention", "suicide-prevention", 6),
                Item("health-equity", "health-equity", 2),
            ),
            short_requirement="ethics-and-law",
        ),
        Plan(
            "nbcc-ncc",
            expires_on=date(2026, 12, 31),
            cycle_number=2,
            approval="nbcc",
            attested=frozenset({"ethics-attestation"}),
        ),
    )
}

# (rule set, limit id, kind, format, CE hours of the one capped activity, hours over the cap)
CAPS = [
    ("us-tx-lpc", "self-study", "course", "self-study", 3.0, 2.0),
    ("us-ny-lmhc", "self-study", "course", "self-study", 14.0, 2.0),
    ("us-ny-lcsw", "self-study", "course", "self-study", 14.0, 2.0),
    ("us-il-lcpc", "self-study", "course", "self-study", 17.0, 2.0),
    ("us-oh-lpc", "presentations", "teaching", "in-person", 12.0, 2.0),
    ("us-oh-lpc", "publications", "publication", "self-study", 12.0, 2.0),
    ("us-pa-lpc", "self-study", "course", "self-study", 22.0, 2.0),
    ("us-wa-lmhc", "other-learning", "peer-consultation", "in-person", 8.0, 2.0),
    ("nbcc-ncc", "publications-presentations", "publication", "self-study", 22.0, 2.0),
]

EXEMPT_FIRST_RENEWAL = ["us-ny-lmhc", "us-ny-lcsw", "us-fl-lmhc", "us-il-lcpc"]
FULL_FIRST_RENEWAL = [
    "us-ca-psychologist",
    "us-tx-lpc",
    "us-mi-lmsw",
    "us-oh-lpc",
    "us-pa-lpc",
    "us-wa-lmhc",
    "nbcc-ncc",
]


def catalog(ruleset_id: str) -> RuleSet:
    return load_catalog()[ruleset_id]


def result(verdict: Verdict, requirement_id: str) -> RequirementResult:
    found = [item for item in verdict.requirements if item.id == requirement_id]
    assert found, f"{requirement_id} not in {[item.id for item in verdict.requirements]}"
    return found[0]


def unmet(verdict: Verdict) -> dict[str, float]:
    return {item.id: round(item.deficit_hours, 2) for item in verdict.requirements if not item.met}


def explain(verdict: Verdict) -> str:
    lines = [f"compliant={verdict.compliant} cycle={verdict.cycle}"]
    lines += [
        f"  {r.id}: {r.counted_hours}/{r.required_hours} deficit={r.deficit_hours} met={r.met}"
        for r in verdict.requirements
    ]
    lines += [f"  excluded {e.activity_id} {e.hours}: {e.reason}" for e in verdict.excluded]
    lines += [f"  condition {c.id}: {c.attested}" for c in verdict.conditions]
    lines += [f"  next: {step}" for step in verdict.next_steps]
    lines += [f"  note: {note}" for note in verdict.notes]
    return "\n".join(lines)


def mentions(verdict: Verdict, requirement: RequirementResult) -> bool:
    """Whether a next step asks for this requirement's missing hours."""
    hours = f"{requirement.deficit_hours:.1f} more hours"
    names = [requirement.title, requirement.id, *requirement.topics[:1]]
    return any(
        hours in step and (requirement.id == "total" or any(name in step for name in names))
        for step in verdict.next_steps
    )


def test_every_catalog_rule_set_has_a_scenario_plan() -> None:
    assert set(PLANS) == set(load_catalog())


# --- (a) compliant ---------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset_id", sorted(PLANS))
def test_a_realistic_cycle_is_compliant(ruleset_id: str) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan))
    assert verdict.compliant, explain(verdict)
    assert verdict.ruleset_id == ruleset_id
    assert (verdict.cycle.start, verdict.cycle.end) == cycle_bounds(ruleset, plan.expires_on)
    assert verdict.total.required_hours == ruleset.total_hours
    assert verdict.total.counted_hours == pytest.approx(ruleset.total_hours, abs=0.01)
    assert verdict.deficit_hours == 0
    assert not verdict.excluded, explain(verdict)


@pytest.mark.parametrize("ruleset_id", sorted(PLANS))
def test_an_empty_ledger_with_an_unknown_cycle_number_shows_what_is_missing(
    ruleset_id: str,
) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    context = plan.context(cycle_number=None, first_renewal=None, completed_once=frozenset())
    verdict = evaluate(ruleset, context, [])
    assert not verdict.compliant
    assert verdict.total.deficit_hours == ruleset.total_hours, explain(verdict)
    assert len(verdict.next_steps) >= len(unmet(verdict)), explain(verdict)


# --- (b) one hour short ----------------------------------------------------------------------


@pytest.mark.parametrize("ruleset_id", sorted(PLANS))
def test_one_hour_short_on_the_total(ruleset_id: str) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    activities = build(ruleset, plan, total=ruleset.total_hours - 1)
    verdict = evaluate(ruleset, plan.context(), activities)
    assert not verdict.compliant
    assert unmet(verdict) == {"total": 1.0}, explain(verdict)
    assert mentions(verdict, verdict.total), explain(verdict)


@pytest.mark.parametrize(
    "ruleset_id", sorted(key for key, plan in PLANS.items() if plan.short_requirement)
)
def test_one_hour_short_on_a_topic_requirement(ruleset_id: str) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    assert plan.short_requirement is not None
    items, _ = shortened(plan, plan.short_requirement)
    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan, items=items))
    assert not verdict.compliant
    assert unmet(verdict) == {plan.short_requirement: 1.0}, explain(verdict)
    assert verdict.total.met
    assert mentions(verdict, result(verdict, plan.short_requirement)), explain(verdict)


# --- (c) caps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ruleset_id", "limit_id", "kind", "format", "hours", "over"),
    CAPS,
    ids=[f"{case[0]}:{case[1]}" for case in CAPS],
)
def test_hours_over_a_cap_are_excluded(
    ruleset_id: str, limit_id: str, kind: str, format: str, hours: float, over: float
) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    assert limit_id in {limit.id for limit in ruleset.limits}
    capped = Item("capped", "clinical-practice", hours, format=format, kind=kind)
    activities = build(ruleset, plan, extra=[capped])  # still exactly the total in all
    capped_id = activities[len(plan.items)].id
    verdict = evaluate(ruleset, plan.context(), activities)
    assert not verdict.compliant
    assert unmet(verdict) == {"total": over}, explain(verdict)
    assert verdict.total.counted_hours == pytest.approx(ruleset.total_hours - over, abs=0.01)
    excluded = sum(item.hours for item in verdict.excluded if item.activity_id == capped_id)
    assert excluded == pytest.approx(over, abs=0.01), explain(verdict)


def test_a_cap_is_not_a_problem_when_other_hours_make_up_the_total() -> None:
    ruleset, plan = catalog("us-ny-lmhc"), PLANS["us-ny-lmhc"]
    capped = Item("capped", "clinical-practice", 14, format="self-study")
    activities = build(ruleset, plan, extra=[capped], total=ruleset.total_hours + 2)
    verdict = evaluate(ruleset, plan.context(), activities)
    assert verdict.compliant, explain(verdict)
    assert sum(item.hours for item in verdict.excluded) == pytest.approx(2.0, abs=0.01)


@pytest.mark.parametrize(
    ("ruleset_id", "selected", "other", "counted"),
    [
        # Michigan: at least half live. 20 h live + 25 h self-study: 20 + 20 count.
        ("us-mi-lmsw", {"format": "in-person"}, {"format": "self-study"}, 40.0),
        # Texas: at least half from listed provider types. 10 h + 14 h other: 10 + 10 count.
        ("us-tx-lpc", {"approval": "nbcc"}, {"approval": "other"}, 20.0),
    ],
)
def test_minimum_shares_limit_the_other_hours(
    ruleset_id: str, selected: dict[str, str], other: dict[str, str], counted: float
) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    start, end = cycle_bounds(ruleset, plan.expires_on)
    item_hours = sum(item.hours for item in plan.items)
    topic_courses = build(ruleset, plan, total=item_hours)  # in person, accepted approvals
    share = counted / 2
    more_selected = make_activity(
        ruleset, share - item_hours, start + timedelta(days=20), **{"approval": plan.approval,
        **selected}
    )  # fmt: skip
    the_rest = make_activity(
        ruleset, ruleset.total_hours - share, end - timedelta(days=20), **{"approval":
        plan.approval, **other}
    )  # fmt: skip
    verdict = evaluate(ruleset, plan.context(), [*topic_courses, more_selected, the_rest])
    assert not verdict.compliant
    assert verdict.total.counted_hours == pytest.approx(counted, abs=0.01), explain(verdict)
    assert verdict.total.deficit_hours == pytest.approx(ruleset.total_hours - counted, abs=0.01), (
        explain(verdict)
    )


# --- (d) first renewal -----------------------------------------------------------------------


@pytest.mark.parametrize("ruleset_id", EXEMPT_FIRST_RENEWAL)
def test_first_renewal_is_exempt(ruleset_id: str) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    context = plan.context(cycle_number=1, first_renewal=True, completed_once=frozenset())
    activities: list[Activity] = []
    if ruleset_id == "us-fl-lmhc":  # the domestic-violence course due within 6 months
        activities = build(ruleset, plan, items=[Item("dv", "domestic-violence", 2)], total=2)
    verdict = evaluate(ruleset, context, activities)
    assert verdict.compliant, explain(verdict)
    assert verdict.cycle.first_renewal
    assert verdict.deficit_hours == 0


@pytest.mark.parametrize("ruleset_id", ["us-ca-lmft", "us-ca-lcsw", "us-ca-lpcc"])
def test_california_bbs_first_renewal_needs_18_hours_and_the_one_time_courses(
    ruleset_id: str,
) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    context = plan.context(cycle_number=1, first_renewal=True, completed_once=frozenset())
    items = [
        Item("law-and-ethics", "law-and-ethics", 6),
        Item("hiv-aids", "hiv-aids", 7),
        Item("suicide-prevention", "suicide-prevention", 6),
        Item("telehealth", "telehealth", 3),
    ]
    verdict = evaluate(ruleset, context, build(ruleset, plan, items=items, total=18))
    assert verdict.compliant, explain(verdict)
    assert verdict.total.required_hours == 18
    assert result(verdict, "hiv-aids").met

    without_hiv = build(ruleset, plan, items=items[:1] + items[2:], total=18)
    verdict = evaluate(ruleset, context, without_hiv)
    assert not verdict.compliant
    assert unmet(verdict) == {"hiv-aids": 7.0}, explain(verdict)


def test_california_bbs_hiv_course_is_only_for_the_first_renewal() -> None:
    ruleset, plan = catalog("us-ca-lmft"), PLANS["us-ca-lmft"]
    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan))
    assert verdict.compliant, explain(verdict)
    assert all(item.id != "hiv-aids" or item.met for item in verdict.requirements)


@pytest.mark.parametrize("ruleset_id", FULL_FIRST_RENEWAL)
def test_first_renewal_without_a_board_rule_needs_the_full_total(ruleset_id: str) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    context = plan.context(cycle_number=1, first_renewal=True)
    verdict = evaluate(ruleset, context, build(ruleset, plan, total=ruleset.total_hours - 1))
    assert not verdict.compliant
    assert verdict.total.required_hours == ruleset.total_hours
    assert verdict.total.deficit_hours == pytest.approx(1.0, abs=0.01), explain(verdict)


# --- (e) carry-over --------------------------------------------------------------------------


def test_texas_carry_in_counts_and_carry_out_is_computed() -> None:
    ruleset, plan = catalog("us-tx-lpc"), PLANS["us-tx-lpc"]
    context = plan.context(carry_over_in_hours=5.0)
    verdict = evaluate(ruleset, context, build(ruleset, plan, total=19))
    assert verdict.compliant, explain(verdict)
    assert verdict.carry_over_in_hours == 5.0

    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan, total=30))
    assert verdict.compliant, explain(verdict)
    assert verdict.carry_over_out_hours == pytest.approx(6.0, abs=0.01)

    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan, total=40))
    assert verdict.carry_over_out_hours == pytest.approx(10.0, abs=0.01)


def test_texas_carry_in_is_capped_at_ten_hours() -> None:
    ruleset, plan = catalog("us-tx-lpc"), PLANS["us-tx-lpc"]
    context = plan.context(carry_over_in_hours=15.0)
    verdict = evaluate(ruleset, context, build(ruleset, plan, total=12))
    assert verdict.carry_over_in_hours == 10.0
    assert not verdict.compliant
    assert verdict.total.deficit_hours == pytest.approx(2.0, abs=0.01), explain(verdict)


@pytest.mark.parametrize("ruleset_id", sorted(set(PLANS) - {"us-tx-lpc"}))
def test_carry_in_is_ignored_where_the_board_allows_none(ruleset_id: str) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    assert ruleset.carry_over.max_hours == 0
    context = plan.context(carry_over_in_hours=5.0)
    activities = build(ruleset, plan, total=ruleset.total_hours - 5)
    verdict = evaluate(ruleset, context, activities)
    assert not verdict.compliant
    assert verdict.carry_over_in_hours == 0
    assert verdict.total.deficit_hours == pytest.approx(5.0, abs=0.01), explain(verdict)
    assert any("carr" in note.casefold() for note in verdict.notes), explain(verdict)
    over = evaluate(ruleset, plan.context(), build(ruleset, plan, total=ruleset.total_hours + 8))
    assert over.carry_over_out_hours == 0


# --- special rules ---------------------------------------------------------------------------


def test_florida_every_third_biennium_items() -> None:
    ruleset, plan = catalog("us-fl-lmhc"), PLANS["us-fl-lmhc"]
    third = plan.context(cycle_number=3)
    verdict = evaluate(ruleset, third, build(ruleset, plan))
    assert not verdict.compliant
    assert unmet(verdict) == {"domestic-violence": 2.0, "laws-and-rules": 3.0}, explain(verdict)

    extra = [Item("domestic-violence", "domestic-violence", 2), Item("laws", "laws-and-rules", 3)]
    verdict = evaluate(ruleset, third, build(ruleset, plan, extra=extra))
    assert verdict.compliant, explain(verdict)

    fourth = plan.context(cycle_number=4)
    verdict = evaluate(ruleset, fourth, build(ruleset, plan))
    assert verdict.compliant, explain(verdict)


def test_florida_qualified_supervisor_training_every_third_biennium() -> None:
    ruleset, plan = catalog("us-fl-lmhc"), PLANS["us-fl-lmhc"]
    extra = [Item("domestic-violence", "domestic-violence", 2), Item("laws", "laws-and-rules", 3)]
    context = plan.context(cycle_number=6, roles=frozenset({"qualified-supervisor"}))
    verdict = evaluate(ruleset, context, build(ruleset, plan, extra=extra))
    assert unmet(verdict) == {"supervisor-training": 4.0}, explain(verdict)


def test_washington_suicide_training_counts_from_the_last_six_years() -> None:
    ruleset, plan = catalog("us-wa-lmhc"), PLANS["us-wa-lmhc"]
    items = [item for item in plan.items if item.requirement != "suicide-prevention"]
    earlier = Item(
        "suicide-prevention", "suicide-prevention", 6, completed_on=date(2022, 3, 1)
    )  # previous cycle, within 6 years
    this_cycle = build(ruleset, plan, items=items)
    verdict = evaluate(ruleset, plan.context(), [*this_cycle, *build_one(ruleset, plan, earlier)])
    assert verdict.compliant, explain(verdict)

    too_old = replace(earlier, completed_on=date(2019, 3, 1))
    verdict = evaluate(ruleset, plan.context(), [*this_cycle, *build_one(ruleset, plan, too_old)])
    assert not verdict.compliant
    assert unmet(verdict) == {"suicide-prevention": 6.0}, explain(verdict)


def test_illinois_supervision_training_once_at_the_second_renewal() -> None:
    ruleset, plan = catalog("us-il-lcpc"), PLANS["us-il-lcpc"]
    second = plan.context(cycle_number=2, completed_once=frozenset())
    verdict = evaluate(ruleset, second, build(ruleset, plan))
    assert unmet(verdict) == {"supervision-training": 9.0}, explain(verdict)

    extra = [Item("supervision-training", "supervision", 9)]
    verdict = evaluate(ruleset, second, build(ruleset, plan, extra=extra))
    assert verdict.compliant, explain(verdict)


def test_illinois_counts_50_minute_hours() -> None:
    ruleset, plan = catalog("us-il-lcpc"), PLANS["us-il-lcpc"]
    activities = build(ruleset, plan)
    assert sum(activity.hours for activity in activities) == pytest.approx(25.0)
    verdict = evaluate(ruleset, plan.context(), activities)
    assert verdict.compliant, explain(verdict)


def test_michigan_implicit_bias_is_due_for_each_year() -> None:
    ruleset, plan = catalog("us-mi-lmsw"), PLANS["us-mi-lmsw"]
    items = [item for item in plan.items if item.requirement != "implicit-bias"]
    one = [Item("implicit-bias", "implicit-bias", 1, completed_on=date(2024, 3, 15))]
    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan, items=[*items, *one]))
    assert not verdict.compliant
    implicit = result(verdict, "implicit-bias")
    assert implicit.required_hours == 3
    assert not implicit.met, explain(verdict)


@pytest.mark.parametrize(("ruleset_id", "hours"), [("us-tx-lpc", 6.0), ("us-oh-lpc", 3.0)])
def test_supervisors_need_supervision_hours(ruleset_id: str, hours: float) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    supervisor = plan.context(roles=frozenset({"supervisor"}))
    verdict = evaluate(ruleset, supervisor, build(ruleset, plan))
    assert unmet(verdict) == {"supervision": hours}, explain(verdict)

    extra = [Item("supervision", "supervision", hours)]
    verdict = evaluate(ruleset, supervisor, build(ruleset, plan, extra=extra))
    assert verdict.compliant, explain(verdict)


def test_ohio_converts_semester_hours() -> None:
    ruleset, plan = catalog("us-oh-lpc"), PLANS["us-oh-lpc"]
    activities = build(ruleset, plan, total=3)  # the ethics course only
    course = replace(
        activities[0],
        id="semester",
        title="Graduate course",
        kind="academic-course",
        hours=1.8,  # 27 clock hours
        unit="semester-hour",
        topics=(),
    )
    verdict = evaluate(ruleset, plan.context(), [*activities, course])
    assert verdict.compliant, explain(verdict)
    assert verdict.total.counted_hours == pytest.approx(30.0, abs=0.01)


CONDITIONS = [("us-tx-lpc", "jurisprudence-exam"), ("nbcc-ncc", "ethics-attestation")]


@pytest.mark.parametrize(("ruleset_id", "condition"), CONDITIONS)
def test_renewal_conditions_are_reported_until_attested(ruleset_id: str, condition: str) -> None:
    ruleset, plan = catalog(ruleset_id), PLANS[ruleset_id]
    verdict = evaluate(ruleset, plan.context(attested=frozenset()), build(ruleset, plan))
    found = [item for item in verdict.conditions if item.id == condition]
    assert found, explain(verdict)
    assert not found[0].attested
    title = found[0].title
    assert any(title in step for step in verdict.next_steps), explain(verdict)

    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan))
    assert [item.attested for item in verdict.conditions] == [True]


def test_new_york_requires_department_approved_providers() -> None:
    ruleset, plan = catalog("us-ny-lmhc"), PLANS["us-ny-lmhc"]
    activities = build(ruleset, plan)
    unapproved = replace(activities[0], approvals=())
    verdict = evaluate(ruleset, plan.context(), [unapproved, *activities[1:]])
    assert not verdict.compliant
    assert [item.activity_id for item in verdict.excluded] == [unapproved.id], explain(verdict)


# --- the worked examples in docs/rules.md ----------------------------------------------------


def docs_ruleset(ruleset_id: str) -> RuleSet:
    from tests.rules.test_loader import docs_examples

    return parse_ruleset(docs_examples()[ruleset_id], f"{ruleset_id}.toml")


def test_docs_new_york_style_example_behaves_as_described() -> None:
    ruleset = docs_ruleset("ny-style-lmhc")
    plan = Plan("ny-style-lmhc", expires_on=date(2026, 8, 31), cycle_number=2, approval="ny-sed")
    self_study = Item("self-study", "clinical-practice", 20, format="self-study")
    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan, extra=[self_study]))
    assert verdict.total.counted_hours == pytest.approx(28.0), explain(verdict)
    assert sum(item.hours for item in verdict.excluded) == pytest.approx(8.0), explain(verdict)
    assert any("8.0 more hours" in step for step in verdict.next_steps), explain(verdict)


def test_docs_florida_style_example_behaves_as_described() -> None:
    ruleset = docs_ruleset("fl-style-lmhc")
    plan = Plan("fl-style-lmhc", expires_on=date(2027, 3, 31), cycle_number=1)
    verdict = evaluate(ruleset, plan.context(), [])
    assert unmet(verdict) == {"domestic-violence-initial": 2.0}, explain(verdict)
    fourth = plan.context(cycle_number=4, first_renewal=False)
    items = [Item("medical-errors", "medical-errors", 2)]
    verdict = evaluate(ruleset, fourth, build(ruleset, plan, items=items))
    assert verdict.compliant, explain(verdict)
    assert any("next due at renewal 6" in note for note in verdict.notes), explain(verdict)


def test_docs_texas_style_example_behaves_as_described() -> None:
    ruleset = docs_ruleset("tx-style-lpc")
    plan = Plan(
        "tx-style-lpc",
        expires_on=date(2026, 5, 31),
        cycle_number=3,
        items=(Item("ethics", "ethics", 6),),
        attested=frozenset({"jurisprudence-exam"}),
    )
    verdict = evaluate(ruleset, plan.context(carry_over_in_hours=5), build(ruleset, plan, total=19))
    assert verdict.compliant, explain(verdict)
    verdict = evaluate(ruleset, plan.context(), build(ruleset, plan, total=30))
    assert verdict.carry_over_out_hours == pytest.approx(6.0)
    assert "supervision" not in {item.id for item in verdict.requirements}
    supervisor = plan.context(roles=frozenset({"supervisor"}))
    verdict = evaluate(ruleset, supervisor, build(ruleset, plan))
    assert unmet(verdict) == {"supervision": 6.0}, explain(verdict)
