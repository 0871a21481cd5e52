"""Commands: ``lifelong literature ...`` — reading, importing, refreshing and exporting the
literature library.

Each command group keeps its section: ``parse`` (database-free), ``import`` / ``refresh`` /
``export`` (the library; implemented in ``literature_library.py``), ``search``.
"""

from __future__ import annotations

import typer

from lifelong.cli.app import app

__all__ = ["literature_app"]

literature_app = typer.Typer(
    help="The literature library: parse, import, refresh, search and export references.",
    no_args_is_help=True,
)
app.add_typer(literature_app, name="literature")

# --------------------------------------------------------------------------------------------
# import, refresh, export (the library; need the database)
# --------------------------------------------------------------------------------------------

from lifelong.cli import literature_library  # noqa: E402, F401  (registers its commands)
