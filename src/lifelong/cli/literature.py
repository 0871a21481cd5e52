"""Commands: ``lifelong literature ...`` — reading, importing, refreshing and exporting the
literature library.

Each command group keeps its section: ``parse`` (database-free), ``import`` / ``refresh`` /
``export`` (the library; implemented in ``literature_library.py``), ``search``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lifelong.cli.app import app

if TYPE_CHECKING:
    from lifelong.literature.evidence import Evidence
    from lifelong.literature.formats import ParseResult, Record

__all__ = ["literature_app"]

literature_app = typer.Typer(
    help="The literature library: parse, import, refresh, search and export references.",
    no_args_is_help=True,
)
app.add_typer(literature_app, name="literature")

# --------------------------------------------------------------------------------------------
# parse (database-free)
# --------------------------------------------------------------------------------------------

EXIT_MALFORMED = 2
SHOWN_AUTHORS = 3


def parse_files(files: list[Path]) -> ParseResult:
    """Every record, deletion and problem of the files, in order."""
    # imported here: the readers load bibtexparser and pylatexenc (~0.1 s), which the other
    # commands do not need
    from lifelong.literature.formats import ParseResult, iter_file

    result = ParseResult()
    for path in files:
        for event in iter_file(path):
            result.add(event)
    return result


def record_json(record: Record, evidence: Evidence) -> dict[str, Any]:
    """A record as ``literature parse --json`` prints it (documented in docs/cli.md)."""
    from lifelong.literature.formats import record_to_dict

    data = record_to_dict(record)
    data["evidence_level"] = evidence.level
    data["evidence_reason"] = evidence.reason
    data["retraction_reason"] = evidence.retraction_reason
    data["retracted"] = evidence.retracted
    return data


def record_summary(record: Record, evidence: Evidence) -> list[str]:
    """A record in a few readable lines."""
    identifiers = [f"PMID {record.pmid}" if record.pmid else "", record.doi or ""]
    heading = " · ".join(part for part in identifiers if part) or "(no identifier)"
    lines = [heading, f"  {record.title or '(no title)'}"]
    names = [author.name for author in record.authors[:SHOWN_AUTHORS]]
    if len(record.authors) > SHOWN_AUTHORS:
        names.append(f"et al. ({len(record.authors)} authors)")
    if names:
        lines.append(f"  {', '.join(names)}")
    journal = record.journal
    where = journal.iso_abbreviation or journal.title or ""
    when = record.published.text if record.published else ""
    issue = journal.volume or ""
    if journal.issue:
        issue += f"({journal.issue})"
    if journal.pages:
        issue += f":{journal.pages}"
    citation = " ".join(part for part in (where, when) if part)
    if issue:
        citation = f"{citation};{issue}" if citation else issue
    if citation:
        lines.append(f"  {citation}")
    lines.append(f"  Evidence: {evidence.label} ({evidence.reason})")
    if evidence.retracted:
        lines.append(f"  RETRACTED: {evidence.retraction_reason}")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@literature_app.command("parse")
def parse(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="PubMed XML (efetch, baseline, update; .gz too), MEDLINE/nbib, RIS, BibTeX "
            "or CSL-JSON files. The format is recognised by the content.",
        ),
    ],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print {"records": [...], "deleted_pmids": [...], "problems": [...]}.',
        ),
    ] = False,
) -> None:
    """Read literature files and print their records, without a database.

    Problems go to standard error as FILE:LINE: severity: message. Exit code 0 when every
    file was read, 2 when a file is malformed or unreadable (after printing what could be
    read from it).
    """
    from lifelong.literature.evidence import assess_record

    result = parse_files(files)
    assessed = [(record, assess_record(record)) for record in result.records]
    if as_json:
        document = {
            "records": [record_json(record, evidence) for record, evidence in assessed],
            "deleted_pmids": result.deleted_pmids,
            "problems": [
                {
                    "file": problem.file,
                    "line": problem.line,
                    "severity": problem.severity,
                    "message": problem.message,
                }
                for problem in result.problems
            ],
        }
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for record, evidence in assessed:
            for line in record_summary(record, evidence):
                typer.echo(line)
            typer.echo("")
        if result.deleted_pmids:
            typer.echo(f"Deleted PMIDs ({len(result.deleted_pmids)}):")
            typer.echo("  " + ", ".join(result.deleted_pmids))
        counts = [_count(len(result.records), "record")]
        if result.deleted_pmids:
            counts.append(_count(len(result.deleted_pmids), "deletion"))
        typer.echo(f"{', '.join(counts)} from {_count(len(files), 'file')}.")
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if result.errors:
        raise typer.Exit(code=EXIT_MALFORMED)


# --------------------------------------------------------------------------------------------
# import, refresh, export (the library; need the database): ``literature_library.py``
# search (the library as one user sees it): ``literature_search.py``
# --------------------------------------------------------------------------------------------

from lifelong.cli import (  # noqa: E402  (each module registers its commands)
    literature_library,  # noqa: F401
    literature_search,  # noqa: F401
)
