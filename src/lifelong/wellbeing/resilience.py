"""The combined resilience index (pure: no Django), with its weights and reasons shown.

Five parts, each scored 0-100, weighted; a part without recent data is left out and the others'
weights are scaled up to fill its place, and the page says so. The weights follow the idea of
the US DoD Provider Resilience app (a visible, weighted rating built from a quality-of-life
measure, a burnout check, a leave clock and builders/drainers); the points are Lifelong's own.

- ProQOL 5 (35 %): compassion satisfaction high 7 / moderate 3; burnout low 7 / moderate 3;
  secondary traumatic stress low 6 / moderate 2; out of 20. Counted for 60 days.
- Copenhagen Burnout Inventory (15 %): 100 minus the mean of its scored subscales. 120 days.
- Quick check-ins (25 %): the mean score of the check-ins of the last 28 days.
- Leave clock (15 %): days since the last time off: up to 60 → 100, 90 → 75, 120 → 50,
  150 → 25, more → 0.
- Builders and drainers (10 %): over the last 7 days, builders ticked out of all ticks.

Bands of the index: 80 or more high, 40 or more moderate, below 40 low.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

PROQOL_POINTS = {
    "compassion-satisfaction": {"high": 7, "moderate": 3, "low": 0},
    "burnout": {"low": 7, "moderate": 3, "high": 0},
    "secondary-traumatic-stress": {"low": 6, "moderate": 2, "high": 0},
}
PROQOL_MAX = 20
WEIGHTS = {"proqol": 35, "cbi": 15, "checkins": 25, "leave": 15, "builders": 10}
PROQOL_FRESH_DAYS = 60
CBI_FRESH_DAYS = 120
CHECKIN_WINDOW_DAYS = 28
BUILDER_WINDOW_DAYS = 7
LEAVE_STEPS = ((60, 100), (90, 75), (120, 50), (150, 25))


@dataclass(frozen=True, slots=True)
class ResilienceInputs:
    today: date
    # The latest ProQOL: when, and each subscale's band (None: no ProQOL yet).
    proqol_on: date | None = None
    proqol_bands: dict[str, str] = field(default_factory=dict)
    # The latest CBI: when, and its scored subscales' scores.
    cbi_on: date | None = None
    cbi_scores: Sequence[float] = ()
    # Check-in scores (0-100) within the window.
    checkin_scores: Sequence[float] = ()
    # The last day of the latest time off that has begun (None: never recorded).
    last_leave_ended: date | None = None
    builders_ticked: int = 0
    drainers_ticked: int = 0


@dataclass(frozen=True, slots=True)
class Part:
    key: str
    name: str
    weight: int  # the published weight, percent
    score: float | None  # 0-100, None when left out
    reason: str
    effective_weight: float = 0.0  # after scaling for the parts left out


@dataclass(frozen=True, slots=True)
class ResilienceIndex:
    score: float | None
    band: str | None
    parts: tuple[Part, ...]

    @property
    def counted(self) -> tuple[Part, ...]:
        return tuple(part for part in self.parts if part.score is not None)


def leave_points(days_since: int) -> int:
    for limit, points in LEAVE_STEPS:
        if days_since <= limit:
            return points
    return 0


def index_band(score: float) -> str:
    if score >= 80:
        return "high"
    if score >= 40:
        return "moderate"
    return "low"


def _proqol(inputs: ResilienceInputs) -> Part:
    name = "ProQOL 5"
    if inputs.proqol_on is None:
        return Part("proqol", name, WEIGHTS["proqol"], None, "No ProQOL taken yet.")
    age = (inputs.today - inputs.proqol_on).days
    if age > PROQOL_FRESH_DAYS:
        return Part(
            "proqol",
            name,
            WEIGHTS["proqol"],
            None,
            f"Your last ProQOL is {age} days old (counted for {PROQOL_FRESH_DAYS}).",
        )
    points = 0
    details = []
    for subscale, table in PROQOL_POINTS.items():
        band = inputs.proqol_bands.get(subscale)
        gained = table.get(band or "", 0)
        points += gained
        details.append(f"{subscale.replace('-', ' ')} {band or 'not scored'} ({gained})")
    score = round(points / PROQOL_MAX * 100, 1)
    return Part(
        "proqol",
        name,
        WEIGHTS["proqol"],
        score,
        f"{points} of {PROQOL_MAX} points from {inputs.proqol_on.isoformat()}: "
        + ", ".join(details)
        + ".",
    )


def _cbi(inputs: ResilienceInputs) -> Part:
    name = "Copenhagen Burnout Inventory"
    if inputs.cbi_on is None or not inputs.cbi_scores:
        return Part("cbi", name, WEIGHTS["cbi"], None, "No CBI taken yet.")
    age = (inputs.today - inputs.cbi_on).days
    if age > CBI_FRESH_DAYS:
        return Part(
            "cbi",
            name,
            WEIGHTS["cbi"],
            None,
            f"Your last CBI is {age} days old (counted for {CBI_FRESH_DAYS}).",
        )
    mean = sum(inputs.cbi_scores) / len(inputs.cbi_scores)
    return Part(
        "cbi",
        name,
        WEIGHTS["cbi"],
        round(100 - mean, 1),
        f"100 minus your mean burnout score of {mean:.1f} on {inputs.cbi_on.isoformat()}.",
    )


def _checkins(inputs: ResilienceInputs) -> Part:
    name = "Quick check-ins"
    if not inputs.checkin_scores:
        return Part(
            "checkins",
            name,
            WEIGHTS["checkins"],
            None,
            f"No check-in in the last {CHECKIN_WINDOW_DAYS} days.",
        )
    mean = sum(inputs.checkin_scores) / len(inputs.checkin_scores)
    count = len(inputs.checkin_scores)
    return Part(
        "checkins",
        name,
        WEIGHTS["checkins"],
        round(mean, 1),
        f"The mean of your {count} check-in{'s' if count != 1 else ''} in the last "
        f"{CHECKIN_WINDOW_DAYS} days.",
    )


def _leave(inputs: ResilienceInputs) -> Part:
    name = "Time off"
    if inputs.last_leave_ended is None:
        return Part("leave", name, WEIGHTS["leave"], None, "No time off recorded yet.")
    days = max((inputs.today - inputs.last_leave_ended).days, 0)
    points = leave_points(days)
    return Part(
        "leave",
        name,
        WEIGHTS["leave"],
        float(points),
        f"{days} days since your last time off ({points} points: 60 days or fewer score 100).",
    )


def _builders(inputs: ResilienceInputs) -> Part:
    name = "Builders and drainers"
    total = inputs.builders_ticked + inputs.drainers_ticked
    if total == 0:
        return Part(
            "builders",
            name,
            WEIGHTS["builders"],
            None,
            f"Nothing ticked in the last {BUILDER_WINDOW_DAYS} days.",
        )
    return Part(
        "builders",
        name,
        WEIGHTS["builders"],
        round(inputs.builders_ticked / total * 100, 1),
        f"{inputs.builders_ticked} builders and {inputs.drainers_ticked} drainers ticked in "
        f"the last {BUILDER_WINDOW_DAYS} days.",
    )


def resilience_index(inputs: ResilienceInputs) -> ResilienceIndex:
    parts = [_proqol(inputs), _cbi(inputs), _checkins(inputs), _leave(inputs), _builders(inputs)]
    counted_weight = sum(part.weight for part in parts if part.score is not None)
    if counted_weight == 0:
        return ResilienceIndex(None, None, tuple(parts))
    scaled = tuple(
        Part(
            part.key,
            part.name,
            part.weight,
            part.score,
            part.reason,
            round(part.weight / counted_weight * 100, 1) if part.score is not None else 0.0,
        )
        for part in parts
    )
    score = round(
        sum(part.score * part.weight for part in scaled if part.score is not None) / counted_weight,
        1,
    )
    return ResilienceIndex(score, index_band(score), scaled)


def window_start(today: date, days: int) -> date:
    return today - timedelta(days=days - 1)
