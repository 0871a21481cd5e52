"""The rules engine's single entry point: :func:`evaluate` one license cycle.

``evaluate(ruleset, context, activities)`` works out the cycle (:mod:`cycles`), screens the
activities (:mod:`eligibility`), decides which requirements apply and how many hours each still
needs in this cycle, lets the optimiser (:mod:`allocation`) assign hours, and explains the
result in a :class:`~lifelong.rules.model.Verdict`.

Output conventions: requirements in rule-set order with ``total`` first (``min_hours`` limits,
which are requirements too, come last); activities inside a requirement by date then title;
exclusions by date then title. Hours are rounded to 2 decimals for display; ``met`` and
``compliant`` are decided on the unrounded figures with a 1e-6 tolerance. An unmet requirement
shows a deficit of at least 0.01.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from lifelong.rules.allocation import Allocation, Bound, Demand, Problem, allocate, round_allocation
from lifelong.rules.cycles import add_months, cycle_for
from lifelong.rules.eligibility import (
    Countable,
    activity_matches_limit,
    format_hours,
    history_exclusion,
    limit_label,
    plain_hours,
    screen,
)
from lifelong.rules.model import (
    Activity,
    ConditionResult,
    CyclePeriod,
    Exclusion,
    HoursUsed,
    LicenseContext,
    RequirementResult,
    Verdict,
)
from lifelong.rules.schema import Limit, Requirement, RuleSet
from lifelong.rules.vocabulary import LIVE_FORMATS

__all__ = ["COMPLETED_BEFORE", "EXEMPT_NOTE", "NOTHING_MISSING", "evaluate"]

TOLERANCE = 1e-6
EXEMPT_NOTE = "first renewal after licensure: exempt"
COMPLETED_BEFORE = "completed before this cycle"
NOTHING_MISSING = "Nothing missing: all requirements are met."
CARRY_OVER_ID = "carry-over"
CARRY_OVER_TITLE = "Carried over from the previous cycle"


@dataclass(slots=True)
class _Plan:
    """A requirement that applies in this cycle and what it still needs here."""

    requirement: Requirement
    required: float
    need: float = 0.0  # hours to find among this cycle's activities
    history: list[tuple[Countable, float]] = field(default_factory=list)
    met_before: bool = False
    status_note: str = ""

    @property
    def history_hours(self) -> float:
        return math.fsum(hours for _, hours in self.history)


def evaluate(
    ruleset: RuleSet,
    context: LicenseContext,
    activities: Sequence[Activity],
    *,
    force_lp: bool = False,
) -> Verdict:
    """The verdict for the cycle ending on ``context.expires_on``.

    ``activities`` may hold a whole ledger: activities outside the cycle are excluded with a
    reason, or used as history by one-time and rolling requirements. Whether ``expires_on``
    fits the board's deadline rule is not checked here: callers who know the holder's birth
    month use :func:`lifelong.rules.cycles.check_deadline`. ``force_lp`` makes the optimiser
    skip its fast path (for tests).
    """
    cycle = cycle_for(ruleset, context)
    notes: list[str] = []
    screening = screen(ruleset, cycle, activities)
    exempt = cycle.first_renewal and ruleset.first_renewal.exempt
    if exempt:
        notes.append(EXEMPT_NOTE)
        if ruleset.first_renewal.note:
            notes.append(ruleset.first_renewal.note)
    total_required = _total_required(ruleset, cycle, exempt)
    carry_in = _carry_in(ruleset, context.carry_over_in_hours, notes)

    plans = [
        plan
        for requirement in ruleset.requirements
        if (plan := _plan(ruleset, requirement, context, cycle, exempt, screening.history, notes))
    ]
    in_cycle = screening.in_cycle
    allocated = [plan for plan in plans if plan.need > TOLERANCE]
    demands = tuple(
        Demand(
            hours=plan.need,
            topics=frozenset(plan.requirement.topics),
            eligible=_eligible(plan.requirement, in_cycle),
            inside_total=plan.requirement.counts_toward_total,
        )
        for plan in allocated
    )
    limits = [
        limit
        for limit in ruleset.limits
        if any(
            value is not None
            for value in (limit.max_hours, limit.max_share, limit.min_hours, limit.min_share)
        )
    ]
    bounds = tuple(
        Bound(
            members=frozenset(
                i for i, item in enumerate(in_cycle) if activity_matches_limit(limit, item)
            ),
            max_hours=limit.max_hours,
            max_share=limit.max_share,
            min_hours=None if exempt else limit.min_hours,
            min_share=limit.min_share,
        )
        for limit in limits
    )
    problem = Problem(
        hours=tuple(item.hours for item in in_cycle),
        topic_hours=tuple(item.topic_hours for item in in_cycle),
        demands=demands,
        bounds=bounds,
        overlap=ruleset.topics_may_overlap,
    )
    exact = allocate(problem, force_lp=force_lp)
    shown = round_allocation(problem, exact)
    dates = {activity.id: activity.completed_on for activity in activities}

    binding = _binding_phrases(limits, bounds, exact)
    results: list[RequirementResult] = []
    counted_total = exact.total_counted + carry_in
    total_rows = [
        HoursUsed(item.id, item.title, hours)
        for item, hours in zip(in_cycle, shown.counted, strict=True)
        if hours > 0
    ]
    total_result = _result(
        requirement_id="total",
        title="Total CE hours",
        topics=(),
        required=total_required,
        counted=counted_total,
        rows=_ordered(total_rows, dates),
        status_note=EXEMPT_NOTE if exempt else "",
    )
    if carry_in > 0:
        carry_row = HoursUsed(CARRY_OVER_ID, CARRY_OVER_TITLE, round(carry_in, 2))
        total_result = _with_rows(total_result, (carry_row, *total_result.activities))
    results.append(total_result)

    demand_index = {id(plan): r for r, plan in enumerate(allocated)}
    used_history: set[str] = set()
    for plan in plans:
        requirement = plan.requirement
        rows = [HoursUsed(item.id, item.title, round(hours, 2)) for item, hours in plan.history]
        used_history.update(item.id for item, _ in plan.history)
        counted = plan.history_hours
        if plan.met_before and not plan.history:
            counted = plan.required
        r = demand_index.get(id(plan))
        if r is not None:
            counted += exact.demand_hours[r]
            rows.extend(
                HoursUsed(in_cycle[i].id, in_cycle[i].title, hours)
                for i, hours in shown.assigned[r].items()
                if hours > 0
            )
        results.append(
            _result(
                requirement_id=requirement.id,
                title=requirement.title,
                topics=tuple(requirement.topics),
                required=plan.required,
                counted=counted,
                rows=_ordered(rows, dates),
                frequency=requirement.frequency,
                counts_toward_total=requirement.counts_toward_total,
                status_note=plan.status_note,
                uncertain=requirement.uncertain,
            )
        )
    for limit, bound, got in zip(limits, bounds, exact.bound_hours, strict=True):
        if bound.min_hours is None:
            continue
        rows = [
            HoursUsed(in_cycle[i].id, in_cycle[i].title, shown.counted[i])
            for i in sorted(bound.members)
            if shown.counted[i] > 0
        ]
        results.append(
            _result(
                requirement_id=limit.id,
                title=limit.title,
                topics=tuple(limit.topics),
                required=bound.min_hours,
                counted=got,
                rows=_ordered(rows, dates),
                status_note=(
                    f"at least {plain_hours(bound.min_hours)} h of the hours counted toward "
                    f"the total must be {limit_label(limit)}"
                ),
                uncertain=limit.uncertain,
            )
        )

    excluded = list(screening.excluded)
    excluded.extend(
        history_exclusion(item, cycle) for item in screening.history if item.id not in used_history
    )
    excluded.extend(_limit_exclusions(problem, in_cycle, limits, exact))
    excluded.sort(key=lambda e: (dates.get(e.activity_id, date.min), e.title, e.activity_id))

    conditions = tuple(
        ConditionResult(
            id=condition.id,
            title=condition.title,
            attested=condition.id in context.attested,
            uncertain=condition.uncertain,
        )
        for condition in ruleset.conditions
        if not condition.roles or not context.roles.isdisjoint(condition.roles)
    )
    compliant = all(result.met for result in results)
    steps = _next_steps(ruleset, cycle, results, plans, limits, bounds, binding)
    attest = [f"Attest: {c.title}" for c in conditions if not c.attested]
    if compliant and not attest:
        steps = [NOTHING_MISSING]
    steps.extend(attest)

    carry_out = 0.0
    if ruleset.carry_over.max_hours > 0:
        spare = max(0.0, counted_total - total_required)
        carry_out = min(ruleset.carry_over.max_hours, spare)
    return Verdict(
        ruleset_id=ruleset.id,
        cycle=cycle,
        compliant=compliant,
        requirements=tuple(results),
        excluded=tuple(excluded),
        conditions=conditions,
        carry_over_in_hours=round(carry_in, 2),
        carry_over_out_hours=round(carry_out, 2),
        next_steps=tuple(steps),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------------------------
# What applies in this cycle
# --------------------------------------------------------------------------------------------


def _total_required(ruleset: RuleSet, cycle: CyclePeriod, exempt: bool) -> float:
    if exempt:
        return 0.0
    if cycle.first_renewal and ruleset.first_renewal.total_hours is not None:
        return ruleset.first_renewal.total_hours
    return ruleset.total_hours


def _carry_in(ruleset: RuleSet, hours: float, notes: list[str]) -> float:
    if hours <= 0:
        return 0.0
    allowed = ruleset.carry_over.max_hours
    if allowed <= 0:
        notes.append(
            f"This board allows no carry-over, so the {format_hours(hours)} hours carried over "
            "from the previous cycle do not count."
        )
        return 0.0
    if hours > allowed:
        notes.append(
            f"Only {format_hours(allowed)} of the {format_hours(hours)} hours carried over "
            "from the previous cycle count (the board's carry-over limit)."
        )
        return allowed
    return hours


def _eligible(requirement: Requirement, items: Sequence[Countable]) -> frozenset[int]:
    """Indexes of the activities that pass a requirement's filters (see _passes_filters)."""
    topics: frozenset[str] = frozenset(requirement.topics)
    formats: frozenset[str] = frozenset(requirement.formats)
    bodies: frozenset[str] = frozenset(requirement.approvals)
    return frozenset(
        i
        for i, item in enumerate(items)
        if not topics.isdisjoint(item.topic_hours)
        and (not formats or item.activity.format in formats)
        and (not bodies or not bodies.isdisjoint(item.approvals))
    )


