"""Compliance for a user's licenses: rule sets resolved, activities loaded once, the engine run.

Everything a page or an API call needs in a fixed number of queries, whatever the number of
activities: one for the licenses, one for the activities, one for the user's own rule sets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lifelong.credits.models import Activity
from lifelong.licensure.models import License, RuleSetDocument
from lifelong.rules import model as rules
from lifelong.rules.cycles import check_deadline, cycle_for
from lifelong.rules.engine import evaluate
from lifelong.rules.loader import RuleSetError, UnknownRuleSet, get_ruleset, parse_ruleset
from lifelong.rules.schema import RuleSet


@dataclass(frozen=True)
class LicenseStatus:
    """A license with its rule set and the verdict for its current cycle (or why there is none)."""

    license: License
    ruleset: RuleSet | None
    verdict: rules.Verdict | None
    days_left: int
    error: str = ""
    deadline_warning: str | None = None

    @property
    def compliant(self) -> bool:
        return self.verdict is not None and self.verdict.compliant


def user_rulesets(user: Any) -> dict[str, RuleSet]:
    """The rule sets this user added, parsed. Invalid stored text is skipped (it was validated on
    save, so this only happens after a schema change; the rule-set page shows the problems)."""
    parsed: dict[str, RuleSet] = {}
    for document in RuleSetDocument.objects.for_user(user):
        try:
            parsed[document.ruleset_id] = parse_ruleset(document.text, document.ruleset_id)
        except RuleSetError:
            continue
    return parsed


def resolve_ruleset(ruleset_id: str, custom: Mapping[str, RuleSet]) -> RuleSet:
    """A catalog rule set or one of the user's own; raises UnknownRuleSet."""
    return get_ruleset(ruleset_id, extra=custom)


def rules_activities(user: Any) -> list[rules.Activity]:
    """All of a user's activities in the engine's terms (one query)."""
    return [activity.to_rules() for activity in Activity.objects.for_user(user).order_by("pk")]


def previous_deadline(ruleset: RuleSet, license: License, expires_on: date) -> date:
    """The deadline of the cycle before the one ending on ``expires_on``."""
    cycle = cycle_for(ruleset, license.context(expires_on=expires_on))
    return cycle.start - timedelta(days=1)


def evaluate_license(
    license: License,
    ruleset: RuleSet,
    activities: Sequence[rules.Activity],
    *,
    expires_on: date | None = None,
) -> rules.Verdict:
    """The verdict for the cycle ending ``expires_on`` (default: the current one).

    Unless the user entered the carried-over hours, they are what the previous cycle's
    activities leave over under the board's carry-over rule.
    """
    deadline = expires_on or license.expires_on
    carry_in: float = 0.0
    if license.carry_over_in_hours is not None and deadline == license.expires_on:
        carry_in = float(license.carry_over_in_hours)
    elif ruleset.carry_over.max_hours > 0:
        earlier = previous_deadline(ruleset, license, deadline)
        if license.issued_on is None or earlier > license.issued_on:
            previous = evaluate(ruleset, license.context(expires_on=earlier), activities)
            carry_in = previous.carry_over_out_hours
    context = license.context(expires_on=deadline, carry_over_in_hours=carry_in)
    return evaluate(ruleset, context, activities)


def status_for(
    license: License,
    activities: Sequence[rules.Activity],
    custom: Mapping[str, RuleSet],
    today: date,
    birth_month: int | None = None,
) -> LicenseStatus:
    days_left = (license.expires_on - today).days
    try:
        ruleset = resolve_ruleset(license.ruleset_id, custom)
    except UnknownRuleSet as error:
        return LicenseStatus(license, None, None, days_left, error=str(error))
    verdict = evaluate_license(license, ruleset, activities)
    warning = check_deadline(ruleset, license.expires_on, birth_month)
    return LicenseStatus(license, ruleset, verdict, days_left, deadline_warning=warning)


def license_statuses(user: Any, today: date) -> list[LicenseStatus]:
    """Every license of ``user`` with its current verdict, in three queries."""
    licenses = list(License.objects.for_user(user))
    if not licenses:
        return []
    activities = rules_activities(user)
    custom = user_rulesets(user)
    return [
        status_for(license, activities, custom, today, getattr(user, "birth_month", None))
        for license in licenses
    ]
