"""Command: ``lifelong calendar export EMAIL [-o FILE]`` — an account's calendar as .ics.

The same file as the calendar feed and the download in the web app: renewal deadlines (with
alarms), reminder dates and planned activities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lifelong.cli.app import app, setup_django

__all__ = ["calendar_app"]

calendar_app = typer.Typer(
    help="Calendars (.ics): renewal deadlines, reminder dates and planned CE activities.",
    no_args_is_help=True,
)
app.add_typer(calendar_app, name="calendar")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@calendar_app.command("export")
def export(
    email: Annotated[str, typer.Argument(help="The email address of the account.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the calendar to this file (default: standard output)."
        ),
    ] = None,
) -> None:
    """Write the account's calendar as an .ics file (RFC 5545), to stdout or to FILE."""
    setup_django()
    from lifelong.accounts.models import User
    from lifelong.licensure.calendar import user_calendar

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise _fail(f"no account with the email address {email!r}")
    content = user_calendar(user)
    if output is None or str(output) == "-":
        stdout = typer.get_binary_stream("stdout")
        stdout.write(content)
        stdout.flush()
        return
    try:
        output.write_bytes(content)
    except OSError as error:
        raise _fail(f"cannot write {output}: {error.strerror or error}") from None
    typer.echo(f"Wrote {output} ({content.count(b'BEGIN:VEVENT')} events).", err=True)
