"""Eligibility: hour conversion and the exclusions with their reasons."""

from __future__ import annotations

from datetime import date

import pytest

from lifelong.rules.cycles import cycle_for
from lifelong.rules.eligibility import Screening, format_hours, normalise, screen
from lifelong.rules.model import Activity
from lifelong.rules.schema import RuleSet
from tests.rules.builders import CYCLE_START, DEADLINE, activity, context, limit, ruleset


def run(rules: RuleSet, *activities: Activity) -> Screening:
    return screen(rules, cycle_for(rules, context()), activities)


def reasons(screening: Screening) -> dict[str, str]:
    return {exclusion.title: exclusion.reason for exclusion in screening.excluded}


def test_clock_hours_count_as_they_are() -> None:
    result = run(ruleset(), activity("Course", 3))
    assert [item.hours for item in result.in_cycle] == [3]


def test_50_minute_hours_turn_a_clock_hour_into_1_2_ce_hours() -> None:
    result = run(ruleset(hour_minutes=50), activity("Course", 5))
    assert result.in_cycle[0].hours == pytest.approx(6)


def test_semester_hours_convert_through_the_boards_rate() -> None:
    rules = ruleset(credit_conversions={"semester-hour": 15, "quarter-hour": 10})
    result = run(rules, activity("Course", 3, unit="semester-hour", kind="academic-course"))
    assert result.in_cycle[0].hours == 45


def test_semester_hours_without_a_stated_conversion_are_excluded() -> None:
    result = run(ruleset(), activity("Theory", 3, unit="semester-hour"))
    assert result.in_cycle == ()
    assert reasons(result) == {"Theory": "this board states no conversion for semester hours"}


def test_per_topic_hours_convert_like_the_activity() -> None:
    rules = ruleset(hour_minutes=50)
    result = run(rules, activity("Course", 5, topics="ethics=2.5;clinical-practice"))
    shares = result.in_cycle[0].topic_hours
    assert shares["ethics"] == pytest.approx(3)
    assert shares["clinical-practice"] == pytest.approx(6)


def test_per_topic_hours_never_exceed_the_activity() -> None:
    result = run(ruleset(), activity("Course", 2, topics="ethics=5"))
    assert result.in_cycle[0].topic_hours == {"ethics": 2}


def test_activities_outside_the_cycle_are_excluded_with_the_cycle_dates() -> None:
    result = run(ruleset(), activity("Late", 3, on=date(2025, 4, 1)))
    assert reasons(result) == {
        "Late": "completed on 2025-04-01, after this cycle (2023-04-01 to 2025-03-31)"
    }


def test_the_first_and_last_days_of_the_cycle_are_inside_it() -> None:
    result = run(ruleset(), activity("First", 1, on=CYCLE_START), activity("Last", 1, on=DEADLINE))
    assert [item.title for item in result.in_cycle] == ["First", "Last"]


def test_activities_before_the_cycle_are_history_not_exclusions() -> None:
    result = run(ruleset(), activity("Old", 3, on=date(2022, 1, 1)))
    assert [item.title for item in result.history] == ["Old"]
    assert result.excluded == ()


def test_zero_hours_are_excluded() -> None:
    assert reasons(run(ruleset(), activity("Nothing", 0))) == {"Nothing": "no hours recorded"}


def test_a_format_the_board_does_not_accept_is_excluded() -> None:
    rules = ruleset(accepted_formats=["in-person", "live-online"])
    result = run(rules, activity("Video", 3, format="self-study"))
    assert reasons(result) == {
        "Video": "format self-study is not accepted by this board "
        "(accepted: in-person, live-online)"
    }


def test_a_kind_the_board_does_not_accept_is_excluded() -> None:
    rules = ruleset(accepted_kinds=["course", "conference"])
    result = run(rules, activity("Paper", 3, kind="publication"))
    assert "kind publication is not accepted" in reasons(result)["Paper"]


def test_an_activity_without_an_accepted_approval_is_excluded() -> None:
    rules = ruleset(providers={"accepted": ["apa", "nbcc"]})
    result = run(
        rules,
        activity("Approved", 3, approvals="nbcc:6361"),
        activity("Unapproved", 3, approvals="other"),
    )
    assert [item.title for item in result.in_cycle] == ["Approved"]
    assert reasons(result) == {
        "Unapproved": "not from a provider approved by a body this board accepts (apa, nbcc)"
    }


def test_exempt_kinds_need_no_approval() -> None:
    rules = ruleset(providers={"accepted": ["apa"], "exempt_kinds": ["academic-course"]})
    result = run(rules, activity("Graduate seminar", 3, kind="academic-course"))
    assert len(result.in_cycle) == 1


def test_no_accepted_bodies_means_any_provider() -> None:
    assert len(run(ruleset(), activity("Anything", 3)).in_cycle) == 1


def test_an_exact_duplicate_is_excluded() -> None:
    result = run(
        ruleset(),
        activity("Ethics  in Practice", 3, id="1"),
        activity("ethics in practice!", 3, id="2"),
    )
    assert len(result.in_cycle) == 1
    assert reasons(result) == {
        "ethics in practice!": "duplicate of Ethics  in Practice on 2024-06-01"
    }


def test_the_same_course_on_another_day_is_not_a_duplicate() -> None:
    result = run(
        ruleset(),
        activity("Ethics", 3, id="1"),
        activity("Ethics", 3, id="2", on=date(2024, 7, 1)),
    )
    assert len(result.in_cycle) == 2


def test_a_repeated_course_is_excluded_when_the_board_does_not_count_repeats() -> None:
    rules = ruleset(repeat_courses_count=False)
    result = run(
        rules,
        activity("Implicit bias", 1, id="1", on=date(2023, 6, 1)),
        activity("Implicit bias", 1, id="2", on=date(2024, 6, 1)),
    )
    assert [item.id for item in result.in_cycle] == ["1"]
    assert reasons(result)["Implicit bias"].startswith(
        "repeat of Implicit bias (already counted on 2023-06-01)"
    )


def test_a_per_activity_limit_caps_an_activity_and_reports_the_excess() -> None:
    rules = ruleset(limits=[limit("articles", kinds=["publication"], per_activity_max_hours=10)])
    result = run(rules, activity("Journal article", 12, kind="publication"))
    assert result.in_cycle[0].hours == 10
    assert reasons(result) == {
        "Journal article": "2.0 of 12.0 hours over the per-activity limit for publication "
        "(at most 10 h each)"
    }


def test_titles_are_normalised_for_comparison() -> None:
    assert normalise("  Law & Ethics: Part 1 ") == "law ethics part 1"


@pytest.mark.parametrize(("hours", "text"), [(5, "5.0"), (2.25, "2.25"), (0.333333, "0.33")])
def test_format_hours(hours: float, text: str) -> None:
    assert format_hours(hours) == text
