"""Command: ``lifelong literature search QUERY --user EMAIL`` — search the library as that user
(their reading-list state on each hit) and print the best matches, or JSON with ``--json``.

It needs the database: ``setup_django()`` runs first and models are imported afterwards.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lifelong.cli.app import setup_django
from lifelong.cli.literature import literature_app

if TYPE_CHECKING:
    from lifelong.accounts.models import User
    from lifelong.literature.search import SearchPage

EXIT_BAD_INPUT = 2
EVIDENCE_LEVELS = (
    "guideline",
    "systematic-review",
    "randomized-trial",
    "observational",
    "case-report",
    "narrative-review",
    "editorial",
    "other",
)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=EXIT_BAD_INPUT)


def _user(email: str) -> User:
    setup_django()
    from lifelong.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise _fail(f"no account with the email address {email!r}")
    return user


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}") from None


def page_json(page: SearchPage) -> dict[str, Any]:
    from lifelong.literature.feed_api import article_out

    return {
        "query": page.query,
        "count": page.total,
        "count_capped": page.total_capped,
        "offset": page.offset,
        "notes": page.ignored,
        "items": [
            {
                **article_out(hit.article),
                "score": round(hit.score, 6),
                "reading_status": hit.entry.status if hit.entry else None,
            }
            for hit in page.hits
        ],
    }


def page_lines(page: SearchPage) -> list[str]:
    from lifelong.literature.ranking import evidence_tier

    if not page.hits:
        lines = [f"No articles found for {page.query!r}."]
    else:
        more = "+" if page.total_capped else ""
        lines = [
            f"{page.first_number}-{page.last_number} of {page.total}{more} articles "
            f"for {page.query!r}:"
        ]
    for number, hit in enumerate(page.hits, start=page.first_number):
        article = hit.article
        lines.append("")
        flag = "[RETRACTED] " if article.retracted else ""
        lines.append(f"{number}. {flag}{article.title}")
        where = " · ".join(
            part
            for part in (article.journal, article.published_text or article.published_iso)
            if part
        )
        if where:
            lines.append(f"   {where}")
        evidence = evidence_tier(article.evidence_level).label
        reason = f" ({article.evidence_reason})" if article.evidence_reason else ""
        lines.append(f"   Evidence: {evidence}{reason}")
        if hit.entry is not None:
            lines.append(f"   On your reading list: {hit.entry.get_status_display().lower()}")
        if article.link:
            lines.append(f"   {article.link}")
    lines.extend(f"note: {note}" for note in page.ignored)
    return lines


@literature_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help='Words, "phrases", OR, -excluded.')],
    user: Annotated[str, typer.Option("--user", help="Search as this account (email).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    limit: Annotated[int, typer.Option(help="How many results.", min=1, max=100)] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many results.", min=0)] = 0,
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            help="Only this evidence level (repeat for several): "
            + ", ".join(EVIDENCE_LEVELS)
            + ".",
        ),
    ] = None,
    published_from: Annotated[
        str | None, typer.Option("--from", help="Published on or after (YYYY-MM-DD).")
    ] = None,
    published_to: Annotated[
        str | None, typer.Option("--to", help="Published on or before (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Search the literature library: best matches first, with evidence and reading state.

    Exit 0 (also when nothing matches); 2 for an unknown account or a bad option.
    """
    levels = tuple(evidence or ())
    unknown = sorted(set(levels) - set(EVIDENCE_LEVELS))
    if unknown:
        raise _fail(
            f"unknown evidence level {', '.join(unknown)}; use one of {', '.join(EVIDENCE_LEVELS)}"
        )
    start, end = _date(published_from, "--from"), _date(published_to, "--to")
    if start and end and start > end:
        raise _fail("--from is after --to")
    if "\x00" in query:
        raise _fail("the query contains a NUL character")
    account = _user(user)
    from lifelong.literature.search import SearchFilters
    from lifelong.literature.search import search as search_library

    filters = SearchFilters(published_from=start, published_to=end, evidence_levels=levels)
    page = search_library(query, filters, account, limit=limit, offset=offset)
    if as_json:
        typer.echo(json.dumps(page_json(page), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(page_lines(page)))
