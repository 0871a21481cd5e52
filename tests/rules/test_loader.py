"""The rule-set loader: catalog integrity, and problems located by file, line and field."""

from __future__ import annotations

import random
import re
import textwrap
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from lifelong.rules.loader import (
    CATALOG_PACKAGE,
    Problem,
    RuleSetError,
    UnknownRuleSet,
    catalog_ids,
    catalog_text,
    get_ruleset,
    load_catalog,
    locate_keys,
    parse_ruleset,
    validate_ruleset_text,
)
from lifelong.rules.schema import RuleSet

CATALOG_IDS = {
    "us-ca-lmft",
    "us-ca-lcsw",
    "us-ca-lpcc",
    "us-ca-psychologist",
    "us-tx-lpc",
    "us-ny-lmhc",
    "us-ny-lcsw",
    "us-fl-lmhc",
    "us-il-lcpc",
    "us-mi-lmsw",
    "us-oh-lpc",
    "us-pa-lpc",
    "us-wa-lmhc",
    "nbcc-ncc",
}

# A small valid rule set; the tests below break it in one place at a time. Line numbers in
# the assertions refer to this text (line 1 is `id = ...`).
VALID = textwrap.dedent(
    """\
    id = "test-board"
    title = "Test board"
    jurisdiction = "US-XX"
    board = "Test Board"
    credential = "Test credential"
    effective_from = 2024-01-01
    verified_on = 2026-11-27
    total_hours = 30
    roles = ["supervisor"]

    [cycle]
    length_months = 24

    [[sources]]
    url = "https://example.org/rule"
    title = "Rule"
    retrieved = 2026-01-01

    [[requirements]]
    id = "ethics"
    title = "Ethics"
    topics = ["ethics"]
    hours = 3

    [[requirements]]
    id = "supervision"
    title = "Supervision"
    topics = [
      "supervision",
      "clinical-practice",
    ]
    hours = 6
    roles = ["supervisor"]

    [[limits]]
    id = "self-study"
    title = "Self-study"
    formats = ["self-study"]
    max_hours = 10
    """
)


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``fragment``."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[occurrence - 1]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


# --- the catalog -----------------------------------------------------------------------------


def test_catalog_has_exactly_the_expected_rule_sets() -> None:
    assert set(load_catalog()) == CATALOG_IDS
    assert catalog_ids() == sorted(CATALOG_IDS)


def test_every_catalog_file_parses_and_its_id_matches_the_file_name() -> None:
    files = [
        entry
        for entry in resources.files(CATALOG_PACKAGE).iterdir()
        if entry.name.endswith(".toml")
    ]
    assert {entry.name.removesuffix(".toml") for entry in files} == CATALOG_IDS
    for entry in files:
        text = entry.read_text(encoding="utf-8")
        assert validate_ruleset_text(text, entry.name) == [], entry.name
        ruleset = parse_ruleset(text, entry.name)
        assert ruleset.id == entry.name.removesuffix(".toml")


@pytest.mark.parametrize("ruleset_id", sorted(CATALOG_IDS))
def test_catalog_rule_set_is_sourced_dated_and_marks_uncertainty(ruleset_id: str) -> None:
    ruleset = load_catalog()[ruleset_id]
    assert ruleset.sources, "every rule set cites its sources"
    for source in ruleset.sources:
        assert source.url.startswith(("http://", "https://")), source.url
        assert isinstance(source.retrieved, date)
        assert source.retrieved <= ruleset.verified_on, source.url
    assert ruleset.verified_on == date(2026, 11, 27)
    assert ruleset.effective_from <= ruleset.verified_on
    assert ruleset.title
    assert len(ruleset.title) <= 40
    assert ruleset.jurisdiction == ("US" if ruleset_id == "nbcc-ncc" else ruleset_id[:5].upper())
    # Every catalog entry has open questions, said in plain language.
    assert ruleset.uncertain
    texts: list[str | None] = [
        *ruleset.uncertain,
        *(item.uncertain for item in ruleset.requirements),
        *(item.uncertain for item in ruleset.limits),
        *(item.uncertain for item in ruleset.conditions),
    ]
    for text in texts:
        if text is not None:
            assert text.strip(), ruleset_id
            assert text.rstrip().endswith((".", ")")), text
    # The topic minimums due every cycle fit inside the total.
    every_cycle = sum(
        item.hours
        for item in ruleset.requirements
        if item.frequency == "every-cycle" and item.counts_toward_total and not item.roles
    )
    assert every_cycle <= ruleset.total_hours


