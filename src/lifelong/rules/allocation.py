"""The optimiser: which hours of which activity count toward which requirement.

The problem (:class:`Problem`) is stated in plain numbers: activity ``i`` has ``hours[i]`` CE
hours and ``topic_hours[i][t]`` hours that may cover topic ``t``. The unknowns are

- ``c[i]``: hours of ``i`` counted toward the total (``0 <= c[i] <= hours[i]``);
- ``y[r, i, t]``: hours of ``i`` given through topic ``t`` to topic requirement (demand) ``r``.

Constraints:

- without overlap (the default) one hour counts toward at most one demand: for each activity,
  the hours given to demands inside the total are at most ``c[i]``, ``c[i]`` plus the hours
  given to demands outside the total are at most ``hours[i]``, and the hours given through
  topic ``t`` to all demands together are at most ``topic_hours[i][t]``;
- with overlap each demand separately may take up to ``c[i]`` (inside the total) or
  ``hours[i] - c[i]`` (outside), and at most ``topic_hours[i][t]`` through topic ``t``;
- a demand takes at most its hours (extra hours are not piled on a topic);
- bounds on the hours counted toward the total from the activities they select: ``max_hours``,
  ``max_share`` and ``min_share`` (shares of ``sum(c)``) are hard; ``min_hours`` is a goal
  whose shortfall counts as a deficit.

Objective, lexicographic: (1) the smallest sum of demand and ``min_hours`` deficits, (2) the
most hours counted toward the total (which also gives the smallest total deficit).

:func:`allocate` first runs a greedy allocation (scarcest demand first, activities that serve
the fewest demands first, then fill the total respecting the bounds) and returns it only when
it can prove both objectives optimal against upper bounds (per-demand and cut-style bounds for
(1), single-bound bounds for (2)). Otherwise it solves two linear programs with HiGHS (phase 1,
then phase 2 with phase 1's optimum fixed). :func:`round_allocation` turns a solution into
hundredths of an hour that still satisfy every constraint.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

import numpy as np
from scipy.optimize import linprog

__all__ = [
    "Allocation",
    "Bound",
    "Demand",
    "Problem",
    "allocate",
    "round_allocation",
]

EPS = 1e-9
PHASE_SLACK = 1e-7  # how far phase 2 may move phase 1's optimum (HiGHS's feasibility tolerance)
SNAP = 1e-5  # solver values this close to a hundredth of an hour are that hundredth
Method = Literal["fast", "lp", "fallback"]


@dataclass(frozen=True, slots=True)
class Demand:
    """A topic requirement's hours to find among the cycle's activities.

    ``eligible`` holds the indexes of activities that pass the requirement's own filters
    (formats, approvals); they serve it through their topics that are in ``topics``.
    """

    hours: float
    topics: frozenset[str]
    eligible: frozenset[int]
    inside_total: bool = True


@dataclass(frozen=True, slots=True)
class Bound:
    """A limit on the hours counted toward the total from the activities in ``members``."""

    members: frozenset[int]
    max_hours: float | None = None
    max_share: float | None = None
    min_hours: float | None = None
    min_share: float | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    hours: tuple[float, ...]
    topic_hours: tuple[Mapping[str, float], ...]
    demands: tuple[Demand, ...] = ()
    bounds: tuple[Bound, ...] = ()
    overlap: bool = False


@dataclass(frozen=True, slots=True)
class Allocation:
    """A solution: ``counted[i]`` = c[i]; ``assigned[r]`` maps activity index -> hours for
    demand ``r``; ``method`` says which path produced it."""

    counted: tuple[float, ...]
    assigned: tuple[Mapping[int, float], ...]
    method: Method
    demand_hours: tuple[float, ...] = field(default=())
    bound_hours: tuple[float, ...] = field(default=())

    @property
    def total_counted(self) -> float:
        return math.fsum(self.counted)


def _finish(
    problem: Problem,
    counted: Sequence[float],
    assigned: Sequence[Mapping[int, float]],
    method: Method,
) -> Allocation:
    demand_hours = tuple(math.fsum(a.values()) for a in assigned)
    bound_hours = tuple(math.fsum(counted[i] for i in b.members) for b in problem.bounds)
    return Allocation(
        counted=tuple(counted),
        assigned=tuple(dict(a) for a in assigned),
        method=method,
        demand_hours=demand_hours,
        bound_hours=bound_hours,
    )


def demand_deficits(problem: Problem, allocation: Allocation) -> tuple[float, ...]:
    return tuple(
        max(0.0, demand.hours - got)
        for demand, got in zip(problem.demands, allocation.demand_hours, strict=True)
    )


def bound_deficits(problem: Problem, allocation: Allocation) -> tuple[float, ...]:
    """The ``min_hours`` shortfall of each bound (0 for bounds without ``min_hours``)."""
    return tuple(
        0.0 if bound.min_hours is None else max(0.0, bound.min_hours - got)
        for bound, got in zip(problem.bounds, allocation.bound_hours, strict=True)
    )


def goal_deficit(problem: Problem, allocation: Allocation) -> float:
    """Phase 1's objective: demand deficits plus ``min_hours`` deficits."""
    return math.fsum(demand_deficits(problem, allocation)) + math.fsum(
        bound_deficits(problem, allocation)
    )


