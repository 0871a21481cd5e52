"""Which activities can count in a cycle, for how many CE hours, and why the others cannot.

:func:`screen` converts every activity to CE hours and sorts it into one of three piles:

- ``in_cycle``: eligible activities completed inside the cycle (start <= completed_on <= end);
- ``history``: eligible activities completed before the cycle started. They never count toward
  this cycle's total, but one-time (``once``) and rolling-window requirements may use them. The
  engine reports the ones no requirement uses as exclusions (``history_exclusion``);
- ``excluded``: everything else, each with a readable reason.

Hour conversion: ``hours`` in the activity's ``unit`` -> clock hours (clock hours as they are;
semester and quarter hours through ``ruleset.credit_conversions``) -> CE hours = clock hours * 60
/ ``ruleset.hour_minutes``. A ``per_activity_max_hours`` limit then caps the CE hours of every
activity it selects (the excess is reported as an exclusion), for all requirements alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from lifelong.rules.model import Activity, CyclePeriod, Exclusion
from lifelong.rules.schema import Limit, RuleSet

__all__ = [
    "Countable",
    "Screening",
    "activity_matches_limit",
    "ce_hours",
    "format_hours",
    "history_exclusion",
    "limit_label",
    "normalise",
    "plain_hours",
    "screen",
]

_UNIT_NAMES = {
    "clock-hour": "clock hours",
    "semester-hour": "semester hours",
    "quarter-hour": "quarter hours",
}
_PUNCTUATION = re.compile(r"[^\w\s]+")


@dataclass(slots=True)
class Countable:
    """An eligible activity in CE hours.

    ``topic_hours`` maps each of its topics to the CE hours that may count for that topic (at
    most ``hours``); ``approvals`` holds its approval bodies. Treat it as read-only (it is not
    frozen only because frozen dataclasses are slower to build, and the engine builds many).
    """

    activity: Activity
    hours: float
    topic_hours: Mapping[str, float]
    approvals: frozenset[str]

    @property
    def id(self) -> str:
        return self.activity.id

    @property
    def title(self) -> str:
        return self.activity.title

    @property
    def completed_on(self) -> date:
        return self.activity.completed_on


@dataclass(frozen=True, slots=True)
class Screening:
    in_cycle: tuple[Countable, ...]
    history: tuple[Countable, ...]
    excluded: tuple[Exclusion, ...]


def format_hours(hours: float) -> str:
    """``5`` -> ``"5.0"``, ``2.25`` -> ``"2.25"``: one decimal at least, two at most."""
    text = f"{round(hours, 2):.2f}"
    return text[:-1] if text.endswith("0") else text


def plain_hours(hours: float) -> str:
    """``12`` -> ``"12"``, ``1.5`` -> ``"1.5"``: for limits and requirements in sentences."""
    return f"{round(hours, 2):g}"


def normalise(text: str) -> str:
    """Case-, punctuation- and spacing-insensitive form of a title or provider name."""
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def ce_hours(ruleset: RuleSet, hours: float, unit: str) -> float | None:
    """``hours`` in ``unit`` as this board's CE hours, or ``None`` without a conversion."""
    if unit == "clock-hour":
        clock = hours
    else:
        factor = ruleset.credit_conversions.get(unit)  # type: ignore[call-overload]
        if factor is None:
            return None
        clock = hours * factor
    return clock * 60 / ruleset.hour_minutes


def activity_matches_limit(limit: Limit, countable: Countable) -> bool:
    """Whether a limit selects this activity (every given selector matches)."""
    activity = countable.activity
    if limit.formats and activity.format not in limit.formats:
        return False
    if limit.kinds and activity.kind not in limit.kinds:
        return False
    if limit.topics and not any(topic in countable.topic_hours for topic in limit.topics):
        return False
    return not (limit.approvals and countable.approvals.isdisjoint(limit.approvals))


def limit_label(limit: Limit) -> str:
    """What a limit selects, for messages: ``self-study``, ``teaching or publication``."""
    parts: list[str] = []
    for values in (limit.formats, limit.kinds, limit.topics):
        if values:
            parts.append(" or ".join(values))
    if limit.approvals:
        parts.append("approved by " + " or ".join(limit.approvals))
    return ", ".join(parts)


def _period(cycle: CyclePeriod) -> str:
    return f"{cycle.start.isoformat()} to {cycle.end.isoformat()}"


def history_exclusion(countable: Countable, cycle: CyclePeriod) -> Exclusion:
    """The exclusion for an eligible activity from before the cycle that nothing used."""
    return Exclusion(
        activity_id=countable.id,
        title=countable.title,
        reason=_before_reason(countable.completed_on, _period(cycle)),
        hours=round(countable.hours, 2),
    )


def _before_reason(completed_on: date, period: str) -> str:
    return f"completed on {completed_on.isoformat()}, before this cycle ({period})"


