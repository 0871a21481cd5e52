"""PURE: learning priorities from the caseload, the user's confidence, outcomes and training.

Each area present in the caseload gets a score between 0 and 1, the weighted sum of four
components, each between 0 and 1:

* **share** (weight 0.40): the share of clients the area concerns;
* **competency gap** (0.25): ``(5 - confidence) / 4``; an area not rated counts as 0.5;
* **outcome gap** (0.20): how far the area's reliable-improvement rate falls below the user's
  rate over all their episodes, relative to that rate (0 without outcomes or when the group is
  suppressed as too small);
* **training recency** (0.15): years since the last matching CE activity, over three years,
  capped at 1 (1 when there is none).

Every component comes with a reason in words, so that the ranking explains itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from lifelong.practice.areas import AREAS, Area
from lifelong.practice.outcomes import GroupSummary

WEIGHTS: Final[dict[str, float]] = {
    "share": 0.40,
    "competency": 0.25,
    "outcome": 0.20,
    "recency": 0.15,
}
RECENT_YEARS: Final[int] = 3
UNRATED_GAP: Final[float] = 0.5


@dataclass(frozen=True, slots=True)
class Training:
    """A completed CE activity, as far as priorities care."""

    completed_on: date
    hours: float
    title: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AreaEvidence:
    hours_recent: float
    activities_recent: int
    last_trained: date | None


@dataclass(frozen=True, slots=True)
class Priority:
    area: Area
    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]
    share: float
    clients: int
    confidence: int | None
    evidence: AreaEvidence
    suggested_topics: tuple[str, ...] = field(default=())


def _years_between(earlier: date, later: date) -> float:
    return max(0.0, (later - earlier).days / 365.25)


def evidence_for(area: Area, trainings: Iterable[Training], today: date) -> AreaEvidence:
    """CE hours and activities in the area over the last three years, and the latest one."""
    window_start = date(today.year - RECENT_YEARS, today.month, min(today.day, 28))
    hours = 0.0
    count = 0
    last: date | None = None
    for training in trainings:
        if training.completed_on > today or not area.covers(training.title, training.topics):
            continue
        if last is None or training.completed_on > last:
            last = training.completed_on
        if training.completed_on >= window_start:
            hours += training.hours
            count += 1
    return AreaEvidence(round(hours, 2), count, last)


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def rank(
    counts: Mapping[str, int],
    total_clients: int,
    confidence: Mapping[str, int],
    trainings: Iterable[Training],
    today: date,
    outcomes: Mapping[str, GroupSummary] | None = None,
    pooled_improvement: float | None = None,
) -> list[Priority]:
    """The caseload's areas ranked by need, highest first.

    ``counts`` maps area slugs (``concern:depression``) to the number of clients; areas that
    Lifelong cannot match training to (``other``, ``adults``) are left out. ``outcomes`` maps
    a concern's area slug to its outcome summary.
    """
    if total_clients <= 0:
        return []
    trainings = list(trainings)
    outcomes = outcomes or {}
    priorities: list[Priority] = []
    for slug, clients in counts.items():
        area = AREAS.get(slug)
        if area is None or clients <= 0 or not (area.ce_topics or area.title_words):
            continue
        share = min(1.0, clients / total_clients)
        reasons = [f"{_percent(share)} of your clients ({clients} of {total_clients})"]

        rating = confidence.get(slug)
        if rating is None:
            competency_gap = UNRATED_GAP
            reasons.append("You have not rated your confidence in this area")
        else:
            competency_gap = (5 - rating) / 4
            reasons.append(f"You rated your confidence {rating} of 5")

        outcome_gap = 0.0
        summary = outcomes.get(slug)
        if summary is not None and summary.suppressed:
            reasons.append(
                f"Outcomes: {summary.episodes} episodes, too few to compare (at least 5 needed)"
            )
        elif summary is not None and summary.improvement is not None:
            rate = summary.improvement
            text = (
                f"Reliable improvement {_percent(rate.value)} "
                f"(95% CI {_percent(rate.low)} to {_percent(rate.high)}, {rate.total} episodes)"
            )
            if pooled_improvement:
                outcome_gap = min(1.0, max(0.0, (pooled_improvement - rate.value)))
                outcome_gap = min(1.0, outcome_gap / pooled_improvement)
                text += f" against {_percent(pooled_improvement)} across your episodes"
            reasons.append(text)

        evidence = evidence_for(area, trainings, today)
        if evidence.last_trained is None:
            recency = 1.0
            reasons.append("No CE activity in this area recorded")
        else:
            recency = min(1.0, _years_between(evidence.last_trained, today) / RECENT_YEARS)
            reasons.append(
                f"{evidence.hours_recent:g} CE hours in the last {RECENT_YEARS} years; "
                f"last on {evidence.last_trained.isoformat()}"
            )

        components = {
            "share": share,
            "competency": competency_gap,
            "outcome": outcome_gap,
            "recency": recency,
        }
        score = sum(WEIGHTS[name] * value for name, value in components.items())
        priorities.append(
            Priority(
                area=area,
                score=round(score, 4),
                components={name: round(value, 4) for name, value in components.items()},
                reasons=tuple(reasons),
                share=share,
                clients=clients,
                confidence=rating,
                evidence=evidence,
                suggested_topics=suggested_topics(area),
            )
        )
    priorities.sort(key=lambda item: (-item.score, -item.share, item.area.label))
    return priorities


def suggested_topics(area: Area) -> tuple[str, ...]:
    """CE topics (the shared vocabulary) that would count as training in the area."""
    if area.ce_topics:
        return area.ce_topics
    if area.dimension == "context":
        return ("cultural-competence",)
    return ("clinical-practice",)