# --------------------------------------------------------------------------------------------
# Routes: through which topics an activity can serve a demand
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Routes:
    """``routes[r]``: (activity, its topics usable for demand r) for every usable activity;
    ``capacity[r][i]``: the most activity i can give demand r on its own."""

    routes: list[list[tuple[int, tuple[str, ...]]]]
    capacity: list[dict[int, float]]
    users: list[int]  # how many demands each activity can serve
    topics: list[dict[int, tuple[str, ...]]]  # topics[r][i]: the topics in routes[r] for i

    @classmethod
    def of(cls, problem: Problem) -> _Routes:
        routes: list[list[tuple[int, tuple[str, ...]]]] = []
        capacity: list[dict[int, float]] = []
        users = [0] * len(problem.hours)
        for demand in problem.demands:
            found: list[tuple[int, tuple[str, ...]]] = []
            caps: dict[int, float] = {}
            for i in sorted(demand.eligible):
                shares = problem.topic_hours[i]
                topics = tuple(sorted(t for t in shares if t in demand.topics and shares[t] > 0))
                if not topics or problem.hours[i] <= 0:
                    continue
                found.append((i, topics))
                caps[i] = min(problem.hours[i], math.fsum(shares[t] for t in topics))
                users[i] += 1
            routes.append(found)
            capacity.append(caps)
        return cls(routes, capacity, users, [dict(found) for found in routes])


# --------------------------------------------------------------------------------------------
# The fast path
# --------------------------------------------------------------------------------------------


