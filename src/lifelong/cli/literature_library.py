"""Commands: ``lifelong literature import|refresh|export`` — the literature library.

``import`` reads reference files into a user's library (each file atomically: a malformed
file imports nothing and is reported with its file and line; the others still import), with a
progress bar by bytes on a terminal. ``refresh`` fetches the due PubMed searches and feeds
(``lifelong worker`` runs it on a schedule too). ``export`` writes a user's library or reading
list as RIS, BibTeX or CSL-JSON.

These need the database: each command calls ``setup_django()`` first and imports models only
afterwards.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from lifelong.cli.app import setup_django
from lifelong.cli.literature import literature_app

if TYPE_CHECKING:
    from lifelong.accounts.models import User
    from lifelong.literature.services import FileImport

EXIT_OK = 0
EXIT_SOURCE_FAILED = 1
EXIT_BAD_INPUT = 2

UserOption = Annotated[
    str, typer.Option("--user", help="The email address of the account.", show_default=False)
]


class ExportFormat(StrEnum):
    ris = "ris"
    bibtex = "bibtex"
    csl_json = "csl-json"


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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _report(result: FileImport) -> list[str]:
    """The lines that describe one file's import."""
    if result.rejected:
        lines = [f"{result.name}: nothing imported (the file is malformed or unreadable)"]
        lines += [f"  {problem}" for problem in result.problems]
        return lines
    summary = result.summary
    lines = [
        f"{result.name}: {summary.added} added, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.deleted + summary.removed_kept} deleted, "
        f"{summary.duplicates + summary.skipped_count} skipped"
    ]
    if summary.removed_kept:
        lines.append(
            f"  {_plural(summary.removed_kept, 'deleted citation')} kept, flagged, on reading lists"
        )
    if summary.duplicates:
        lines.append(f"  skipped: {_plural(summary.duplicates, 'duplicate')} within the file")
    lines += [f"  skipped: {reason}" for reason in summary.skipped]
    if summary.skipped_count > len(summary.skipped):
        lines.append(f"  … and {summary.skipped_count - len(summary.skipped)} more skipped")
    if summary.retractions_flagged:
        lines.append(f"  {_plural(summary.retractions_flagged, 'article')} flagged as retracted")
    return lines


@literature_app.command("import")
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="PubMed XML (also .xml.gz baseline/update files), MEDLINE, RIS, BibTeX or "
            "CSL-JSON files.",
            show_default=False,
        ),
    ],
    user: UserOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import reference files into a user's library. Each file is all or nothing; exit 2 if
    any file could not be imported (the others still are)."""
    account = _user(user)
    from lifelong.literature.services import import_path

    sizes = {}
    for path in files:
        try:
            sizes[path] = path.stat().st_size
        except OSError:
            sizes[path] = 0
    console = Console(stderr=True)
    results: list[FileImport] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("Importing", total=sum(sizes.values()) or None)
        for path in files:
            progress.update(task, description=path.name)
            done_before = progress.tasks[0].completed
            results.append(
                import_path(account, path, on_read=lambda size: progress.advance(task, size))
            )
            progress.update(task, completed=done_before + sizes[path])
    failed = any(result.rejected for result in results)
    if as_json:
        typer.echo(json.dumps([result.as_dict() for result in results], indent=2))
    else:
        for result in results:
            for line in _report(result):
                typer.echo(line)
        if len(results) > 1:
            totals: dict[str, int] = {"added": 0, "updated": 0, "deleted": 0, "skipped": 0}
            for result in results:
                if not result.rejected:
                    totals["added"] += result.summary.added
                    totals["updated"] += result.summary.updated
                    totals["deleted"] += result.summary.deleted + result.summary.removed_kept
                    totals["skipped"] += result.summary.duplicates + result.summary.skipped_count
            typer.echo("Total: " + ", ".join(f"{count} {name}" for name, count in totals.items()))
    if failed:
        raise typer.Exit(code=EXIT_BAD_INPUT)


@literature_app.command("refresh")
def refresh(
    user: Annotated[
        str | None,
        typer.Option("--user", help="Only this account's sources.", show_default=False),
    ] = None,
    source: Annotated[
        int | None,
        typer.Option("--source", help="Only this source (by id), due or not.", show_default=False),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every active source, due or not.")] = False,
) -> None:
    """Fetch the due PubMed searches and journal feeds (the worker also runs this on a
    schedule). Exit 1 if a source failed (its error is kept on the source)."""
    account = _user(user) if user else None
    setup_django()
    from lifelong.literature.models import Source
    from lifelong.literature.services import refresh_sources

    if source is not None and not Source.objects.fetchable().filter(pk=source).exists():
        raise _fail(f"no active PubMed search or feed with the id {source}")
    results = refresh_sources(user=account, source_id=source, due_only=not every)
    if not results:
        typer.echo("No source is due.")
        return
    for result in results:
        if result.ok:
            state = "not modified" if result.not_modified else f"{result.new_items} new"
            typer.echo(f"{result.name} (#{result.source_id}): {state}")
        else:
            typer.echo(f"{result.name} (#{result.source_id}): failed: {result.error}", err=True)
    if any(not result.ok for result in results):
        raise typer.Exit(code=EXIT_SOURCE_FAILED)


@literature_app.command("export")
def export(
    user: UserOption,
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="The file format.", show_default=False)
    ],
    saved: Annotated[
        bool, typer.Option("--saved", help="Only the reading list, not the whole library.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to this file instead of standard output."),
    ] = None,
) -> None:
    """Export a user's library (or reading list) as RIS, BibTeX or CSL-JSON."""
    account = _user(user)
    from lifelong.literature.services import articles_for_export, export_articles

    articles = articles_for_export(account, saved=saved)
    text = export_articles(articles, export_format.value)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise _fail(f"cannot write {output}: {error.strerror or error}") from None
    typer.echo(f"Wrote {_plural(len(articles), 'reference')} to {output}.", err=True)
