"""The full-text index of the library: FTS5 on SQLite, a tsvector table on PostgreSQL (see
lifelong.literature.search). Triggers keep it in step with literature_article."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from lifelong.literature.search import install_search_index

    install_search_index(schema_editor.connection)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from lifelong.literature.search import uninstall_search_index

    uninstall_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("literature", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
