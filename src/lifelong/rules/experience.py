"""Supervised experience toward licensure: the experience rule-set kind and its evaluator.

Pure (no Django). An *experience rule set* says what a board asks of an associate (or intern,
or limited-license holder) before full licensure: total hours, a minimum of direct clinical
hours, a cap on non-clinical hours, supervision hours (a minimum, an individual minimum, a cap
on the group share, a ratio to hours worked), a minimum span in weeks, and caps on the hours
credited in any week or any 12 months. Catalog files live in ``rules/catalog/experience/``
(format: docs/rules.md, "Experience rule sets").

:func:`evaluate_experience` takes a rule set and a list of :class:`ExperienceEntry` and returns an
:class:`ExperienceVerdict` that explains itself: each requirement with hours counted, required
and missing, the hours a cap left out and why, and a projected completion date from the recent
pace.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from importlib import resources
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from lifelong.rules.schema import Slug, Source, StrictModel

EXPERIENCE_CATALOG_PACKAGE = "lifelong.rules.catalog.experience"
# The pace behind the projection: hours logged over this many weeks before the last entry.
PACE_WEEKS = 12

ExperienceHours = Annotated[float, Field(gt=0, le=100_000)]
Ratio = Annotated[float, Field(gt=0, le=1000)]


class Category(StrEnum):
    """What an hour of supervised experience was spent on."""

    DIRECT = "direct-clinical"
    NON_CLINICAL = "non-clinical"
    INDIVIDUAL_SUPERVISION = "individual-supervision"
    GROUP_SUPERVISION = "group-supervision"


CATEGORY_LABELS: dict[str, str] = {
    Category.DIRECT: "Direct clinical service",
    Category.NON_CLINICAL: "Non-clinical work (notes, reports, case management, training)",
    Category.INDIVIDUAL_SUPERVISION: "Individual supervision",
    Category.GROUP_SUPERVISION: "Group supervision",
}
SUPERVISION_CATEGORIES = frozenset({Category.INDIVIDUAL_SUPERVISION, Category.GROUP_SUPERVISION})


class SupervisionRatio(StrictModel):
    """At least one hour of supervision per ``per_hours`` hours of ``basis`` (all experience
    hours, or direct clinical hours only)."""

    per_hours: Ratio
    basis: Literal["total", "direct"] = "total"


class ExperienceRuleSet(StrictModel):
    """A board's supervised-experience requirements for one credential."""

    id: Slug
    kind: Literal["experience"]
    title: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=1)
    board: str = Field(min_length=1)
    credential: str = Field(min_length=1)
    effective_from: date
    verified_on: date
    total_hours: ExperienceHours
    supervision_counts_toward_total: bool = True
    min_direct_hours: ExperienceHours | None = None
    max_non_clinical_hours: ExperienceHours | None = None
    min_supervision_hours: ExperienceHours | None = None
    min_individual_supervision_hours: ExperienceHours | None = None
    max_group_supervision_share: Annotated[float, Field(gt=0, le=1)] | None = None
    supervision_ratio: SupervisionRatio | None = None
    min_weeks: Annotated[int, Field(ge=1, le=1000)] | None = None
    max_hours_per_week: Annotated[float, Field(gt=0, le=168)] | None = None
    max_hours_per_12_months: Annotated[float, Field(gt=0, le=8760)] | None = None
    min_supervision_hours_per_month: Annotated[float, Field(gt=0, le=744)] | None = None
    notes: list[str] = []
    uncertain: list[str] = []
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _parts_fit_the_total(self) -> ExperienceRuleSet:
        if self.min_direct_hours is not None and self.min_direct_hours > self.total_hours:
            raise ValueError("'min_direct_hours' is more than 'total_hours'")
        return self


# --------------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------------


class ExperienceRuleSetError(ValueError):
    """A catalog file that does not validate (names the file and every problem)."""


def parse_experience_ruleset(text: str, name: str = "<text>") -> ExperienceRuleSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExperienceRuleSetError(f"{name}: {error}") from error
    try:
        return ExperienceRuleSet.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        raise ExperienceRuleSetError(f"{name}: {problems}") from error


