"""The schema every instrument file follows (pure: no Django).

An instrument is a TOML file in ``instruments/data/``: its items, response scales, recall
period, subscales (which items, reversed items, sum or mean, how many answers a score needs),
bands with their published source, and the licence and attribution text its terms require.
Adding an instrument is adding a file; :func:`lifelong.wellbeing.instruments.load_instrument`
validates it against these models and reports every problem.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

Slug = str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResponseOption(Strict):
    value: int = Field(description="What the form sends for this answer.")
    label: str = Field(min_length=1)
    score: float = Field(description="The points this answer scores before any reversal.")


class ResponseScale(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    options: list[ResponseOption] = Field(min_length=2)

    @model_validator(mode="after")
    def _distinct(self) -> ResponseScale:
        values = [option.value for option in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"scale {self.id!r}: two options share a value")
        return self

    @property
    def lowest(self) -> float:
        return min(option.score for option in self.options)

    @property
    def highest(self) -> float:
        return max(option.score for option in self.options)

    def score_of(self, value: int) -> float | None:
        for option in self.options:
            if option.value == value:
                return option.score
        return None


class Item(Strict):
    number: int = Field(ge=1)
    text: str = Field(min_length=1)
    scale: str = Field(description="The id of the response scale the item is answered on.")
    subscale: str
    reverse: bool = Field(
        default=False, description="Scored as (lowest + highest) - score of its scale."
    )


class Band(Strict):
    id: Literal["low", "moderate", "high"]
    label: str
    lower: float = Field(description="The band starts at this score (inclusive).")


class Subscale(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    description: str = ""
    method: Literal["sum", "mean"]
    min_answered: int = Field(
        ge=1, description="Fewer answered items than this and the subscale is not scored."
    )
    higher_is: Literal["better", "worse"]
    warn_on_high: bool = Field(
        default=False, description="Entering the high band prompts an early warning."
    )
    bands: list[Band] = Field(min_length=1)
    bands_source: str = Field(min_length=1, description="Where the cut scores are published.")


class Source(Strict):
    citation: str
    url: HttpUrl | None = None


class InstrumentDefinition(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    version: str
    name: str
    short_name: str
    recall_period: str = Field(description="The period the answers are about, in words.")
    instructions: str
    minutes: int = Field(ge=1, description="About how long it takes.")
    remind_every_days: int = Field(ge=1, description="The default reminder interval.")
    licence: str = Field(min_length=1, description="The terms under which it is shipped.")
    attribution: str = Field(min_length=1, description="The credit shown with the instrument.")
    attribution_url: HttpUrl | None = None
    scales: list[ResponseScale] = Field(min_length=1)
    subscales: list[Subscale] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> InstrumentDefinition:
        problems: list[str] = []
        scale_ids = [scale.id for scale in self.scales]
        subscale_ids = [subscale.id for subscale in self.subscales]
        if len(set(scale_ids)) != len(scale_ids):
            problems.append("two response scales share an id")
        if len(set(subscale_ids)) != len(subscale_ids):
            problems.append("two subscales share an id")
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append("items must be numbered 1, 2, 3 … in order")
        for item in self.items:
            if item.scale not in scale_ids:
                problems.append(f"item {item.number}: unknown scale {item.scale!r}")
            if item.subscale not in subscale_ids:
                problems.append(f"item {item.number}: unknown subscale {item.subscale!r}")
        for subscale in self.subscales:
            members = [item for item in self.items if item.subscale == subscale.id]
            if not members:
                problems.append(f"subscale {subscale.id!r} has no items")
                continue
            if subscale.min_answered > len(members):
                problems.append(
                    f"subscale {subscale.id!r}: min_answered is more than its {len(members)} items"
                )
            lowers = [band.lower for band in subscale.bands]
            if lowers != sorted(set(lowers)):
                problems.append(f"subscale {subscale.id!r}: bands must rise, each from its lower")
            if problems:
                continue
            low, high = self.subscale_range(subscale)
            if lowers[0] != low:
                problems.append(
                    f"subscale {subscale.id!r}: the first band must start at the lowest "
                    f"possible score ({low:g})"
                )
            if lowers[-1] > high:
                problems.append(
                    f"subscale {subscale.id!r}: a band starts above the highest possible "
                    f"score ({high:g})"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def scale(self, scale_id: str) -> ResponseScale:
        return next(scale for scale in self.scales if scale.id == scale_id)

    def subscale(self, subscale_id: str) -> Subscale:
        return next(sub for sub in self.subscales if sub.id == subscale_id)

    def items_of(self, subscale_id: str) -> list[Item]:
        return [item for item in self.items if item.subscale == subscale_id]

    def subscale_range(self, subscale: Subscale) -> tuple[float, float]:
        """The lowest and highest score the subscale can take."""
        members = self.items_of(subscale.id)
        lows = [self.scale(item.scale).lowest for item in members]
        highs = [self.scale(item.scale).highest for item in members]
        if subscale.method == "sum":
            return sum(lows), sum(highs)
        return min(lows), max(highs)