def _greedy(problem: Problem, routes: _Routes, *, spare_caps: bool = False) -> Allocation:
    """Scarcest demand first; for each, activities that serve the fewest demands first.

    With ``spare_caps``, demands inside the total use capped activities last and activities
    that help a minimum share first (a second ordering, tried when the first cannot be proven
    optimal)."""
    n = len(problem.hours)
    hours = problem.hours
    overlap = problem.overlap
    inside = [0.0] * n  # without overlap: sum of inside hours; with overlap: their maximum
    outside = [0.0] * n  # the same for demands outside the total
    topic_used: list[dict[str, float]] = [{} for _ in range(n)]
    max_bounds = [
        (index, bound) for index, bound in enumerate(problem.bounds) if bound.max_hours is not None
    ]
    cap_used = {index: 0.0 for index, _ in max_bounds}
    member_caps: list[list[int]] = [[] for _ in range(n)]
    for index, bound in max_bounds:
        for i in bound.members:
            member_caps[i].append(index)
    in_any_cap = [bool(member_caps[i]) for i in range(n)]
    share_helpers = {i for bound in problem.bounds if bound.min_share for i in bound.members}
    topic_users: dict[str, int] = {}
    for demand in problem.demands:
        for topic in demand.topics:
            topic_users[topic] = topic_users.get(topic, 0) + 1

    worth = [0.0] * n  # what each activity could give all demands together
    for caps in routes.capacity:
        for i, value in caps.items():
            worth[i] += value

    def worth_elsewhere(i: int, r: int) -> float:
        """What activity i could give the demands other than r."""
        return worth[i] - routes.capacity[r].get(i, 0.0)

    slack = [
        math.fsum(routes.capacity[r].values()) - demand.hours
        for r, demand in enumerate(problem.demands)
    ]
    order = sorted(range(len(problem.demands)), key=lambda r: (slack[r], r))
    assigned: list[dict[int, float]] = [{} for _ in problem.demands]
    for r in order:
        demand = problem.demands[r]
        need = demand.hours
        spare = spare_caps and demand.inside_total
        candidates = sorted(
            routes.routes[r],
            key=lambda route: (
                (len(member_caps[route[0]]), route[0] not in share_helpers) if spare else (0, 0),
                routes.users[route[0]],
                worth_elsewhere(route[0], r),
                0 if (not demand.inside_total and in_any_cap[route[0]]) else 1,
                route[0],
            ),
        )
        for i, topics in candidates:
            if need <= EPS:
                break
            shares = problem.topic_hours[i]
            if overlap:
                available = hours[i] - (outside[i] if demand.inside_total else inside[i])
                through = math.fsum(shares[t] for t in topics)
            else:
                available = hours[i] - inside[i] - outside[i]
                through = math.fsum(shares[t] - topic_used[i].get(t, 0.0) for t in topics)
            amount = min(need, available, through)
            if demand.inside_total and member_caps[i]:
                room = min(
                    (problem.bounds[b].max_hours or 0.0) - cap_used[b] for b in member_caps[i]
                )
                amount = min(amount, (inside[i] + room) if overlap else room)
            if amount <= EPS:
                continue
            need -= amount
            assigned[r][i] = amount
            if not overlap:
                left = amount
                for t in sorted(topics, key=lambda t: (topic_users.get(t, 0), t)):
                    take = min(left, shares[t] - topic_used[i].get(t, 0.0))
                    if take > 0:
                        topic_used[i][t] = topic_used[i].get(t, 0.0) + take
                        left -= take
                    if left <= EPS:
                        break
            if demand.inside_total:
                before = inside[i]
                inside[i] = max(inside[i], amount) if overlap else inside[i] + amount
                for b in member_caps[i]:
                    cap_used[b] += inside[i] - before
            elif overlap:
                outside[i] = max(outside[i], amount)
            else:
                outside[i] += amount

    counted = _fill_total(problem, lower=inside, upper=[hours[i] - outside[i] for i in range(n)])
    return _finish(problem, counted, assigned, "fast")


def _fill_total(problem: Problem, lower: Sequence[float], upper: Sequence[float]) -> list[float]:
    """Raise c from ``lower`` toward ``upper`` as far as the bounds allow, greedily."""
    n = len(lower)
    counted = list(lower)
    bounds = problem.bounds
    sums = [math.fsum(counted[i] for i in b.members) for b in bounds]
    total = math.fsum(counted)
    minimum_members = {i for b in bounds if b.min_hours or b.min_share for i in b.members}
    limited = {i for b in bounds if b.max_hours is not None or b.max_share for i in b.members}
    groups = [
        sorted(minimum_members),
        [i for i in range(n) if i not in minimum_members and i not in limited],
        [i for i in range(n) if i not in minimum_members and i in limited],
    ]
    for _ in range(4):
        progress = False
        for group in groups:
            for i in group:
                room = upper[i] - counted[i]
                if room <= EPS:
                    continue
                for b, bound in enumerate(bounds):
                    member = i in bound.members
                    if member and bound.max_hours is not None:
                        room = min(room, bound.max_hours - sums[b])
                    if member and bound.max_share is not None and bound.max_share < 1:
                        room = min(
                            room, (bound.max_share * total - sums[b]) / (1 - bound.max_share)
                        )
                    if not member and bound.min_share is not None:
                        room = min(room, (sums[b] - bound.min_share * total) / bound.min_share)
                if room <= EPS:
                    continue
                counted[i] += room
                total += room
                for b, bound in enumerate(bounds):
                    if i in bound.members:
                        sums[b] += room
                progress = True
        if not progress:
            break
    return counted