@functools.lru_cache(maxsize=1)
def load_experience_catalog() -> dict[str, ExperienceRuleSet]:
    """Every experience rule set shipped with Lifelong, by id (parsed once per process)."""
    catalog: dict[str, ExperienceRuleSet] = {}
    for entry in sorted(
        resources.files(EXPERIENCE_CATALOG_PACKAGE).iterdir(), key=lambda e: e.name
    ):
        if not (entry.name.endswith(".toml") and entry.is_file()):
            continue
        ruleset = parse_experience_ruleset(entry.read_text(encoding="utf-8"), entry.name)
        if ruleset.id != entry.name.removesuffix(".toml"):
            raise ExperienceRuleSetError(f"{entry.name}: id {ruleset.id!r} is not the file name")
        catalog[ruleset.id] = ruleset
    return catalog


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExperienceEntry:
    """One line of the log: hours of one category on one day."""

    worked_on: date
    hours: float
    category: Category


@dataclass(frozen=True, slots=True)
class RequirementProgress:
    id: str
    label: str
    required: float
    counted: float
    unit: Literal["hours", "weeks"] = "hours"
    # "min": counted must reach required; "max": counted must stay within required.
    direction: Literal["min", "max"] = "min"
    explanation: str = ""

    @property
    def met(self) -> bool:
        if self.direction == "max":
            return self.counted <= self.required + 1e-9
        return self.counted + 1e-9 >= self.required

    @property
    def missing(self) -> float:
        if self.direction == "max":
            return 0.0
        return round(max(self.required - self.counted, 0.0), 2)


@dataclass(frozen=True, slots=True)
class Trimmed:
    """Hours a cap kept out of the count, and which cap."""

    period_start: date
    hours: float
    reason: str


@dataclass(frozen=True, slots=True)
class ExperienceVerdict:
    ruleset_id: str
    requirements: tuple[RequirementProgress, ...]
    hours_by_category: dict[str, float]
    counted_hours: float
    trimmed: tuple[Trimmed, ...]
    short_months: tuple[date, ...]
    first_day: date | None
    last_day: date | None
    weekly_pace: float
    projected_completion: date | None
    next_steps: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return all(requirement.met for requirement in self.requirements)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def _capped(
    entries: Sequence[ExperienceEntry], ruleset: ExperienceRuleSet
) -> tuple[list[tuple[ExperienceEntry, float]], list[Trimmed]]:
    """Each entry with the hours that count after the weekly and 12-month caps, in date order
    (a cap keeps the earliest hours of its period); and what the caps left out."""
    ordered = sorted(entries, key=lambda entry: (entry.worked_on, entry.category))
    counted: list[tuple[ExperienceEntry, float]] = []
    trimmed: dict[tuple[str, date], float] = defaultdict(float)
    week_used: dict[date, float] = defaultdict(float)
    year_used: dict[date, float] = defaultdict(float)
    first = ordered[0].worked_on if ordered else None
    for entry in ordered:
        hours = entry.hours
        # Supervision that does not count toward the total is never capped away.
        capped = ruleset.supervision_counts_toward_total or entry.category not in (
            SUPERVISION_CATEGORIES
        )
        if capped and ruleset.max_hours_per_week is not None:
            week = _week_start(entry.worked_on)
            allowed = max(ruleset.max_hours_per_week - week_used[week], 0.0)
            if hours > allowed:
                trimmed[("week", week)] += hours - allowed
                hours = allowed
            week_used[week] += hours
        if capped and ruleset.max_hours_per_12_months is not None and first is not None:
            months = (entry.worked_on.year - first.year) * 12 + entry.worked_on.month - first.month
            if entry.worked_on.day < first.day:
                months -= 1
            year_index = months // 12
            year_start = _add_months(first, 12 * year_index)
            allowed = max(ruleset.max_hours_per_12_months - year_used[year_start], 0.0)
            if hours > allowed:
                trimmed[("year", year_start)] += hours - allowed
                hours = allowed
            year_used[year_start] += hours
        counted.append((entry, hours))
    return counted, [
        Trimmed(start, _round(hours), _trim_reason(kind, start, ruleset))
        for (kind, start), hours in sorted(trimmed.items(), key=lambda item: item[0][1])
        if hours > 0.004
    ]


