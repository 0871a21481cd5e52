"""Command: ``lifelong compliance check`` — one license cycle against a rule set, from a CSV file.

Database-free on purpose: it imports only the pure rules engine and the CSV reader (never
Django), so anyone can check a spreadsheet of activities without running the web app.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from lifelong.cli.app import app
from lifelong.credits.activity_csv import ActivityCsvError, parse_activities_csv
from lifelong.rules.cycles import cycle_for
from lifelong.rules.engine import evaluate
from lifelong.rules.loader import RuleSetError, UnknownRuleSet, get_ruleset, parse_ruleset
from lifelong.rules.model import Activity, LicenseContext
from lifelong.rules.report import render_text, verdict_to_dict
from lifelong.rules.schema import RuleSet
from lifelong.rules.vocabulary import TOPICS

__all__ = ["compliance_app"]

EXIT_COMPLIANT = 0
EXIT_NOT_COMPLIANT = 1
EXIT_BAD_INPUT = 2

compliance_app = typer.Typer(
    help="Check continuing education against a board's rules.", no_args_is_help=True
)
app.add_typer(compliance_app, name="compliance")


def _fail(message: str, *details: str) -> NoReturn:
    """Exit 2 with ``error: message`` and each detail line on standard error."""
    typer.echo(f"error: {message}", err=True)
    for detail in details:
        typer.echo(detail, err=True)
    raise typer.Exit(code=EXIT_BAD_INPUT)


def _problems_heading(count: int, path: Path) -> str:
    return f"{count} problem{'s' if count != 1 else ''} in {path}; nothing was checked:"


def _parse_date(option: str, value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: {value!r} is not a date as YYYY-MM-DD")


def _read(path: Path, what: str) -> bytes:
    """The bytes of ``path`` (``-`` reads standard input), or exit 2 naming the file."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as error:
        _fail(f"{path}: cannot read the {what}: {error.strerror or error}")


