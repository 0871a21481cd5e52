"""The activities CSV format of DESIGN.md section 4: parse (validated, every problem named)
and write. Pure Python: the CLI uses it without a database.

Columns: ``title, provider, completed_on, hours, format, kind, topics, approvals``.
``topics`` is ``;``-separated ``slug`` or ``slug=hours``; ``approvals`` is ``;``-separated
``body`` or ``body:number``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lifelong.rules.model import Activity, Approval, TopicShare
from lifelong.rules.vocabulary import APPROVAL_BODIES, FORMATS, KINDS, TOPICS

COLUMNS = ("title", "provider", "completed_on", "hours", "format", "kind", "topics", "approvals")
REQUIRED_VALUES = ("title", "completed_on", "hours", "format", "kind")
MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class CsvProblem:
    """One problem in a CSV file. ``row`` is the line in the spreadsheet (the header is row 1)."""

    row: int | None
    column: str | None
    message: str
    source: str = "<csv>"

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class ActivityCsvError(ValueError):
    def __init__(self, problems: list[CsvProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _decode(data: bytes | str, source: str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ActivityCsvError(
            [CsvProblem(None, None, f"the file is not UTF-8 text (byte {error.start})", source)]
        ) from None


def _parse_hours(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_topics(text: str) -> tuple[list[TopicShare], list[str]]:
    """``ethics=3;clinical-practice`` -> topic shares, plus messages for what is wrong."""
    shares: list[TopicShare] = []
    errors: list[str] = []
    seen: set[str] = set()
    for raw in text.split(";"):
        entry = raw.strip()
        if not entry:
            continue
        slug, has_hours, hours_text = (part.strip() for part in entry.partition("="))
        slug = slug.lower()
        if slug not in TOPICS:
            errors.append(f"unknown topic {slug!r} (known topics: {', '.join(TOPICS)})")
            continue
        if slug in seen:
            errors.append(f"topic {slug!r} is listed twice")
            continue
        seen.add(slug)
        hours: float | None = None
        if has_hours:
            try:
                hours = _parse_hours(hours_text)
            except ValueError:
                errors.append(f"topic hours {hours_text!r} for {slug!r} are not a number")
                continue
            if hours <= 0:
                errors.append(f"topic hours for {slug!r} must be greater than 0")
                continue
        shares.append(TopicShare(slug, hours))
    return shares, errors


def parse_approvals(text: str) -> tuple[list[Approval], list[str]]:
    """``apa;nbcc:6361`` -> approvals, plus messages for what is wrong."""
    approvals: list[Approval] = []
    errors: list[str] = []
    for raw in text.split(";"):
        entry = raw.strip()
        if not entry:
            continue
        body, _, number = (part.strip() for part in entry.partition(":"))
        body = body.lower()
        if body not in APPROVAL_BODIES:
            errors.append(
                f"unknown approval body {body!r} (known: {', '.join(APPROVAL_BODIES)})"
            )
            continue
        approvals.append(Approval(body, number))
    return approvals, errors


def _parse_row(row: dict[str, str], line: int, source: str) -> Activity | list[CsvProblem]:
    problems: list[CsvProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(CsvProblem(line, column, message, source))

    values = {column: (row.get(column) or "").strip() for column in COLUMNS}
    for column in REQUIRED_VALUES:
        if not values[column]:
            problem(column, "a value is required")

    completed_on: date | None = None
    if values["completed_on"]:
        try:
            completed_on = date.fromisoformat(values["completed_on"])
        except ValueError:
            problem("completed_on", f"{values['completed_on']!r} is not a date as YYYY-MM-DD")
        else:
            if len(values["completed_on"]) != 10:
                problem("completed_on", f"{values['completed_on']!r} is not a date as YYYY-MM-DD")

    hours: float | None = None
    if values["hours"]:
        try:
            hours = _parse_hours(values["hours"])
        except ValueError:
            problem("hours", f"{values['hours']!r} is not a number of hours")
        else:
            if hours < 0:
                problem("hours", f"hours cannot be negative ({values['hours']})")
                hours = None
            elif hours == 0:
                problem("hours", "hours must be greater than 0")
                hours = None
            elif hours > 1000:
                problem("hours", f"{values['hours']} hours is more than one activity can hold")
                hours = None

    activity_format = values["format"].lower()
    if activity_format and activity_format not in FORMATS:
        problem("format", f"unknown format {values['format']!r} (use one of {', '.join(FORMATS)})")
    kind = values["kind"].lower()
    if kind and kind not in KINDS:
        problem("kind", f"unknown kind {values['kind']!r} (use one of {', '.join(KINDS)})")

    topics, topic_errors = parse_topics(values["topics"])
    for message in topic_errors:
        problem("topics", message)
    if hours is not None:
        for share in topics:
            if share.hours is not None and share.hours > hours:
                problem(
                    "topics",
                    f"{share.slug}={share.hours:g} is more than the activity's {hours:g} hours",
                )
    approvals, approval_errors = parse_approvals(values["approvals"])
    for message in approval_errors:
        problem("approvals", message)

    if len(values["title"]) > 300:
        problem("title", "the title is longer than 300 characters")
    if len(values["provider"]) > 200:
        problem("provider", "the provider is longer than 200 characters")

    if problems or completed_on is None or hours is None:
        return problems
    return Activity(
        id=f"row-{line}",
        title=values["title"],
        provider=values["provider"],
        completed_on=completed_on,
        hours=hours,
        format=activity_format,
        kind=kind,
        topics=tuple(topics),
        approvals=tuple(approvals),
    )


def parse_activities_csv(data: bytes | str, source: str = "<csv>") -> list[Activity]:
    """Read every row, or raise ActivityCsvError naming every bad row and column."""
    text = _decode(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ActivityCsvError([CsvProblem(None, None, "the file is empty", source)]) from None
    except csv.Error as error:
        raise ActivityCsvError([CsvProblem(1, None, f"not a CSV file: {error}", source)]) from None

    names = [name.strip().lower() for name in header]
    problems: list[CsvProblem] = []
    unknown = [name for name in names if name not in COLUMNS]
    for name in unknown:
        problems.append(
            CsvProblem(1, name or "(empty)", f"unknown column (expected: {', '.join(COLUMNS)})", source)
        )
    for name in COLUMNS:
        if name not in names:
            problems.append(CsvProblem(1, name, "this column is missing", source))
    repeated = sorted({name for name in names if names.count(name) > 1})
    for name in repeated:
        problems.append(CsvProblem(1, name, "this column appears more than once", source))
    if problems:
        raise ActivityCsvError(problems)

    activities: list[Activity] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(activities) + len(problems) >= MAX_ROWS:
                problems.append(
                    CsvProblem(line, None, f"more than {MAX_ROWS} rows; split the file", source)
                )
                break
            if len(values) != len(names):
                problems.append(
                    CsvProblem(
                        line,
                        None,
                        f"{len(values)} values for {len(names)} columns (check the quoting)",
                        source,
                    )
                )
                continue
            result = _parse_row(dict(zip(names, values, strict=True)), line, source)
            if isinstance(result, list):
                problems.extend(result)
            else:
                activities.append(result)
    except csv.Error as error:
        problems.append(CsvProblem(reader.line_num, None, f"malformed CSV: {error}", source))
    if problems:
        raise ActivityCsvError(problems)
    return activities


def format_topics(topics: Iterable[TopicShare]) -> str:
    return ";".join(
        share.slug if share.hours is None else f"{share.slug}={share.hours:g}" for share in topics
    )


def format_approvals(approvals: Iterable[Approval]) -> str:
    return ";".join(
        approval.body if not approval.number else f"{approval.body}:{approval.number}"
        for approval in approvals
    )


def write_activities_csv(activities: Iterable[Activity]) -> str:
    """The CSV text for activities, in the same format the parser reads."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for activity in activities:
        writer.writerow(
            [
                activity.title,
                activity.provider,
                activity.completed_on.isoformat(),
                f"{activity.hours:g}",
                activity.format,
                activity.kind,
                format_topics(activity.topics),
                format_approvals(activity.approvals),
            ]
        )
    return buffer.getvalue()