def test_catalog_facts_spot_checks() -> None:
    catalog = load_catalog()
    assert catalog["us-ca-lmft"].first_renewal.total_hours == 18
    assert catalog["us-tx-lpc"].carry_over.max_hours == 10
    assert catalog["us-ny-lmhc"].first_renewal.exempt
    assert catalog["us-ny-lmhc"].providers.accepted == ["ny-sed"]
    assert catalog["us-il-lcpc"].hour_minutes == 50
    assert catalog["us-oh-lpc"].credit_conversions == {"semester-hour": 15, "quarter-hour": 10}
    florida = catalog["us-fl-lmhc"].cycle
    assert (florida.deadline, florida.month, florida.day, florida.years) == (
        "fixed-date",
        3,
        31,
        "odd",
    )
    supervision = next(r for r in catalog["us-il-lcpc"].requirements if r.id.startswith("super"))
    assert (supervision.frequency, supervision.due_cycle, supervision.hours) == ("once", 2, 9)
    suicide = next(r for r in catalog["us-wa-lmhc"].requirements if r.id == "suicide-prevention")
    assert (suicide.frequency, suicide.every, suicide.window) == ("every-nth-cycle", 3, "rolling")
    implicit = next(r for r in catalog["us-mi-lmsw"].requirements if r.id == "implicit-bias")
    assert (implicit.frequency, implicit.hours) == ("per-year", 1)


def test_catalog_text_round_trips() -> None:
    text = catalog_text("us-tx-lpc")
    assert text.lstrip().startswith("#")
    assert parse_ruleset(text, "us-tx-lpc.toml") == load_catalog()["us-tx-lpc"]


def test_catalog_is_cached() -> None:
    assert load_catalog() is load_catalog()


def test_unknown_rule_set_lists_the_known_ids() -> None:
    with pytest.raises(UnknownRuleSet) as caught:
        get_ruleset("us-zz-lpc")
    message = str(caught.value)
    assert "us-zz-lpc" in message
    assert "us-ca-lmft" in message
    assert "nbcc-ncc" in message
    with pytest.raises(UnknownRuleSet):
        catalog_text("us-zz-lpc")


def test_get_ruleset_prefers_the_users_own_rule_sets() -> None:
    own = parse_ruleset(VALID, "own.toml")
    assert get_ruleset("us-ny-lmhc").id == "us-ny-lmhc"
    assert get_ruleset("test-board", {"test-board": own}) is own
    edited = own.model_copy(update={"id": "us-ny-lmhc"})
    assert get_ruleset("us-ny-lmhc", {"us-ny-lmhc": edited}) is edited
    with pytest.raises(UnknownRuleSet) as caught:
        get_ruleset("missing", {"test-board": own})
    assert "test-board" in str(caught.value)


# --- a valid file ------------------------------------------------------------------------------


def test_valid_text_has_no_problems() -> None:
    assert validate_ruleset_text(VALID, "own.toml") == []
    ruleset = parse_ruleset(VALID, "own.toml")
    assert isinstance(ruleset, RuleSet)
    assert [r.id for r in ruleset.requirements] == ["ethics", "supervision"]