def _passes_filters(requirement: Requirement, item: Countable) -> bool:
    if requirement.formats and item.activity.format not in requirement.formats:
        return False
    if requirement.approvals and item.approvals.isdisjoint(requirement.approvals):
        return False
    return any(topic in item.topic_hours for topic in requirement.topics)


def _capacity(requirement: Requirement, item: Countable) -> float:
    """The most one activity can give a requirement on its own."""
    through = math.fsum(item.topic_hours.get(topic, 0.0) for topic in set(requirement.topics))
    return min(item.hours, through)


def _take_history(
    requirement: Requirement, history: Iterable[Countable], hours: float
) -> list[tuple[Countable, float]]:
    """Earlier activities that serve ``requirement``, oldest first, up to ``hours``."""
    taken: list[tuple[Countable, float]] = []
    left = hours
    for item in history:
        if left <= TOLERANCE:
            break
        if not _passes_filters(requirement, item):
            continue
        amount = min(left, _capacity(requirement, item))
        if amount > 0:
            taken.append((item, amount))
            left -= amount
    return taken


def _plan(
    ruleset: RuleSet,
    requirement: Requirement,
    context: LicenseContext,
    cycle: CyclePeriod,
    exempt: bool,
    history: Sequence[Countable],
    notes: list[str],
) -> _Plan | None:
    """How a requirement applies in this cycle, or ``None`` when it does not."""
    if requirement.roles and context.roles.isdisjoint(requirement.roles):
        return None
    if requirement.applies_from and cycle.end < requirement.applies_from:
        return None
    if requirement.applies_until and cycle.end > requirement.applies_until:
        return None
    if requirement.first_renewal == "skip" and cycle.first_renewal:
        return None
    if requirement.first_renewal == "only" and not cycle.first_renewal:
        return None
    if exempt and requirement.first_renewal != "only":
        return None
    required = requirement.hours
    if requirement.frequency == "per-year":
        required = requirement.hours * ruleset.cycle.length_months / 12
    plan = _Plan(requirement, required=required, need=required)
    number = cycle.number
    title = requirement.title

    if requirement.frequency == "once":
        done = context.completed_once
        if requirement.id in done or not done.isdisjoint(requirement.topics):
            return _Plan(requirement, required, met_before=True, status_note=COMPLETED_BEFORE)
        earlier = _take_history(requirement, history, required)
        if math.fsum(hours for _, hours in earlier) >= required - TOLERANCE:
            return _Plan(
                requirement,
                required,
                history=earlier,
                met_before=True,
                status_note=COMPLETED_BEFORE,
            )
        if number is not None and number < requirement.due_cycle:
            notes.append(f"{title} is due by renewal {requirement.due_cycle}.")
            return None
        plan.status_note = "one-time requirement"
        return plan

    if requirement.frequency == "every-nth-cycle":
        every = requirement.every or 1
        due = requirement.due_cycle
        if requirement.window == "rolling":
            if number is not None and number < due:
                notes.append(f"{title} is due from renewal {due}.")
                return None
            window_start = add_months(cycle.start, -(every - 1) * ruleset.cycle.length_months)
            window = [item for item in history if item.completed_on >= window_start]
            plan.history = _take_history(requirement, window, required)
            plan.need = max(0.0, required - plan.history_hours)
            plan.status_note = (
                f"hours completed since {window_start.isoformat()} count (the last {every} cycles)"
            )
            return plan
        if number is None:
            notes.append(
                f"The cycle number is unknown, so {title} is treated as due in this cycle."
            )
            plan.status_note = f"due every {every} cycles; treated as due"
            return plan
        if number < due or (number - due) % every:
            following = due if number < due else number + every - (number - due) % every
            notes.append(f"{title} is not due this cycle (next due at renewal {following}).")
            return None
        plan.status_note = f"due every {every} cycles"
        return plan
    return plan


