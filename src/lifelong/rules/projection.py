"""The compliance projection: with the courses a user plans, when will a license be compliant?

:func:`project` takes what :func:`~lifelong.rules.engine.evaluate` takes, plus the planned
courses (as engine activities dated on their planned day), and answers with the first planned
date on which the cycle's requirements are all met, or what would still be missing with every
plan, or that the license is compliant without them. Plans dated after the deadline, before
the cycle starts, or in the past (overdue: taken and not recorded, or missed) are set apart
with a note; they do not count.

The search relies on one property of the engine: **adding activities never makes a verdict
worse.** Every hour the optimiser counts is a choice (an activity may count for 0 hours, and
limits only bound what is counted), so the allocation without a new activity is still
feasible with it, and the smallest sum of deficits can only fall. Compliance over the plans
taken in date order is therefore monotone, and a binary search over the planned dates finds
the first compliant one in O(log n) engine runs. The tests compare it with a linear scan.

Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from lifelong.rules.cycles import cycle_for
from lifelong.rules.eligibility import plain_hours
from lifelong.rules.engine import evaluate
from lifelong.rules.model import Activity, CyclePeriod, LicenseContext, Verdict
from lifelong.rules.schema import RuleSet

__all__ = ["Outcome", "Projection", "Shortfall", "project"]

Outcome = Literal["already-compliant", "compliant", "not-enough"]
Judge = Callable[[RuleSet, LicenseContext, Sequence[Activity]], Verdict]


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Hours of one requirement still missing."""

    requirement_id: str
    title: str
    hours: float

    @property
    def phrase(self) -> str:
        """``3 h of Ethics``; ``3 h in total`` for the total."""
        if self.requirement_id == "total":
            return f"{plain_hours(self.hours)} h in total"
        return f"{plain_hours(self.hours)} h of {self.title}"


@dataclass(frozen=True, slots=True)
class Projection:
    """What the plans do for one license cycle.

    ``outcome``: ``already-compliant`` (no plan needed), ``compliant`` (on ``compliant_on``,
    once the plans in ``plans_needed`` are done) or ``not-enough`` (``missing`` would still be
    missing with every plan that counts). ``counted`` are the plans inside the cycle, in date
    order; ``after_deadline``, ``before_cycle`` and ``overdue`` the plans that do not count.
    ``verdict`` is the engine's verdict on ``compliant_on`` (``compliant``), with every plan
    (``not-enough``), or without plans (``already-compliant``).
    """

    outcome: Outcome
    cycle: CyclePeriod
    verdict: Verdict
    compliant_on: date | None = None
    plans_needed: tuple[Activity, ...] = ()
    counted: tuple[Activity, ...] = ()
    after_deadline: tuple[Activity, ...] = ()
    before_cycle: tuple[Activity, ...] = ()
    overdue: tuple[Activity, ...] = ()
    missing: tuple[Shortfall, ...] = ()

    @property
    def deadline(self) -> date:
        return self.cycle.end

    @property
    def headline(self) -> str:
        """The answer in one sentence (dates as YYYY-MM-DD)."""
        if self.outcome == "already-compliant":
            return "Already compliant without these plans."
        if self.outcome == "compliant" and self.compliant_on is not None:
            return f"With these plans you will be compliant on {self.compliant_on.isoformat()}."
        return f"These plans are not enough: {self.missing_text} would still be missing."

    @property
    def missing_text(self) -> str:
        """``3 h of Ethics and 2 h in total``."""
        phrases = [shortfall.phrase for shortfall in self.missing]
        if len(phrases) <= 1:
            return "".join(phrases)
        return f"{', '.join(phrases[:-1])} and {phrases[-1]}"

    @property
    def notes(self) -> tuple[str, ...]:
        """Why some plans do not count, one sentence per reason."""
        notes: list[str] = []
        if self.after_deadline:
            notes.append(
                f"Plans after the deadline ({self.deadline.isoformat()}) do not count for this "
                f"cycle: {_listing(self.after_deadline)}."
            )
        if self.before_cycle:
            notes.append(
                f"Plans before this cycle starts ({self.cycle.start.isoformat()}) do not count "
                f"for it: {_listing(self.before_cycle)}."
            )
        if self.overdue:
            notes.append(
                "Plans whose date has passed are not counted; record them as completed if you "
                f"took them, or move them: {_listing(self.overdue)}."
            )
        return tuple(notes)


def _listing(plans: Sequence[Activity]) -> str:
    return "; ".join(f"“{plan.title}” ({plan.completed_on.isoformat()})" for plan in plans)


def _shortfalls(verdict: Verdict) -> tuple[Shortfall, ...]:
    return tuple(
        Shortfall(result.id, result.title, result.deficit_hours) for result in verdict.unmet
    )


def project(
    ruleset: RuleSet,
    context: LicenseContext,
    activities: Sequence[Activity],
    plans: Sequence[Activity],
    *,
    today: date,
    current: Verdict | None = None,
    judge: Judge = evaluate,
) -> Projection:
    """Project the cycle ending ``context.expires_on`` with ``plans`` done on their dates.

    ``activities`` are the completed ones (as for :func:`evaluate`); ``plans`` are engine
    activities dated on their planned day, with ids that differ from the activities' ids.
    Plans on the same day keep their given order. ``current``, when given, is the verdict for
    ``activities`` alone (the caller often has it already); ``judge`` is the engine (tests
    count its runs).
    """
    cycle = current.cycle if current is not None else cycle_for(ruleset, context)
    ordered = sorted(plans, key=lambda plan: plan.completed_on)  # stable: same-day order kept
    overdue = tuple(plan for plan in ordered if plan.completed_on < today)
    upcoming = [plan for plan in ordered if plan.completed_on >= today]
    counted = tuple(plan for plan in upcoming if cycle.start <= plan.completed_on <= cycle.end)
    base = Projection(
        "not-enough",
        cycle,
        current if current is not None else judge(ruleset, context, activities),
        counted=counted,
        after_deadline=tuple(plan for plan in upcoming if plan.completed_on > cycle.end),
        before_cycle=tuple(plan for plan in upcoming if plan.completed_on < cycle.start),
        overdue=overdue,
    )

    if base.verdict.compliant:
        return replace(base, outcome="already-compliant")

    def with_plans(count: int) -> Verdict:
        return judge(ruleset, context, [*activities, *counted[:count]])

    everything = with_plans(len(counted)) if counted else base.verdict
    if not everything.compliant:
        return replace(base, verdict=everything, missing=_shortfalls(everything))

    # Prefixes that end on a day's last plan: all the plans of a day are done by that day.
    day_ends = [
        index + 1
        for index in range(len(counted))
        if index + 1 == len(counted)
        or counted[index + 1].completed_on != counted[index].completed_on
    ]
    low, high = 0, len(day_ends) - 1  # the answer is in day_ends[low..high]; high is compliant
    found = everything
    while low < high:
        middle = (low + high) // 2
        verdict = with_plans(day_ends[middle])
        if verdict.compliant:
            high, found = middle, verdict
        else:
            low = middle + 1
    needed = counted[: day_ends[high]]
    return replace(
        base,
        outcome="compliant",
        verdict=found,
        compliant_on=needed[-1].completed_on,
        plans_needed=needed,
    )