def test_problem_reads_file_line_field_message() -> None:
    problem = Problem("file.toml", 14, "requirements[2].hours", "Input should be greater than 0")
    assert str(problem) == "file.toml:14: requirements[2].hours: Input should be greater than 0"
    assert str(Problem("file.toml", None, "total_hours", "Field required")) == (
        "file.toml: total_hours: Field required"
    )
    assert str(Problem("file.toml", 3, "", "TOML syntax error: x")) == (
        "file.toml:3: TOML syntax error: x"
    )


# --- located problems --------------------------------------------------------------------------


def test_type_error_is_reported_on_the_line_of_the_key() -> None:
    text = VALID.replace("hours = 6", 'hours = "six"')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.line == line_of(text, 'hours = "six"')
    assert problem.field == "requirements[1].hours"
    assert 'requirement "supervision"' in problem.message
    assert str(problem).startswith(f"own.toml:{problem.line}: requirements[1].hours: ")


def test_out_of_range_value() -> None:
    text = VALID.replace("\nhours = 3\n", "\nhours = 0\n")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "hours = 0"), "requirements[0].hours")
    assert "greater than 0" in problem.message


def test_missing_field_is_reported_on_the_enclosing_table_header() -> None:
    text = VALID.replace('topics = ["ethics"]\nhours = 3\n', 'topics = ["ethics"]\n')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.field == "requirements[0].hours"
    assert problem.message.startswith("Field required")
    assert problem.line == line_of(text, "[[requirements]]", 1)


def test_missing_top_level_field_has_no_line() -> None:
    text = VALID.replace("total_hours = 30\n", "")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field, problem.message) == (None, "total_hours", "Field required")


def test_missing_field_in_a_table() -> None:
    text = VALID.replace("length_months = 24\n", "")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "[cycle]"), "cycle.length_months")


def test_unknown_field_is_reported_on_its_line() -> None:
    text = VALID.replace("max_hours = 10", "max_hours = 10\nmax_hour = 12")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "max_hour = 12"), "limits[0].max_hour")
    assert "unknown field 'max_hour'" in problem.message
    assert 'limit "self-study"' in problem.message


def test_unknown_top_level_field() -> None:
    text = VALID.replace("total_hours = 30", "total_hours = 30\ntotal_hourz = 30")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "total_hourz"), "total_hourz")


def test_unknown_topic_slug_is_reported_on_the_array_element_line() -> None:
    text = VALID.replace('  "clinical-practice",', '  "clinical-practise",')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.line == line_of(text, '"clinical-practise"')
    assert problem.field == "requirements[1].topics[1]"
    assert "'clinical-practise' is not allowed" in problem.message
    assert "'clinical-practice'" in problem.message  # the allowed values are listed


def test_bad_enum_value_in_a_table() -> None:
    text = VALID.replace("length_months = 24", 'length_months = 24\ndeadline = "birthday"')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "birthday"), "cycle.deadline")


def test_bad_credit_unit_key() -> None:
    text = VALID.replace(
        "total_hours = 30", "total_hours = 30\ncredit_conversions = { semester-hours = 15 }"
    )
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.line == line_of(text, "credit_conversions")
    assert problem.field == "credit_conversions.semester-hours"
    assert "'semester-hours' is not allowed" in problem.message


def test_bad_date() -> None:
    text = VALID.replace("retrieved = 2026-01-01", 'retrieved = "last spring"')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "last spring"), "sources[0].retrieved")


@pytest.mark.parametrize(
    ("broken", "needle"),
    [
        ("total_hours = 30\nflag = \n", "flag = "),
        ('title = "Test board', 'title = "Test board'),
        ("[cycle\n", "[cycle"),
        ("total_hours = 30\ntotal_hours = 31\n", "total_hours = 31"),
    ],
)
def test_toml_syntax_error_has_its_line(broken: str, needle: str) -> None:
    if broken.startswith("total_hours"):
        text = VALID.replace("total_hours = 30\n", broken)
    elif broken.startswith("title"):
        text = VALID.replace('title = "Test board"', broken)
    else:
        text = VALID.replace("[cycle]\n", broken)
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.line == line_of(text, needle)
    assert problem.field == ""
    assert problem.message.startswith("TOML syntax error: ")
    assert "(at line" not in problem.message
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(text, "own.toml")
    assert caught.value.problems == [problem]