# --------------------------------------------------------------------------------------------
# Results, exclusions and next steps
# --------------------------------------------------------------------------------------------


def _result(
    *,
    requirement_id: str,
    title: str,
    topics: tuple[str, ...],
    required: float,
    counted: float,
    rows: Sequence[HoursUsed],
    frequency: str = "every-cycle",
    counts_toward_total: bool = True,
    status_note: str = "",
    uncertain: str | None = None,
) -> RequirementResult:
    met = counted >= required - TOLERANCE
    deficit = 0.0 if met else max(0.01, round(required - counted, 2))
    return RequirementResult(
        id=requirement_id,
        title=title,
        topics=topics,
        required_hours=round(required, 2),
        counted_hours=round(counted, 2),
        deficit_hours=deficit,
        met=met,
        activities=tuple(rows),
        frequency=frequency,
        counts_toward_total=counts_toward_total,
        status_note=status_note,
        uncertain=uncertain,
    )


def _with_rows(result: RequirementResult, rows: tuple[HoursUsed, ...]) -> RequirementResult:
    return RequirementResult(
        id=result.id,
        title=result.title,
        topics=result.topics,
        required_hours=result.required_hours,
        counted_hours=result.counted_hours,
        deficit_hours=result.deficit_hours,
        met=result.met,
        activities=rows,
        frequency=result.frequency,
        counts_toward_total=result.counts_toward_total,
        status_note=result.status_note,
        uncertain=result.uncertain,
    )


