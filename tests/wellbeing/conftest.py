from __future__ import annotations

from datetime import date, timedelta

from lifelong.accounts.models import User
from lifelong.wellbeing import services
from lifelong.wellbeing.instruments import get_instrument
from lifelong.wellbeing.models import CheckIn, InstrumentResult, TimeOff


def take_proqol(user: User, taken_on: date, burnout_answer: int = 3) -> InstrumentResult:
    """A ProQOL where every item is 3 except the burnout items (non-reversed ones at
    ``burnout_answer``, reversed ones at 6 - ``burnout_answer``), so burnout sums to
    10 * ``burnout_answer``."""
    definition = get_instrument("proqol-5")
    assert definition is not None
    answers = {}
    for item in definition.items:
        if item.subscale == "burnout":
            answers[item.number] = 6 - burnout_answer if item.reverse else burnout_answer
        else:
            answers[item.number] = 3
    return services.record_result(user, definition, answers, taken_on)


def check_in(user: User, taken_on: date, value: int) -> CheckIn:
    return services.record_checkin(
        user,
        taken_on,
        {
            "energy": value,
            "engagement": value,
            "sleep": value,
            "workload": value,
            "connection": value,
        },
    )


def add_leave(user: User, ends_on: date, days: int = 5) -> TimeOff:
    return TimeOff.objects.create(
        user=user, starts_on=ends_on - timedelta(days=days - 1), ends_on=ends_on
    )
