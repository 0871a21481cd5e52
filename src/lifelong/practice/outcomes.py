"""PURE: reliable change (Jacobson & Truax 1991) and rates per presenting concern.

A measure says how large a change must be to be *reliable* (unlikely to be measurement error):

* from its standard deviation and reliability: ``S_E = SD * sqrt(1 - r)``,
  ``S_diff = sqrt(2) * S_E``, ``RCI = (latest - baseline) / S_diff``; a change is reliable when
  ``|RCI| > 1.96`` (p < .05);
* or from a fixed number of points in common use: PHQ-9 6 points, GAD-7 4 points (NHS Talking
  Therapies definitions), reached or exceeded.

Rates come with Wilson score 95% intervals; groups of fewer than :data:`MIN_GROUP_SIZE`
episodes are suppressed (their rates are not shown), since a rate over three clients says
nothing and could point to an individual.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

Z_95: Final[float] = 1.96
MIN_GROUP_SIZE: Final[int] = 5

Change = Literal["improved", "deteriorated", "no-reliable-change"]


@dataclass(frozen=True, slots=True)
class Measure:
    """An outcome measure. ``lower_is_better`` for symptom scales such as the PHQ-9."""

    key: str
    name: str
    standard_deviation: float | None = None
    reliability: float | None = None
    fixed_points: float | None = None
    lower_is_better: bool = True

    def __post_init__(self) -> None:
        if self.fixed_points is None:
            if self.standard_deviation is None or self.reliability is None:
                raise ValueError("a measure needs a standard deviation and a reliability")
            if self.standard_deviation <= 0:
                raise ValueError("the standard deviation must be positive")
            if not 0 <= self.reliability < 1:
                raise ValueError("the reliability must be at least 0 and below 1")
        elif self.fixed_points <= 0:
            raise ValueError("the reliable change must be a positive number of points")

    @property
    def standard_error_of_difference(self) -> float | None:
        if self.standard_deviation is None or self.reliability is None:
            return None
        return math.sqrt(2) * self.standard_deviation * math.sqrt(1 - self.reliability)

    @property
    def reliable_change_points(self) -> float:
        """The smallest change in points that counts as reliable (for display)."""
        if self.fixed_points is not None:
            return self.fixed_points
        s_diff = self.standard_error_of_difference
        assert s_diff is not None
        return Z_95 * s_diff


# Built-in measures, free to use (Pfizer released the PHQ and GAD-7 without copyright
# restriction in 2010): thresholds as NHS Talking Therapies defines reliable change.
BUILTIN_MEASURES: Final[dict[str, Measure]] = {
    "phq-9": Measure("phq-9", "PHQ-9", fixed_points=6),
    "gad-7": Measure("gad-7", "GAD-7", fixed_points=4),
}


def reliable_change_index(measure: Measure, baseline: float, latest: float) -> float | None:
    """``(latest - baseline) / S_diff``; ``None`` for a measure defined by fixed points."""
    s_diff = measure.standard_error_of_difference
    if measure.fixed_points is not None or s_diff is None:
        return None
    return (latest - baseline) / s_diff


def classify(measure: Measure, baseline: float, latest: float) -> Change:
    """Whether one episode reliably improved, deteriorated or did neither."""
    change = latest - baseline
    if measure.fixed_points is not None:
        reliable = abs(change) >= measure.fixed_points
    else:
        index = reliable_change_index(measure, baseline, latest)
        assert index is not None
        reliable = abs(index) > Z_95
    if not reliable or change == 0:
        return "no-reliable-change"
    better = change < 0 if measure.lower_is_better else change > 0
    return "improved" if better else "deteriorated"


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (good for small groups and rates near 0 or
    1, where the normal approximation fails)."""
    if total <= 0:
        raise ValueError("an interval needs at least one observation")
    if not 0 <= successes <= total:
        raise ValueError("successes must be between 0 and the total")
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.count / self.total


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Episodes of one concern (and one measure): how many, how many reliably improved and
    how many deteriorated. Built from episodes or typed in as aggregate counts."""

    concern: str
    measure: str
    episodes: int
    improved: int
    deteriorated: int

    def __post_init__(self) -> None:
        if self.episodes < 0 or self.improved < 0 or self.deteriorated < 0:
            raise ValueError("counts cannot be negative")
        if self.improved + self.deteriorated > self.episodes:
            raise ValueError("improved and deteriorated cannot exceed the number of episodes")


@dataclass(frozen=True, slots=True)
class GroupSummary:
    concern: str
    measure: str
    episodes: int
    suppressed: bool
    improvement: Rate | None
    deterioration: Rate | None


def summarise(group: GroupCounts, min_group_size: int = MIN_GROUP_SIZE) -> GroupSummary:
    """Rates with intervals, or a suppressed group without them."""
    if group.episodes < min_group_size:
        return GroupSummary(group.concern, group.measure, group.episodes, True, None, None)

    def rate(count: int) -> Rate:
        low, high = wilson_interval(count, group.episodes)
        return Rate(count, group.episodes, low, high)

    return GroupSummary(
        group.concern,
        group.measure,
        group.episodes,
        False,
        rate(group.improved),
        rate(group.deteriorated),
    )


@dataclass(frozen=True, slots=True)
class Episode:
    concern: str
    measure: Measure
    baseline: float
    latest: float


def group_episodes(episodes: Iterable[Episode]) -> list[GroupCounts]:
    """Episodes counted per (concern, measure), in the order first seen."""
    counts: dict[tuple[str, str], list[int]] = {}
    for episode in episodes:
        key = (episode.concern, episode.measure.key)
        tally = counts.setdefault(key, [0, 0, 0])
        tally[0] += 1
        result = classify(episode.measure, episode.baseline, episode.latest)
        if result == "improved":
            tally[1] += 1
        elif result == "deteriorated":
            tally[2] += 1
    return [
        GroupCounts(concern, measure, total, improved, deteriorated)
        for (concern, measure), (total, improved, deteriorated) in counts.items()
    ]


def pooled_improvement(groups: Iterable[GroupCounts]) -> float | None:
    """The reliable-improvement rate over every episode (the user's own benchmark)."""
    groups = list(groups)
    total = sum(group.episodes for group in groups)
    if total == 0:
        return None
    return sum(group.improved for group in groups) / total