def screen(ruleset: RuleSet, cycle: CyclePeriod, activities: Iterable[Activity]) -> Screening:
    """Sort activities into in-cycle, history (before the cycle) and excluded, with reasons.

    Checks, in this order (the first that fails is the reason): hour conversion, zero hours,
    completed after the cycle, accepted format, accepted kind, approved provider, exact
    duplicate (same title, provider, date and hours as an earlier activity), repeated course
    (when the board does not count repeats: same title and provider already counted in this
    cycle). Activities from before the cycle that pass the checks are ``history``; those that
    fail one are excluded as "before this cycle".
    """
    ordered = sorted(activities, key=lambda a: (a.completed_on, a.title, a.id))
    per_activity_limits = [
        limit for limit in ruleset.limits if limit.per_activity_max_hours is not None
    ]
    accepted_bodies = frozenset(ruleset.providers.accepted)
    exempt_kinds = frozenset(ruleset.providers.exempt_kinds)
    in_cycle: list[Countable] = []
    history: list[Countable] = []
    excluded: list[Exclusion] = []
    # Exact duplicates share a date and hours; titles and providers are compared (normalised)
    # only within such a group, so most activities are never normalised.
    seen: dict[tuple[date, float], list[tuple[str, str, Activity]]] = {}
    counted_courses: dict[tuple[str, str], Activity] = {}

    period = _period(cycle)

    def exclude(activity: Activity, reason: str, hours: float) -> None:
        excluded.append(Exclusion(activity.id, activity.title, reason, round(hours, 2)))

    for activity in ordered:
        raw_hours = round(activity.hours, 6)
        hours = ce_hours(ruleset, activity.hours, activity.unit)
        if hours is None:
            unit = _UNIT_NAMES.get(activity.unit, activity.unit)
            exclude(activity, f"this board states no conversion for {unit}", activity.hours)
            continue
        if hours <= 0:
            exclude(activity, "no hours recorded", 0.0)
            continue
        before = activity.completed_on < cycle.start
        if activity.completed_on > cycle.end:
            exclude(
                activity,
                f"completed on {activity.completed_on.isoformat()}, after this cycle ({period})",
                hours,
            )
            continue
        reason = _rule_problem(ruleset, activity, accepted_bodies, exempt_kinds)
        if reason is None:
            reason = _duplicate(seen, activity, raw_hours)
        if reason is None and not before and not ruleset.repeat_courses_count:
            course = (normalise(activity.title), normalise(activity.provider))
            first = counted_courses.get(course)
            if first is not None:
                reason = (
                    f"repeat of {first.title} (already counted on "
                    f"{first.completed_on.isoformat()}); this board does not count a course "
                    "taken again in the same cycle"
                )
            else:
                counted_courses[course] = activity
        if before and reason is not None:
            exclude(activity, _before_reason(activity.completed_on, period), hours)
            continue
        if reason is not None:
            exclude(activity, reason, hours)
            continue
        approvals = frozenset(approval.body for approval in activity.approvals)
        topic_hours = _topic_hours(ruleset, activity, hours)
        countable = Countable(activity, hours, topic_hours, approvals)
        for limit in per_activity_limits:
            cap = limit.per_activity_max_hours
            assert cap is not None
            if countable.hours > cap + 1e-9 and activity_matches_limit(limit, countable):
                over = countable.hours - cap
                if not before:
                    exclude(
                        activity,
                        f"{format_hours(over)} of {format_hours(countable.hours)} hours over "
                        f"the per-activity limit for {limit_label(limit)} "
                        f"(at most {plain_hours(cap)} h each)",
                        over,
                    )
                capped = {topic: min(value, cap) for topic, value in topic_hours.items()}
                countable = Countable(activity, cap, capped, approvals)
        (history if before else in_cycle).append(countable)
    return Screening(tuple(in_cycle), tuple(history), tuple(excluded))


def _duplicate(
    seen: dict[tuple[date, float], list[tuple[str, str, Activity]]],
    activity: Activity,
    hours: float,
) -> str | None:
    """``duplicate of ...`` if an earlier activity has the same title, provider, date and hours;
    otherwise remember this one and return ``None``."""
    group = seen.setdefault((activity.completed_on, hours), [])
    mine = ("", "")
    if group:
        mine = (normalise(activity.title), normalise(activity.provider))
        for index, (title, provider, original) in enumerate(group):
            if not title:  # normalised lazily, once a second activity joins the group
                title, provider = normalise(original.title), normalise(original.provider)
                group[index] = (title, provider, original)
            if (title, provider) == mine:
                return f"duplicate of {original.title} on {original.completed_on.isoformat()}"
    group.append((*mine, activity))
    return None


def acceptance_problem(ruleset: RuleSet, activity: Activity) -> str | None:
    """Why the board would not accept ``activity`` at all (its format, kind or provider), or
    None when it would; caps and topics are the engine's business."""
    return _rule_problem(
        ruleset,
        activity,
        frozenset(ruleset.providers.accepted),
        frozenset(ruleset.providers.exempt_kinds),
    )


def _rule_problem(
    ruleset: RuleSet,
    activity: Activity,
    accepted_bodies: frozenset[str],
    exempt_kinds: frozenset[str],
) -> str | None:
    if ruleset.accepted_formats and activity.format not in ruleset.accepted_formats:
        return (
            f"format {activity.format} is not accepted by this board "
            f"(accepted: {', '.join(ruleset.accepted_formats)})"
        )
    if ruleset.accepted_kinds and activity.kind not in ruleset.accepted_kinds:
        return (
            f"kind {activity.kind} is not accepted by this board "
            f"(accepted: {', '.join(ruleset.accepted_kinds)})"
        )
    if (
        accepted_bodies
        and activity.kind not in exempt_kinds
        and not any(approval.body in accepted_bodies for approval in activity.approvals)
    ):
        return (
            "not from a provider approved by a body this board accepts "
            f"({', '.join(ruleset.providers.accepted)})"
        )
    return None


def _topic_hours(ruleset: RuleSet, activity: Activity, hours: float) -> dict[str, float]:
    """CE hours per topic: the whole activity, or the stated share (summed if a topic repeats),
    never more than the activity's hours."""
    shares: dict[str, float] = {}
    for share in activity.topics:
        if share.hours is None:
            value = hours
        else:
            converted = ce_hours(ruleset, share.hours, activity.unit)
            value = min(hours, max(0.0, converted or 0.0))
        previous = shares.get(share.slug)
        shares[share.slug] = value if previous is None else min(hours, previous + value)
    if all(value > 0 for value in shares.values()):
        return shares
    return {slug: value for slug, value in shares.items() if value > 0}