def _feasible(problem: Problem, routes: _Routes, allocation: Allocation) -> bool:
    """Whether an allocation satisfies every constraint (tolerance 1e-7)."""
    tol = 1e-7
    counted = allocation.counted
    n = len(counted)
    for i in range(n):
        if counted[i] < -tol or counted[i] > problem.hours[i] + tol:
            return False
    for r, demand in enumerate(problem.demands):
        if allocation.demand_hours[r] > demand.hours + tol:
            return False
        for i, value in allocation.assigned[r].items():
            if value < -tol or value > routes.capacity[r].get(i, 0.0) + tol:
                return False
    given: list[list[tuple[int, float]]] = [[] for _ in range(n)]  # (demand, hours) per activity
    for r, assigned in enumerate(allocation.assigned):
        for i, value in assigned.items():
            if value > 0:
                given[i].append((r, value))
    demands = problem.demands
    for i, uses in enumerate(given):
        if not uses:
            continue
        given_in = [value for r, value in uses if demands[r].inside_total]
        given_out = [value for r, value in uses if not demands[r].inside_total]
        if problem.overlap:
            if given_in and max(given_in) > counted[i] + tol:
                return False
            if given_out and counted[i] + max(given_out) > problem.hours[i] + tol:
                return False
        else:
            if math.fsum(given_in) > counted[i] + tol:
                return False
            if counted[i] + math.fsum(given_out) > problem.hours[i] + tol:
                return False
            if len(uses) > 1 and not _topic_split_exists(problem, routes, uses, i, tol):
                return False
    total = allocation.total_counted
    for bound, got in zip(problem.bounds, allocation.bound_hours, strict=True):
        if bound.max_hours is not None and got > bound.max_hours + tol:
            return False
        if bound.max_share is not None and got > bound.max_share * total + tol:
            return False
        if bound.min_share is not None and got < bound.min_share * total - tol:
            return False
    return True


def _topic_split_exists(
    problem: Problem, routes: _Routes, uses: Sequence[tuple[int, float]], i: int, tol: float
) -> bool:
    """Hall's condition: every set of demands fed by activity i fits its topics' hours."""
    shares = problem.topic_hours[i]
    topics_of = {r: routes.topics[r].get(i, ()) for r, _ in uses}
    for size in range(2, len(uses) + 1):
        for group in combinations(uses, size):
            reachable = set().union(*(topics_of[r] for r, _ in group))
            capacity = math.fsum(shares[t] for t in reachable)
            if math.fsum(value for _, value in group) > capacity + tol:
                return False
    return True


# --------------------------------------------------------------------------------------------
# Upper bounds that prove the fast path optimal
# --------------------------------------------------------------------------------------------


def _capped_sum(problem: Problem, values: Mapping[int, float], inside: bool) -> float:
    """sum(values), tightened by each max_hours bound when the hours count toward the total."""
    best = math.fsum(values.values())
    if not inside:
        return best
    for bound in problem.bounds:
        if bound.max_hours is None:
            continue
        kept = math.fsum(v for i, v in values.items() if i not in bound.members)
        capped = math.fsum(v for i, v in values.items() if i in bound.members)
        best = min(best, kept + min(bound.max_hours, capped))
    return best


def _goal_lower_bound(
    problem: Problem, routes: _Routes, deficient: Sequence[bool], *, every_subset: bool = True
) -> float:
    """A lower bound on phase 1's objective for any assignment.

    ``every_subset=False`` tries only each group of competing demands and its deficient
    demands (cheaper, and often enough)."""
    demands = problem.demands
    single = [
        max(0.0, d.hours - _capped_sum(problem, routes.capacity[r], d.inside_total))
        for r, d in enumerate(demands)
    ]
    bound = 0.0
    # Demands that share no activity and no cap are independent: bound each group separately.
    for group in _components(problem, routes):
        best = math.fsum(single[r] for r in group)
        if not problem.overlap and len(group) > 1:
            # Every subset of a small group (a min cut); the whole group and its deficient
            # demands otherwise.
            if every_subset and len(group) <= 6:
                candidates = [
                    list(chosen)
                    for size in range(2, len(group) + 1)
                    for chosen in combinations(group, size)
                ]
            else:
                candidates = [group, [r for r in group if deficient[r]]]
            for chosen in candidates:
                if len(chosen) < 2:
                    continue
                rest = math.fsum(single[r] for r in group if r not in chosen)
                joint = _group_capacity(problem, routes, chosen)
                need = math.fsum(demands[r].hours for r in chosen)
                best = max(best, max(0.0, need - joint) + rest)
        bound += best
    for b in problem.bounds:
        if b.min_hours is not None:
            reach = {i: problem.hours[i] for i in b.members}
            bound += max(0.0, b.min_hours - _capped_sum(problem, reach, True))
    return bound