def _ruleset(ruleset_id: str, ruleset_file: Path | None) -> RuleSet:
    if ruleset_file is None:
        try:
            return get_ruleset(ruleset_id)
        except UnknownRuleSet as error:
            _fail(f"{error} (or pass your own with --ruleset-file FILE.toml)")
    data = _read(ruleset_file, "rule-set file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        _fail(f"{ruleset_file}: not UTF-8 text (byte {error.start})")
    try:
        ruleset = parse_ruleset(text, str(ruleset_file))
    except RuleSetError as error:
        problems = [str(problem) for problem in error.problems]
        _fail(_problems_heading(len(problems), ruleset_file), *problems)
    if ruleset.id != ruleset_id:
        _fail(f"{ruleset_file} defines the rule set {ruleset.id!r}, not {ruleset_id!r}")
    return ruleset


def _activities(path: Path) -> list[Activity]:
    data = _read(path, "activities file")
    try:
        return parse_activities_csv(data, str(path))
    except ActivityCsvError as error:
        problems = [str(problem) for problem in error.problems]
        _fail(_problems_heading(len(problems), path), *problems)


def _check_options(
    ruleset: RuleSet, roles: list[str], completed_once: list[str], attested: list[str]
) -> None:
    """Roles, one-time items and conditions must exist in the rule set (typos would otherwise
    silently change the verdict)."""
    problems = []
    for role in roles:
        if role not in ruleset.roles:
            known = ", ".join(ruleset.roles) or "it has none"
            problems.append(f"--role: {ruleset.id} has no role {role!r} (roles: {known})")
    once = [item.id for item in ruleset.requirements if item.frequency == "once"]
    for item in completed_once:
        if item not in once and item not in TOPICS:
            known = ", ".join(once) or "it has none"
            problems.append(
                f"--completed-once: {item!r} is neither a one-time requirement of {ruleset.id} "
                f"({known}) nor a topic"
            )
    conditions = [condition.id for condition in ruleset.conditions]
    for condition_id in attested:
        if condition_id not in conditions:
            known = ", ".join(conditions) or "it has none"
            problems.append(
                f"--attested: {ruleset.id} has no condition {condition_id!r} (conditions: {known})"
            )
    if problems:
        _fail(f"some options do not fit the rule set {ruleset.id}:", *problems)


def carry_in_from_previous_cycle(
    ruleset: RuleSet, context: LicenseContext, activities: list[Activity]
) -> float:
    """The hours the previous cycle's activities carry into this one under the board's rule,
    as the web app works them out when the user has not entered them."""
    if ruleset.carry_over.max_hours <= 0:
        return 0.0
    cycle = cycle_for(ruleset, context)
    if cycle.first_renewal or (cycle.number is not None and cycle.number <= 1):
        return 0.0
    previous_deadline = cycle.start - timedelta(days=1)
    if context.issued_on is not None and previous_deadline <= context.issued_on:
        return 0.0
    previous = LicenseContext(
        expires_on=previous_deadline,
        issued_on=context.issued_on,
        cycle_number=None if context.cycle_number is None else context.cycle_number - 1,
        roles=context.roles,
        completed_once=context.completed_once,
    )
    return evaluate(ruleset, previous, activities).carry_over_out_hours


@compliance_app.command("check")
def check(
    ruleset_id: Annotated[
        str,
        typer.Argument(metavar="RULESET_ID", help="e.g. us-ca-lmft; see `lifelong rules list`."),
    ],
    expires: Annotated[
        str,
        typer.Option(
            "--expires", metavar="YYYY-MM-DD", help="The renewal deadline ending the cycle."
        ),
    ],
    activities_file: Annotated[
        Path,
        typer.Option(
            "--activities",
            metavar="FILE.csv",
            help="The activities CSV (columns: see docs/cli.md); - reads standard input.",
        ),
    ],
    first_renewal: Annotated[
        bool,
        typer.Option(
            "--first-renewal",
            help="This is the first renewal after licensure (else worked out from --issued "
            "or --cycle-number).",
        ),
    ] = False,
    roles: Annotated[
        list[str] | None,
        typer.Option("--role", metavar="ROLE", help="A role of the rule set that applies to you."),
    ] = None,
    carry_over_hours: Annotated[
        float | None,
        typer.Option(
            "--carry-over-hours",
            min=0,
            help="Hours carried over from the previous cycle (default: worked out from the "
            "activities before this cycle).",
        ),
    ] = None,
    completed_once: Annotated[
        list[str] | None,
        typer.Option(
            "--completed-once",
            metavar="ID_OR_TOPIC",
            help="A one-time requirement (its id or topic) met before the activities in the file.",
        ),
    ] = None,
    attested: Annotated[
        list[str] | None,
        typer.Option("--attested", metavar="CONDITION", help="A condition you attest to."),
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--issued", metavar="YYYY-MM-DD", help="When the license was first issued."),
    ] = None,
    cycle_number: Annotated[
        int | None,
        typer.Option(
            "--cycle-number", min=1, help="Which renewal this is (1 = the first after licensure)."
        ),
    ] = None,
    ruleset_file: Annotated[
        Path | None,
        typer.Option(
            "--ruleset-file",
            metavar="FILE.toml",
            help="Check against your own rule-set file (its id must be RULESET_ID).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Check one renewal cycle. Exit code 0: compliant; 1: not compliant; 2: bad input."""
    expires_on = _parse_date("--expires", expires)
    issued_on = _parse_date("--issued", issued) if issued is not None else None
    if issued_on is not None and issued_on > expires_on:
        _fail(f"--issued {issued_on.isoformat()} is after --expires {expires_on.isoformat()}")
    ruleset = _ruleset(ruleset_id, ruleset_file)
    activities = _activities(activities_file)
    roles, completed_once, attested = roles or [], completed_once or [], attested or []
    _check_options(ruleset, roles, completed_once, attested)

    context = LicenseContext(
        expires_on=expires_on,
        issued_on=issued_on,
        first_renewal=True if first_renewal else None,
        cycle_number=cycle_number,
        roles=frozenset(roles),
        completed_once=frozenset(completed_once),
        attested=frozenset(attested),
    )
    if carry_over_hours is None:
        carry_over_hours = carry_in_from_previous_cycle(ruleset, context, activities)
    context = replace(context, carry_over_in_hours=carry_over_hours)
    verdict = evaluate(ruleset, context, activities)
    if as_json:
        typer.echo(json.dumps(verdict_to_dict(verdict, ruleset), indent=2, ensure_ascii=False))
    else:
        typer.echo(render_text(verdict, ruleset), nl=False)
    raise typer.Exit(code=EXIT_COMPLIANT if verdict.compliant else EXIT_NOT_COMPLIANT)
