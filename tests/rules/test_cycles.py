"""Cycles: dates, numbers, first renewals and the boards' deadline rules."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.rules.cycles import add_months, check_deadline, cycle_for, next_deadline
from tests.rules.builders import context, ruleset

TWO_YEARS = ruleset(cycle_months=24)
FLORIDA = ruleset(
    cycle={"length_months": 24, "deadline": "fixed-date", "month": 3, "day": 31, "years": "odd"}
)
BIRTH_MONTH = ruleset(cycle={"length_months": 24, "deadline": "birth-month"})


def test_add_months_clamps_the_day() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 15), -13) == date(2023, 12, 15)


def test_a_cycle_ends_on_the_deadline_and_starts_the_day_after_one_length_earlier() -> None:
    cycle = cycle_for(TWO_YEARS, context(date(2025, 3, 31), first_renewal=None))
    assert (cycle.start, cycle.end) == (date(2023, 4, 1), date(2025, 3, 31))
    assert cycle.number is None
    assert cycle.first_renewal is False


def test_a_cycle_ending_on_feb_28_after_a_leap_year_starts_on_march_1() -> None:
    cycle = cycle_for(ruleset(cycle_months=12), context(date(2025, 2, 28)))
    assert cycle.start == date(2024, 2, 29)


def test_a_license_issued_mid_cycle_has_a_pro_rated_first_cycle() -> None:
    cycle = cycle_for(
        TWO_YEARS, context(date(2025, 3, 31), issued_on=date(2024, 5, 10), first_renewal=None)
    )
    assert cycle.start == date(2024, 5, 10)
    assert cycle.number == 1
    assert cycle.first_renewal is True


def test_the_cycle_number_counts_cycle_lengths_from_the_issue_date_rounded_up() -> None:
    cycle = cycle_for(
        TWO_YEARS, context(date(2025, 3, 31), issued_on=date(2020, 1, 15), first_renewal=None)
    )
    assert cycle.number == 3  # deadlines 2021-03-31 (pro-rated), 2023-03-31, 2025-03-31
    assert cycle.first_renewal is False


def test_an_explicit_cycle_number_and_first_renewal_flag_win() -> None:
    cycle = cycle_for(
        TWO_YEARS,
        context(date(2025, 3, 31), issued_on=date(2020, 1, 15), cycle_number=7, first_renewal=True),
    )
    assert (cycle.number, cycle.first_renewal) == (7, True)


def test_an_issue_date_after_the_deadline_is_an_error() -> None:
    with pytest.raises(ValueError, match="after the deadline"):
        cycle_for(TWO_YEARS, context(date(2025, 3, 31), issued_on=date(2025, 4, 1)))


@settings(max_examples=200, derandomize=True, database=None)
@given(
    issued=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    months=st.sampled_from([12, 24, 36, 60]),
    cycles=st.integers(1, 6),
)
def test_the_cycle_number_is_the_number_of_deadlines_since_issue(
    issued: date, months: int, cycles: int
) -> None:
    rules = ruleset(cycle_months=months)
    deadline = add_months(issued, months * cycles)
    cycle = cycle_for(rules, context(deadline, issued_on=issued, first_renewal=None))
    assert cycle.number == cycles
    assert cycle.start <= cycle.end


def test_next_deadline_for_license_expiration_adds_one_cycle() -> None:
    assert next_deadline(TWO_YEARS, date(2025, 3, 31), None) == date(2027, 3, 31)


def test_next_deadline_for_a_fixed_date_finds_march_31_of_the_next_odd_year() -> None:
    assert next_deadline(FLORIDA, date(2025, 3, 31), None) == date(2027, 3, 31)
    assert next_deadline(FLORIDA, date(2024, 5, 1), None) == date(2025, 3, 31)
    assert next_deadline(FLORIDA, date(2025, 3, 30), None) == date(2025, 3, 31)


def test_next_deadline_for_a_fixed_feb_29_clamps_in_common_years() -> None:
    rules = ruleset(cycle={"length_months": 12, "deadline": "fixed-date", "month": 2, "day": 29})
    assert next_deadline(rules, date(2024, 3, 1), None) == date(2025, 2, 28)


def test_next_deadline_for_birth_month_is_the_end_of_the_birth_month_a_cycle_later() -> None:
    assert next_deadline(BIRTH_MONTH, date(2025, 6, 30), 6) == date(2027, 6, 30)


def test_next_deadline_for_birth_month_from_an_issue_date_is_never_over_one_cycle() -> None:
    # Issued February 2023, born in June: no more than 24 months -> June 2024.
    assert next_deadline(BIRTH_MONTH, date(2023, 2, 10), 6) == date(2024, 6, 30)
    # Issued in the birth month before its end: the end of that month is too far (24.5 months).
    assert next_deadline(BIRTH_MONTH, date(2025, 6, 15), 6) == date(2026, 6, 30)


def test_next_deadline_for_birth_month_without_a_birth_month_adds_one_cycle() -> None:
    assert next_deadline(BIRTH_MONTH, date(2025, 6, 15), None) == date(2027, 6, 15)


def test_check_deadline_accepts_a_matching_fixed_date() -> None:
    assert check_deadline(FLORIDA, date(2025, 3, 31), None) is None


@pytest.mark.parametrize("expires_on", [date(2026, 3, 31), date(2025, 4, 30)])
def test_check_deadline_warns_when_a_fixed_date_does_not_match(expires_on: date) -> None:
    warning = check_deadline(FLORIDA, expires_on, None)
    assert warning is not None
    assert "March 31 of odd years" in warning
    assert expires_on.isoformat() in warning


def test_check_deadline_for_birth_month() -> None:
    assert check_deadline(BIRTH_MONTH, date(2025, 6, 30), 6) is None
    assert check_deadline(BIRTH_MONTH, date(2025, 6, 30), None) is None
    wrong_month = check_deadline(BIRTH_MONTH, date(2025, 7, 31), 6)
    assert wrong_month is not None
    assert "June" in wrong_month
    mid_month = check_deadline(BIRTH_MONTH, date(2025, 6, 15), None)
    assert mid_month is not None
    assert "not the last day of a month" in mid_month


def test_check_deadline_accepts_any_license_expiration_date() -> None:
    assert check_deadline(TWO_YEARS, date(2025, 6, 15), None) is None
