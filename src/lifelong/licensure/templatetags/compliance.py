"""Template filters and tags for the licensure pages: hours, labels, rules in plain words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from lifelong.licensure import describe
from lifelong.rules.schema import Condition, Cycle, Limit, Requirement, RuleSet
from lifelong.rules.vocabulary import APPROVAL_LABELS, FORMAT_LABELS, KIND_LABELS, topic_label

register = template.Library()


@register.filter
def hours(value: float | int | str | None) -> str:
    """``6.0`` -> ``6``, ``4.5`` -> ``4.5``; empty for None."""
    if value is None or value == "":
        return ""
    return describe.hours_text(float(value))


@register.filter
def topic(slug: str) -> str:
    return topic_label(slug)


@register.filter
def topics(slugs: Iterable[str]) -> str:
    return ", ".join(topic_label(slug) for slug in slugs)


@register.filter
def format_label(slug: str) -> str:
    return FORMAT_LABELS.get(slug, slug)


@register.filter
def kind_label(slug: str) -> str:
    return KIND_LABELS.get(slug, slug)


@register.filter
def approval_label(slug: str) -> str:
    return APPROVAL_LABELS.get(slug, slug)


@register.filter
def role(slug: str) -> str:
    return describe.role_label(slug)


@register.filter
def days_phrase(days: int) -> str:
    """Days to a deadline in words: ``in 3 days``, ``today``, ``2 days overdue``."""
    if days == 0:
        return "due today"
    if days > 0:
        return "in 1 day" if days == 1 else f"in {days:,} days"
    late = -days
    return "1 day overdue" if late == 1 else f"{late:,} days overdue"


@register.filter
def deadline_rule(cycle: Cycle) -> str:
    return describe.deadline_rule(cycle)


@register.filter
def option_titles(ids: Iterable[str], ruleset: RuleSet | None) -> str:
    """Requirement or condition ids (or topic slugs) as the rule set's titles."""
    titles: dict[str, str] = {}
    if ruleset is not None:
        titles = {item.id: item.title for item in ruleset.requirements}
        titles.update({item.id: item.title for item in ruleset.conditions})
    return ", ".join(titles.get(item, topic_label(item)) for item in ids)


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ usage|get_item:ruleset.id }}``: a dictionary entry by a variable key."""
    return mapping.get(key)


@register.simple_tag
def requirement_facts(requirement: Requirement) -> list[str]:
    return describe.requirement_facts(requirement)


@register.simple_tag
def limit_facts(limit: Limit) -> list[str]:
    return describe.limit_facts(limit)


@register.simple_tag
def condition_facts(condition: Condition) -> list[str]:
    return describe.condition_facts(condition)


@register.simple_tag
def ruleset_facts(ruleset: RuleSet) -> dict[str, str]:
    """The rule-set-wide rules in sentences, by heading."""
    return {
        "Renewal deadline": describe.deadline_rule(ruleset.cycle),
        "First renewal": describe.first_renewal_text(ruleset),
        "Carry-over": describe.carry_over_text(ruleset),
        "CE hour": describe.hour_text(ruleset),
        "Providers": describe.providers_text(ruleset),
    }
