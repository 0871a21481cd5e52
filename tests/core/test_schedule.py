"""The worker's schedule: periods, one enqueue per job and period whatever the number of
workers, catching up after downtime, and `lifelong worker` running it."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError
from django_tasks import task
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from lifelong.cli import app
from lifelong.core import schedule
from lifelong.core.models import ScheduledRun

MONDAY = datetime(2026, 6, 15, tzinfo=UTC)

calls: list[str] = []


@task()
def ping() -> str:
    return "pong"


def record_call() -> None:
    calls.append("called")


@pytest.fixture(autouse=True)
def _no_calls() -> Iterator[None]:
    calls.clear()
    yield
    calls.clear()


def hourly(name: str = "test.hourly", job: Any = record_call) -> schedule.PeriodicJob:
    return schedule.PeriodicJob(name=name, enqueue=job, every=timedelta(hours=1))


# --- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start"),
    [
        (datetime(2026, 6, 15, 9, 0, tzinfo=UTC), datetime(2026, 6, 15, 9, 0, tzinfo=UTC)),
        (datetime(2026, 6, 15, 9, 59, 59, tzinfo=UTC), datetime(2026, 6, 15, 9, 0, tzinfo=UTC)),
        (datetime(2026, 6, 15, 10, 0, 1, tzinfo=UTC), datetime(2026, 6, 15, 10, 0, tzinfo=UTC)),
    ],
)
def test_hourly_periods_start_on_the_hour(now: datetime, start: datetime) -> None:
    assert hourly().period_start(now) == start


def test_weekly_periods_start_at_their_slot() -> None:
    weekly = schedule.PeriodicJob(
        name="w", enqueue=record_call, every=timedelta(weeks=1), offset=timedelta(hours=8)
    )

    monday_8am = datetime(2026, 6, 15, 8, tzinfo=UTC)
    assert weekly.period_start(monday_8am + timedelta(days=3)) == monday_8am
    assert weekly.period_start(monday_8am - timedelta(minutes=1)) == monday_8am - timedelta(weeks=1)


def test_intervals_and_offsets_may_come_from_functions(settings: Any) -> None:
    settings.LIFELONG_REMINDER_INTERVAL_MINUTES = 15
    job = schedule.PeriodicJob(
        name="x",
        enqueue=record_call,
        every=lambda: timedelta(minutes=settings.LIFELONG_REMINDER_INTERVAL_MINUTES),
    )

    assert job.period_start(datetime(2026, 6, 15, 9, 44, tzinfo=UTC)) == datetime(
        2026, 6, 15, 9, 30, tzinfo=UTC
    )


def test_a_job_needs_a_positive_interval() -> None:
    job = schedule.PeriodicJob(name="broken", enqueue=record_call, every=timedelta(0))
    with pytest.raises(ValueError, match="positive interval"):
        job.period_start(MONDAY)


# --- claiming periods -----------------------------------------------------------------------------


def test_a_job_runs_once_per_period(db: None) -> None:
    job = hourly()
    at_nine = datetime(2026, 6, 15, 9, 5, tzinfo=UTC)

    assert schedule.run_due_jobs(at_nine, [job]) == ["test.hourly"]
    assert schedule.run_due_jobs(at_nine + timedelta(minutes=30), [job]) == []
    assert schedule.run_due_jobs(at_nine + timedelta(hours=1), [job]) == ["test.hourly"]

    assert calls == ["called", "called"]
    assert ScheduledRun.objects.filter(job="test.hourly").count() == 2


def test_a_period_another_worker_claimed_is_not_enqueued_again(db: None) -> None:
    job = hourly()
    now = datetime(2026, 6, 15, 9, 5, tzinfo=UTC)
    ScheduledRun.objects.create(job=job.name, period_start=job.period_start(now))

    assert schedule.run_due_jobs(now, [job]) == []
    assert calls == []


def test_when_two_workers_race_the_second_insert_fails_and_nothing_is_enqueued(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both saw the period unclaimed; the other worker inserted its row first."""
    job = hourly()
    now = datetime(2026, 6, 15, 9, 5, tzinfo=UTC)
    ScheduledRun.objects.create(job=job.name, period_start=job.period_start(now))
    monkeypatch.setattr(schedule.ScheduledRun.objects, "filter", _nothing_claimed)

    assert schedule.run_due_jobs(now, [job]) == []
    assert calls == []


class _NoRows:
    def exists(self) -> bool:
        return False

    def delete(self) -> tuple[int, dict[str, int]]:
        return 0, {}


def _nothing_claimed(**lookups: Any) -> _NoRows:
    return _NoRows()


