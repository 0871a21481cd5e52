"""Background work for the literature library, run by ``lifelong worker`` (django-tasks).

The worker's scheduler (core/schedule.py) enqueues ``refresh_due_sources`` every hour; each
source's own schedule (daily, weekly, manual) decides whether it is fetched then.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lifelong.core import schedule
from lifelong.literature import digest, services


@task()
def refresh_due_sources() -> dict[str, int]:
    """Fetch every due PubMed search and journal feed; failures stay on their source."""
    results = services.refresh_sources()
    return {
        "sources": len(results),
        "failed": sum(1 for result in results if not result.ok),
        "new_items": sum(result.new_items for result in results),
    }


schedule.register("literature.refresh-sources", refresh_due_sources, every=timedelta(hours=1))


# -- The weekly research digest (digest.py): Mondays at 06:00 UTC, once per user and ISO week.
schedule.register(
    "literature.weekly-digest",
    digest.send_weekly_digests_task,
    every=timedelta(weeks=1),
    offset=timedelta(hours=6),
)
