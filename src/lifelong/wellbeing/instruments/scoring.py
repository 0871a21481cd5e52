"""Scoring an instrument's answers (pure: no Django).

Rules, in the order they apply:

1. Each answer is looked up on its item's response scale; a value the scale does not have is
   an error (:class:`AnswerError`), never silently skipped.
2. A reversed item scores ``lowest + highest - score`` of its scale (ProQOL: ``6 - answer``;
   CBI: ``100 - score``).
3. A subscale with fewer answered items than its ``min_answered`` is not scored (its score is
   ``None``, with the reason).
4. ``mean`` subscales are the mean of the answered items. ``sum`` subscales are the sum; when
   the file allows missing answers the sum is prorated (mean of the answered items x the number
   of items), so the score stays on the published range.
5. The band is the last band whose ``lower`` is at or below the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lifelong.wellbeing.instruments.schema import Band, InstrumentDefinition, Subscale


class AnswerError(ValueError):
    """An answer the instrument does not allow (unknown item or value)."""


@dataclass(frozen=True, slots=True)
class SubscaleScore:
    subscale_id: str
    name: str
    score: float | None
    band: str | None
    band_label: str | None
    answered: int
    items: int
    minimum: float
    maximum: float
    higher_is: str
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "subscale": self.subscale_id,
            "name": self.name,
            "score": self.score,
            "band": self.band,
            "band_label": self.band_label,
            "answered": self.answered,
            "items": self.items,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "higher_is": self.higher_is,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class InstrumentScore:
    instrument_id: str
    version: str
    subscales: tuple[SubscaleScore, ...]

    def by_id(self) -> dict[str, SubscaleScore]:
        return {score.subscale_id: score for score in self.subscales}


def item_score(definition: InstrumentDefinition, number: int, value: int) -> float:
    """The points one answer scores after reversal."""
    if not 1 <= number <= len(definition.items):
        raise AnswerError(f"{definition.short_name} has no item {number}")
    item = definition.items[number - 1]
    scale = definition.scale(item.scale)
    score = scale.score_of(value)
    if score is None:
        allowed = ", ".join(str(option.value) for option in scale.options)
        raise AnswerError(f"item {number}: {value!r} is not one of the answers ({allowed})")
    return scale.lowest + scale.highest - score if item.reverse else score


def band_for(bands: list[Band], score: float) -> Band:
    chosen = bands[0]
    for band in bands:
        if score >= band.lower:
            chosen = band
    return chosen


def _score_subscale(
    definition: InstrumentDefinition, subscale: Subscale, points: Mapping[int, float]
) -> SubscaleScore:
    members = definition.items_of(subscale.id)
    answered = [points[item.number] for item in members if item.number in points]
    low, high = definition.subscale_range(subscale)
    common = {
        "subscale_id": subscale.id,
        "name": subscale.name,
        "answered": len(answered),
        "items": len(members),
        "minimum": low,
        "maximum": high,
        "higher_is": subscale.higher_is,
    }
    if len(answered) < subscale.min_answered:
        return SubscaleScore(
            score=None,
            band=None,
            band_label=None,
            note=f"Not scored: {len(answered)} of {len(members)} items answered, "
            f"{subscale.min_answered} needed.",
            **common,  # type: ignore[arg-type]
        )
    mean = sum(answered) / len(answered)
    score = mean if subscale.method == "mean" else mean * len(members)
    score = round(score, 1)
    band = band_for(subscale.bands, score)
    note = ""
    if subscale.method == "sum" and len(answered) < len(members):
        note = f"Prorated from {len(answered)} of {len(members)} answered items."
    return SubscaleScore(score=score, band=band.id, band_label=band.label, note=note, **common)  # type: ignore[arg-type]


def score_answers(definition: InstrumentDefinition, answers: Mapping[int, int]) -> InstrumentScore:
    """Score ``answers`` (item number → answer value; unanswered items left out)."""
    points = {number: item_score(definition, number, value) for number, value in answers.items()}
    return InstrumentScore(
        instrument_id=definition.id,
        version=definition.version,
        subscales=tuple(
            _score_subscale(definition, subscale, points) for subscale in definition.subscales
        ),
    )
