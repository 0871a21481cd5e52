"""Background work for growth, run by ``lifelong worker``: reminders for goals falling behind."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lifelong.core import schedule
from lifelong.growth import services


@task()
def send_goal_reminders() -> int:
    """Notify the owners of open goals that are behind (at most once a week per goal)."""
    return services.send_goal_reminders()


# Daily at 14:00 UTC; a goal that stays behind is told once per ISO week (the dedupe key).
schedule.register(
    "growth.send-goal-reminders",
    send_goal_reminders,
    every=timedelta(days=1),
    offset=timedelta(hours=14),
)
