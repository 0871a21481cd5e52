"""The rule-set schema: what a board's CE rule for one credential can say.

A rule set is a TOML file validated by these pydantic models (see docs/rules.md for the format
with worked examples). Nothing here imports Django.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from lifelong.rules.vocabulary import ApprovalBody, CreditUnit, Format, Kind, Topic

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Hours = Annotated[float, Field(ge=0, le=10_000)]
Share = Annotated[float, Field(gt=0, le=1)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(StrictModel):
    """Where a fact comes from."""

    url: str = Field(min_length=1)
    title: str = Field(min_length=1)
    retrieved: date


class Cycle(StrictModel):
    """How long a renewal cycle is and how its deadline is set.

    - ``license-expiration``: the deadline is the expiration date printed on the license.
    - ``birth-month``: the last day of the holder's birth month in the renewal year.
    - ``fixed-date``: a fixed day such as March 31 of odd years (``month``, ``day``, ``years``).
    """

    length_months: int = Field(ge=1, le=120)
    deadline: Literal["license-expiration", "birth-month", "fixed-date"] = "license-expiration"
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    years: Literal["odd", "even", "any"] = "any"

    @model_validator(mode="after")
    def _fixed_date_needs_month_and_day(self) -> Cycle:
        if self.deadline == "fixed-date" and (self.month is None or self.day is None):
            raise ValueError("a fixed-date deadline needs 'month' and 'day'")
        if self.deadline != "fixed-date" and (self.month is not None or self.day is not None):
            raise ValueError("'month' and 'day' are only for a fixed-date deadline")
        return self


class FirstRenewal(StrictModel):
    """The first renewal after licensure: exempt, or a reduced total."""

    exempt: bool = False
    total_hours: Hours | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> FirstRenewal:
        if self.exempt and self.total_hours is not None:
            raise ValueError("a first renewal is either exempt or has a reduced 'total_hours'")
        return self


class CarryOver(StrictModel):
    """Hours earned beyond the total that may count in the next cycle."""

    max_hours: Hours = 0


class Providers(StrictModel):
    """Which approval bodies a board accepts. Empty ``accepted`` means any provider."""

    accepted: list[ApprovalBody] = []
    exempt_kinds: list[Kind] = []
    note: str | None = None


class Requirement(StrictModel):
    """A topic requirement: at least ``hours`` in the listed topics.

    ``frequency``:
    - ``every-cycle``: due in every cycle;
    - ``once``: a lifetime requirement, met once (before or by cycle ``due_cycle``);
    - ``every-nth-cycle``: due every ``every`` cycles starting with cycle ``due_cycle``
      (cycle 1 is the first renewal); with ``window = "rolling"`` it is due every cycle and
      hours from the last ``every`` cycles count;
    - ``per-year``: ``hours`` for each year of the cycle.
    """

    id: Slug
    title: str = Field(min_length=1)
    topics: list[Topic] = Field(min_length=1)
    hours: Hours = Field(gt=0)
    frequency: Literal["every-cycle", "once", "every-nth-cycle", "per-year"] = "every-cycle"
    every: int | None = Field(default=None, ge=2, le=20)
    due_cycle: int = Field(default=1, ge=1, le=50)
    window: Literal["fixed", "rolling"] = "fixed"
    counts_toward_total: bool = True
    roles: list[Slug] = []
    formats: list[Format] = []
    approvals: list[ApprovalBody] = []
    first_renewal: Literal["applies", "skip", "only"] = "applies"
    applies_from: date | None = None
    applies_until: date | None = None
    note: str | None = None
    uncertain: str | None = None

    @model_validator(mode="after")
    def _every_only_for_nth(self) -> Requirement:
        if self.frequency == "every-nth-cycle" and self.every is None:
            raise ValueError("an every-nth-cycle requirement needs 'every'")
        if self.frequency != "every-nth-cycle" and self.every is not None:
            raise ValueError("'every' is only for frequency = \"every-nth-cycle\"")
        if self.window == "rolling" and self.frequency != "every-nth-cycle":
            raise ValueError('window = "rolling" is only for every-nth-cycle requirements')
        return self


class Limit(StrictModel):
    """A cap or a minimum on the hours counted toward the total.

    It applies to the activities matching every selector given (formats, kinds, topics,
    approvals); at least one selector is required. ``max_share`` and ``min_share`` are shares of
    the hours counted toward the total (e.g. self-study at most one third, at least half live,
    at least half from listed provider types).
    """

    id: Slug
    title: str = Field(min_length=1)
    formats: list[Format] = []
    kinds: list[Kind] = []
    topics: list[Topic] = []
    approvals: list[ApprovalBody] = []
    max_hours: Hours | None = None
    max_share: Share | None = None
    min_hours: Hours | None = None
    min_share: Share | None = None
    per_activity_max_hours: Hours | None = None
    note: str | None = None
    uncertain: str | None = None

    @model_validator(mode="after")
    def _needs_selector_and_bound(self) -> Limit:
        if not (self.formats or self.kinds or self.topics or self.approvals):
            raise ValueError("a limit needs at least one of formats, kinds, topics, approvals")
        bounds = (
            self.max_hours,
            self.max_share,
            self.min_hours,
            self.min_share,
            self.per_activity_max_hours,
        )
        if all(bound is None for bound in bounds):
            raise ValueError(
                "a limit needs max_hours, max_share, min_hours, min_share or per_activity_max_hours"
            )
        return self


class Condition(StrictModel):
    """A renewal condition that is not CE hours (e.g. pass a jurisprudence exam): attested."""

    id: Slug
    title: str = Field(min_length=1)
    frequency: Literal["every-cycle", "once"] = "every-cycle"
    roles: list[Slug] = []
    note: str | None = None
    uncertain: str | None = None


class RuleSet(StrictModel):
    """One board's CE rule for one credential, with its sources and uncertain facts."""

    id: Slug
    title: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=2, max_length=20)
    board: str = Field(min_length=1)
    credential: str = Field(min_length=1)
    effective_from: date
    effective_until: date | None = None
    verified_on: date
    sources: list[Source] = Field(min_length=1)
    notes: list[str] = []
    uncertain: list[str] = []

    total_hours: Hours
    hour_minutes: int = Field(default=60, ge=30, le=60)
    credit_conversions: dict[CreditUnit, float] = {}
    topics_may_overlap: bool = False
    repeat_courses_count: bool = True
    accepted_formats: list[Format] = []
    accepted_kinds: list[Kind] = []
    roles: list[Slug] = []

    cycle: Cycle
    first_renewal: FirstRenewal = FirstRenewal()
    carry_over: CarryOver = CarryOver()
    providers: Providers = Providers()
    requirements: list[Requirement] = []
    limits: list[Limit] = []
    conditions: list[Condition] = []

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        ids = [
            *(item.id for item in self.requirements),
            *(item.id for item in self.limits),
            *(item.id for item in self.conditions),
        ]
        duplicates = sorted({item for item in ids if ids.count(item) > 1})
        if duplicates:
            raise ValueError(f"ids must be unique; repeated: {', '.join(duplicates)}")
        if "total" in ids:
            raise ValueError("'total' is reserved for the total requirement")
        unknown_roles = sorted(
            (
                {role for item in self.requirements for role in item.roles}
                | {role for item in self.conditions for role in item.roles}
            )
            - set(self.roles)
        )
        if unknown_roles:
            raise ValueError(f"roles used but not declared in 'roles': {', '.join(unknown_roles)}")
        if self.effective_until and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        return self
