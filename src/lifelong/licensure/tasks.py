"""Background work for licenses, run by ``lifelong worker`` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from lifelong.licensure import audit


@task()
def build_audit_packet(packet_id: int) -> str:
    """Build a queued audit packet into storage; returns its final status."""
    return audit.build_stored_packet(packet_id)


@task()
def prune_audit_packets() -> dict[str, int]:
    """Fail lost packets and delete expired ones with their files."""
    failed, deleted = audit.prune_audit_packets()
    return {"failed": failed, "deleted": deleted}
