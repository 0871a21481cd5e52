from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LiteratureConfig(AppConfig):
    name = "lifelong.literature"
    label = "literature"
    verbose_name = "Literature"

    def ready(self) -> None:
        post_migrate.connect(_repair_search_index, sender=self)


def _repair_search_index(using: str = "default", **kwargs: Any) -> None:
    """A schema change that rebuilt the article table on SQLite dropped the search triggers:
    put them back and reindex (see lifelong.literature.search)."""
    from django.db import connections

    from lifelong.literature.search import repair_search_index

    repair_search_index(connections[using])
