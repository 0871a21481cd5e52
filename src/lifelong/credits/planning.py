"""Planning: what planned courses do for each license (the compliance projection), and turning
a plan into a completed activity in one step.

The projection itself is pure (:mod:`lifelong.rules.projection`); this module loads what it
needs in a fixed number of queries: the pages' usual ones (licenses, activities, the user's
rule sets) and one more for the plans, whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import transaction

from lifelong.accounts.models import User
from lifelong.credits.models import Activity, PlannedActivity, plan_engine_activity
from lifelong.licensure.models import License
from lifelong.licensure.services import (
    LicenseStatus,
    relevant_activities,
    rules_activities,
    status_for,
    user_rulesets,
)
from lifelong.rules import model as rules
from lifelong.rules.projection import Projection, project

# --------------------------------------------------------------------------------------------
# The projection
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedLicenseStatus(LicenseStatus):
    """A license's status with what the user's plans would do for its current cycle
    (``projection`` is None when the user has no plans, or the license has no verdict)."""

    projection: Projection | None = None
    plan_count: int = 0

    @property
    def plans_needed_count(self) -> int:
        return 0 if self.projection is None else len(self.projection.plans_needed)


def rules_plans(user: Any) -> list[rules.Activity]:
    """All of a user's plans in the engine's terms, dated on their planned day, in one query
    (soonest first; the same day in title order)."""
    rows = (
        PlannedActivity.objects.for_user(user)
        .order_by("planned_on", "title", "pk")
        .values_list(*PlannedActivity.ENGINE_FIELDS)
    )
    return [plan_engine_activity(*row) for row in rows]


def projection_context(status: LicenseStatus) -> rules.LicenseContext:
    """The engine's context for the status's current cycle, as its verdict was made: with the
    carried-over hours entered for this cycle, or those worked out from the previous cycle
    (plans never change the previous cycle, so they are not worked out again)."""
    license = status.license
    carried = license.carry_over_in_hours
    if carried is None and status.verdict is not None:
        return license.context(carry_over_in_hours=status.verdict.carry_over_in_hours)
    return license.context(carry_over_in_hours=carried)


def project_status(
    status: LicenseStatus,
    activities: Sequence[rules.Activity],
    plans: Sequence[rules.Activity],
    today: date,
) -> Projection | None:
    """What ``plans`` do for the current cycle of ``status``'s license (None without a
    verdict). ``activities`` is the user's whole ledger, as for the status."""
    if status.verdict is None or status.ruleset is None:
        return None
    context = projection_context(status)
    return project(
        status.ruleset,
        context,
        relevant_activities(status.ruleset, context, activities),
        plans,
        today=today,
        current=status.verdict,
    )


def _with_projection(
    status: LicenseStatus,
    activities: Sequence[rules.Activity],
    plans: Sequence[rules.Activity],
    today: date,
    always: bool = False,
) -> PlannedLicenseStatus:
    values = {field.name: getattr(status, field.name) for field in fields(status)}
    projection = project_status(status, activities, plans, today) if plans or always else None
    return PlannedLicenseStatus(**values, projection=projection, plan_count=len(plans))


def license_statuses_with_projections(
    user: User, today: date, *, plans: Sequence[rules.Activity] | None = None
) -> list[PlannedLicenseStatus]:
    """Every license of ``user`` with its current verdict and the projection of their plans,
    in four queries (licenses, activities, own rule sets, plans), or three when the caller has
    the plans already (as engine activities: ``PlannedActivity.to_rules()``)."""
    licenses = list(License.objects.for_user(user))
    if not licenses:
        return []
    activities = rules_activities(user)
    custom = user_rulesets(user)
    if plans is None:
        plans = rules_plans(user)
    return [
        _with_projection(
            status_for(license, activities, custom, today, user.birth_month),
            activities,
            plans,
            today,
        )
        for license in licenses
    ]


def license_status_with_projection(
    license: License,
    today: date,
    birth_month: int | None,
    *,
    always: bool = False,
) -> PlannedLicenseStatus:
    """One license's status and projection, in three queries (its owner's activities, rule
    sets and plans). Without plans there is no projection, unless ``always``."""
    activities = rules_activities(license.user_id)
    custom = user_rulesets(license.user_id)
    plans = rules_plans(license.user_id)
    status = status_for(license, activities, custom, today, birth_month)
    return _with_projection(status, activities, plans, today, always)


# --------------------------------------------------------------------------------------------
# One step from plan to completed activity
# --------------------------------------------------------------------------------------------


class PlanAlreadyCompleted(Exception):
    """The plan is gone: completed (or deleted) by an earlier request."""


def complete_plan(plan: PlannedActivity, save: Callable[[], Activity]) -> Activity:
    """Run ``save`` (it writes the activity made from ``plan``: a validated activity form's
    ``save``, say) and delete the plan, in one transaction.

    The plan's row is locked first and must still exist, so two submissions of the same form
    (a double click, a resent request) create one activity: the second raises
    PlanAlreadyCompleted and writes nothing. If ``save`` fails, the plan stays.
    """
    with transaction.atomic():
        locked = PlannedActivity.objects.select_for_update().filter(
            pk=plan.pk, user_id=plan.user_id
        )
        if not list(locked.values_list("pk", flat=True)):
            raise PlanAlreadyCompleted(plan.pk)
        activity = save()
        if activity.user_id != plan.user_id:
            raise ValueError("an activity completes its owner's plan only")
        locked.delete()
    return activity
