"""Commands: ``lifelong review due --user EMAIL`` (today's review cards),
``lifelong goals list --user EMAIL`` (learning goals and their progress) and
``lifelong goals cpd-profile --user EMAIL -o FILE`` (the CPD profile PDF)."""

from __future__ import annotations

import json
import zoneinfo
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lifelong.cli.app import app, setup_django

if TYPE_CHECKING:
    from lifelong.accounts.models import User

__all__ = ["goals_app", "review_app"]

review_app = typer.Typer(help="Review cards: today's queue.", no_args_is_help=True)
goals_app = typer.Typer(help="Learning goals and the CPD profile.", no_args_is_help=True)
app.add_typer(review_app, name="review")
app.add_typer(goals_app, name="goals")

UserOption = Annotated[str, typer.Option("--user", "-u", help="The account's email address.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _user(email: str) -> User:
    setup_django()
    from lifelong.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise _fail(f"no account with the email address {email!r}")
    return user


def _zone(user: User) -> zoneinfo.ZoneInfo:
    """Dates are the user's: their day ends at their midnight (used with
    ``timezone.override``, so that the zone never outlives the command)."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _json_default(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


@review_app.command("due")
def review_due(user: UserOption, as_json: JsonOption = False) -> None:
    """The cards due by the end of the user's today, the most overdue first."""
    account = _user(user)
    from django.utils import timezone

    with timezone.override(_zone(account)):
        from lifelong.growth import retention

        now = timezone.now()
        queue = retention.due_queue(account, now)
        stats = retention.stats(account, now)
        if as_json:
            cards = [{"id": card.pk, "question": card.question, "due": card.due} for card in queue]
            payload = {"due_count": len(queue), "cards": cards, "total_cards": stats.cards}
            typer.echo(json.dumps(payload, default=_json_default, indent=2))
            return
        if not queue:
            typer.echo(f"Nothing to review today ({stats.cards} cards in all).")
            return
        typer.echo(f"{len(queue)} card{'s' if len(queue) != 1 else ''} due today:")
        for card in queue:
            local_due = timezone.localtime(card.due)
            typer.echo(f"  [{card.pk}] {card.question}  (due {local_due:%Y-%m-%d %H:%M})")


@goals_app.command("list")
def goals_list(user: UserOption, as_json: JsonOption = False) -> None:
    """Each goal with its progress today."""
    account = _user(user)
    from django.utils import timezone

    with timezone.override(_zone(account)):
        from lifelong.growth import services

        items = services.goals_with_progress(account, today=timezone.localdate())
        if as_json:
            payload = [
                {
                    "id": item.goal.pk,
                    "title": item.goal.title,
                    "target": float(item.goal.target_value),
                    "unit": item.goal.unit_text,
                    "done": float(item.progress.done),
                    "percent": item.progress.percent,
                    "status": item.progress.status,
                    "due_on": item.goal.due_on,
                }
                for item in items
            ]
            typer.echo(json.dumps(payload, default=_json_default, indent=2))
            return
        if not items:
            typer.echo("No goals yet.")
            return
        for item in items:
            progress = item.progress
            typer.echo(
                f"[{item.goal.pk}] {item.goal.title}: {progress.done.normalize():f} of "
                f"{item.goal.target_text} ({progress.percent}%), {progress.status_label.lower()}, "
                f"due {item.goal.due_on:%Y-%m-%d}"
            )


@goals_app.command("cpd-profile")
def cpd_profile(
    user: UserOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="The PDF file to write.")],
    start: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Default: 2 years ago.")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Default: today.")
    ] = None,
) -> None:
    """Write the CPD profile (record of learning, chosen reflections, gaps) as a PDF."""
    account = _user(user)
    from django.utils import timezone

    with timezone.override(_zone(account)):
        from lifelong.growth import services
        from lifelong.growth.cpd import build_pdf

        today = timezone.localdate()
        last = end.date() if end else today
        first = (
            start.date()
            if start
            else today.replace(year=today.year - services.CPD_DEFAULT_YEARS, day=1)
        )
        if last < first:
            raise _fail("the period ends before it starts")
        profile = services.cpd_profile(account, first, last)
        content = build_pdf(profile, created_at=timezone.now())
        try:
            output.write_bytes(content)
        except OSError as error:
            raise _fail(f"cannot write {output}: {error.strerror or error}") from None
        typer.echo(
            f"Wrote {output}: {len(profile.records)} records, {len(profile.gaps)} gaps, "
            f"{len(profile.reflections)} chosen reflections.",
            err=True,
        )
