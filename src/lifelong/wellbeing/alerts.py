"""Early-warning rules (pure: no Django). Each rule looks at the user's own history and says,
gently, when something is worth noticing; the app turns an alert into a notification (and an
email when the user chose that) once per event, named by ``dedupe_key``.

Rules:

- **Into a high band**: the latest result of an instrument has a subscale marked
  ``warn_on_high`` (ProQOL burnout and secondary traumatic stress, every CBI subscale) in the
  high band, and the result before it did not (or there was none).
- **Sustained rise**: the last three check-ins (within 8 weeks) each scored lower than the one
  before (a rising strain), by 15 points or more in all.
- **No time off for a long stretch**: the last time off ended at least ``leave_warning_days``
  ago (90 by default) and none is planned to start within the next 30 days.
- **Workload above your limit**: the latest logged week has more sessions or hours than the
  limits the user set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

RISE_COUNT = 3
RISE_MIN_POINTS = 15.0
RISE_WITHIN = timedelta(weeks=8)
PLANNED_LEAVE_HORIZON = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class ResultFact:
    result_id: int
    instrument_id: str
    instrument_name: str
    taken_on: date
    # subscale id -> (name, score, band) for subscales that warn on "high"
    watched: dict[str, tuple[str, float | None, str | None]]


@dataclass(frozen=True, slots=True)
class CheckInFact:
    checkin_id: int
    taken_on: date
    score: float


@dataclass(frozen=True, slots=True)
class WeekFact:
    week_start: date
    sessions: int | None
    hours: float | None


@dataclass(frozen=True, slots=True)
class AlertInputs:
    today: date
    results: Sequence[ResultFact] = ()  # oldest first
    checkins: Sequence[CheckInFact] = ()  # oldest first
    last_leave_ended: date | None = None
    next_leave_starts: date | None = None
    leave_warning_days: int | None = 90  # None: this warning is off
    weeks: Sequence[WeekFact] = ()  # oldest first
    session_limit: int | None = None
    hours_limit: float | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str  # high-band, rising-strain, no-leave, workload
    dedupe_key: str
    title: str
    body: str
    details: tuple[str, ...] = field(default_factory=tuple)


def _high_band_alerts(inputs: AlertInputs) -> list[Alert]:
    alerts: list[Alert] = []
    by_instrument: dict[str, list[ResultFact]] = {}
    for result in inputs.results:
        by_instrument.setdefault(result.instrument_id, []).append(result)
    for results in by_instrument.values():
        latest = results[-1]
        previous = results[-2] if len(results) > 1 else None
        entered = []
        for subscale_id, (name, score, band) in latest.watched.items():
            if band != "high":
                continue
            before = previous.watched.get(subscale_id) if previous else None
            if before is not None and before[2] == "high":
                continue
            entered.append(f"{name}: {score:g} (high)" if score is not None else name)
        if entered:
            alerts.append(
                Alert(
                    kind="high-band",
                    dedupe_key=f"wellbeing:high:{latest.result_id}",
                    title=f"Your {latest.instrument_name} shows a high score",
                    body=(
                        f"On {latest.taken_on.isoformat()}, "
                        + "; ".join(entered)
                        + ". A score is a prompt to pay attention, not a diagnosis. "
                        "Some options that may help are listed with this note."
                    ),
                    details=tuple(entered),
                )
            )
    return alerts


def _rising_strain(inputs: AlertInputs) -> list[Alert]:
    recent = list(inputs.checkins[-RISE_COUNT:])
    if len(recent) < RISE_COUNT:
        return []
    if recent[-1].taken_on - recent[0].taken_on > RISE_WITHIN:
        return []
    falling = all(later.score < earlier.score for earlier, later in pairwise(recent))
    drop = recent[0].score - recent[-1].score
    if not falling or drop < RISE_MIN_POINTS:
        return []
    scores = " → ".join(f"{checkin.score:g}" for checkin in recent)
    return [
        Alert(
            kind="rising-strain",
            dedupe_key=f"wellbeing:rise:{recent[-1].checkin_id}",
            title="Your last check-ins have each been a little harder",
            body=(
                f"Your last {RISE_COUNT} check-ins went {scores} (out of 100). "
                "Strain that builds slowly is easy to miss; this may be a good moment to "
                "lighten something or lean on your supports."
            ),
            details=(scores,),
        )
    ]


def _no_leave(inputs: AlertInputs) -> list[Alert]:
    if inputs.leave_warning_days is None or inputs.last_leave_ended is None:
        return []
    days = (inputs.today - inputs.last_leave_ended).days
    if days < inputs.leave_warning_days:
        return []
    if (
        inputs.next_leave_starts is not None
        and inputs.next_leave_starts - inputs.today <= PLANNED_LEAVE_HORIZON
    ):
        return []
    return [
        Alert(
            kind="no-leave",
            dedupe_key=f"wellbeing:leave:{inputs.last_leave_ended.isoformat()}",
            title=f"It has been {days} days since your last time off",
            body=(
                f"Your last time off ended on {inputs.last_leave_ended.isoformat()}, and no "
                "time off is planned in the next 30 days. Even a long weekend counts; "
                "putting one in the calendar now is a kindness to your future self."
            ),
        )
    ]


def _workload(inputs: AlertInputs) -> list[Alert]:
    if not inputs.weeks or (inputs.session_limit is None and inputs.hours_limit is None):
        return []
    week = inputs.weeks[-1]
    over = []
    if (
        inputs.session_limit is not None
        and week.sessions is not None
        and week.sessions > inputs.session_limit
    ):
        over.append(f"{week.sessions} sessions (your limit: {inputs.session_limit})")
    if (
        inputs.hours_limit is not None
        and week.hours is not None
        and week.hours > inputs.hours_limit
    ):
        over.append(f"{week.hours:g} hours (your limit: {inputs.hours_limit:g})")
    if not over:
        return []
    return [
        Alert(
            kind="workload",
            dedupe_key=f"wellbeing:workload:{week.week_start.isoformat()}",
            title="Your workload went above the limit you set",
            body=(
                f"The week of {week.week_start.isoformat()}: " + " and ".join(over) + ". "
                "One heavy week happens; if it keeps happening, it may be time to adjust."
            ),
            details=tuple(over),
        )
    ]


def find_alerts(inputs: AlertInputs) -> list[Alert]:
    """Every alert that holds today, in a fixed order."""
    return [
        *_high_band_alerts(inputs),
        *_rising_strain(inputs),
        *_no_leave(inputs),
        *_workload(inputs),
    ]