def test_syntax_error_at_end_of_file() -> None:
    text = VALID + 'note = """never closed\n'
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.line is not None
    assert problem.message.startswith("TOML syntax error: ")


def test_duplicate_ids_are_reported_on_the_second_id() -> None:
    text = VALID.replace('id = "self-study"', 'id = "ethics"')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.field == "limits[0].id"
    assert problem.line == line_of(text, 'id = "ethics"', 2)
    assert "requirements[0].id" in problem.message
    first_line = line_of(text, 'id = "ethics"', 1)
    assert f"line {first_line}" in problem.message


def test_reserved_total_id() -> None:
    text = VALID.replace('id = "ethics"', 'id = "total"')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, 'id = "total"'), "requirements[0].id")
    assert "reserved" in problem.message


def test_undeclared_role_is_reported_on_the_role() -> None:
    text = VALID.replace('roles = ["supervisor"]\n\n[cycle]', "\n[cycle]")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.line == line_of(text, 'roles = ["supervisor"]')
    assert problem.field == "requirements[1].roles[0]"
    assert "'supervisor' is not declared" in problem.message


def test_effective_until_before_effective_from() -> None:
    text = VALID.replace("effective_from = 2024-01-01", "effective_from = 2024-01-01\n"
                         "effective_until = 2023-01-01")  # fmt: skip
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "effective_until"), "effective_until")


def test_model_validator_error_inside_a_table() -> None:
    text = VALID.replace("length_months = 24", 'length_months = 24\ndeadline = "fixed-date"')
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "[cycle]"), "cycle")
    assert problem.message == "a fixed-date deadline needs 'month' and 'day'"


def test_model_validator_error_inside_an_array_item() -> None:
    text = VALID.replace("hours = 3\n", "hours = 3\nevery = 3\n")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "[[requirements]]"), "requirements[0]")
    assert "'every' is only for" in problem.message
    assert 'requirement "ethics"' in problem.message


def test_limit_without_a_selector() -> None:
    text = VALID.replace('formats = ["self-study"]\n', "")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert (problem.line, problem.field) == (line_of(text, "[[limits]]"), "limits[0]")


def test_every_problem_is_reported_in_line_order() -> None:
    text = (
        VALID.replace("total_hours = 30", "total_hours = -1")
        .replace("length_months = 24", "length_months = 24\ncolour = 'blue'")
        .replace('topics = ["ethics"]', 'topics = ["ethic"]')
        .replace("hours = 6", "hours = 6\nfrequency = 'sometimes'")
        .replace("max_hours = 10", "max_hours = 'ten'")
    )
    problems = validate_ruleset_text(text, "own.toml")
    assert [(p.line, p.field) for p in problems] == [
        (line_of(text, "total_hours"), "total_hours"),
        (line_of(text, "colour"), "cycle.colour"),
        (line_of(text, '"ethic"'), "requirements[0].topics[0]"),
        (line_of(text, "sometimes"), "requirements[1].frequency"),
        (line_of(text, "'ten'"), "limits[0].max_hours"),
    ]
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(text, "own.toml")
    assert caught.value.problems == problems
    assert str(caught.value).splitlines()[0] == "5 problems in the rule set"
    assert str(caught.value).splitlines()[1] == str(problems[0])


def test_wrong_shape_is_reported() -> None:
    text = VALID.replace("[[limits]]", "[limits]")
    problems = validate_ruleset_text(text, "own.toml")
    assert problems
    assert problems[0].field == "limits"
    assert problems[0].line == line_of(text, "[limits]")


