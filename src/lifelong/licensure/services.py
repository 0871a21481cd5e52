"""Compliance for a user's licenses: rule sets resolved, activities loaded once, the engine run.

Everything a page or an API call needs in a fixed number of queries, whatever the number of
activities: one for the licenses, one for the activities, one for the user's own rule sets.
The user's own rule sets (their TOML documents) are saved and deleted here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from lifelong.credits.models import Activity, engine_activity
from lifelong.licensure.models import License, RuleSetDocument
from lifelong.rules import model as rules
from lifelong.rules.cycles import add_months, check_deadline, cycle_for, next_deadline
from lifelong.rules.eligibility import normalise
from lifelong.rules.engine import evaluate
from lifelong.rules.loader import (
    RuleSetError,
    UnknownRuleSet,
    get_ruleset,
    load_catalog,
    parse_ruleset,
)
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

    @property
    def uncertain_facts(self) -> list[str]:
        if self.ruleset is None or self.verdict is None:
            return []
        return uncertain_facts(self.ruleset, self.verdict)

    @property
    def conditions_to_attest(self) -> list[rules.ConditionResult]:
        if self.verdict is None:
            return []
        return [condition for condition in self.verdict.conditions if not condition.attested]

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def uncertain_facts(ruleset: RuleSet, verdict: rules.Verdict) -> list[str]:
    """The rule set's uncertain facts, then those of the requirements and conditions in play."""
    facts = list(ruleset.uncertain)
    for result in verdict.requirements:
        if result.uncertain:
            facts.append(f"{result.title}: {result.uncertain}")
    for condition in verdict.conditions:
        if condition.uncertain:
            facts.append(f"{condition.title}: {condition.uncertain}")
    return facts


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
    """All of a user's activities in the engine's terms, in one query.

    Built from rows rather than model instances: with years of activities, creating the
    instances was a third of the dashboard's time.
    """
    rows = Activity.objects.for_user(user).order_by("pk").values_list(*Activity.ENGINE_FIELDS)
    return [engine_activity(*row) for row in rows]


def relevant_activities(
    ruleset: RuleSet, context: rules.LicenseContext, activities: Sequence[rules.Activity]
) -> list[rules.Activity]:
    """The activities that can change the verdict for the cycle of ``context``.

    Those completed in the cycle, and earlier ones on a topic of a one-time or rolling
    requirement (the only requirements that count history), with their exact duplicates so
    that duplicates are still recognised. The engine would list every other activity as
    "before / after this cycle" and count nothing from it; leaving them out keeps a page with
    years of activities fast.
    """
    cycle = cycle_for(ruleset, context)
    history_topics: set[str] = set()
    earliest = cycle.start
    for requirement in ruleset.requirements:
        if requirement.frequency == "once":
            history_topics.update(requirement.topics)
            earliest = date.min
        elif requirement.window == "rolling" and requirement.every:
            history_topics.update(requirement.topics)
            months = (requirement.every - 1) * ruleset.cycle.length_months
            earliest = min(earliest, add_months(cycle.start, -months))
    wanted: list[rules.Activity] = []
    history: list[rules.Activity] = []
    for activity in activities:
        if cycle.start <= activity.completed_on <= cycle.end:
            wanted.append(activity)
        elif earliest <= activity.completed_on < cycle.start:
            history.append(activity)
    if history_topics and history:
        keys = {
            _duplicate_key(activity)
            for activity in history
            if any(share.slug in history_topics for share in activity.topics)
        }
        wanted.extend(activity for activity in history if _duplicate_key(activity) in keys)
    return wanted


def _duplicate_key(activity: rules.Activity) -> tuple[str, str, date, float]:
    """What the engine takes for the same activity entered twice."""
    return (
        normalise(activity.title),
        normalise(activity.provider),
        activity.completed_on,
        round(activity.hours, 6),
    )


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
            previous_context = license.context(expires_on=earlier)
            previous = evaluate(
                ruleset,
                previous_context,
                relevant_activities(ruleset, previous_context, activities),
            )
            carry_in = previous.carry_over_out_hours
    context = license.context(expires_on=deadline, carry_over_in_hours=carry_in)
    return evaluate(ruleset, context, relevant_activities(ruleset, context, activities))


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
    try:
        verdict = evaluate_license(license, ruleset, activities)
    except ValueError as error:  # e.g. issued after it expires: data entered elsewhere
        return LicenseStatus(license, ruleset, None, days_left, error=str(error))
    warning = check_deadline(ruleset, license.expires_on, birth_month)
    return LicenseStatus(license, ruleset, verdict, days_left, deadline_warning=warning)


