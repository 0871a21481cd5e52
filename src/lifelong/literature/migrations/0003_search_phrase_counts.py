"""SQLite: the search index's phrase counts and change counter, and triggers that count the
index's changes (see lifelong.literature.search.phrase_counts); the index itself is kept.
PostgreSQL: the stored head of each document (title, MeSH, keywords) that ranks broad
searches; the index is rebuilt to fill it."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from lifelong.literature.search import install_search_index

    connection = schema_editor.connection
    install_search_index(connection, rebuild=connection.vendor == "postgresql")


class Migration(migrations.Migration):
    dependencies = [("literature", "0002_search_index")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