def _ordered(rows: Iterable[HoursUsed], dates: dict[str, date]) -> list[HoursUsed]:
    return sorted(rows, key=lambda row: (dates.get(row.activity_id, date.min), row.title))


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _limit_exclusions(
    problem: Problem, in_cycle: Sequence[Countable], limits: Sequence[Limit], exact: Allocation
) -> list[Exclusion]:
    """Hours of in-cycle activities that no requirement could use because of a limit."""
    found: list[Exclusion] = []
    total = exact.total_counted
    outside = [0.0] * len(in_cycle)
    for assigned, demand in zip(exact.assigned, problem.demands, strict=True):
        if not demand.inside_total:
            for i, hours in assigned.items():
                outside[i] = max(outside[i], hours) if problem.overlap else outside[i] + hours
    for i, item in enumerate(in_cycle):
        used = exact.counted[i] + outside[i]
        unused = item.hours - used
        if unused < 0.005:
            continue
        of = f"{format_hours(unused)} of {format_hours(item.hours)} hours"
        reason = f"{of} not counted: the board's limits on combining hours"
        for limit, bound, got in zip(limits, problem.bounds, exact.bound_hours, strict=True):
            label = limit_label(limit)
            member = i in bound.members
            if member and bound.max_hours is not None and got >= bound.max_hours - 0.005:
                reason = f"{of} over the {label} cap (at most {plain_hours(bound.max_hours)} h)"
                break
            if member and bound.max_share is not None and got >= bound.max_share * total - 0.005:
                reason = (
                    f"{of} over the {label} cap "
                    f"(at most {_percent(bound.max_share)} of the hours counted)"
                )
                break
            if (
                not member
                and bound.min_share is not None
                and got <= bound.min_share * total + 0.005
            ):
                reason = (
                    f"{of} not counted: at least {_percent(bound.min_share)} of the hours "
                    f"counted must be {_wanted(limit)}"
                )
                break
        found.append(Exclusion(item.id, item.title, reason, round(unused, 2)))
    return found


