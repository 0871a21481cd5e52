from __future__ import annotations

import os

import typer

app = typer.Typer(
    help="Lifelong: lifelong learning for licensed therapists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def setup_django() -> None:
    """Configure Django for commands that need the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")
    import django

    django.setup()


@app.callback()
def root() -> None:
    """Lifelong: lifelong learning for licensed therapists."""
