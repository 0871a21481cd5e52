"""A brute-force oracle for small allocation problems, written independently of the engine.

It enumerates every assignment of hours on a half-hour grid and returns the lexicographically
best (sum of topic-requirement deficits, total deficit), plus the most hours counted toward the
total among the assignments with the best topic deficits. Because it only looks at grid points,
its answer is achievable by a real assignment: the engine must never do worse.

The model (restated here from the specification, not from the engine's code):

- activity ``i`` has ``hours`` and per-topic hours (a topic without a figure covers all hours);
- ``c_i`` hours of it count toward the total; ``y_{i,r}`` hours go to requirement ``r``, which
  it can serve only through topics both share (and only if it passes the requirement's format
  filter);
- without overlap: hours given to requirements inside the total sum to at most ``c_i``; ``c_i``
  plus hours given to requirements outside the total is at most ``hours``; for every set of
  requirements, what they take from ``i`` together fits in the hours of the topics they reach
  (a topic-by-topic split exists, by Hall's theorem);
- with overlap: each inside requirement takes at most ``c_i``, each outside one at most
  ``hours - c_i``, each at most the hours of its own topics;
- a requirement is never given more than it asks for;
- an optional cap (at most ``max_hours`` counted toward the total from one format) and an
  optional share limit (the hours from some formats are at most / at least ``share`` of the
  hours counted toward the total) constrain the ``c_i``.

All arithmetic is in integer half-hours, shares compared exactly with fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations, product


@dataclass(frozen=True)
class OActivity:
    hours: float
    format: str
    topics: dict[str, float | None]


@dataclass(frozen=True)
class ORequirement:
    topics: frozenset[str]
    hours: float
    inside_total: bool = True
    formats: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OCase:
    activities: tuple[OActivity, ...]
    requirements: tuple[ORequirement, ...]
    total_hours: float
    carry_in: float = 0.0
    overlap: bool = False
    cap_format: str | None = None
    cap_hours: float = 0.0
    share_formats: frozenset[str] = field(default_factory=frozenset)
    share_kind: str | None = None  # "max" or "min"
    share: Fraction = Fraction(0)


@dataclass(frozen=True)
class OAnswer:
    topic_deficit: float
    total_deficit: float
    best_counted: float  # most hours toward the total among assignments with the best topic deficit

    @property
    def all_met(self) -> bool:
        return self.topic_deficit == 0 and self.total_deficit == 0


def _units(hours: float) -> int:
    value = round(hours * 2)
    assert abs(value - hours * 2) < 1e-9, f"{hours} is not on the half-hour grid"
    return value


def _options(case: OCase, activity: OActivity) -> list[tuple[tuple[int, ...], int, int]]:
    """Every (hours per requirement, least, most hours toward the total) this activity allows."""
    total = _units(activity.hours)
    topic_units = {
        topic: total if value is None else min(total, _units(value))
        for topic, value in activity.topics.items()
    }
    reach: list[frozenset[str]] = []
    for requirement in case.requirements:
        usable = requirement.topics & set(topic_units)
        if requirement.formats and activity.format not in requirement.formats:
            usable = frozenset()
        reach.append(frozenset(usable))
    own_cap = [min(total, sum(topic_units[t] for t in topics)) for topics in reach]
    ranges = [
        range(0, min(own_cap[r], _units(req.hours)) + 1) for r, req in enumerate(case.requirements)
    ]
    found: list[tuple[tuple[int, ...], int, int]] = []
    for given in product(*ranges):
        pairs = list(zip(given, case.requirements, strict=True))
        inside = [g for g, req in pairs if req.inside_total]
        outside = [g for g, req in pairs if not req.inside_total]
        if case.overlap:
            low = max(inside, default=0)
            high = total - max(outside, default=0)
        else:
            low = sum(inside)
            high = total - sum(outside)
            if not _hall(given, reach, topic_units, total):
                continue
        if low <= high:
            found.append((tuple(given), low, high))
    return found


def _smear(bits: int, span: int) -> int:
    """OR of ``bits << k`` for k = 0..span: every total reachable by adding 0..span units."""
    result, covered = bits, 1
    while covered <= span:
        step = min(covered, span + 1 - covered)
        result |= result << step
        covered += step
    return result


def _hall(
    given: tuple[int, ...],
    reach: list[frozenset[str]],
    topic_units: dict[str, int],
    total: int,
) -> bool:
    used = [r for r, g in enumerate(given) if g > 0]
    if sum(given) > total:
        return False
    for size in range(2, len(used) + 1):
        for group in combinations(used, size):
            topics = frozenset().union(*(reach[r] for r in group))
            if sum(given[r] for r in group) > sum(topic_units[t] for t in topics):
                return False
    return True


def solve(case: OCase) -> OAnswer:
    """The best grid assignment: (topic deficit, total deficit, best counted)."""
    wanted = [_units(req.hours) for req in case.requirements]
    cap = _units(case.cap_hours) if case.cap_format is not None else None
    # state: (hours per requirement, hours toward the total from the capped format,
    #         hours toward the total from the share formats) -> bit set of possible totals
    states: dict[tuple[tuple[int, ...], int, int], int] = {(tuple(0 for _ in wanted), 0, 0): 1}
    for activity in case.activities:
        options = _options(case, activity)
        capped = activity.format == case.cap_format
        shared = activity.format in case.share_formats
        following: dict[tuple[tuple[int, ...], int, int], int] = {}
        useful: dict[tuple[int, ...], list[tuple[tuple[int, ...], int, int]]] = {}
        for (got, in_cap, in_share), totals in states.items():
            if got not in useful:
                # Giving a requirement more than it still needs only narrows the range of c.
                room = [w - g for w, g in zip(wanted, got, strict=True)]
                useful[got] = [
                    option
                    for option in options
                    if all(x <= left for x, left in zip(option[0], room, strict=True))
                ]
            for given, low, high in useful[got]:
                new_got = tuple(g + x for g, x in zip(got, given, strict=True))
                if not capped and not shared:
                    key = (new_got, in_cap, in_share)
                    following[key] = following.get(key, 0) | _smear(totals << low, high - low)
                    continue
                for counted in range(low, high + 1):
                    new_cap = in_cap + (counted if capped else 0)
                    if cap is not None and new_cap > cap:
                        break
                    new_share = in_share + (counted if shared else 0)
                    key = (new_got, new_cap, new_share)
                    following[key] = following.get(key, 0) | (totals << counted)
        states = following

    best: tuple[int, Fraction] | None = None
    best_counted = -1
    need_total = Fraction(_units(case.total_hours)) - Fraction(case.carry_in) * 2
    for (got, _, in_share), totals in states.items():
        topic_deficit = sum(w - g for w, g in zip(wanted, got, strict=True))
        counted = totals.bit_length() - 1
        while counted >= 0:
            if totals >> counted & 1 and _share_ok(case, in_share, counted):
                break
            counted -= 1
        if counted < 0:
            continue
        total_deficit = max(Fraction(0), need_total - counted)
        key = (topic_deficit, total_deficit)
        if best is None or key < best:
            best = key
            best_counted = counted
        elif key[0] == best[0]:
            best_counted = max(best_counted, counted)
    assert best is not None  # giving nothing is always possible
    return OAnswer(best[0] / 2, float(best[1]) / 2, best_counted / 2)


def _share_ok(case: OCase, in_share: int, counted: int) -> bool:
    if case.share_kind == "max":
        return in_share <= case.share * counted
    if case.share_kind == "min":
        return in_share >= case.share * counted
    return True
