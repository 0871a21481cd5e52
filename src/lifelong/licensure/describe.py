"""Rule sets in plain words, for the pages a therapist reads (no HTML here, only sentences)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from lifelong.rules.schema import Condition, Cycle, Limit, Requirement, RuleSet
from lifelong.rules.vocabulary import APPROVAL_LABELS, FORMAT_LABELS, KIND_LABELS, topic_label

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def hours_text(hours: float) -> str:
    """``6.0`` -> ``6``, ``4.5`` -> ``4.5``, ``1.3333`` -> ``1.33``."""
    return f"{round(hours, 2):g}"


def long_date(day: date) -> str:
    """``2021-01-01`` -> ``January 1, 2021`` (no platform-specific strftime flags)."""
    return f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def role_label(slug: str) -> str:
    """``graduate-study-before-2004`` -> ``Graduate study before 2004``."""
    return slug.replace("-", " ").capitalize()


def join_words(words: Iterable[str], last: str = "or") -> str:
    """``["a", "b", "c"]`` -> ``a, b or c``."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def topics_text(topics: Iterable[str]) -> str:
    return join_words([topic_label(topic) for topic in topics])


def formats_text(formats: Iterable[str]) -> str:
    return join_words([FORMAT_LABELS.get(item, item).split(" (")[0].lower() for item in formats])


def kinds_text(kinds: Iterable[str]) -> str:
    return join_words([KIND_LABELS.get(item, item).lower() for item in kinds])


def approvals_text(approvals: Iterable[str]) -> str:
    labels = [APPROVAL_LABELS.get(item, item) for item in approvals]
    return join_words(
        [label[0].lower() + label[1:] if label.startswith("The ") else label for label in labels]
    )


def months_text(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return "1 year" if years == 1 else f"{years} years"
    return "1 month" if months == 1 else f"{months} months"


def deadline_rule(cycle: Cycle) -> str:
    """When licenses under this rule set expire, e.g. ``March 31 of odd years, every 2 years``."""
    every = f"every {months_text(cycle.length_months)}"
    if cycle.deadline == "birth-month":
        return f"The last day of your birth month, {every}."
    if cycle.deadline == "fixed-date":
        assert cycle.month is not None  # the schema guarantees month and day
        assert cycle.day is not None
        years = {"odd": " of odd years", "even": " of even years", "any": ""}[cycle.years]
        return f"{MONTH_NAMES[cycle.month - 1]} {cycle.day}{years}, {every}."
    return f"The expiration date printed on your license, {every}."


def frequency_text(requirement: Requirement) -> str:
    if requirement.frequency == "once":
        if requirement.due_cycle > 1:
            return f"Once, by your {ordinal(requirement.due_cycle)} renewal."
        return "Once (a one-time requirement)."
    if requirement.frequency == "per-year":
        return "For each year of the renewal cycle."
    if requirement.frequency == "every-nth-cycle":
        every = requirement.every or 1
        if requirement.window == "rolling":
            return (
                f"Due every renewal: hours from your last {every} cycles count "
                f"(a rolling {every}-cycle window)."
            )
        start = ""
        if requirement.due_cycle > 1:
            start = f", starting with your {ordinal(requirement.due_cycle)} renewal"
        return f"Every {ordinal(every)} renewal cycle{start}."
    return "Every renewal cycle."


def requirement_facts(requirement: Requirement) -> list[str]:
    """Sentences describing one requirement beyond its title and hours."""
    facts = [frequency_text(requirement), f"Topics that count: {topics_text(requirement.topics)}."]
    if requirement.formats:
        facts.append(f"Only {formats_text(requirement.formats)} activities count.")
    if requirement.approvals:
        facts.append(f"Only activities approved by {approvals_text(requirement.approvals)} count.")
    if requirement.roles:
        facts.append(
            f"Applies only if this describes you: {join_words(map(role_label, requirement.roles))}."
        )
    if requirement.first_renewal == "only":
        facts.append("Applies only at your first renewal after licensure.")
    elif requirement.first_renewal == "skip":
        facts.append("Does not apply at your first renewal after licensure.")
    if requirement.applies_from:
        facts.append(f"Applies from {long_date(requirement.applies_from)}.")
    if requirement.applies_until:
        facts.append(f"Applies until {long_date(requirement.applies_until)}.")
    facts.append(
        "These hours count toward the total."
        if requirement.counts_toward_total
        else "These hours come on top of the total."
    )
    return facts


def limit_facts(limit: Limit) -> list[str]:
    """What a limit does and to which activities, in sentences."""
    kinds = [formats_text(limit.formats)] if limit.formats else []
    if limit.kinds:
        kinds.append(kinds_text(limit.kinds))
    which = f"Applies to {' '.join(kinds)} activities" if kinds else "Applies to activities"
    if limit.topics:
        which += f" on {topics_text(limit.topics)}"
    if limit.approvals:
        which += f" approved by {approvals_text(limit.approvals)}"
    which += "."
    bounds = []
    if limit.max_hours is not None:
        bounds.append(f"at most {hours_text(limit.max_hours)} h count toward the total")
    if limit.max_share is not None:
        bounds.append(f"at most {limit.max_share:.0%} of the hours counted toward the total")
    if limit.min_hours is not None:
        bounds.append(f"at least {hours_text(limit.min_hours)} h are needed")
    if limit.min_share is not None:
        bounds.append(f"at least {limit.min_share:.0%} of the hours counted must be of this kind")
    if limit.per_activity_max_hours is not None:
        bounds.append(f"at most {hours_text(limit.per_activity_max_hours)} h per activity")
    sentence = join_words(bounds, "and")
    return [which, f"{sentence[:1].upper()}{sentence[1:]}."]


def condition_facts(condition: Condition) -> list[str]:
    facts = ["Once." if condition.frequency == "once" else "Every renewal cycle."]
    if condition.roles:
        facts.append(
            f"Applies only if this describes you: {join_words(map(role_label, condition.roles))}."
        )
    return facts


def first_renewal_text(ruleset: RuleSet) -> str:
    first = ruleset.first_renewal
    if first.exempt:
        return "No CE is required for your first renewal after licensure."
    if first.total_hours is not None:
        return (
            f"Your first renewal needs {hours_text(first.total_hours)} h instead of "
            f"{hours_text(ruleset.total_hours)} h."
        )
    return "The first renewal follows the same rules as later ones."


def carry_over_text(ruleset: RuleSet) -> str:
    if ruleset.carry_over.max_hours <= 0:
        return "No carry-over: hours count in one renewal cycle only."
    return (
        f"Up to {hours_text(ruleset.carry_over.max_hours)} h beyond the total may count in the "
        "next cycle."
    )


def hour_text(ruleset: RuleSet) -> str:
    if ruleset.hour_minutes == 60:
        return "A CE hour is a 60-minute clock hour."
    return f"A CE hour is {ruleset.hour_minutes} minutes."


def providers_text(ruleset: RuleSet) -> str:
    providers = ruleset.providers
    if not providers.accepted:
        text = "Lifelong does not check which bodies approved your activities for this rule set."
    else:
        text = f"Activities must be approved by {approvals_text(providers.accepted)}."
    if providers.exempt_kinds:
        text += f" Except: {kinds_text(providers.exempt_kinds)}."
    return text