def _trim_reason(kind: str, start: date, ruleset: ExperienceRuleSet) -> str:
    if kind == "week":
        return f"week of {start:%b %-d, %Y}: at most {ruleset.max_hours_per_week:g} hours count"
    return (
        f"12 months from {start:%b %-d, %Y}: at most {ruleset.max_hours_per_12_months:g} "
        "hours count"
    )


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def _requirements(
    ruleset: ExperienceRuleSet, by_category: dict[str, float], weeks: int
) -> list[RequirementProgress]:
    direct = by_category[Category.DIRECT]
    non_clinical = by_category[Category.NON_CLINICAL]
    individual = by_category[Category.INDIVIDUAL_SUPERVISION]
    group = by_category[Category.GROUP_SUPERVISION]
    supervision = individual + group
    total = direct + non_clinical + (supervision if ruleset.supervision_counts_toward_total else 0)
    if ruleset.max_non_clinical_hours is not None:
        # Hours beyond the non-clinical cap do not count toward the total.
        excess = max(
            non_clinical
            + (supervision if ruleset.supervision_counts_toward_total else 0)
            - ruleset.max_non_clinical_hours,
            0.0,
        )
        total -= excess
    result = [
        RequirementProgress(
            "total",
            "Total supervised experience",
            ruleset.total_hours,
            _round(total),
            explanation="Direct and non-clinical hours"
            + (" and supervision" if ruleset.supervision_counts_toward_total else "")
            + (
                f"; non-clinical hours beyond {ruleset.max_non_clinical_hours:g} do not count"
                if ruleset.max_non_clinical_hours is not None
                else ""
            )
            + ".",
        )
    ]
    if ruleset.min_direct_hours is not None:
        result.append(
            RequirementProgress(
                "direct",
                "Direct clinical hours",
                ruleset.min_direct_hours,
                _round(direct),
                explanation="Only time in direct service to clients counts.",
            )
        )
    if ruleset.max_non_clinical_hours is not None:
        clinical_side = non_clinical + (
            supervision if ruleset.supervision_counts_toward_total else 0
        )
        result.append(
            RequirementProgress(
                "non-clinical",
                "Non-clinical hours (at most)",
                ruleset.max_non_clinical_hours,
                _round(clinical_side),
                direction="max",
                explanation="Hours beyond the cap are logged but do not count toward the total.",
            )
        )
    if ruleset.min_supervision_hours is not None:
        result.append(
            RequirementProgress(
                "supervision",
                "Supervision hours",
                ruleset.min_supervision_hours,
                _round(supervision),
            )
        )
    if ruleset.min_individual_supervision_hours is not None:
        result.append(
            RequirementProgress(
                "individual-supervision",
                "Individual supervision hours",
                ruleset.min_individual_supervision_hours,
                _round(individual),
            )
        )
    if ruleset.max_group_supervision_share is not None:
        share = ruleset.max_group_supervision_share
        # Group hours beyond the share are not counted as supervision; what the cap allows:
        allowed_group = individual * share / (1 - share) if share < 1 else group
        result.append(
            RequirementProgress(
                "group-share",
                f"Group supervision (at most {share:.0%} of supervision)",
                _round(allowed_group),
                _round(group),
                direction="max",
                explanation="Log more individual supervision to count more group hours.",
            )
        )
    if ruleset.supervision_ratio is not None:
        ratio = ruleset.supervision_ratio
        basis = direct if ratio.basis == "direct" else total
        result.append(
            RequirementProgress(
                "supervision-ratio",
                f"Supervision: 1 hour per {ratio.per_hours:g} "
                + ("direct hours" if ratio.basis == "direct" else "hours worked"),
                _round(basis / ratio.per_hours),
                _round(supervision),
            )
        )
    if ruleset.min_weeks is not None:
        result.append(
            RequirementProgress(
                "weeks",
                "Weeks of experience",
                float(ruleset.min_weeks),
                float(weeks),
                unit="weeks",
                explanation="Counted from the first logged day to the last.",
            )
        )
    return result


