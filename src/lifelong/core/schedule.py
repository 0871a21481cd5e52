"""A small periodic scheduler for ``lifelong worker``: it enqueues tasks, the worker runs them.

Apps register their periodic jobs in their ``tasks.py`` with one line::

    schedule.register("licensure.send-due-reminders", send_due_reminders, every=timedelta(hours=1))

``register`` takes a django-tasks task (it is enqueued without arguments) or any function that
enqueues one. ``every`` and ``offset`` may be functions returning a timedelta, so that they can
come from settings, which are read only when the schedule runs.

Time is cut into periods of ``every``, counted from Monday 2024-01-01 00:00 UTC plus
``offset`` (``every=timedelta(weeks=1), offset=timedelta(hours=8)``: Mondays at 08:00 UTC). A
job is due once per period: the first scheduler to insert the (job, period start) row in
``ScheduledRun`` enqueues it, in the same transaction; any other worker's insert fails, so
several workers never enqueue a period twice. A worker that was down enqueues the current
period's job when it starts again (missed earlier periods are not made up one by one).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from lifelong.core.models import ScheduledRun

logger = logging.getLogger(__name__)

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday: weekly periods start on Mondays
KEEP_RUNS_FOR = timedelta(days=60)

Duration = timedelta | Callable[[], timedelta]


def _duration(value: Duration) -> timedelta:
    return value() if callable(value) else value


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    enqueue: Callable[[], object]
    every: Duration
    offset: Duration = timedelta(0)

    def period_start(self, now: datetime) -> datetime:
        """The start of the period that ``now`` falls in."""
        every, offset = _duration(self.every), _duration(self.offset)
        if every <= timedelta(0):
            raise ValueError(f"The job {self.name!r} must run at a positive interval.")
        periods = (now - EPOCH - offset) // every
        return EPOCH + offset + periods * every


_registry: dict[str, PeriodicJob] = {}


def register(
    name: str, job: Any, *, every: Duration, offset: Duration = timedelta(0)
) -> PeriodicJob:
    """Run ``job`` once per period of ``every``. ``job`` is a django-tasks task (enqueued with
    no arguments) or a function that enqueues one. Registering a name again replaces it."""
    enqueue: Callable[[], object] = job.enqueue if hasattr(job, "enqueue") else job
    periodic = PeriodicJob(name=name, enqueue=enqueue, every=every, offset=offset)
    _registry[name] = periodic
    return periodic


def unregister(name: str) -> None:
    _registry.pop(name, None)


def autodiscover() -> None:
    """Import every installed app's ``tasks`` module, where periodic jobs register."""
    autodiscover_modules("tasks")


def registered_jobs() -> list[PeriodicJob]:
    return [_registry[name] for name in sorted(_registry)]


def run_due_jobs(now: datetime | None = None, jobs: list[PeriodicJob] | None = None) -> list[str]:
    """Enqueue every job whose current period nobody has claimed yet; return their names.

    A job whose enqueueing fails is logged and left unclaimed, so the next check tries again.
    """
    now = now or timezone.now()
    enqueued: list[str] = []
    for job in registered_jobs() if jobs is None else jobs:
        start = job.period_start(now)
        if ScheduledRun.objects.filter(job=job.name, period_start=start).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, period_start=start, claimed_at=now)
                job.enqueue()
        except IntegrityError:
            continue  # another worker claimed this period first
        except Exception:
            logger.exception("Could not enqueue the periodic job %s", job.name)
            continue
        logger.info("Enqueued %s for the period starting %s", job.name, start.isoformat())
        enqueued.append(job.name)
    if enqueued:
        ScheduledRun.objects.filter(period_start__lt=now - KEEP_RUNS_FOR).delete()
    return enqueued


class Scheduler:
    """Checks for due jobs every ``check_seconds`` in a daemon thread, beside the worker."""

    def __init__(self, check_seconds: float = 30.0) -> None:
        self.check_seconds = check_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[str]:
        """One check; errors are logged, never raised (the worker keeps running)."""
        try:
            close_old_connections()
            return run_due_jobs()
        except Exception:
            logger.exception("The scheduler's check failed; it tries again shortly")
            return []
        finally:
            connection.close()  # this thread's own connection: not kept open between checks

    def run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.check_seconds)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="lifelong-scheduler", daemon=True)
        thread.start()
        self._thread = thread
        return thread

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