def _wanted(limit: Limit) -> str:
    """What a minimum asks for, readably: ``live (in-person or live-online)``."""
    if (
        limit.formats
        and set(limit.formats) == set(LIVE_FORMATS)
        and not (limit.kinds or limit.topics or limit.approvals)
    ):
        return "live (in-person or live-online)"
    if limit.approvals and not (limit.formats or limit.kinds or limit.topics):
        return f"from an approved provider ({', '.join(limit.approvals)})"
    return limit_label(limit)


def _binding_phrases(
    limits: Sequence[Limit], bounds: Sequence[Bound], exact: Allocation
) -> list[str]:
    """What still helps the total given the limits that are used up."""
    phrases: list[str] = []
    total = exact.total_counted
    for limit, bound, got in zip(limits, bounds, exact.bound_hours, strict=True):
        label = limit_label(limit)
        if bound.max_hours is not None and got >= bound.max_hours - 0.005:
            phrases.append(
                f"not {label} (the {label} cap of {plain_hours(bound.max_hours)} h is used up)"
            )
        elif bound.max_share is not None and got >= bound.max_share * total - 0.005 and got > 0:
            phrases.append(
                f"not {label} ({label} may be at most {_percent(bound.max_share)} of the hours)"
            )
        if bound.min_share is not None and got <= bound.min_share * total + 0.005:
            phrases.append(_wanted(limit))
    return phrases


def _next_steps(
    ruleset: RuleSet,
    cycle: CyclePeriod,
    results: Sequence[RequirementResult],
    plans: Sequence[_Plan],
    limits: Sequence[Limit],
    bounds: Sequence[Bound],
    binding: Sequence[str],
) -> list[str]:
    by_id = {plan.requirement.id: plan.requirement for plan in plans}
    minimums = {
        limit.id: limit
        for limit, bound in zip(limits, bounds, strict=True)
        if bound.min_hours is not None
    }
    before = f"before {cycle.end.isoformat()}"
    provider = (
        f"from an approved provider ({', '.join(ruleset.providers.accepted)})"
        if ruleset.providers.accepted
        else ""
    )
    steps: list[str] = []
    for result in results:
        if result.met:
            continue
        hours = format_hours(result.deficit_hours)
        if result.id == "total":
            clauses = []
            if ruleset.accepted_formats:
                clauses.append(" or ".join(ruleset.accepted_formats))
            clauses.extend(binding)
            parts = [f"{hours} more hours in any accepted topic", *(clauses or ["any format"])]
            steps.append(", ".join([*parts, *([provider] if provider else []), before]))
            continue
        requirement = by_id.get(result.id)
        if requirement is None:
            limit = minimums[result.id]
            steps.append(
                f"{hours} more hours of {_wanted(limit)} (at least "
                f"{plain_hours(result.required_hours)} h must count toward the total), {before}"
            )
            continue
        topics: str = requirement.topics[0]
        if len(requirement.topics) > 1:
            topics += f" (or {', '.join(requirement.topics[1:])})"
        clauses = []
        formats = requirement.formats or ruleset.accepted_formats
        if formats:
            clauses.append(" or ".join(formats))
        if requirement.counts_toward_total:
            clauses.extend(binding)
        bodies = requirement.approvals or ruleset.providers.accepted
        parts = [f"{hours} more hours of {topics}", *(clauses or ["any format"])]
        if bodies:
            parts.append(f"from an approved provider ({', '.join(bodies)})")
        step = ", ".join([*parts, before])
        if requirement.frequency == "once":
            step += " (one-time requirement)"
        steps.append(step)
    return steps
