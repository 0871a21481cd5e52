"""The activities CSV format: every kind of problem is named by row and column; writing and
reading give back the same activities."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelong.credits.activity_csv import (
    COLUMNS,
    ActivityCsvError,
    CsvProblem,
    format_hours,
    parse_activities_csv,
    parse_approvals,
    parse_hours,
    parse_topics,
    write_activities_csv,
)
from lifelong.rules.model import Activity, Approval, TopicShare
from lifelong.rules.vocabulary import APPROVAL_BODIES, FORMATS, KINDS, TOPICS

HEADER = ",".join(COLUMNS)
GOOD_ROW = (
    "Ethics in practice,CAMFT,2025-03-14,6,live-online,course,"
    "ethics=3;clinical-practice,apa;nbcc:6361"
)


def problems_of(text: str | bytes, **kwargs: object) -> list[CsvProblem]:
    with pytest.raises(ActivityCsvError) as caught:
        parse_activities_csv(text, **kwargs)  # type: ignore[arg-type]
    return caught.value.problems


def only_problem(text: str | bytes, **kwargs: object) -> CsvProblem:
    problems = problems_of(text, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


def with_row(row: str) -> str:
    return f"{HEADER}\n{row}\n"


def test_it_reads_a_good_row_with_topic_hours_and_approval_numbers() -> None:
    [activity] = parse_activities_csv(with_row(GOOD_ROW))

    assert activity == Activity(
        id="row-2",
        title="Ethics in practice",
        provider="CAMFT",
        completed_on=date(2025, 3, 14),
        hours=6.0,
        format="live-online",
        kind="course",
        topics=(TopicShare("ethics", 3.0), TopicShare("clinical-practice", None)),
        approvals=(Approval("apa", ""), Approval("nbcc", "6361")),
        unit="clock-hour",
    )


def test_it_accepts_columns_in_any_order_and_case() -> None:
    text = (
        "Kind,FORMAT,hours,completed_on,Title,provider,topics,approvals\n"
        "conference,in-person,2.5,2024-11-02,Annual meeting,,,\n"
    )

    [activity] = parse_activities_csv(text)

    assert (activity.title, activity.kind, activity.format, activity.hours) == (
        "Annual meeting",
        "conference",
        "in-person",
        2.5,
    )
    assert activity.topics == ()
    assert activity.approvals == ()


def test_it_rejects_an_unknown_column() -> None:
    problem = only_problem(f"{HEADER},credits\n{GOOD_ROW},3\n")

    assert (problem.row, problem.column) == (1, "credits")
    assert "unknown column" in problem.message


def test_it_rejects_a_missing_column() -> None:
    header = ",".join(column for column in COLUMNS if column != "kind")
    problem = only_problem(f"{header}\nA,B,2025-01-01,1,in-person,,\n")

    assert (problem.row, problem.column, problem.message) == (1, "kind", "this column is missing")


def test_it_rejects_a_repeated_column() -> None:
    problem = only_problem(f"{HEADER},title\n{GOOD_ROW},Again\n")

    assert (problem.row, problem.column) == (1, "title")
    assert "more than once" in problem.message


def test_it_explains_a_file_separated_by_semicolons() -> None:
    problem = only_problem(HEADER.replace(",", ";") + "\n")

    assert problem.row == 1
    assert "semicolons" in problem.message


@pytest.mark.parametrize("value", ["2025-13-01", "14/03/2025", "20250314", "yesterday"])
def test_it_rejects_a_bad_date(value: str) -> None:
    problem = only_problem(with_row(f"A,B,{value},1,in-person,course,,"))

    assert (problem.row, problem.column) == (2, "completed_on")
    assert "YYYY-MM-DD" in problem.message


def test_it_rejects_a_date_after_not_after() -> None:
    problem = only_problem(
        with_row("A,B,2025-03-15,1,in-person,course,,"), not_after=date(2025, 3, 14)
    )

    assert (problem.row, problem.column) == (2, "completed_on")
    assert "future" in problem.message


def test_it_rejects_negative_hours() -> None:
    problem = only_problem(with_row("A,B,2025-01-01,-2,in-person,course,,"))

    assert (problem.row, problem.column) == (2, "hours")
    assert "negative" in problem.message


def test_it_rejects_zero_hours() -> None:
    problem = only_problem(with_row("A,B,2025-01-01,0,in-person,course,,"))

    assert (problem.row, problem.column, problem.message) == (
        2,
        "hours",
        "hours must be greater than 0",
    )


@pytest.mark.parametrize("value", ["1e2", "nan", "inf", "1_000", "three", "1.555"])
def test_it_rejects_hours_that_are_not_a_plain_decimal(value: str) -> None:
    problem = only_problem(with_row(f"A,B,2025-01-01,{value},in-person,course,,"))

    assert (problem.row, problem.column) == (2, "hours")


def test_it_suggests_a_dot_for_decimal_commas() -> None:
    problem = only_problem(with_row('A,B,2025-01-01,"1,5",in-person,course,,'))

    assert "use a dot" in problem.message


def test_it_rejects_hours_over_the_cap() -> None:
    problem = only_problem(with_row("A,B,2025-01-01,1000.01,in-person,course,,"))

    assert (problem.row, problem.column) == (2, "hours")


@pytest.mark.parametrize(
    ("column", "row", "needle"),
    [
        ("topics", "A,B,2025-01-01,1,in-person,course,ethiks,", "unknown topic 'ethiks'"),
        ("format", "A,B,2025-01-01,1,webinar,course,,", "unknown format 'webinar'"),
        ("kind", "A,B,2025-01-01,1,in-person,lecture,,", "unknown kind 'lecture'"),
        ("approvals", "A,B,2025-01-01,1,in-person,course,,acep", "unknown approval body 'acep'"),
    ],
)
def test_it_rejects_unknown_vocabulary(column: str, row: str, needle: str) -> None:
    problem = only_problem(with_row(row))

    assert (problem.row, problem.column) == (2, column)
    assert needle in problem.message


def test_it_rejects_topic_hours_over_the_activity_hours() -> None:
    problem = only_problem(with_row("A,B,2025-01-01,2,in-person,course,ethics=3,"))

    assert (problem.row, problem.column) == (2, "topics")
    assert "ethics=3 is more than the activity's 2 hours" in problem.message


def test_it_rejects_the_wrong_number_of_values() -> None:
    problem = only_problem(with_row("A,B,2025-01-01,2,in-person,course"))

    assert (problem.row, problem.column) == (2, None)
    assert "6 values for 8 columns" in problem.message


def test_it_rejects_missing_required_values() -> None:
    problems = problems_of(with_row(",B,,,,,,"))

    assert {(problem.row, problem.column) for problem in problems} == {
        (2, "title"),
        (2, "completed_on"),
        (2, "hours"),
        (2, "format"),
        (2, "kind"),
    }


def test_it_reads_a_byte_order_mark() -> None:
    [activity] = parse_activities_csv(("\ufeff" + with_row(GOOD_ROW)).encode())

    assert activity.title == "Ethics in practice"


def test_it_rejects_text_that_is_not_utf8() -> None:
    problem = only_problem(with_row("Café,B,2025-01-01,1,in-person,course,,").encode("latin-1"))

    assert (problem.row, problem.column) == (None, None)
    assert "not UTF-8" in problem.message


def test_it_rejects_an_empty_file() -> None:
    problem = only_problem(b"")

    assert problem.message == "the file is empty"


def test_a_header_alone_holds_no_activities() -> None:
    assert parse_activities_csv(HEADER + "\n") == []


def test_it_lists_every_problem_of_every_row() -> None:
    text = with_row(GOOD_ROW) + (
        "B,,2025-01-01,0,in-person,course,,\nC,,2025-02-30,1,online,course,,\n"
    )

    problems = problems_of(text)

    assert [(problem.row, problem.column) for problem in problems] == [
        (3, "hours"),
        (4, "completed_on"),
        (4, "format"),
    ]


def test_rows_are_numbered_as_in_a_spreadsheet() -> None:
    """A quoted title over two lines is one row; a blank row still counts."""
    text = (
        f'{HEADER}\n"Two\nlines",B,2025-01-01,1,in-person,course,,\n'
        "\n"
        "C,,2025-01-01,x,in-person,course,,\n"
    )

    problem = only_problem(text)

    assert (problem.row, problem.column) == (4, "hours")


def test_it_names_the_source_in_messages() -> None:
    problem = only_problem(b"", source="ledger.csv")

    assert str(problem) == "ledger.csv: the file is empty"


def test_it_parses_slug_and_slug_equals_hours_topics() -> None:
    shares, errors = parse_topics(" Ethics=3 ; trauma;; clinical-practice=1.25 ")

    assert shares == [
        TopicShare("ethics", 3.0),
        TopicShare("trauma", None),
        TopicShare("clinical-practice", 1.25),
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("ethics=0", "greater than 0"),
        ("ethics=-1", "greater than 0"),
        ("ethics=x", "not a number"),
        ("ethics;ethics=2", "listed twice"),
    ],
)
def test_it_rejects_bad_topic_entries(text: str, needle: str) -> None:
    _, errors = parse_topics(text)

    assert len(errors) == 1
    assert needle in errors[0]


def test_it_parses_body_and_body_colon_number_approvals() -> None:
    approvals, errors = parse_approvals("APA; nbcc:6361 ;board: LIC:42")

    assert approvals == [Approval("apa", ""), Approval("nbcc", "6361"), Approval("board", "LIC:42")]
    assert errors == []


def test_it_rejects_an_approval_body_listed_twice() -> None:
    _, errors = parse_approvals("nbcc;nbcc:6361")

    assert errors == ["approval body 'nbcc' is listed twice"]


def test_it_reads_an_optional_unit_column_for_academic_courses() -> None:
    text = (
        f"{HEADER},unit\n"
        "Statistics,State U,2024-12-15,3,in-person,academic-course,,university,semester-hour\n"
    )

    [activity] = parse_activities_csv(text)

    assert (activity.hours, activity.unit) == (3.0, "semester-hour")


def test_it_rejects_academic_units_for_other_kinds() -> None:
    text = f"{HEADER},unit\nA,B,2024-12-15,3,in-person,course,,,quarter-hour\n"

    problem = only_problem(text)

    assert (problem.row, problem.column) == (2, "unit")


def test_parse_hours_accepts_plain_decimals_only() -> None:
    assert [parse_hours(text) for text in ("3", "1.5", ".75", "2.50", "1.500")] == [
        parse_hours("3"),
        parse_hours("1.50"),
        parse_hours("0.75"),
        parse_hours("2.5"),
        parse_hours("1.5"),
    ]
    with pytest.raises(ValueError, match="two decimal places"):
        parse_hours("0.333")


def test_format_hours_writes_the_shortest_exact_decimal() -> None:
    assert [format_hours(value) for value in (3.0, 1.5, 0.25, 100.0, 999.99)] == [
        "3",
        "1.5",
        "0.25",
        "100",
        "999.99",
    ]


def test_writing_then_reading_gives_the_same_activities() -> None:
    activities = [
        Activity("1", "Ethics, law and you", "CAMFT", date(2025, 3, 14), 6.0, "live-online",
                 "course", (TopicShare("law-and-ethics", 6.0),), (Approval("aamft", ""),)),
        Activity("2", 'A "quoted" title', "", date(2024, 1, 2), 1.25, "self-study", "other"),
    ]  # fmt: skip

    text = write_activities_csv(activities)

    assert text.splitlines()[0] == HEADER
    assert [dataclasses.replace(item, id="") for item in parse_activities_csv(text)] == [
        dataclasses.replace(item, id="") for item in activities
    ]


def test_the_writer_adds_the_unit_column_only_when_needed() -> None:
    clock = Activity("1", "A", "", date(2025, 1, 1), 1.0, "in-person", "course")
    semester = dataclasses.replace(clock, kind="academic-course", unit="semester-hour")

    assert write_activities_csv([clock]).splitlines()[0] == HEADER
    assert write_activities_csv([clock, semester]).splitlines()[0] == f"{HEADER},unit"


# Property: any activity the ledger can hold survives a write and a read unchanged.
printable_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=80
).map(str.strip)
hundredths = st.integers(min_value=1, max_value=100_000).map(lambda cents: cents / 100)


@st.composite
def ledger_activities(draw: st.DrawFn) -> Activity:
    hours = draw(hundredths)
    slugs = draw(st.lists(st.sampled_from(TOPICS), unique=True, max_size=4))
    topics = tuple(
        TopicShare(
            slug,
            draw(
                st.none()
                | st.integers(min_value=1, max_value=int(hours * 100)).map(lambda c: c / 100)
            ),
        )
        for slug in slugs
    )
    bodies = draw(st.lists(st.sampled_from(APPROVAL_BODIES), unique=True, max_size=3))
    number = st.text(alphabet="ABC0123456789-: ", max_size=12).map(str.strip)
    approvals = tuple(Approval(body, draw(number)) for body in bodies)
    kind = draw(st.sampled_from(KINDS))
    unit = (
        draw(st.sampled_from(("clock-hour", "semester-hour")))
        if kind == "academic-course"
        else "clock-hour"
    )
    return Activity(
        id="",
        title=draw(printable_text.filter(bool)),
        provider=draw(printable_text),
        completed_on=draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))),
        hours=hours,
        format=draw(st.sampled_from(FORMATS)),
        kind=kind,
        topics=topics,
        approvals=approvals,
        unit=unit,
    )


@settings(deadline=None)  # no per-example time limit: CI machines are shared and slow
@given(st.lists(ledger_activities(), max_size=8))
def test_any_ledger_round_trips_through_csv(activities: list[Activity]) -> None:
    parsed = parse_activities_csv(write_activities_csv(activities))

    assert [dataclasses.replace(item, id="") for item in parsed] == activities
