"""Practice services: snapshots, the evidence of training per area, outcome summaries and the
learning priorities that join them. Each function runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from lifelong.credits.models import Activity
from lifelong.growth.models import Goal
from lifelong.growth.services import create_goal, default_due_date
from lifelong.literature.interests import upsert_interest
from lifelong.literature.models import Interest
from lifelong.practice import outcomes, priorities
from lifelong.practice.areas import AREAS, Area
from lifelong.practice.models import CaseloadSnapshot, Competency, OutcomeEpisode
from lifelong.practice.priorities import Priority, suggested_topics


def trainings_for(user: Any) -> list[priorities.Training]:
    """Every completed activity of the user, as priorities read them (one query). Hours are
    clock hours; semester and quarter hours of academic courses count as activities only."""
    rows = Activity.objects.for_user(user).values_list(
        "completed_on", "hours", "unit", "title", "topics"
    )
    return [
        priorities.Training(
            completed_on=completed_on,
            hours=float(hours) if unit == "clock-hour" else 0.0,
            title=title,
            topics=tuple(item["slug"] for item in topics or []),
        )
        for completed_on, hours, unit, title, topics in rows
    ]


def latest_snapshot(user: Any) -> CaseloadSnapshot | None:
    return CaseloadSnapshot.objects.for_user(user).first()


@transaction.atomic
def save_snapshot(
    user: Any, taken_on: date, total_clients: int, counts: dict[str, int]
) -> CaseloadSnapshot:
    """Record the caseload of a day (replacing one recorded earlier the same day). Counts of
    zero are left out; every count is checked against the areas and the total."""
    snapshot = CaseloadSnapshot(
        owner=user,
        taken_on=taken_on,
        total_clients=total_clients,
        counts={slug: value for slug, value in counts.items() if value},
    )
    snapshot.full_clean(exclude=["owner"], validate_unique=False)
    saved, _ = CaseloadSnapshot.objects.update_or_create(
        owner=user,
        taken_on=taken_on,
        defaults={"total_clients": snapshot.total_clients, "counts": snapshot.counts},
    )
    return saved


def confidence_for(user: Any) -> dict[str, int]:
    return dict(Competency.objects.for_user(user).values_list("area", "confidence"))


@transaction.atomic
def save_confidence(user: Any, ratings: dict[str, int | None]) -> None:
    """Set the user's confidence per area; ``None`` removes a rating."""
    for slug, rating in ratings.items():
        if slug not in AREAS:
            raise ValueError(f"unknown area {slug!r}")
        if rating is None:
            Competency.objects.for_user(user).filter(area=slug).delete()
        elif not 1 <= rating <= 5:
            raise ValueError(f"{slug}: confidence must be from 1 to 5")
        else:
            Competency.objects.update_or_create(
                owner=user, area=slug, defaults={"confidence": rating}
            )


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    groups: list[outcomes.GroupSummary]
    by_concern: dict[str, outcomes.GroupSummary]
    pooled_improvement: float | None
    episodes: int


def outcome_report(user: Any) -> OutcomeReport:
    """Reliable change per concern over the user's episodes (one query). A concern measured
    with several measures is summarised per measure; priorities use its largest group."""
    episodes = list(OutcomeEpisode.objects.for_user(user).select_related("custom_measure"))
    groups = outcomes.group_episodes(episode.to_outcome() for episode in episodes)
    summaries = [outcomes.summarise(group) for group in groups]
    by_concern: dict[str, outcomes.GroupSummary] = {}
    for summary in summaries:
        current = by_concern.get(summary.concern)
        if current is None or summary.episodes > current.episodes:
            by_concern[summary.concern] = summary
    return OutcomeReport(
        groups=summaries,
        by_concern=by_concern,
        pooled_improvement=outcomes.pooled_improvement(groups),
        episodes=len(episodes),
    )


@dataclass(frozen=True, slots=True)
class PriorityReport:
    snapshot: CaseloadSnapshot | None
    priorities: list[priorities.Priority]


def priorities_for(user: Any, today: date) -> PriorityReport:
    """The ranked learning priorities from the latest snapshot (four queries)."""
    snapshot = latest_snapshot(user)
    if snapshot is None:
        return PriorityReport(None, [])
    report = outcome_report(user)
    ranked = priorities.rank(
        counts=snapshot.counts,
        total_clients=snapshot.total_clients,
        confidence=confidence_for(user),
        trainings=trainings_for(user),
        today=today,
        outcomes=report.by_concern,
        pooled_improvement=report.pooled_improvement,
    )
    return PriorityReport(snapshot, ranked)


@dataclass(frozen=True, slots=True)
class CompetencyRow:
    area: Area
    confidence: int | None
    evidence: priorities.AreaEvidence
    clients: int


def competency_map(user: Any, today: date) -> list[CompetencyRow]:
    """Every area with the user's confidence, the CE evidence and the caseload count."""
    trainings = trainings_for(user)
    ratings = confidence_for(user)
    snapshot = latest_snapshot(user)
    counts = snapshot.counts if snapshot else {}
    return [
        CompetencyRow(
            area=area,
            confidence=ratings.get(slug),
            evidence=priorities.evidence_for(area, trainings, today),
            clients=counts.get(slug, 0),
        )
        for slug, area in AREAS.items()
    ]


def add_interest_for_area(user: Any, area: Area) -> tuple[Interest, bool]:
    """The literature interest an area suggests, marked as coming from the caseload."""
    kind = {
        "population": Interest.Kind.POPULATION,
        "modality": Interest.Kind.MODALITY,
    }.get(area.dimension, Interest.Kind.TOPIC)
    return upsert_interest(
        user,
        area.label,
        terms=[area.label],
        mesh=list(area.mesh),
        origin=Interest.Origin.CASELOAD,
        weight=2.0,
        kind=kind,
    )


GOAL_HOURS = 6


def goal_from_priority(user: Any, area: Area, priority: Priority | None, today: date) -> Goal:
    """A learning goal of six CE hours in the area's suggested CE topics, due in six months,
    with the priority's reasons as its why. The user adjusts it afterwards."""
    reasons = "; ".join(priority.reasons) if priority is not None else ""
    title = (
        f"Learn more about {area.label[0].lower()}{area.label[1:]}"
        if area.dimension == "concern"
        else f"Learn more: {area.label}"
    )
    return create_goal(
        user,
        title=title,
        why=f"From my learning priorities: {reasons}." if reasons else "",
        target_kind=Goal.TargetKind.HOURS,
        topics=suggested_topics(area),
        target_value=GOAL_HOURS,
        starts_on=today,
        due_on=default_due_date(today),
        source=f"practice priority: {area.label}",
    )
