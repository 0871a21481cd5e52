"""Goal progress, computed from the records that count toward a goal. Pure: no Django.

A goal has a target (CE hours in some topics, activities, articles read, reflections written,
or a measure of the user's own) between a start date and a due date. What counts toward it is
never typed as a percentage: each record that counts is a :class:`Contribution` (a CE activity,
a reading marked read, a reflection, an entry of a custom measure), and the progress is their
sum. A goal is *behind* when the share of its time that has passed is ahead of the share of its
target that is done by :data:`BEHIND_MARGIN` or more (and some time has passed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

# A goal is behind when the share of its time that has passed exceeds the share of its target
# that is done by this much: 50 % of the time gone with less than 30 % done is behind.
BEHIND_MARGIN = 0.2
# ... and not before this share of its time has passed (the first days of a goal are not late).
BEHIND_AFTER_TIME_SHARE = 0.25

# Semester and quarter hours in clock hours, for goals counted in hours (the usual conversion:
# 15 and 10 contact hours; a board's own conversion matters for compliance, not for goals).
ACADEMIC_CLOCK_HOURS = {
    "clock-hour": Decimal(1),
    "semester-hour": Decimal(15),
    "quarter-hour": Decimal(10),
}

Status = Literal["met", "on-track", "behind", "missed", "upcoming"]

STATUS_LABELS: dict[str, str] = {
    "met": "Met",
    "on-track": "On track",
    "behind": "Behind",
    "missed": "Not met by the due date",
    "upcoming": "Not started yet",
}


@dataclass(frozen=True, slots=True)
class Contribution:
    """One record that counts toward a goal: ``amount`` of its target on day ``on``."""

    on: date
    amount: Decimal
    label: str
    kind: str  # "activity", "article", "reflection" or "entry"
    record_id: int


@dataclass(frozen=True, slots=True)
class GoalProgress:
    target: Decimal
    done: Decimal
    contributions: tuple[Contribution, ...]
    time_share: float  # share of the goal's time that has passed, 0..1
    done_share: float  # share of the target reached, 0..1 (capped)
    status: Status
    met_on: date | None  # the day the target was reached, if it was

    @property
    def remaining(self) -> Decimal:
        return max(self.target - self.done, Decimal(0))

    @property
    def percent(self) -> int:
        return round(self.done_share * 100)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_behind(self) -> bool:
        return self.status == "behind"


def time_share(starts_on: date, due_on: date, today: date) -> float:
    """The share of [starts_on, due_on] that has passed by the end of ``today`` (0..1)."""
    total_days = (due_on - starts_on).days + 1
    passed = (today - starts_on).days + 1
    return min(max(passed / total_days, 0.0), 1.0) if total_days > 0 else 1.0


def compute_progress(
    *,
    target: Decimal,
    starts_on: date,
    due_on: date,
    today: date,
    contributions: Iterable[Contribution],
) -> GoalProgress:
    """Sum the contributions dated within the goal's window and judge the goal on ``today``."""
    counted = sorted(
        (c for c in contributions if starts_on <= c.on <= due_on and c.on <= today),
        key=lambda c: (c.on, c.kind, c.record_id),
    )
    done = Decimal(0)
    met_on: date | None = None
    for contribution in counted:
        done += contribution.amount
        if met_on is None and target > 0 and done >= target:
            met_on = contribution.on
    share_of_time = time_share(starts_on, due_on, today)
    done_share = min(float(done / target), 1.0) if target > 0 else 1.0
    status: Status
    if met_on is not None:
        status = "met"
    elif today > due_on:
        status = "missed"
    elif today < starts_on:
        status = "upcoming"
    elif share_of_time >= BEHIND_AFTER_TIME_SHARE and share_of_time - done_share >= BEHIND_MARGIN:
        status = "behind"
    else:
        status = "on-track"
    return GoalProgress(
        target=target,
        done=done,
        contributions=tuple(counted),
        time_share=share_of_time,
        done_share=done_share,
        status=status,
        met_on=met_on,
    )


def activity_hours_for_topics(
    goal_topics: Sequence[str], activity_topics: Sequence[dict[str, Any]], hours: Decimal, unit: str
) -> Decimal:
    """The clock hours of an activity that count toward a goal in ``goal_topics``.

    No goal topics: all of its hours. Otherwise the activity must have one of them: a topic
    given without hours (``trauma``) brings all of the activity's hours, topics given with
    hours (``trauma=2``) bring those hours, never more than the activity's own.
    """
    clock_hours = Decimal(hours) * ACADEMIC_CLOCK_HOURS.get(unit, Decimal(1))
    if not goal_topics:
        return clock_hours
    wanted = set(goal_topics)
    matching = [item for item in activity_topics if item.get("slug") in wanted]
    if not matching:
        return Decimal(0)
    if any(item.get("hours") is None for item in matching):
        return clock_hours
    scale = ACADEMIC_CLOCK_HOURS.get(unit, Decimal(1))
    shared = sum((Decimal(str(item["hours"])) * scale for item in matching), Decimal(0))
    return min(shared, clock_hours)


def activity_matches_topics(
    goal_topics: Sequence[str], activity_topics: Sequence[dict[str, Any]]
) -> bool:
    """Does an activity count toward a goal in ``goal_topics`` (any topic when empty)?"""
    if not goal_topics:
        return True
    wanted = set(goal_topics)
    return any(item.get("slug") in wanted for item in activity_topics)
