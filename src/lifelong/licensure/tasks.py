"""Background work for licenses, run by ``lifelong worker`` (django-tasks, database backend)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from lifelong.core import schedule
from lifelong.licensure import audit, reminders


@task()
def build_audit_packet(packet_id: int) -> str:
    """Build a queued audit packet into storage; returns its final status."""
    return audit.build_stored_packet(packet_id)


@task()
def prune_audit_packets() -> dict[str, int]:
    """Fail lost packets and delete expired ones with their files."""
    failed, deleted = audit.prune_audit_packets()
    return {"failed": failed, "deleted": deleted}


# Every hour: packets expire after days, and a packet a stopped worker left unfinished is
# failed within hours (audit.STALE_AFTER), so its page stops waiting.
schedule.register("licensure.prune-audit-packets", prune_audit_packets, every=timedelta(hours=1))


# --------------------------------------------------------------------------------------------
# Reminders and the weekly summary (enqueued by the worker's schedule, core/schedule.py)
# --------------------------------------------------------------------------------------------


@task()
def send_due_reminders() -> dict[str, int]:
    """Deliver the renewal reminders that are due (each once, whichever worker runs it)."""
    return reminders.send_due_reminders().as_dict()


@task()
def send_weekly_summaries() -> dict[str, int]:
    """Send this week's summary email to everyone who wants it and has not had it yet."""
    return reminders.send_weekly_summaries().as_dict()


def _reminder_interval() -> timedelta:
    return timedelta(minutes=max(settings.LIFELONG_REMINDER_INTERVAL_MINUTES, 1))


schedule.register("licensure.send-due-reminders", send_due_reminders, every=_reminder_interval)
schedule.register(
    "licensure.send-weekly-summaries",
    send_weekly_summaries,
    every=timedelta(weeks=1),
    offset=reminders.summary_slot_offset,
)
