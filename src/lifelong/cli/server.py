"""Commands that run Lifelong: manage."""

from __future__ import annotations

import os

import typer

from lifelong.cli.app import app


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. ``lifelong manage migrate``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lifelong manage", *ctx.args])
