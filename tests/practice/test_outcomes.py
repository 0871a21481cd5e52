"""Reliable change (Jacobson & Truax), rates with Wilson intervals and small-group
suppression, on examples worked by hand."""

from __future__ import annotations

import math

import pytest

from lifelong.practice.outcomes import (
    BUILTIN_MEASURES,
    Episode,
    GroupCounts,
    Measure,
    classify,
    group_episodes,
    pooled_improvement,
    reliable_change_index,
    summarise,
    wilson_interval,
)

# SD 7.5 and reliability .84: S_E = 7.5 * sqrt(.16) = 3.0, S_diff = 3 * sqrt(2) = 4.2426,
# reliable change needs |diff| > 1.96 * 4.2426 = 8.3156 points.
SCALE = Measure("custom-1", "Scale", standard_deviation=7.5, reliability=0.84)


def test_standard_error_of_difference_and_threshold_by_hand() -> None:
    assert SCALE.standard_error_of_difference == pytest.approx(4.242641, abs=1e-6)
    assert SCALE.reliable_change_points == pytest.approx(8.315576, abs=1e-6)


@pytest.mark.parametrize(
    ("baseline", "latest", "index", "change"),
    [
        (20, 11, -2.121320, "improved"),  # -9 / 4.2426
        (20, 12, -1.885618, "no-reliable-change"),  # -8 / 4.2426
        (10, 19, 2.121320, "deteriorated"),
        (15, 15, 0.0, "no-reliable-change"),
    ],
)
def test_reliable_change_index_by_hand(
    baseline: float, latest: float, index: float, change: str
) -> None:
    assert reliable_change_index(SCALE, baseline, latest) == pytest.approx(index, abs=1e-6)
    assert classify(SCALE, baseline, latest) == change


def test_higher_is_better_measures_reverse_the_direction() -> None:
    wellbeing = Measure("custom-2", "Well-being", 7.5, 0.84, lower_is_better=False)
    assert classify(wellbeing, 11, 20) == "improved"
    assert classify(wellbeing, 20, 11) == "deteriorated"


def test_phq9_and_gad7_use_the_fixed_points_inclusively() -> None:
    phq9, gad7 = BUILTIN_MEASURES["phq-9"], BUILTIN_MEASURES["gad-7"]
    assert classify(phq9, 18, 12) == "improved"  # a decrease of exactly 6
    assert classify(phq9, 18, 13) == "no-reliable-change"
    assert classify(phq9, 8, 14) == "deteriorated"
    assert classify(gad7, 12, 8) == "improved"
    assert classify(gad7, 12, 9) == "no-reliable-change"
    assert reliable_change_index(phq9, 18, 12) is None


def test_wilson_interval_by_hand() -> None:
    # 3 of 10: centre (0.3 + 0.19208) / 1.38416 = 0.35551, margin 0.24772.
    low, high = wilson_interval(3, 10)
    assert low == pytest.approx(0.10779, abs=1e-4)
    assert high == pytest.approx(0.60323, abs=1e-4)
    # The interval of 0 of 5 starts at 0 and is not empty.
    low, high = wilson_interval(0, 5)
    assert low == 0.0
    assert high == pytest.approx(0.43448, abs=1e-4)


def test_wilson_interval_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="at least one observation"):
        wilson_interval(1, 0)
    with pytest.raises(ValueError, match="between 0 and the total"):
        wilson_interval(6, 5)


def test_rates_per_concern_and_suppression_of_small_groups() -> None:
    phq9 = BUILTIN_MEASURES["phq-9"]
    episodes = [
        Episode("concern:depression", phq9, 20, 10),  # improved
        Episode("concern:depression", phq9, 18, 11),  # improved
        Episode("concern:depression", phq9, 15, 13),  # no change
        Episode("concern:depression", phq9, 12, 19),  # deteriorated
        Episode("concern:depression", phq9, 22, 14),  # improved
        Episode("concern:depression", phq9, 16, 16),  # no change
        Episode("concern:anxiety", BUILTIN_MEASURES["gad-7"], 15, 5),
        Episode("concern:anxiety", BUILTIN_MEASURES["gad-7"], 14, 13),
    ]
    groups = group_episodes(episodes)
    assert groups == [
        GroupCounts("concern:depression", "phq-9", 6, 3, 1),
        GroupCounts("concern:anxiety", "gad-7", 2, 1, 0),
    ]
    depression = summarise(groups[0])
    assert depression.suppressed is False
    assert depression.improvement is not None
    assert depression.deterioration is not None
    assert depression.improvement.value == 0.5
    assert (depression.improvement.low, depression.improvement.high) == wilson_interval(3, 6)
    assert depression.deterioration.value == pytest.approx(1 / 6)

    anxiety = summarise(groups[1])
    assert anxiety.suppressed is True
    assert anxiety.improvement is None
    assert anxiety.deterioration is None

    assert pooled_improvement(groups) == pytest.approx(4 / 8)
    assert pooled_improvement([]) is None


def test_groups_of_exactly_the_minimum_are_shown() -> None:
    assert summarise(GroupCounts("concern:grief", "phq-9", 5, 1, 0)).suppressed is False
    assert summarise(GroupCounts("concern:grief", "phq-9", 4, 1, 0)).suppressed is True


@pytest.mark.parametrize(
    "arguments",
    [
        {"standard_deviation": None, "reliability": 0.8},
        {"standard_deviation": 0, "reliability": 0.8},
        {"standard_deviation": 5, "reliability": 1.0},
        {"standard_deviation": 5, "reliability": -0.1},
        {"fixed_points": 0},
    ],
)
def test_measures_reject_bad_definitions(arguments: dict[str, float | None]) -> None:
    with pytest.raises(ValueError, match=r"measure|deviation|reliability|points"):
        Measure("m", "M", **arguments)  # type: ignore[arg-type]


def test_aggregate_counts_are_checked() -> None:
    with pytest.raises(ValueError, match="cannot exceed"):
        GroupCounts("concern:grief", "phq-9", 5, 4, 2)
    assert math.isclose(summarise(GroupCounts("c", "m", 10, 3, 0)).improvement.value, 0.3)  # type: ignore[union-attr]