def _components(problem: Problem, routes: _Routes) -> list[list[int]]:
    """Groups of demands that compete: they share an activity, or (inside the total) a cap."""
    count = len(problem.demands)
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_user: dict[tuple[str, int], int] = {}
    capped = [
        (b, bound.members) for b, bound in enumerate(problem.bounds) if bound.max_hours is not None
    ]
    for r in range(count):
        keys: list[tuple[str, int]] = [("activity", i) for i, _ in routes.routes[r]]
        if problem.demands[r].inside_total:
            keys += [
                ("cap", b)
                for b, members in capped
                if any(i in members for i, _ in routes.routes[r])
            ]
        for key in keys:
            if key in first_user:
                parent[find(r)] = find(first_user[key])
            else:
                first_user[key] = r
    groups: dict[int, list[int]] = {}
    for r in range(count):
        groups.setdefault(find(r), []).append(r)
    return list(groups.values())


def _group_capacity(problem: Problem, routes: _Routes, group: Sequence[int]) -> float:
    """The most a set of demands can get together (a cut in the activity-topic-demand flow)."""
    reachable: dict[int, set[str]] = {}
    for r in group:
        for i, topics in routes.routes[r]:
            reachable.setdefault(i, set()).update(topics)
    values = {
        i: min(problem.hours[i], math.fsum(problem.topic_hours[i][t] for t in topics))
        for i, topics in reachable.items()
    }
    inside = all(problem.demands[r].inside_total for r in group)
    return _capped_sum(problem, values, inside)


def _total_upper_bound(
    problem: Problem, routes: _Routes, allocation: Allocation, forced: bool
) -> float:
    """An upper bound on sum(c) over assignments that are optimal for phase 1.

    ``forced``: the phase-1 optimum is the sum of per-demand bounds, so every optimal
    assignment gives each demand exactly what this allocation gives it.
    """
    hours = problem.hours
    everything = math.fsum(hours)
    best = everything
    outside = [
        allocation.demand_hours[r] for r, d in enumerate(problem.demands) if not d.inside_total
    ]
    if outside and forced:
        taken = max(outside) if problem.overlap else math.fsum(outside)
        best = min(best, everything - taken)
    excess_used: set[int] = set()
    excess = 0.0
    for bound in problem.bounds:
        inside = math.fsum(hours[i] for i in bound.members)
        rest = everything - inside
        if bound.max_hours is not None:
            best = min(best, rest + min(bound.max_hours, inside))
            if excess_used.isdisjoint(bound.members):
                excess_used |= bound.members
                excess += max(0.0, inside - bound.max_hours)
        if bound.max_share is not None and bound.max_share < 1:
            best = min(best, rest / (1 - bound.max_share))
        if bound.min_share is not None:
            reach = {i: hours[i] for i in bound.members}
            best = min(best, _capped_sum(problem, reach, True) / bound.min_share)
    return min(best, everything - excess)


def _proven_optimal(problem: Problem, routes: _Routes, allocation: Allocation) -> bool:
    if not _feasible(problem, routes, allocation):
        return False
    deficits = demand_deficits(problem, allocation)
    goal = math.fsum(deficits) + math.fsum(bound_deficits(problem, allocation))
    forced = True
    if goal > EPS:
        deficient = [d > EPS for d in deficits]
        lower = _goal_lower_bound(problem, routes, deficient, every_subset=False)
        if goal > lower + EPS:
            lower = _goal_lower_bound(problem, routes, deficient)
        if goal > lower + EPS:
            return False
        singles = math.fsum(
            max(0.0, d.hours - _capped_sum(problem, routes.capacity[r], d.inside_total))
            for r, d in enumerate(problem.demands)
        )
        forced = math.fsum(deficits) <= singles + EPS
    upper = _total_upper_bound(problem, routes, allocation, forced)
    return allocation.total_counted >= upper - EPS


