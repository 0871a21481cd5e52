"""The demo account's well-being history: three ProQOLs and a CBI, ten weekly check-ins with
a dip, a checklist with a week of ticks, a self-care plan, time off taken and planned, and a
workload log. Dates are relative to the day the demo is created. Stored directly (no
notifications are sent for the past)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lifelong.accounts.models import User
from lifelong.wellbeing import checkin as checkin_rules
from lifelong.wellbeing.instruments import InstrumentDefinition, get_instrument, score_answers
from lifelong.wellbeing.models import (
    CareItem,
    CareTick,
    CheckIn,
    Commitment,
    InstrumentResult,
    TimeOff,
    WellbeingSettings,
    WorkloadWeek,
)

# (days ago, answer to compassion satisfaction items, to burnout items, to STS items); the
# burnout items' reversed wording gets 6 - answer, so the sums move as the answers do.
PROQOLS = ((95, 4, 2, 2), (62, 4, 3, 2), (28, 4, 3, 3))
CBI_DAYS_AGO, CBI_ANSWER = 45, 4  # "Seldom" / "To a low degree": 25 (reversed item 13: 75)
CHECKINS = (4, 4, 5, 4, 4, 3, 3, 4, 4, 4)  # one a week, oldest first
BUILDERS = (
    "Walk at lunch",
    "No notes after 9 pm",
    "Supervision or consultation",
    "Time with friends",
)
DRAINERS = ("Back-to-back sessions without a break", "Paperwork at the weekend")
COMMITMENTS = (
    ("Walk at lunch", "It clears my head between morning and afternoon clients.", 30),
    ("No notes after 9 pm", "Sleep matters more than a tidy inbox.", 14),
)
WORKLOAD = ((5, 24, "29.5", 2, "5"), (4, 26, "31", 1, "6"), (3, 29, "35", 3, "7.5"),
            (2, 25, "30", 2, "5"), (1, 27, "32.5", 1, "6"))  # fmt: skip


def _proqol_answers(
    definition: InstrumentDefinition, satisfaction: int, burnout: int, stress: int
) -> dict[int, int]:
    chosen = {
        "compassion-satisfaction": satisfaction,
        "burnout": burnout,
        "secondary-traumatic-stress": stress,
    }
    return {
        item.number: (6 - chosen[item.subscale]) if item.reverse else chosen[item.subscale]
        for item in definition.items
    }


def _result(
    user: User, definition: InstrumentDefinition, answers: dict[int, int], day: date
) -> InstrumentResult:
    scored = score_answers(definition, answers)
    return InstrumentResult(
        user=user,
        instrument=definition.id,
        version=definition.version,
        taken_on=day,
        answers={str(number): value for number, value in answers.items()},
        scores=[score.as_dict() for score in scored.subscales],
        attribution=definition.attribution,
    )


def add_demo_wellbeing(user: User, today: date) -> None:
    """Store the history above for ``user``."""
    proqol, cbi = get_instrument("proqol-5"), get_instrument("cbi")
    assert proqol is not None
    assert cbi is not None
    results = [
        _result(user, proqol, _proqol_answers(proqol, cs, bo, sts), today - timedelta(days=ago))
        for ago, cs, bo, sts in PROQOLS
    ]
    results.append(
        _result(
            user, cbi, dict.fromkeys(range(1, 20), CBI_ANSWER), today - timedelta(days=CBI_DAYS_AGO)
        )
    )
    InstrumentResult.objects.bulk_create(results)
    checkins = []
    for index, value in enumerate(CHECKINS):
        answers = dict.fromkeys(checkin_rules.FIELDS, value)
        answers["sleep"] = max(value - 1, 1)
        checkins.append(
            CheckIn(
                user=user,
                taken_on=today - timedelta(weeks=len(CHECKINS) - 1 - index),
                score=checkin_rules.checkin_score(answers),
                **answers,
            )
        )
    CheckIn.objects.bulk_create(checkins)
    items = CareItem.objects.bulk_create(
        [CareItem(user=user, kind=CareItem.Kind.BUILDER, label=label) for label in BUILDERS]
        + [CareItem(user=user, kind=CareItem.Kind.DRAINER, label=label) for label in DRAINERS]
    )
    ticks = [
        CareTick(user=user, item=item, day=today - timedelta(days=days_ago))
        for days_ago in range(1, 7)
        for position, item in enumerate(items)
        if (days_ago + position) % 3 != 0
    ]
    CareTick.objects.bulk_create(ticks)
    by_label = {item.label: item for item in items if item.kind == CareItem.Kind.BUILDER}
    Commitment.objects.bulk_create(
        [
            Commitment(
                user=user,
                text=text,
                why=why,
                review_every_days=every,
                next_review_on=today + timedelta(days=every // 2),
                builder=by_label[text],
            )
            for text, why, every in COMMITMENTS
        ]
    )
    TimeOff.objects.bulk_create(
        [
            TimeOff(
                user=user, starts_on=today - timedelta(days=80), ends_on=today - timedelta(days=74)
            ),
            TimeOff(
                user=user, starts_on=today + timedelta(days=40), ends_on=today + timedelta(days=44)
            ),
        ]
    )
    monday = today - timedelta(days=today.weekday())
    WorkloadWeek.objects.bulk_create(
        WorkloadWeek(
            user=user,
            week_start=monday - timedelta(weeks=weeks_ago),
            sessions=sessions,
            hours=Decimal(hours),
            cancellations=cancellations,
            admin_hours=Decimal(admin),
        )
        for weeks_ago, sessions, hours, cancellations, admin in WORKLOAD
    )
    WellbeingSettings.objects.create(
        user=user,
        weekly_session_limit=28,
        weekly_hours_limit=Decimal("36"),
        consultation_contact="Thursday peer consultation group (Maya and Joel)",
    )