def license_status(license: License, today: date, birth_month: int | None) -> LicenseStatus:
    """One license's current status, in two queries (its owner's activities and rule sets)."""
    activities = rules_activities(license.user_id)
    return status_for(license, activities, user_rulesets(license.user_id), today, birth_month)


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


# --------------------------------------------------------------------------------------------
# Choosing a rule set
# --------------------------------------------------------------------------------------------

GroupedChoices = list[tuple[str, list[tuple[str, str]]]]


def ruleset_choices(user: Any) -> GroupedChoices:
    """Rule-set choices for a select, grouped "Catalog" / "My rule sets" (one query)."""
    catalog = sorted(load_catalog().values(), key=lambda ruleset: ruleset.title)
    groups: GroupedChoices = [
        ("Catalog", [(ruleset.id, f"{ruleset.title} ({ruleset.id})") for ruleset in catalog])
    ]
    own = [
        (document.ruleset_id, f"{document.title} ({document.ruleset_id})")
        for document in RuleSetDocument.objects.for_user(user).only("ruleset_id", "title")
    ]
    if own:
        groups.append(("My rule sets", own))
    return groups


def ruleset_titles(user: Any) -> dict[str, str]:
    """Rule-set titles by id: the catalog's and the user's own (one query)."""
    titles = {ruleset.id: ruleset.title for ruleset in load_catalog().values()}
    documents = RuleSetDocument.objects.for_user(user).values_list("ruleset_id", "title")
    titles.update(dict(documents))
    return titles


def find_ruleset(ruleset_id: str | None, custom: Mapping[str, RuleSet]) -> RuleSet | None:
    """The rule set with this id, or None when there is none (no id, or an unknown one)."""
    if not ruleset_id:
        return None
    try:
        return resolve_ruleset(ruleset_id, custom)
    except UnknownRuleSet:
        return None


# --------------------------------------------------------------------------------------------
# Renewing and reading one cycle
# --------------------------------------------------------------------------------------------


def renew_license(license: License, ruleset: RuleSet, birth_month: int | None) -> date:
    """Move the license to its next deadline once the user says they renewed; return it."""
    deadline = next_deadline(ruleset, license.expires_on, birth_month)
    license.renew(deadline)
    license.save(update_fields=["expires_on", "carry_over_in_hours", "first_renewal", "updated_at"])
    return deadline


@dataclass(frozen=True)
class Transcript:
    """The full allocation for one cycle of a license, with the way to its neighbours."""

    license: License
    ruleset: RuleSet
    verdict: rules.Verdict
    deadline: date
    previous_deadline: date | None
    next_deadline: date | None
    activities: Mapping[str, rules.Activity]

    @property
    def is_current(self) -> bool:
        return self.deadline == self.license.expires_on

    @property
    def allocations(self) -> list[tuple[rules.RequirementResult, list[CountedHours]]]:
        """Each requirement with the activities counted toward it (and their details)."""
        return [
            (
                result,
                [
                    CountedHours(used, self.activities.get(used.activity_id))
                    for used in result.activities
                ],
            )
            for result in self.verdict.requirements
        ]

    def _in_cycle(self, activity: rules.Activity | None) -> bool:
        cycle = self.verdict.cycle
        return activity is None or cycle.start <= activity.completed_on <= cycle.end

    @property
    def exclusions(self) -> list[tuple[rules.Exclusion, rules.Activity | None]]:
        """Hours of this cycle's activities that do not count, with the reason."""
        pairs = [
            (exclusion, self.activities.get(exclusion.activity_id))
            for exclusion in self.verdict.excluded
        ]
        return [(exclusion, activity) for exclusion, activity in pairs if self._in_cycle(activity)]

    @property
    def outside_cycle_count(self) -> int:
        """Activities completed before or after this cycle that count for nothing in it."""
        counted = {
            used.activity_id for result in self.verdict.requirements for used in result.activities
        }
        return sum(
            not self._in_cycle(activity) and activity.id not in counted
            for activity in self.activities.values()
        )

    @property
    def uncertain_facts(self) -> list[str]:
        return uncertain_facts(self.ruleset, self.verdict)