# --------------------------------------------------------------------------------------------
# The linear programs
# --------------------------------------------------------------------------------------------


def _solve_lp(problem: Problem, routes: _Routes, fallback: Allocation | None) -> Allocation:
    n = len(problem.hours)
    hours = problem.hours
    demands = problem.demands
    # Variables: c (n), y per (demand, activity, topic), demand deficits, min_hours deficits.
    y_keys: list[tuple[int, int, str]] = [
        (r, i, t) for r in range(len(demands)) for i, topics in routes.routes[r] for t in topics
    ]
    minimum_bounds = [b for b, bound in enumerate(problem.bounds) if bound.min_hours is not None]
    y0 = n
    d0 = y0 + len(y_keys)
    e0 = d0 + len(demands)
    size = e0 + len(minimum_bounds)
    upper = np.zeros(size)
    upper[:n] = hours
    for k, (_, i, t) in enumerate(y_keys):
        upper[y0 + k] = min(hours[i], problem.topic_hours[i][t])
    for r, demand in enumerate(demands):
        upper[d0 + r] = demand.hours
    for k, b in enumerate(minimum_bounds):
        upper[e0 + k] = problem.bounds[b].min_hours or 0.0

    rows: list[dict[int, float]] = []
    rhs: list[float] = []

    def add(row: dict[int, float], limit: float) -> None:
        rows.append(row)
        rhs.append(limit)

    by_activity: list[list[int]] = [[] for _ in range(n)]
    for k, (_, i, _) in enumerate(y_keys):
        by_activity[i].append(k)
    for i in range(n):
        keys = by_activity[i]
        if not keys:
            continue
        if problem.overlap:
            per_demand: dict[int, list[int]] = {}
            for k in keys:
                per_demand.setdefault(y_keys[k][0], []).append(k)
            for r, ks in per_demand.items():
                if demands[r].inside_total:
                    row = {y0 + k: 1.0 for k in ks}
                    row[i] = -1.0
                    add(row, 0.0)
                else:
                    row = {y0 + k: 1.0 for k in ks}
                    row[i] = 1.0
                    add(row, hours[i])
        else:
            inside = [k for k in keys if demands[y_keys[k][0]].inside_total]
            outside = [k for k in keys if not demands[y_keys[k][0]].inside_total]
            if inside:
                row = {y0 + k: 1.0 for k in inside}
                row[i] = -1.0
                add(row, 0.0)
            if outside:
                row = {y0 + k: 1.0 for k in outside}
                row[i] = 1.0
                add(row, hours[i])
            per_topic: dict[str, list[int]] = {}
            for k in keys:
                per_topic.setdefault(y_keys[k][2], []).append(k)
            for t, ks in per_topic.items():
                if len(ks) > 1:
                    add({y0 + k: 1.0 for k in ks}, problem.topic_hours[i][t])
    per_demand_keys: list[list[int]] = [[] for _ in demands]
    for k, (r, _, _) in enumerate(y_keys):
        per_demand_keys[r].append(k)
    for r, demand in enumerate(demands):
        row = {y0 + k: -1.0 for k in per_demand_keys[r]}
        row[d0 + r] = -1.0
        add(row, -demand.hours)
        if per_demand_keys[r]:
            add({y0 + k: 1.0 for k in per_demand_keys[r]}, demand.hours)
    for b, bound in enumerate(problem.bounds):
        members = sorted(bound.members)
        if bound.max_hours is not None:
            add(dict.fromkeys(members, 1.0), bound.max_hours)
        if bound.max_share is not None and bound.max_share < 1:
            row = dict.fromkeys(range(n), -bound.max_share)
            for i in members:
                row[i] += 1.0
            add(row, 0.0)
        if bound.min_share is not None:
            row = dict.fromkeys(range(n), bound.min_share)
            for i in members:
                row[i] -= 1.0
            add(row, 0.0)
        if bound.min_hours is not None:
            row = dict.fromkeys(members, -1.0)
            row[e0 + minimum_bounds.index(b)] = -1.0
            add(row, -bound.min_hours)

    goal = np.zeros(size)
    goal[d0:] = 1.0
    matrix = np.zeros((len(rows) + 1, size))
    for index, row in enumerate(rows):
        for column, value in row.items():
            matrix[index, column] = value
    limits = np.array([*rhs, 0.0])
    variable_bounds = np.column_stack((np.zeros(size), upper))

    best_goal = 0.0
    if demands or minimum_bounds:
        phase1 = linprog(
            goal,
            A_ub=matrix[:-1],
            b_ub=limits[:-1],
            bounds=variable_bounds,
            method="highs",
        )
        if phase1.status != 0:
            return _failed(problem, fallback)
        best_goal = float(phase1.fun)
    matrix[-1, d0:] = 1.0
    limits[-1] = best_goal + PHASE_SLACK
    objective = np.zeros(size)
    objective[:n] = -1.0
    phase2 = linprog(objective, A_ub=matrix, b_ub=limits, bounds=variable_bounds, method="highs")
    if phase2.status != 0:
        return _failed(problem, fallback)
    x = [_clean(float(value), float(bound)) for value, bound in zip(phase2.x, upper, strict=True)]
    counted = x[:n]
    assigned: list[dict[int, float]] = [{} for _ in demands]
    for k, (r, i, _) in enumerate(y_keys):
        value = x[y0 + k]
        if value > 0:
            assigned[r][i] = _clean(assigned[r].get(i, 0.0) + value, hours[i])
    return _finish(problem, counted, assigned, "lp")


