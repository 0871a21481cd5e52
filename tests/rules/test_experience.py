"""The experience evaluator (pure): caps, ratios, shares, spans, short months, projection, and
the catalog of experience rule sets."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lifelong.rules.experience import (
    Category,
    ExperienceEntry,
    ExperienceRuleSet,
    ExperienceRuleSetError,
    evaluate_experience,
    load_experience_catalog,
    parse_experience_ruleset,
)

MONDAY = date(2026, 1, 5)


def _ruleset(**fields: Any) -> ExperienceRuleSet:
    base: dict[str, Any] = {
        "id": "test-experience",
        "kind": "experience",
        "title": "Test",
        "jurisdiction": "US-XX",
        "board": "Board",
        "credential": "Credential",
        "effective_from": date(2020, 1, 1),
        "verified_on": date(2026, 11, 27),
        "total_hours": 100,
        "sources": [{"url": "https://example.org", "title": "Rule", "retrieved": date(2026, 1, 1)}],
    }
    return ExperienceRuleSet.model_validate({**base, **fields})


def _weeks(
    count: int, direct: float, supervision: float = 0, start: date = MONDAY
) -> list[ExperienceEntry]:
    entries = []
    for week in range(count):
        day = start + timedelta(weeks=week)
        entries.append(ExperienceEntry(day, direct, Category.DIRECT))
        if supervision:
            entries.append(
                ExperienceEntry(
                    day + timedelta(days=1), supervision, Category.INDIVIDUAL_SUPERVISION
                )
            )
    return entries


def _requirement(verdict: Any, requirement_id: str) -> Any:
    return next(item for item in verdict.requirements if item.id == requirement_id)


def test_a_complete_log_meets_every_requirement() -> None:
    ruleset = _ruleset(total_hours=100, min_direct_hours=80, min_weeks=4)

    verdict = evaluate_experience(ruleset, _weeks(5, 20, 2))

    assert verdict.complete
    assert verdict.counted_hours == 110
    assert verdict.projected_completion == verdict.last_day
    assert verdict.next_steps == ()


def test_the_weekly_cap_keeps_the_earliest_hours_and_says_why() -> None:
    ruleset = _ruleset(max_hours_per_week=40)
    entries = [
        ExperienceEntry(MONDAY, 30, Category.DIRECT),
        ExperienceEntry(MONDAY + timedelta(days=2), 15, Category.NON_CLINICAL),
        ExperienceEntry(MONDAY + timedelta(days=7), 10, Category.DIRECT),
    ]

    verdict = evaluate_experience(ruleset, entries)

    assert verdict.counted_hours == 50
    assert [(item.hours, item.period_start) for item in verdict.trimmed] == [(5, MONDAY)]
    assert "at most 40 hours" in verdict.trimmed[0].reason
    assert verdict.hours_by_category[Category.NON_CLINICAL] == 10


def test_the_12_month_cap_starts_at_the_first_day() -> None:
    ruleset = _ruleset(total_hours=3000, max_hours_per_12_months=1500)
    entries = _weeks(60, 40, start=date(2026, 3, 2))  # 2,400 hours over 14 months

    verdict = evaluate_experience(ruleset, entries)

    first_year = sum(e.hours for e in entries if e.worked_on < date(2027, 3, 2))
    assert verdict.counted_hours == 1500 + (2400 - first_year)
    assert verdict.trimmed[0].period_start == date(2026, 3, 2)


def test_non_clinical_hours_beyond_the_cap_do_not_count() -> None:
    ruleset = _ruleset(total_hours=100, max_non_clinical_hours=20)
    entries = [
        ExperienceEntry(MONDAY, 50, Category.DIRECT),
        ExperienceEntry(MONDAY, 30, Category.NON_CLINICAL),
        ExperienceEntry(MONDAY, 5, Category.GROUP_SUPERVISION),
    ]

    verdict = evaluate_experience(ruleset, entries)

    assert _requirement(verdict, "total").counted == 70
    cap = _requirement(verdict, "non-clinical")
    assert (cap.counted, cap.met) == (35, False)


def test_supervision_outside_the_total_still_counts_as_supervision() -> None:
    ruleset = _ruleset(
        total_hours=40,
        supervision_counts_toward_total=False,
        min_supervision_hours=4,
        supervision_ratio={"per_hours": 15, "basis": "direct"},
    )

    verdict = evaluate_experience(ruleset, _weeks(2, 30, 1))

    assert _requirement(verdict, "total").counted == 60
    assert _requirement(verdict, "supervision").missing == 2
    ratio = _requirement(verdict, "supervision-ratio")
    assert (ratio.required, ratio.counted, ratio.met) == (4, 2, False)


def test_group_share_is_a_maximum_against_individual_hours() -> None:
    ruleset = _ruleset(max_group_supervision_share=0.5)
    entries = [
        ExperienceEntry(MONDAY, 4, Category.INDIVIDUAL_SUPERVISION),
        ExperienceEntry(MONDAY, 6, Category.GROUP_SUPERVISION),
    ]

    share = _requirement(evaluate_experience(ruleset, entries), "group-share")

    assert (share.required, share.counted, share.met) == (4, 6, False)
    assert share.missing == 0


def test_months_with_direct_hours_and_too_little_supervision_are_listed() -> None:
    ruleset = _ruleset(min_supervision_hours_per_month=4)
    entries = [
        *_weeks(4, 10, 1, start=date(2026, 2, 2)),  # February: 4 hours of supervision
        ExperienceEntry(date(2026, 3, 2), 10, Category.DIRECT),
        ExperienceEntry(date(2026, 3, 3), 3, Category.GROUP_SUPERVISION),
    ]

    verdict = evaluate_experience(ruleset, entries)

    assert verdict.short_months == (date(2026, 3, 1),)
    assert "March 2026 has direct hours" in " ".join(verdict.next_steps)


def test_the_projection_follows_the_recent_pace_and_the_span() -> None:
    ruleset = _ruleset(total_hours=1000, min_weeks=104)
    entries = _weeks(10, 10) + _weeks(10, 30, start=MONDAY + timedelta(weeks=10))

    verdict = evaluate_experience(ruleset, entries)

    # The last 12 weeks: 2 weeks at 10 hours and 10 weeks at 30 hours.
    assert verdict.weekly_pace == round(320 / 12, 2)
    # The 104 weeks take longer than the hours: the span sets the date.
    assert verdict.projected_completion == verdict.last_day + timedelta(days=7 * (104 - 19))


def test_no_projection_without_recent_hours_of_a_missing_kind() -> None:
    ruleset = _ruleset(total_hours=100, min_supervision_hours=10)

    verdict = evaluate_experience(ruleset, _weeks(2, 10))

    assert verdict.projected_completion is None


def test_an_empty_log() -> None:
    verdict = evaluate_experience(_ruleset(min_weeks=10), [])

    assert not verdict.complete
    assert verdict.first_day is None
    assert verdict.projected_completion is None


def test_the_catalog_loads_with_sources_and_marks_what_is_uncertain() -> None:
    catalog = load_experience_catalog()

    assert len(catalog) >= 12
    for ruleset in catalog.values():
        assert ruleset.sources
        assert ruleset.kind == "experience"
    tx = catalog["us-tx-lpc-experience"]
    assert (tx.total_hours, tx.min_direct_hours, tx.max_group_supervision_share) == (
        3000,
        1500,
        0.5,
    )
    assert catalog["us-pa-lpc-experience"].uncertain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = [", "us.toml"),
        ('id = "x"\nkind = "experience"', "total_hours"),
    ],
)
def test_a_bad_file_names_itself_and_the_problem(text: str, message: str) -> None:
    with pytest.raises(ExperienceRuleSetError, match=message):
        parse_experience_ruleset(text, "us.toml")


def test_parts_cannot_exceed_the_total() -> None:
    with pytest.raises(ValueError, match="min_direct_hours"):
        _ruleset(total_hours=100, min_direct_hours=200)
