"""The worker refreshes the due sources on its schedule."""

from __future__ import annotations

from typing import Any

import pytest

from lifelong.accounts.models import User
from lifelong.literature.models import Source
from tests.literature.loopback import LoopbackServer, Reply, data

pytestmark = pytest.mark.django_db


def test_the_worker_task_refreshes_the_due_sources(
    owner: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    from lifelong.core import schedule
    from lifelong.literature.tasks import refresh_due_sources

    fetch_settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    loopback.add("/rss", Reply(200, data("journal_atom.xml")))
    Source.objects.create(
        owner=owner, kind=Source.Kind.FEED, name="Letters", url=loopback.url("/rss")
    )

    result = refresh_due_sources.enqueue()

    assert result.return_value == {"sources": 1, "failed": 0, "new_items": 2}
    assert "literature.refresh-sources" in {job.name for job in schedule.registered_jobs()}