def evaluate_experience(
    ruleset: ExperienceRuleSet, entries: Iterable[ExperienceEntry]
) -> ExperienceVerdict:
    """Judge a log against ``ruleset``: requirements, caps, short months and a projection."""
    entry_list = [entry for entry in entries if entry.hours > 0]
    counted, trimmed = _capped(entry_list, ruleset)
    by_category: dict[str, float] = {category.value: 0.0 for category in Category}
    for entry, hours in counted:
        by_category[entry.category] += hours
    first_day = min((entry.worked_on for entry in entry_list), default=None)
    last_day = max((entry.worked_on for entry in entry_list), default=None)
    weeks = ((last_day - first_day).days + 1) // 7 if first_day and last_day else 0
    requirements = _requirements(ruleset, by_category, weeks)

    short_months: list[date] = []
    if ruleset.min_supervision_hours_per_month is not None:
        monthly: dict[date, float] = defaultdict(float)
        worked: set[date] = set()
        for entry, hours in counted:
            month = entry.worked_on.replace(day=1)
            if entry.category in SUPERVISION_CATEGORIES:
                monthly[month] += hours
            elif entry.category == Category.DIRECT:
                worked.add(month)
        short_months = sorted(
            month
            for month in worked
            if monthly[month] + 1e-9 < ruleset.min_supervision_hours_per_month
        )

    pace, projected = _projection(ruleset, counted, requirements, last_day)
    verdict = ExperienceVerdict(
        ruleset_id=ruleset.id,
        requirements=tuple(requirements),
        hours_by_category={key: _round(value) for key, value in by_category.items()},
        counted_hours=requirements[0].counted,
        trimmed=tuple(trimmed),
        short_months=tuple(short_months),
        first_day=first_day,
        last_day=last_day,
        weekly_pace=pace,
        projected_completion=projected,
    )
    return dataclasses.replace(verdict, next_steps=tuple(_next_steps(ruleset, verdict)))


def _projection(
    ruleset: ExperienceRuleSet,
    counted: Sequence[tuple[ExperienceEntry, float]],
    requirements: Sequence[RequirementProgress],
    last_day: date | None,
) -> tuple[float, date | None]:
    """Hours per week over the last :data:`PACE_WEEKS` weeks of the log, and the day every
    requirement would be met at that pace (None when the pace cannot get there)."""
    if last_day is None:
        return 0.0, None
    window_start = last_day - timedelta(weeks=PACE_WEEKS) + timedelta(days=1)
    first_day = min(entry.worked_on for entry, _ in counted)
    span_days = (last_day - max(window_start, first_day)).days + 1
    window_weeks = max(span_days / 7, 1.0)
    recent: dict[str, float] = defaultdict(float)
    for entry, hours in counted:
        if entry.worked_on >= window_start:
            recent[entry.category] += hours
    pace_by_category = {key: value / window_weeks for key, value in recent.items()}
    supervision_pace = sum(
        pace_by_category.get(category, 0.0) for category in SUPERVISION_CATEGORIES
    )
    total_pace = (
        pace_by_category.get(Category.DIRECT, 0.0)
        + pace_by_category.get(Category.NON_CLINICAL, 0.0)
        + (supervision_pace if ruleset.supervision_counts_toward_total else 0.0)
    )
    if ruleset.max_hours_per_week is not None:
        total_pace = min(total_pace, ruleset.max_hours_per_week)
    pace_for = {
        "total": total_pace,
        "direct": pace_by_category.get(Category.DIRECT, 0.0),
        "supervision": supervision_pace,
        "individual-supervision": pace_by_category.get(Category.INDIVIDUAL_SUPERVISION, 0.0),
        "supervision-ratio": supervision_pace,
    }
    weeks_needed = 0.0
    for requirement in requirements:
        if requirement.met or requirement.direction == "max":
            continue
        if requirement.unit == "weeks":
            weeks_needed = max(weeks_needed, requirement.missing)
            continue
        pace = pace_for.get(requirement.id, 0.0)
        if pace <= 0:
            return _round(total_pace), None
        weeks_needed = max(weeks_needed, requirement.missing / pace)
    if weeks_needed == 0:
        return _round(total_pace), last_day
    return _round(total_pace), last_day + timedelta(days=math.ceil(weeks_needed * 7))


def _next_steps(ruleset: ExperienceRuleSet, verdict: ExperienceVerdict) -> list[str]:
    steps: list[str] = []
    for requirement in verdict.requirements:
        if requirement.met:
            continue
        if requirement.direction == "max":
            steps.append(f"{requirement.label}: {requirement.explanation}")
        elif requirement.unit == "weeks":
            steps.append(f"{requirement.missing:g} more weeks of experience are needed.")
        else:
            steps.append(f"{requirement.label}: {requirement.missing:g} more hours needed.")
    for month in verdict.short_months:
        steps.append(
            f"{month:%B %Y} has direct hours but less than "
            f"{ruleset.min_supervision_hours_per_month:g} hours of supervision."
        )
    if verdict.trimmed:
        steps.append(
            f"{sum(item.hours for item in verdict.trimmed):g} logged hours are over a cap and "
            "do not count."
        )
    return steps
