"""The activities CSV format of DESIGN.md section 4: parse (validated, every problem named)
and write. Pure Python: the CLI uses it without a database.

Columns: ``title, provider, completed_on, hours, format, kind, topics, approvals``, and an
optional ``unit`` (``clock-hour`` when absent or empty; ``semester-hour`` and ``quarter-hour``
for academic courses), which the writer adds only when some activity needs it.
``topics`` is ``;``-separated ``slug`` or ``slug=hours``; ``approvals`` is ``;``-separated
``body`` or ``body:number``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lifelong.rules.model import Activity, Approval, TopicShare
from lifelong.rules.vocabulary import APPROVAL_BODIES, CREDIT_UNITS, FORMATS, KINDS, TOPICS

COLUMNS = ("title", "provider", "completed_on", "hours", "format", "kind", "topics", "approvals")
OPTIONAL_COLUMNS = ("unit",)
REQUIRED_VALUES = ("title", "completed_on", "hours", "format", "kind")
MAX_ROWS = 20_000
MAX_HOURS = 1000
MAX_TITLE_LENGTH = 300
MAX_PROVIDER_LENGTH = 200
MAX_APPROVAL_NUMBER_LENGTH = 60
DEFAULT_UNIT = "clock-hour"
ACADEMIC_UNITS = ("semester-hour", "quarter-hour")

_HOURS_PATTERN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


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
            [
                CsvProblem(
                    None,
                    None,
                    f"the file is not UTF-8 text (byte {error.start}); "
                    "save it as “CSV UTF-8” and try again",
                    source,
                )
            ]
        ) from None


def parse_hours(text: str) -> Decimal:
    """A plain decimal number such as ``3``, ``1.5`` or ``.75``; raises ValueError otherwise.

    Stricter than ``float()``: no exponents, underscores, ``inf`` or ``nan``, and at most two
    decimal places (the ledger stores hundredths of an hour).
    """
    text = text.strip()
    if "," in text and _HOURS_PATTERN.fullmatch(text.replace(",", ".")):
        raise ValueError(f"{text!r} is not a number of hours (use a dot for decimals: 1.5)")
    if not _HOURS_PATTERN.fullmatch(text):
        raise ValueError(f"{text!r} is not a number of hours")
    _, _, fraction = text.partition(".")
    if len(fraction.rstrip("0")) > 2:
        raise ValueError(f"{text!r} has more than two decimal places")
    return Decimal(text)


def format_hours(hours: float | Decimal) -> str:
    """Hours as the shortest exact decimal: ``3``, ``1.5``, ``0.25`` (never ``1e-05``)."""
    value = Decimal(repr(hours)) if isinstance(hours, float) else hours
    return format(value.normalize(), "f")


def _entries(
    text: str, separator: str, noun: str, known: tuple[str, ...], errors: list[str]
) -> Iterator[tuple[str, bool, str]]:
    """The ``;``-separated entries of a list cell as (key, has value, value), each key known
    and listed once; what is wrong goes to ``errors``."""
    seen: set[str] = set()
    for raw in text.split(";"):
        entry = raw.strip()
        if not entry:
            continue
        key, has_value, value = (part.strip() for part in entry.partition(separator))
        key = key.lower()
        if key not in known:
            errors.append(f"unknown {noun} {key!r} (known: {', '.join(known)})")
        elif key in seen:
            errors.append(f"{noun} {key!r} is listed twice")
        else:
            seen.add(key)
            yield key, bool(has_value), value


def parse_topics(text: str) -> tuple[list[TopicShare], list[str]]:
    """``ethics=3;clinical-practice`` -> topic shares, plus messages for what is wrong."""
    shares: list[TopicShare] = []
    errors: list[str] = []
    for slug, has_hours, hours_text in _entries(text, "=", "topic", TOPICS, errors):
        hours: float | None = None
        if has_hours:
            try:
                value = parse_hours(hours_text)
            except ValueError as error:
                errors.append(f"topic hours for {slug!r}: {error}")
                continue
            if value <= 0:
                errors.append(f"topic hours for {slug!r} must be greater than 0")
                continue
            hours = float(value)
        shares.append(TopicShare(slug, hours))
    return shares, errors


def parse_approvals(text: str) -> tuple[list[Approval], list[str]]:
    """``apa;nbcc:6361`` -> approvals, plus messages for what is wrong."""
    approvals: list[Approval] = []
    errors: list[str] = []
    for body, _, number in _entries(text, ":", "approval body", APPROVAL_BODIES, errors):
        if len(number) > MAX_APPROVAL_NUMBER_LENGTH:
            errors.append(
                f"the approval number for {body!r} is longer than "
                f"{MAX_APPROVAL_NUMBER_LENGTH} characters"
            )
            continue
        approvals.append(Approval(body, number))
    return approvals, errors


def _parse_row(
    row: dict[str, str], line: int, source: str, not_after: date | None
) -> Activity | list[CsvProblem]:
    problems: list[CsvProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(CsvProblem(line, column, message, source))

    values = {column: (row.get(column) or "").strip() for column in COLUMNS + OPTIONAL_COLUMNS}
    for column in REQUIRED_VALUES:
        if not values[column]:
            problem(column, "a value is required")

    completed_on: date | None = None
    if values["completed_on"]:
        try:
            completed_on = date.fromisoformat(values["completed_on"])
            if len(values["completed_on"]) != 10:
                raise ValueError(values["completed_on"])
        except ValueError:
            problem("completed_on", f"{values['completed_on']!r} is not a date as YYYY-MM-DD")
            completed_on = None
        else:
            if not_after is not None and completed_on > not_after:
                problem("completed_on", f"{completed_on.isoformat()} is in the future")
                completed_on = None

    hours: float | None = None
    if values["hours"]:
        try:
            value = parse_hours(values["hours"])
        except ValueError as error:
            problem("hours", str(error))
        else:
            if value < 0:
                problem("hours", f"hours cannot be negative ({values['hours']})")
            elif value == 0:
                problem("hours", "hours must be greater than 0")
            elif value > MAX_HOURS:
                problem("hours", f"{values['hours']} hours is more than one activity can hold")
            else:
                hours = float(value)

    activity_format = values["format"].lower()
    if activity_format and activity_format not in FORMATS:
        problem("format", f"unknown format {values['format']!r} (use one of {', '.join(FORMATS)})")
    kind = values["kind"].lower()
    if kind and kind not in KINDS:
        problem("kind", f"unknown kind {values['kind']!r} (use one of {', '.join(KINDS)})")
    unit = values["unit"].lower() or DEFAULT_UNIT
    if unit not in CREDIT_UNITS:
        problem("unit", f"unknown unit {values['unit']!r} (use one of {', '.join(CREDIT_UNITS)})")
    elif unit in ACADEMIC_UNITS and kind in KINDS and kind != "academic-course":
        problem("unit", f"{unit} is only for academic courses; give clock hours for a {kind}")

    topics, topic_errors = parse_topics(values["topics"])
    for message in topic_errors:
        problem("topics", message)
    if hours is not None:
        for share in topics:
            if share.hours is not None and share.hours > hours:
                problem(
                    "topics",
                    f"{share.slug}={format_hours(share.hours)} is more than the activity's "
                    f"{format_hours(hours)} hours",
                )
    approvals, approval_errors = parse_approvals(values["approvals"])
    for message in approval_errors:
        problem("approvals", message)

    if len(values["title"]) > MAX_TITLE_LENGTH:
        problem("title", f"the title is longer than {MAX_TITLE_LENGTH} characters")
    if len(values["provider"]) > MAX_PROVIDER_LENGTH:
        problem("provider", f"the provider is longer than {MAX_PROVIDER_LENGTH} characters")

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
        unit=unit,
    )


def _header_problems(names: list[str], source: str) -> list[CsvProblem]:
    if len(names) == 1 and ";" in names[0]:
        return [
            CsvProblem(
                1,
                None,
                "the columns are separated by semicolons; save the file as comma-separated CSV",
                source,
            )
        ]
    problems: list[CsvProblem] = []
    known = COLUMNS + OPTIONAL_COLUMNS
    for name in names:
        if name not in known:
            problems.append(
                CsvProblem(
                    1, name or "(empty)", f"unknown column (expected: {', '.join(COLUMNS)})", source
                )
            )
    for name in COLUMNS:
        if name not in names:
            problems.append(CsvProblem(1, name, "this column is missing", source))
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(CsvProblem(1, name, "this column appears more than once", source))
    return problems


def parse_activities_csv(
    data: bytes | str, source: str = "<csv>", *, not_after: date | None = None
) -> list[Activity]:
    """Read every row, or raise ActivityCsvError naming every bad row and column.

    Each activity's ``id`` is ``row-N``, N being its row in the spreadsheet. Activities completed
    after ``not_after`` (when given) are errors: the ledger records what was done.
    """
    text = _decode(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ActivityCsvError([CsvProblem(None, None, "the file is empty", source)]) from None
    except csv.Error as error:
        raise ActivityCsvError([CsvProblem(1, None, f"not a CSV file: {error}", source)]) from None

    names = [name.strip().lower() for name in header]
    problems = _header_problems(names, source)
    if problems:
        raise ActivityCsvError(problems)

    activities: list[Activity] = []
    rows = 0
    # Rows are counted as records, not physical lines, so a quoted value spanning several lines
    # still gets the row number a spreadsheet shows; blank lines count as rows too.
    line = 1
    try:
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            rows += 1
            if rows > MAX_ROWS:
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
            result = _parse_row(dict(zip(names, values, strict=True)), line, source, not_after)
            if isinstance(result, list):
                problems.extend(result)
            else:
                activities.append(result)
    except csv.Error as error:
        problems.append(CsvProblem(line + 1, None, f"malformed CSV: {error}", source))
    if problems:
        raise ActivityCsvError(problems)
    return activities


def format_topics(topics: Iterable[TopicShare]) -> str:
    return ";".join(
        share.slug if share.hours is None else f"{share.slug}={format_hours(share.hours)}"
        for share in topics
    )


def format_approvals(approvals: Iterable[Approval]) -> str:
    return ";".join(
        approval.body if not approval.number else f"{approval.body}:{approval.number}"
        for approval in approvals
    )


def write_activities_csv(activities: Iterable[Activity]) -> str:
    """The CSV text for activities, in the same format the parser reads.

    The ``unit`` column is added only when an activity is not in clock hours, so that the usual
    file has exactly the eight documented columns.
    """
    rows = list(activities)
    with_unit = any(activity.unit != DEFAULT_UNIT for activity in rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS + OPTIONAL_COLUMNS if with_unit else COLUMNS)
    for activity in rows:
        values = [
            activity.title,
            activity.provider,
            activity.completed_on.isoformat(),
            format_hours(activity.hours),
            activity.format,
            activity.kind,
            format_topics(activity.topics),
            format_approvals(activity.approvals),
        ]
        if with_unit:
            values.append(activity.unit)
        writer.writerow(values)
    return buffer.getvalue()