def test_a_job_that_fails_to_enqueue_is_tried_at_the_next_check(db: None) -> None:
    attempts: list[int] = []

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("queue unavailable")
        calls.append("called")

    job = hourly("test.flaky", flaky)
    now = datetime(2026, 6, 15, 9, 5, tzinfo=UTC)

    assert schedule.run_due_jobs(now, [job]) == []
    assert not ScheduledRun.objects.exists()  # the claim was rolled back with the failure
    assert schedule.run_due_jobs(now + timedelta(minutes=1), [job]) == ["test.flaky"]
    assert calls == ["called"]


def test_after_downtime_only_the_current_period_runs(db: None) -> None:
    job = hourly()
    schedule.run_due_jobs(datetime(2026, 6, 15, 9, 5, tzinfo=UTC), [job])

    schedule.run_due_jobs(datetime(2026, 6, 17, 13, 20, tzinfo=UTC), [job])  # two days later

    assert calls == ["called", "called"]


def test_old_claims_are_pruned(db: None) -> None:
    ScheduledRun.objects.create(job="test.hourly", period_start=MONDAY - timedelta(days=90))

    schedule.run_due_jobs(MONDAY, [hourly()])

    assert list(ScheduledRun.objects.values_list("period_start", flat=True)) == [MONDAY]


# --- the registry ---------------------------------------------------------------------------------


def test_registering_a_task_is_one_line_and_enqueues_it(db: None) -> None:
    try:
        schedule.register("test.ping", ping, every=timedelta(minutes=5))
        job = next(job for job in schedule.registered_jobs() if job.name == "test.ping")

        schedule.run_due_jobs(MONDAY, [job])

        queued = DBTaskResult.objects.get()
        assert queued.task_path == f"{__name__}.ping"
    finally:
        schedule.unregister("test.ping")


def test_the_apps_register_reminders_and_weekly_summaries() -> None:
    schedule.autodiscover()

    names = {job.name for job in schedule.registered_jobs()}

    assert {"licensure.send-due-reminders", "licensure.send-weekly-summaries"} <= names


def test_the_reminder_interval_and_summary_slot_come_from_the_settings(settings: Any) -> None:
    schedule.autodiscover()
    jobs = {job.name: job for job in schedule.registered_jobs()}
    settings.LIFELONG_REMINDER_INTERVAL_MINUTES = 30
    settings.LIFELONG_WEEKLY_SUMMARY_WEEKDAY = 3
    settings.LIFELONG_WEEKLY_SUMMARY_HOUR = 6
    now = datetime(2026, 6, 18, 7, 45, tzinfo=UTC)  # a Thursday

    assert jobs["licensure.send-due-reminders"].period_start(now) == datetime(
        2026, 6, 18, 7, 30, tzinfo=UTC
    )
    assert jobs["licensure.send-weekly-summaries"].period_start(now) == datetime(
        2026, 6, 17, 6, tzinfo=UTC
    )


# --- the scheduler thread and the worker ----------------------------------------------------------


@pytest.fixture
def restore_signal_handlers() -> Iterator[None]:
    """The worker installs its own SIGINT/SIGTERM handlers; put pytest's back afterwards."""
    names = ("SIGINT", "SIGTERM", "SIGQUIT")
    saved = {
        name: signal.getsignal(getattr(signal, name)) for name in names if hasattr(signal, name)
    }
    yield
    for name, handler in saved.items():
        signal.signal(getattr(signal, name), handler)


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_checks_and_stops() -> None:
    schedule.register("test.record", record_call, every=timedelta(hours=1))
    scheduler = schedule.Scheduler(check_seconds=0.05)
    try:
        scheduler.start()
        for _ in range(100):
            if calls:
                break
            time.sleep(0.05)
        time.sleep(0.2)  # a few more checks in the same hour
    finally:
        scheduler.stop(timeout=5)
        schedule.unregister("test.record")

    assert calls == ["called"]  # checked many times, enqueued once this hour
    assert ScheduledRun.objects.filter(job="test.record").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_in_batch_mode_enqueues_due_jobs_and_runs_them(
    restore_signal_handlers: None,
) -> None:
    result = CliRunner().invoke(
        app, ["worker", "--batch", "--interval", "0.1"], catch_exceptions=False
    )

    assert result.exit_code == 0, result.output
    claimed = set(ScheduledRun.objects.values_list("job", flat=True))
    assert {"licensure.send-due-reminders", "licensure.send-weekly-summaries"} <= claimed
    ran = DBTaskResult.objects.filter(task_path__startswith="lifelong.licensure.tasks.send_")
    assert ran.count() == 2
    assert {row.status for row in ran} == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_the_worker_can_run_without_the_schedule(restore_signal_handlers: None) -> None:
    result = CliRunner().invoke(app, ["worker", "--batch", "--no-schedule"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert not ScheduledRun.objects.exists()


def test_a_second_claim_of_the_same_period_is_refused_by_the_database(db: None) -> None:
    ScheduledRun.objects.create(job="test.hourly", period_start=MONDAY)
    with pytest.raises(IntegrityError):
        ScheduledRun.objects.create(job="test.hourly", period_start=MONDAY)
