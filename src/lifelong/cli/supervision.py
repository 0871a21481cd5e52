"""Commands: ``lifelong supervision verify [EMAIL]`` (check the signed history of supervised
experience: the hash chain of every signed period) and ``lifelong supervision rules`` (the
experience rule sets shipped with Lifelong)."""

from __future__ import annotations

from typing import Annotated

import typer

from lifelong.cli.app import app, setup_django

supervision_app = typer.Typer(help="Supervised experience toward licensure.", no_args_is_help=True)
app.add_typer(supervision_app, name="supervision")


@supervision_app.command("verify")
def verify(
    email: Annotated[
        str | None,
        typer.Argument(help="Check this associate only (default: everyone with signed periods)."),
    ] = None,
) -> None:
    """Recompute the hash chain of signed periods; report the first broken link.

    Exit status: 0 when every chain is intact, 1 when one is broken, 2 for an unknown email."""
    setup_django()
    from lifelong.accounts.models import User
    from lifelong.supervision.models import SignOffPeriod
    from lifelong.supervision.services import verify_history

    if email is not None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            typer.echo(f"error: no account with the email address {email}", err=True)
            raise typer.Exit(code=2)
        targets = [(user.pk, user.email)]
    else:
        ids = (
            SignOffPeriod.objects.filter(sequence__isnull=False)
            .values_list("supervisee_id", flat=True)
            .distinct()
        )
        targets = list(User.objects.filter(pk__in=ids).order_by("email").values_list("pk", "email"))
    broken = 0
    for user_id, address in targets:
        report = verify_history(user_id)
        if report.broken is None:
            typer.echo(f"{address}: {report.checked} signed periods, intact")
            continue
        broken += 1
        link = report.broken
        typer.echo(
            f"{address}: BROKEN at period {link.sequence} ({link.starts_on.isoformat()} to "
            f"{link.ends_on.isoformat()}): {link.reason}; {report.checked} before it intact"
        )
    if broken:
        raise typer.Exit(code=1)


@supervision_app.command("rules")
def rules() -> None:
    """List the experience rule sets (no database needed)."""
    from lifelong.rules.experience import load_experience_catalog

    for ruleset in load_experience_catalog().values():
        uncertain = f" ({len(ruleset.uncertain)} uncertain facts)" if ruleset.uncertain else ""
        typer.echo(f"{ruleset.id}: {ruleset.title}, {ruleset.total_hours:g} h{uncertain}")
