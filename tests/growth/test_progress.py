"""Goal progress, the pure core: sums of what counted, dates, statuses, topic hours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lifelong.growth.progress import (
    Contribution,
    activity_hours_for_topics,
    activity_matches_topics,
    compute_progress,
    time_share,
)

START = date(2026, 1, 1)
DUE = date(2026, 4, 10)  # 100 days


def c(day: date, amount: str, record_id: int = 1) -> Contribution:
    return Contribution(day, Decimal(amount), f"record {record_id}", "activity", record_id)


def test_time_share_counts_whole_days() -> None:
    assert time_share(START, DUE, date(2025, 12, 1)) == 0.0
    assert time_share(START, DUE, START) == pytest.approx(0.01)
    assert time_share(START, DUE, date(2026, 2, 19)) == pytest.approx(0.5)
    assert time_share(START, DUE, DUE) == 1.0
    assert time_share(START, DUE, date(2026, 9, 1)) == 1.0


def test_progress_sums_contributions_in_the_window_only() -> None:
    progress = compute_progress(
        target=Decimal(12),
        starts_on=START,
        due_on=DUE,
        today=date(2026, 2, 1),
        contributions=[
            c(date(2025, 12, 31), "6", 1),  # before the start
            c(date(2026, 1, 10), "3", 2),
            c(date(2026, 1, 20), "1.5", 3),
            c(date(2026, 3, 1), "6", 4),  # later than today: not counted yet
        ],
    )
    assert progress.done == Decimal("4.5")
    assert [x.record_id for x in progress.contributions] == [2, 3]
    assert progress.remaining == Decimal("7.5")
    assert progress.percent == 38  # 4.5 / 12
    assert progress.status == "on-track"  # 32 % of the time, 38 % done


def test_met_on_is_the_day_the_target_was_crossed() -> None:
    progress = compute_progress(
        target=Decimal(6),
        starts_on=START,
        due_on=DUE,
        today=DUE,
        contributions=[c(date(2026, 3, 5), "4", 2), c(date(2026, 1, 5), "3", 1)],
    )
    assert progress.status == "met"
    assert progress.met_on == date(2026, 3, 5)
    assert progress.percent == 100
    assert progress.remaining == 0


def test_behind_when_time_outruns_progress_by_the_margin() -> None:
    # Day 50 of 100: half the time gone. 30 % done is 20 points behind: behind.
    behind = compute_progress(
        target=Decimal(10), starts_on=START, due_on=DUE, today=date(2026, 2, 19),
        contributions=[c(date(2026, 1, 5), "3")],
    )  # fmt: skip
    assert behind.status == "behind"
    # 31 % done is 19 points behind: still on track.
    on_track = compute_progress(
        target=Decimal(10), starts_on=START, due_on=DUE, today=date(2026, 2, 19),
        contributions=[c(date(2026, 1, 5), "3.1")],
    )  # fmt: skip
    assert on_track.status == "on-track"


def test_not_behind_in_the_first_quarter_of_the_time() -> None:
    progress = compute_progress(
        target=Decimal(10), starts_on=START, due_on=DUE, today=date(2026, 1, 24), contributions=[]
    )
    assert progress.time_share == pytest.approx(0.24)
    assert progress.status == "on-track"
    later = compute_progress(
        target=Decimal(10), starts_on=START, due_on=DUE, today=date(2026, 1, 25), contributions=[]
    )
    assert later.status == "behind"


def test_missed_after_the_due_date_and_upcoming_before_the_start() -> None:
    missed = compute_progress(
        target=Decimal(10), starts_on=START, due_on=DUE, today=date(2026, 4, 11),
        contributions=[c(date(2026, 2, 1), "9")],
    )  # fmt: skip
    assert missed.status == "missed"
    assert missed.done == 9
    upcoming = compute_progress(
        target=Decimal(10), starts_on=START, due_on=DUE, today=date(2025, 12, 1), contributions=[]
    )
    assert upcoming.status == "upcoming"


def test_topic_hours_of_an_activity() -> None:
    topics = [{"slug": "trauma", "hours": 2.0}, {"slug": "ethics", "hours": None}]
    # Any topic: all of it.
    assert activity_hours_for_topics([], topics, Decimal(6), "clock-hour") == 6
    # A topic given without hours brings all the hours.
    assert activity_hours_for_topics(["ethics"], topics, Decimal(6), "clock-hour") == 6
    # A topic given with hours brings those hours only.
    assert activity_hours_for_topics(["trauma"], topics, Decimal(6), "clock-hour") == 2
    # Not in the topics: nothing.
    assert activity_hours_for_topics(["telehealth"], topics, Decimal(6), "clock-hour") == 0
    # Several shares never add up to more than the activity.
    shares = [{"slug": "trauma", "hours": 4.0}, {"slug": "assessment", "hours": 4.0}]
    assert (
        activity_hours_for_topics(["trauma", "assessment"], shares, Decimal(6), "clock-hour") == 6
    )
    # A semester hour is 15 clock hours.
    assert activity_hours_for_topics([], [], Decimal(3), "semester-hour") == 45
    assert activity_matches_topics(["trauma"], topics)
    assert not activity_matches_topics(["telehealth"], topics)
    assert activity_matches_topics([], [])