def _clean(value: float, upper: float) -> float:
    """Snap solver noise: within 1e-5 of a hundredth -> that hundredth; clip to [0, upper]."""
    snapped = round(value, 2)
    if abs(value - snapped) <= SNAP:
        value = snapped
    return min(max(value, 0.0), upper)


def _failed(problem: Problem, fallback: Allocation | None) -> Allocation:
    """When the solver fails (it should not): the feasible greedy answer, else nothing."""
    if fallback is None:
        return _empty(problem)
    return dataclasses.replace(fallback, method="fallback")


def _empty(problem: Problem) -> Allocation:
    return _finish(problem, [0.0] * len(problem.hours), [{} for _ in problem.demands], "fallback")


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def allocate(problem: Problem, *, force_lp: bool = False) -> Allocation:
    """An optimal allocation (see the module docstring); ``force_lp`` skips the fast path."""
    routes = _Routes.of(problem)
    if not problem.hours:
        return _finish(problem, [], [{} for _ in problem.demands], "fast")
    attempts = [_greedy(problem, routes)]
    if not force_lp and _proven_optimal(problem, routes, attempts[0]):
        return attempts[0]
    if not force_lp and (problem.bounds and problem.demands):
        attempts.append(_greedy(problem, routes, spare_caps=True))
        if _proven_optimal(problem, routes, attempts[1]):
            return attempts[1]
    feasible = [attempt for attempt in attempts if _feasible(problem, routes, attempt)]
    fallback = min(
        feasible,
        key=lambda a: (goal_deficit(problem, a), -a.total_counted),
        default=None,
    )
    return _solve_lp(problem, routes, fallback)


def round_allocation(problem: Problem, allocation: Allocation) -> Allocation:
    """The allocation in hundredths of an hour, still satisfying every constraint.

    Values are rounded to the nearest hundredth, then any constraint the rounding broke is
    repaired by taking hundredths away (never adding), so no reported figure exceeds an
    activity's hours, a topic's hours, a cap or a share.
    """
    counted = [round(value * 100) for value in allocation.counted]
    assigned = [{i: round(v * 100) for i, v in a.items()} for a in allocation.assigned]
    values = np.fromiter(
        (
            *allocation.counted,
            *(v for a in allocation.assigned for v in a.values()),
            *problem.hours,
            *(v for shares in problem.topic_hours for v in shares.values()),
            *(b.max_hours for b in problem.bounds if b.max_hours is not None),
        ),
        dtype=float,
    )
    scaled = values * 100
    on_grid = bool(np.all(np.abs(scaled - np.rint(scaled)) < 1e-6))
    # On the grid, only a share limit can be off by rounding (its bound s * C is not a
    # hundredth); check those cheaply and repair only when needed.
    if not on_grid or not _shares_hold(problem, counted):
        _repair(problem, _Routes.of(problem), counted, assigned)
    return _finish(
        problem,
        [value / 100 for value in counted],
        [{i: v / 100 for i, v in a.items() if v > 0} for a in assigned],
        allocation.method,
    )


