"""Well-being's periodic job, run by ``lifelong worker`` (core/schedule.py)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lifelong.core import schedule
from lifelong.wellbeing import services


@task()
def send_wellbeing_reminders() -> dict[str, int]:
    """Due self-check reminders, plan reviews and new early warnings (each once)."""
    return services.run_daily()


# Daily at 14:00 UTC (morning in the Americas, afternoon in Europe).
schedule.register(
    "wellbeing.daily",
    send_wellbeing_reminders,
    every=timedelta(days=1),
    offset=timedelta(hours=14),
)
