"""Plain data going into and coming out of the rules engine (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class TopicShare:
    """A topic an activity covers; ``hours=None`` means the whole activity may count for it."""

    slug: str
    hours: float | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    """An approval statement on a certificate: a body and, if printed, its number."""

    body: str
    number: str = ""


@dataclass(frozen=True, slots=True)
class Activity:
    """One CE activity in the ledger. ``hours`` are in ``unit`` (clock hours by default)."""

    id: str
    title: str
    provider: str
    completed_on: date
    hours: float
    format: str
    kind: str
    topics: tuple[TopicShare, ...] = ()
    approvals: tuple[Approval, ...] = ()
    unit: str = "clock-hour"


@dataclass(frozen=True, slots=True)
class LicenseContext:
    """What the engine needs to know about one license for one cycle.

    ``expires_on`` is the renewal deadline that closes the cycle. ``cycle_number`` counts
    renewals since licensure (1 = the first renewal); when unknown, ``first_renewal`` says
    whether this is the first one. ``completed_once`` holds requirement ids or topic slugs of
    one-time requirements met before the activities on record. ``attested`` holds condition ids.
    """

    expires_on: date
    issued_on: date | None = None
    first_renewal: bool | None = None
    cycle_number: int | None = None
    roles: frozenset[str] = frozenset()
    carry_over_in_hours: float = 0.0
    completed_once: frozenset[str] = frozenset()
    attested: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CyclePeriod:
    start: date
    end: date
    number: int | None = None
    first_renewal: bool = False


@dataclass(frozen=True, slots=True)
class HoursUsed:
    """Hours of one activity counted toward one requirement."""

    activity_id: str
    title: str
    hours: float


@dataclass(frozen=True, slots=True)
class RequirementResult:
    id: str
    title: str
    topics: tuple[str, ...]
    required_hours: float
    counted_hours: float
    deficit_hours: float
    met: bool
    activities: tuple[HoursUsed, ...] = ()
    frequency: str = "every-cycle"
    counts_toward_total: bool = True
    status_note: str = ""
    uncertain: str | None = None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Hours of an activity that do not count, and why."""

    activity_id: str
    title: str
    reason: str
    hours: float


@dataclass(frozen=True, slots=True)
class ConditionResult:
    id: str
    title: str
    attested: bool
    uncertain: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's answer for one license cycle, explaining itself."""

    ruleset_id: str
    cycle: CyclePeriod
    compliant: bool
    requirements: tuple[RequirementResult, ...]
    excluded: tuple[Exclusion, ...] = ()
    conditions: tuple[ConditionResult, ...] = ()
    carry_over_in_hours: float = 0.0
    carry_over_out_hours: float = 0.0
    next_steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> RequirementResult:
        return next(result for result in self.requirements if result.id == "total")

    @property
    def unmet(self) -> tuple[RequirementResult, ...]:
        return tuple(result for result in self.requirements if not result.met)

    @property
    def deficit_hours(self) -> float:
        return round(sum(result.deficit_hours for result in self.requirements), 2)
