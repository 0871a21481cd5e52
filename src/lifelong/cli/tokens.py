"""Commands: ``lifelong token create|list|revoke`` — personal access tokens for the API.

These need the database, so each command calls ``setup_django()`` first and imports models
only afterwards (the rest of the CLI stays database-free).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from lifelong.cli.app import app, setup_django

if TYPE_CHECKING:
    from lifelong.accounts.models import User

__all__ = ["token_app"]

token_app = typer.Typer(
    help="Personal access tokens for the JSON API (Authorization: Bearer lfl_…).",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")

PREFIX_LENGTH = 8  # PersonalAccessToken.issue keeps the first 8 characters: "lfl_" and 4 more
EmailArgument = Annotated[str, typer.Argument(help="The email address of the account.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _user(email: str) -> User:
    """The account with this email address (case-insensitive), or exit 2."""
    setup_django()
    from lifelong.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise _fail(f"no account with the email address {email!r}")
    return user


@token_app.command("create")
def create(
    email: EmailArgument,
    name: Annotated[
        str, typer.Option("--name", help="What the token is for, e.g. 'backup script'.")
    ],
) -> None:
    """Create a token and print it (only the token, on stdout); it is never shown again."""
    user = _user(email)
    from lifelong.accounts.models import PersonalAccessToken

    name = name.strip()
    if not name:
        raise _fail("--name cannot be empty")
    max_length = PersonalAccessToken._meta.get_field("name").max_length or 100
    if len(name) > max_length:
        raise _fail(f"--name is longer than {max_length} characters")
    _, secret = PersonalAccessToken.issue(user, name)
    typer.echo(secret)


@token_app.command("list")
def list_tokens(email: EmailArgument) -> None:
    """List the account's tokens: name, prefix, created, last used, and revoked ones."""
    user = _user(email)
    from lifelong.accounts.models import PersonalAccessToken

    tokens = list(PersonalAccessToken.objects.for_user(user))
    if not tokens:
        typer.echo(f"{user.email} has no tokens.")
        return
    rows = [("NAME", "PREFIX", "CREATED", "LAST USED", "STATUS")]
    for token in tokens:
        rows.append(
            (
                token.name,
                f"{token.prefix}…",
                f"{token.created_at:%Y-%m-%d %H:%M}",
                f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never",
                f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        typer.echo("  ".join(cells).rstrip())


@token_app.command("revoke")
def revoke(
    email: EmailArgument,
    name: Annotated[
        str | None, typer.Option("--name", help="Revoke the active tokens with this name.")
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option(
            "--prefix",
            help="Revoke the active token with this prefix (the 8 characters `token list` "
            "shows, e.g. lfl_AbCd) or the whole token.",
        ),
    ] = None,
) -> None:
    """Revoke tokens by name or by prefix; scripts using them get 401 from then on."""
    if (name is None) == (prefix is None):
        raise _fail("give either --name or --prefix")
    user = _user(email)
    from lifelong.accounts.models import PersonalAccessToken, hash_token

    tokens = PersonalAccessToken.objects.for_user(user).active()
    if name is not None:
        matching = list(tokens.filter(name=name.strip()))
        described = f"named {name.strip()!r}"
    else:
        assert prefix is not None
        wanted = prefix.strip().rstrip("…")
        if len(wanted) < PREFIX_LENGTH:
            raise _fail(
                f"a prefix has {PREFIX_LENGTH} characters, as `lifelong token list` shows "
                "(e.g. lfl_AbCd)"
            )
        if len(wanted) > PREFIX_LENGTH:  # the whole token
            matching = list(tokens.filter(token_hash=hash_token(wanted)))
            described = "matching the token given"
        else:
            matching = list(tokens.filter(prefix=wanted))
            described = f"with the prefix {wanted!r}"
    if not matching:
        raise _fail(f"{user.email} has no active token {described}")
    for token in matching:
        token.revoke()
        typer.echo(f"Revoked {token.name} ({token.prefix}…).")
