"""``lifelong manage prune_audit_packets``: for cron instead of the worker's schedule. Deletes
audit packets past their expiry with their files, and fails packets a stopped worker left
unfinished. Safe to run at any time, beside workers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lifelong.licensure import audit


class Command(BaseCommand):
    help = (
        "Delete audit packets kept longer than LIFELONG_AUDIT_PACKET_KEEP_DAYS (default 7) with "
        "their files, and mark packets unfinished for hours (a stopped worker) as failed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed, deleted = audit.prune_audit_packets()
        self.stdout.write(
            f"Audit packets: {deleted} expired deleted, {failed} unfinished marked as failed."
        )