def _shares_hold(problem: Problem, counted: Sequence[int]) -> bool:
    total = sum(counted)
    for bound in problem.bounds:
        if bound.max_share is None and bound.min_share is None:
            continue
        members = sum(counted[i] for i in bound.members)
        if bound.max_share is not None and members > bound.max_share * total + EPS:
            return False
        if bound.min_share is not None and members < bound.min_share * total - EPS:
            return False
    return True


def _floor(value: float) -> int:
    return math.floor(value * 100 + 1e-6)


def _repair(
    problem: Problem, routes: _Routes, counted: list[int], assigned: list[dict[int, int]]
) -> None:
    n = len(counted)
    demands = problem.demands
    hours = [_floor(h) for h in problem.hours]

    def largest(keys: Sequence[int], i: int) -> int:
        return max(keys, key=lambda r: (assigned[r].get(i, 0), -r))

    def slack(i: int) -> int:
        used = [assigned[r].get(i, 0) for r, d in enumerate(demands) if d.inside_total]
        given = (max(used, default=0)) if problem.overlap else sum(used)
        return counted[i] - given

    for _ in range(100_000):
        changed = False
        for i in range(n):
            if counted[i] > hours[i]:
                counted[i] = hours[i]
                changed = True
            users = [r for r in range(len(demands)) if assigned[r].get(i, 0) > 0]
            for r in users:
                cap = _floor(routes.capacity[r].get(i, 0.0))
                if assigned[r][i] > cap:
                    assigned[r][i] = cap
                    changed = True
            inside = [r for r in users if demands[r].inside_total]
            outside = [r for r in users if not demands[r].inside_total]
            if problem.overlap:
                for r in inside:
                    if assigned[r][i] > counted[i]:
                        assigned[r][i] = counted[i]
                        changed = True
                for r in outside:
                    while counted[i] + assigned[r][i] > hours[i]:
                        if slack(i) > 0:
                            counted[i] -= 1
                        else:
                            assigned[r][i] -= 1
                        changed = True
                continue
            while inside and sum(assigned[r][i] for r in inside) > counted[i]:
                assigned[largest(inside, i)][i] -= 1
                changed = True
            while outside and counted[i] + sum(assigned[r][i] for r in outside) > hours[i]:
                if slack(i) > 0:
                    counted[i] -= 1
                else:
                    assigned[largest(outside, i)][i] -= 1
                changed = True
            shares = problem.topic_hours[i]
            topics_of = {r: routes.topics[r].get(i, ()) for r in users}
            for size in range(2, len(users) + 1):
                for group in combinations(users, size):
                    reachable = set().union(*(topics_of[r] for r in group))
                    cap = _floor(min(problem.hours[i], math.fsum(shares[t] for t in reachable)))
                    while sum(assigned[r][i] for r in group) > cap:
                        assigned[largest(group, i)][i] -= 1
                        changed = True
        total = sum(counted)
        for bound in problem.bounds:
            changed = _repair_bound(bound, counted, slack) or changed
        if not changed and total == sum(counted):
            return


def _repair_bound(bound: Bound, counted: list[int], slack: Callable[[int], int]) -> bool:
    """Take hundredths off ``c`` until ``bound`` holds; whether anything changed."""
    members = sorted(bound.members)
    others = [i for i in range(len(counted)) if i not in bound.members]
    changed = False

    def reduce(pool: Sequence[int]) -> bool:
        candidates = [i for i in pool if counted[i] > 0]
        if not candidates:
            return False
        # Prefer hours no topic requirement uses, then the largest.
        chosen = max(candidates, key=lambda i: (slack(i) > 0, counted[i], -i))
        counted[chosen] -= 1
        return True

    def members_sum() -> int:
        return sum(counted[i] for i in members)

    if bound.max_hours is not None:
        while members_sum() > _floor(bound.max_hours) and reduce(members):
            changed = True
    if bound.max_share is not None:
        while members_sum() > bound.max_share * sum(counted) + EPS and reduce(members):
            changed = True
    if bound.min_share is not None:
        while bound.min_share * sum(counted) > members_sum() + EPS and reduce(others):
            changed = True
    return changed