# --- the locator -------------------------------------------------------------------------------


def test_locator_handles_inline_tables_dotted_keys_and_multiline_values() -> None:
    text = textwrap.dedent(
        """\
        # comment with = and [brackets]
        id = "x"  # trailing comment
        notes = [
          "first [not a table]",
          '''multi
        line = "not a key"
        ''',
        ]
        cycle.length_months = 24
        "quoted key" = 1
        sources = [
          { url = "https://a", title = "A", retrieved = 2026-01-01 },
          { url = "https://b",
            title = "B", retrieved = 2026-01-01 },
        ]
        text = \"\"\"
        [[requirements]]
        \"\"\"

        [[requirements]]
        id = "a"

        [[requirements]]
        id = "b"
        hours = 1

        [[requirements.extra]]
        name = "nested"

        [providers]
        accepted = ["apa"]
        """
    )
    positions = locate_keys(text)
    assert positions[("id",)] == 2
    assert positions[("notes", 0)] == 4
    assert positions[("notes", 1)] == 5
    assert positions[("cycle",)] == 9
    assert positions[("cycle", "length_months")] == 9
    assert positions[("quoted key",)] == 10
    assert positions[("sources", 0, "url")] == 12
    assert positions[("sources", 1)] == 13
    assert positions[("sources", 1, "title")] == 14
    assert positions[("text",)] == 16
    assert positions[("requirements", 0)] == 20
    assert positions[("requirements", 1)] == 23
    assert positions[("requirements", 1, "hours")] == 25
    assert positions[("requirements", 1, "extra", 0)] == 27
    assert positions[("requirements", 1, "extra", 0, "name")] == 28
    assert positions[("providers", "accepted", 0)] == 31
    assert ("requirements", 2) not in positions


def test_locator_handles_crlf_line_endings() -> None:
    text = VALID.replace("\nhours = 3\n", "\nhours = -3\n").replace("\n", "\r\n")
    problem = only(validate_ruleset_text(text, "own.toml"))
    assert problem.line == line_of(text, "hours = -3") == 23


# --- the examples in docs/rules.md -----------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def docs_examples() -> dict[str, str]:
    """The complete rule sets in docs/rules.md's ```toml blocks, by id."""
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return {tomllib.loads(block)["id"]: block for block in blocks}


def test_docs_examples_are_valid_rule_sets() -> None:
    examples = docs_examples()
    assert set(examples) == {"my-board-lpc", "ny-style-lmhc", "fl-style-lmhc", "tx-style-lpc"}
    for ruleset_id, text in examples.items():
        assert validate_ruleset_text(text, f"{ruleset_id}.toml") == [], ruleset_id


def test_docs_list_every_catalog_rule_set() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for ruleset_id in CATALOG_IDS:
        assert f"| `{ruleset_id}` " in text, ruleset_id


def test_locator_finds_every_key_of_mutated_catalog_files() -> None:
    """Random edits of real files: whenever tomllib accepts the result, every key and array
    element is located, and validation never raises."""
    rng = random.Random(20261127)
    texts = [catalog_text(ruleset_id) for ruleset_id in sorted(CATALOG_IDS)]
    pieces = [*"[]{}\"'=.,#\n \\ab1-", '"""', "'''", "[[", "]]"]
    parsed = 0
    for _ in range(400):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text))
            if rng.random() < 0.5:
                text = text[:at] + rng.choice(pieces) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 5) :]
        validate_ruleset_text(text, "mutated.toml")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue
        parsed += 1
        positions = locate_keys(text)
        stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
        while stack:
            path, value = stack.pop()
            if path:
                assert path in positions, path
            if isinstance(value, dict):
                stack.extend(((*path, key), item) for key, item in value.items())
            elif isinstance(value, list):
                stack.extend(((*path, index), item) for index, item in enumerate(value))
    assert parsed > 100
