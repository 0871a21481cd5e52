"""``lifelong manage send_reminders [--dry-run] [--weekly-summaries]``: for cron instead of the
worker's schedule. Safe to run as often as you like, and beside workers: each reminder and
summary is sent once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from lifelong.licensure import reminders


class Command(BaseCommand):
    help = (
        "Send the renewal reminders that are due (each once), and with --weekly-summaries this "
        "week's summary emails. --dry-run lists them without sending anything."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due; send and record nothing."
        )
        parser.add_argument(
            "--weekly-summaries",
            action="store_true",
            help="Also send this week's summary to everyone who wants it and has not had it.",
        )

    def handle(self, *args: Any, dry_run: bool, weekly_summaries: bool, **options: Any) -> None:
        report = reminders.send_due_reminders(dry_run=dry_run)
        for line in report.details:
            self.stdout.write(f"  {line}")
        self._summary("Reminders", report, dry_run)
        if weekly_summaries:
            summaries = reminders.send_weekly_summaries(dry_run=dry_run)
            for line in summaries.details:
                self.stdout.write(f"  {line}")
            self._summary("Weekly summaries", summaries, dry_run)

    def _summary(self, what: str, report: reminders.DeliveryReport, dry_run: bool) -> None:
        if dry_run:
            self.stdout.write(f"{what}: {report.due} due (dry run: nothing was sent).")
            return
        sent = f"{report.emailed} emails sent"
        if what == "Reminders":
            sent = f"{report.notified} in-app notifications and {sent}"
        line = f"{what}: {report.due} due; {sent}"
        if report.failed:
            line += f"; {report.failed} failed (tried again on the next run)"
        if report.skipped:
            line += f"; {report.skipped} already sent by another run"
        self.stdout.write(line + ".")
        if report.failed:
            self.stderr.write(f"{report.failed} deliveries failed; see the log for the reasons.")