@dataclass(frozen=True)
class CountedHours:
    """Hours of one activity counted toward a requirement, with the activity's details."""

    used: rules.HoursUsed
    activity: rules.Activity | None


EARLIEST_CYCLE_YEAR = 1950
LATEST_CYCLE_YEAR = 2200


def parse_cycle(license: License, text: str) -> date | None:
    """The deadline in ``?cycle=YYYY-MM-DD``: None when empty; ValueError saying what is wrong."""
    if not text:
        return None
    try:
        deadline = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"“{text[:40]}” is not a date (use YYYY-MM-DD).") from None
    if not EARLIEST_CYCLE_YEAR <= deadline.year <= LATEST_CYCLE_YEAR:
        raise ValueError(f"{deadline.isoformat()} is too far from today.")
    if license.issued_on is not None and deadline < license.issued_on:
        raise ValueError(f"{deadline.isoformat()} is before the license was issued.")
    return deadline


def transcript(
    license: License, custom: Mapping[str, RuleSet], deadline: date | None = None
) -> Transcript:
    """The cycle of ``license`` ending ``deadline`` (default: the current one), in one query.

    Raises UnknownRuleSet when the license's rule set is gone.
    """
    ruleset = resolve_ruleset(license.ruleset_id, custom)
    deadline = deadline or license.expires_on
    activities = rules_activities(license.user_id)
    verdict = evaluate_license(license, ruleset, activities, expires_on=deadline)
    following: date | None = None
    if deadline < license.expires_on:
        following = min(next_deadline(ruleset, deadline, None), license.expires_on)
    earlier: date | None = verdict.cycle.start - timedelta(days=1)
    if license.issued_on is not None and verdict.cycle.start <= license.issued_on:
        earlier = None  # the first cycle after licensure
    return Transcript(
        license=license,
        ruleset=ruleset,
        verdict=verdict,
        deadline=deadline,
        previous_deadline=earlier,
        next_deadline=following,
        activities={activity.id: activity for activity in activities},
    )


# --------------------------------------------------------------------------------------------
# The user's own rule sets
# --------------------------------------------------------------------------------------------


class RuleSetInUse(Exception):
    """A rule set that licenses still use cannot be deleted."""

    def __init__(self, ruleset_id: str, licenses: Sequence[License]) -> None:
        self.ruleset_id = ruleset_id
        self.licenses = list(licenses)
        names = ", ".join(str(license) for license in self.licenses)
        super().__init__(
            f"{len(self.licenses)} of your licenses use the rule set {ruleset_id!r} ({names}). "
            "Move them to another rule set first."
        )


def licenses_using(user: Any, ruleset_id: str) -> list[License]:
    return list(License.objects.for_user(user).filter(ruleset_id=ruleset_id))


def ruleset_usage(user: Any) -> dict[str, int]:
    """How many of the user's licenses use each rule set id (one query)."""
    usage: dict[str, int] = {}
    for ruleset_id in License.objects.for_user(user).values_list("ruleset_id", flat=True):
        usage[ruleset_id] = usage.get(ruleset_id, 0) + 1
    return usage


@transaction.atomic
def save_ruleset_document(
    owner: Any, ruleset: RuleSet, text: str, document: RuleSetDocument | None = None
) -> RuleSetDocument:
    """Store a validated rule set. A changed id follows into the licenses that use it."""
    if document is None:
        document = RuleSetDocument(owner=owner)
    elif document.ruleset_id != ruleset.id:
        License.objects.for_user(owner).filter(ruleset_id=document.ruleset_id).update(
            ruleset_id=ruleset.id
        )
    document.ruleset_id = ruleset.id
    document.title = ruleset.title
    document.text = text
    document.save()
    return document


@transaction.atomic
def delete_ruleset_document(document: RuleSetDocument) -> None:
    """Delete a rule set of the user's own; raise RuleSetInUse while licenses use it."""
    using = licenses_using(document.owner_id, document.ruleset_id)
    if using:
        raise RuleSetInUse(document.ruleset_id, using)
    document.delete()
