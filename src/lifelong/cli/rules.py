"""Commands: ``lifelong rules list|show|validate`` — the rule-set catalog, without a database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from lifelong.cli.app import app
from lifelong.licensure import describe
from lifelong.rules.loader import (
    UnknownRuleSet,
    catalog_text,
    get_ruleset,
    load_catalog,
    validate_ruleset_text,
)
from lifelong.rules.schema import Condition, Limit, Requirement, RuleSet

__all__ = ["has_uncertain_facts", "rules_app"]

rules_app = typer.Typer(
    help="The rule sets Lifelong knows: one per board and credential.", no_args_is_help=True
)
app.add_typer(rules_app, name="rules")

UNCERTAIN_MARK = "?"


def has_uncertain_facts(ruleset: RuleSet) -> bool:
    items: list[Requirement | Limit | Condition] = [
        *ruleset.requirements,
        *ruleset.limits,
        *ruleset.conditions,
    ]
    return bool(ruleset.uncertain) or any(item.uncertain for item in items)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


@rules_app.command("list")
def list_rulesets(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List the catalog: id, title, jurisdiction, when it was last verified, and a mark (?)
    when some of its facts are uncertain."""
    catalog = load_catalog()
    if as_json:
        entries = [
            {
                "id": ruleset.id,
                "title": ruleset.title,
                "jurisdiction": ruleset.jurisdiction,
                "board": ruleset.board,
                "credential": ruleset.credential,
                "verified_on": ruleset.verified_on.isoformat(),
                "uncertain": has_uncertain_facts(ruleset),
            }
            for ruleset in catalog.values()
        ]
        typer.echo(json.dumps(entries, indent=2))
        return
    rows: list[tuple[str, ...]] = [("ID", "TITLE", "JURISDICTION", "VERIFIED", "")]
    for ruleset in catalog.values():
        rows.append(
            (
                ruleset.id,
                ruleset.title,
                ruleset.jurisdiction,
                ruleset.verified_on.isoformat(),
                UNCERTAIN_MARK if has_uncertain_facts(ruleset) else "",
            )
        )
    for line in _table(rows):
        typer.echo(line)
    typer.echo(
        f"\n{UNCERTAIN_MARK} = some facts are uncertain: `lifelong rules show ID` lists them."
    )


def summary_lines(ruleset: RuleSet) -> list[str]:
    """A rule set in plain words: what it requires, its sources and its uncertain facts."""
    hours = describe.hours_text
    effective = f"from {describe.long_date(ruleset.effective_from)}"
    if ruleset.effective_until:
        effective += f" until {describe.long_date(ruleset.effective_until)}"
    lines = [
        f"{ruleset.id}: {ruleset.title}",
        f"  Board:        {ruleset.board}",
        f"  Credential:   {ruleset.credential}",
        f"  Jurisdiction: {ruleset.jurisdiction}",
        f"  Effective:    {effective}",
        f"  Verified on:  {ruleset.verified_on.isoformat()}",
        "",
        "Renewal",
        f"  {describe.deadline_rule(ruleset.cycle)}",
        f"  {hours(ruleset.total_hours)} h in total per cycle. {describe.hour_text(ruleset)}",
        f"  {describe.first_renewal_text(ruleset)}",
        f"  {describe.carry_over_text(ruleset)}",
        f"  {describe.providers_text(ruleset)}",
    ]
    if ruleset.first_renewal.note:
        lines.append(f"  First renewal: {ruleset.first_renewal.note}")
    if ruleset.providers.note:
        lines.append(f"  Providers: {ruleset.providers.note}")
    if ruleset.accepted_formats:
        lines.append(f"  Accepted formats: {describe.formats_text(ruleset.accepted_formats)}.")
    if ruleset.accepted_kinds:
        lines.append(f"  Accepted kinds: {describe.kinds_text(ruleset.accepted_kinds)}.")
    if ruleset.roles:
        lines.append(
            f"  Roles (pass with --role when they describe you): {', '.join(ruleset.roles)}"
        )

    def item_lines(
        item_id: str, title: str, facts: list[str], note: str | None, uncertain: str | None
    ) -> list[str]:
        block = [f"  - {item_id}: {title}", *(f"      {fact}" for fact in facts)]
        if note:
            block.append(f"      Note: {note}")
        if uncertain:
            block.append(f"      {UNCERTAIN_MARK} Uncertain: {uncertain}")
        return block

    if ruleset.requirements:
        lines += ["", "Requirements"]
        for requirement in ruleset.requirements:
            lines += item_lines(
                requirement.id,
                f"{requirement.title}, {hours(requirement.hours)} h",
                describe.requirement_facts(requirement),
                requirement.note,
                requirement.uncertain,
            )
    if ruleset.limits:
        lines += ["", "Limits"]
        for limit in ruleset.limits:
            lines += item_lines(
                limit.id, limit.title, describe.limit_facts(limit), limit.note, limit.uncertain
            )
    if ruleset.conditions:
        lines += ["", "Conditions (not CE hours; attest them with --attested ID)"]
        for condition in ruleset.conditions:
            lines += item_lines(
                condition.id,
                condition.title,
                describe.condition_facts(condition),
                condition.note,
                condition.uncertain,
            )
    if ruleset.notes:
        lines += ["", "Notes", *(f"  - {note}" for note in ruleset.notes)]
    if ruleset.uncertain:
        lines += [
            "",
            "Uncertain facts",
            *(f"  {UNCERTAIN_MARK} {fact}" for fact in ruleset.uncertain),
        ]
    lines += ["", "Sources"]
    for source in ruleset.sources:
        lines += [f"  - {source.title}", f"    {source.url} (retrieved {source.retrieved})"]
    return lines


@rules_app.command("show")
def show(
    ruleset_id: Annotated[
        str, typer.Argument(metavar="ID", help="A rule-set id, e.g. us-ca-lmft.")
    ],
    as_toml: Annotated[bool, typer.Option("--toml", help="Print the raw TOML file.")] = False,
) -> None:
    """Show a rule set in plain words, with its sources and uncertain facts."""
    try:
        ruleset = get_ruleset(ruleset_id)
        text = catalog_text(ruleset_id) if as_toml else ""
    except UnknownRuleSet as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    if as_toml:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    for line in summary_lines(ruleset):
        typer.echo(line)


@rules_app.command("validate")
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Rule-set TOML files to check.")
    ],
) -> None:
    """Check rule-set files: every problem as `file:line: field: message`, or OK.

    Exit code 0 when every file is valid, 1 when any is not, 2 when a file cannot be read.
    """
    any_invalid = False
    any_unreadable = False
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = (
                (error.strerror or str(error)) if isinstance(error, OSError) else "not UTF-8 text"
            )
            typer.echo(f"{path}: cannot read the file: {reason}", err=True)
            any_unreadable = True
            continue
        problems = validate_ruleset_text(text, str(path))
        if problems:
            any_invalid = True
            for problem in problems:
                typer.echo(str(problem))
        else:
            typer.echo(f"{path}: OK")
    if any_unreadable:
        raise typer.Exit(code=2)
    if any_invalid:
        raise typer.Exit(code=1)
