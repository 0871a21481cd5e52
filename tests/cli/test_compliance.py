"""``lifelong compliance check``: a CSV file against a rule set, with no database at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lifelong.cli import app
from lifelong.rules.loader import catalog_text

LIFELONG = str(Path(sys.executable).with_name("lifelong"))  # the installed console script
HEADER = "title,provider,completed_on,hours,format,kind,topics,approvals\n"
# Texas LPC, cycle 2025-02-01 to 2027-01-31: 24 h with 6 h ethics and 3 h cultural competence,
# at least half from listed providers, and the jurisprudence exam to attest.
TX_COMPLIANT = HEADER + (
    "Ethics for counselors,Texas Counseling Association,2025-06-10,6,in-person,course,ethics,nbcc\n"
    "Cultural humility,APA,2025-09-01,3,live-online,course,cultural-competence,apa\n"
    "Trauma-focused CBT,PESI,2026-02-10,15,in-person,course,trauma,apa\n"
)
TX_SHORT = HEADER + (
    "Ethics for counselors,Texas Counseling Association,2025-06-10,4,in-person,course,ethics,nbcc\n"
    "Trauma-focused CBT,PESI,2026-02-10,15,in-person,course,trauma,apa\n"
)
TX = ["compliance", "check", "us-tx-lpc", "--expires", "2027-01-31"]

runner = CliRunner()


@pytest.fixture
def write(tmp_path: Path) -> Any:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_it_exits_0_and_says_compliant_when_everything_is_met(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)

    result = runner.invoke(app, [*TX, "--activities", str(csv), "--attested", "jurisprudence-exam"])

    assert result.exit_code == 0, result.output
    assert "Status:     COMPLIANT" in result.stdout
    assert "Cycle:      2025-02-01 to 2027-01-31 (deadline)" in result.stdout
    assert "[x] Pass the jurisprudence exam" in result.stdout
    assert result.stderr == ""


def test_it_exits_1_and_says_what_is_missing(write: Any) -> None:
    csv = write("ce.csv", TX_SHORT)

    result = runner.invoke(app, [*TX, "--activities", str(csv)])

    assert result.exit_code == 1
    assert "NOT COMPLIANT" in result.stdout
    assert "Ethics: 4.0 of 6.0 h counted, 2.0 h missing" in result.stdout
    assert "[ ] Pass the jurisprudence exam" in result.stdout


def test_json_has_the_verdict_shape(write: Any) -> None:
    csv = write("ce.csv", TX_SHORT)

    result = runner.invoke(app, [*TX, "--activities", str(csv), "--json"])

    assert result.exit_code == 1
    verdict = json.loads(result.stdout)
    assert verdict["ruleset"] == "us-tx-lpc"
    assert verdict["cycle"]["start"] == "2025-02-01"
    assert verdict["cycle"]["end"] == "2027-01-31"
    assert verdict["compliant"] is False
    total = next(item for item in verdict["requirements"] if item["id"] == "total")
    ethics = next(item for item in verdict["requirements"] if item["id"] == "ethics")
    assert total["topics"] == []
    assert (total["required_hours"], total["counted_hours"], total["deficit_hours"]) == (24, 19, 5)
    assert total["met"] is False
    assert ethics["topics"] == ["ethics", "law-and-ethics"]
    assert ethics["deficit_hours"] == 2
    assert ethics["activities"] == [
        {"activity_id": "row-2", "title": "Ethics for counselors", "hours": 4.0}
    ]
    assert isinstance(verdict["excluded"], list)
    assert isinstance(verdict["carry_over_out_hours"], float)
    assert verdict["next_steps"]
    assert all(isinstance(step, str) for step in verdict["next_steps"])


def test_excluded_activities_are_listed_with_the_reason(write: Any) -> None:
    csv = write(
        "ce.csv",
        TX_COMPLIANT + "Podcast series,Self,2026-03-01,4,self-study,course,clinical-practice,\n",
    )

    verdict = json.loads(runner.invoke(app, [*TX, "--activities", str(csv), "--json"]).stdout)

    excluded = [item for item in verdict["excluded"] if item["title"] == "Podcast series"]
    assert excluded
    assert all(item["reason"] for item in excluded)


def test_roles_add_the_requirements_that_come_with_them(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    attested = ["--attested", "jurisprudence-exam"]

    result = runner.invoke(
        app, [*TX, "--activities", str(csv), *attested, "--role", "supervisor", "--json"]
    )

    assert result.exit_code == 1
    ids = [item["id"] for item in json.loads(result.stdout)["requirements"]]
    assert "supervision" in ids


def test_carry_over_is_worked_out_from_the_previous_cycle_unless_given(write: Any) -> None:
    csv = write(
        "ce.csv",
        HEADER
        + "Big conference,ACA,2024-03-01,40,in-person,conference,clinical-practice,nbcc\n"
        + "Ethics,ACA,2025-06-10,6,in-person,course,ethics,nbcc\n"
        + "Cultural humility,APA,2025-09-01,3,live-online,course,cultural-competence,apa\n"
        + "Trauma,PESI,2026-02-10,5,in-person,course,trauma,apa\n",
    )
    base = [*TX, "--activities", str(csv), "--attested", "jurisprudence-exam", "--json"]

    worked_out = runner.invoke(app, base)
    none_carried = runner.invoke(app, [*base, "--carry-over-hours", "0"])

    assert json.loads(worked_out.stdout)["carry_over_in_hours"] == 10
    assert worked_out.exit_code == 0, worked_out.stdout
    assert json.loads(none_carried.stdout)["carry_over_in_hours"] == 0
    assert none_carried.exit_code == 1


def test_a_first_renewal_can_be_stated(write: Any) -> None:
    csv = write(
        "ce.csv", HEADER + "Law and ethics,CAMFT,2025-05-01,6,in-person,course,law-and-ethics,\n"
    )
    lmft = [
        "compliance",
        "check",
        "us-ca-lmft",
        "--expires",
        "2025-06-30",
        "--activities",
        str(csv),
    ]

    later = json.loads(runner.invoke(app, [*lmft, "--json"]).stdout)
    first = json.loads(runner.invoke(app, [*lmft, "--first-renewal", "--json"]).stdout)

    assert first["cycle"]["first_renewal"] is True
    assert later["cycle"]["first_renewal"] is False
    total = {
        verdict["cycle"]["first_renewal"]: verdict["requirements"][0] for verdict in (first, later)
    }
    assert total[True]["required_hours"] == 18
    assert total[False]["required_hours"] == 36


def test_a_requirement_met_before_the_file_counts_as_met(write: Any) -> None:
    csv = write(
        "ce.csv", HEADER + "Law and ethics,CAMFT,2025-05-01,6,in-person,course,law-and-ethics,\n"
    )
    lmft = [
        "compliance",
        "check",
        "us-ca-lmft",
        "--expires",
        "2025-06-30",
        "--activities",
        str(csv),
    ]

    before = json.loads(runner.invoke(app, [*lmft, "--json"]).stdout)
    after = json.loads(
        runner.invoke(app, [*lmft, "--completed-once", "telehealth", "--json"]).stdout
    )

    def telehealth(verdict: dict[str, Any]) -> dict[str, Any]:
        return next(item for item in verdict["requirements"] if item["id"] == "telehealth")

    assert telehealth(before)["met"] is False
    assert telehealth(after)["met"] is True


def test_it_reads_the_activities_from_standard_input() -> None:
    result = runner.invoke(
        app, [*TX, "--activities", "-", "--attested", "jurisprudence-exam"], input=TX_COMPLIANT
    )

    assert result.exit_code == 0, result.output


# Bad input: exit code 2, a message on stderr, nothing on stdout.


def bad_input(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return str(result.stderr)


def test_it_names_the_file_row_and_column_of_every_csv_problem(write: Any) -> None:
    csv = write(
        "ce.csv",
        HEADER
        + "Fine,,2026-01-10,2,in-person,course,ethics,\n"
        + "Negative,,2026-01-11,-1,in-person,course,ethics,\n"
        + "Two problems,,2026-13-01,2,online,course,ethics,\n",
    )

    message = bad_input(runner.invoke(app, [*TX, "--activities", str(csv)]))

    assert f"{csv}, row 3, column hours: hours cannot be negative (-1)" in message
    assert f"{csv}, row 4, column completed_on: '2026-13-01' is not a date as YYYY-MM-DD" in message
    assert f"{csv}, row 4, column format: unknown format 'online'" in message
    assert f"3 problems in {csv}" in message


def test_it_refuses_an_unknown_column(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT.replace("approvals", "approved_by", 1))

    message = bad_input(runner.invoke(app, [*TX, "--activities", str(csv)]))

    assert f"{csv}, row 1, column approved_by: unknown column" in message


def test_it_refuses_an_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"

    message = bad_input(runner.invoke(app, [*TX, "--activities", str(missing)]))

    assert f"{missing}: cannot read the activities file" in message


def test_it_refuses_an_unknown_rule_set_and_lists_the_known_ones(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    args = ["compliance", "check", "us-xx-lpc", "--expires", "2027-01-31", "--activities", str(csv)]

    message = bad_input(runner.invoke(app, args))

    assert "unknown rule set 'us-xx-lpc'" in message
    assert "us-tx-lpc" in message
    assert "us-ca-lmft" in message


@pytest.mark.parametrize("value", ["2027-02-30", "31/01/2027", "2027-1-31", "soon"])
def test_it_refuses_a_deadline_that_is_not_a_date(write: Any, value: str) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    args = ["compliance", "check", "us-tx-lpc", "--expires", value, "--activities", str(csv)]

    message = bad_input(runner.invoke(app, args))

    assert f"--expires: {value!r} is not a date as YYYY-MM-DD" in message


def test_it_refuses_a_role_the_rule_set_does_not_have(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)

    message = bad_input(runner.invoke(app, [*TX, "--activities", str(csv), "--role", "chef"]))

    assert "--role: us-tx-lpc has no role 'chef' (roles: supervisor)" in message


def test_it_refuses_unknown_conditions_and_one_time_items(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    args = [*TX, "--activities", str(csv), "--attested", "moon", "--completed-once", "nothing"]

    message = bad_input(runner.invoke(app, args))

    assert "--attested: us-tx-lpc has no condition 'moon'" in message
    assert "--completed-once: 'nothing' is neither" in message


def test_it_refuses_an_issue_date_after_the_deadline(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)

    message = bad_input(
        runner.invoke(app, [*TX, "--activities", str(csv), "--issued", "2028-01-01"])
    )

    assert "--issued 2028-01-01 is after --expires 2027-01-31" in message


# Your own rule-set file.


def own_ruleset(write: Any, ruleset_id: str = "my-tx-lpc", total: int = 24) -> Path:
    text = catalog_text("us-tx-lpc").replace('id = "us-tx-lpc"', f'id = "{ruleset_id}"', 1)
    text = text.replace("total_hours = 24", f"total_hours = {total}", 1)
    return Path(write(f"{ruleset_id}.toml", text))


def test_it_checks_against_your_own_rule_set_file(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    stricter = own_ruleset(write, total=30)
    args = ["compliance", "check", "my-tx-lpc", "--expires", "2027-01-31", "--activities", str(csv)]

    result = runner.invoke(app, [*args, "--ruleset-file", str(stricter), "--json"])

    assert result.exit_code == 1
    verdict = json.loads(result.stdout)
    assert verdict["ruleset"] == "my-tx-lpc"
    assert verdict["requirements"][0]["required_hours"] == 30


def test_the_rule_set_file_must_have_the_id_given(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    mine = own_ruleset(write)

    message = bad_input(
        runner.invoke(app, [*TX, "--activities", str(csv), "--ruleset-file", str(mine)])
    )

    assert f"{mine} defines the rule set 'my-tx-lpc', not 'us-tx-lpc'" in message


def test_it_lists_every_problem_of_a_broken_rule_set_file(write: Any) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    broken = own_ruleset(write).read_text().replace("total_hours = 24", "total_hours = -3")
    path = write("broken.toml", broken)
    line = broken.splitlines().index("total_hours = -3") + 1
    args = ["compliance", "check", "my-tx-lpc", "--expires", "2027-01-31", "--activities", str(csv)]

    message = bad_input(runner.invoke(app, [*args, "--ruleset-file", str(path)]))

    assert f"{path}:{line}: total_hours: Input should be greater than or equal to 0" in message


# The installed command, with no database anywhere.


def test_the_installed_command_checks_without_django_or_a_database(
    write: Any, tmp_path: Path
) -> None:
    csv = write("ce.csv", TX_SHORT)
    data_dir = tmp_path / "no-data-dir"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env["LIFELONG_DATA_DIR"] = str(data_dir)

    result = subprocess.run(
        [LIFELONG, *TX, "--activities", str(csv), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["compliant"] is False
    assert not data_dir.exists()  # the settings module, which creates it, was never imported
    assert not (tmp_path / "data").exists()


def test_the_check_never_imports_django(write: Any, tmp_path: Path) -> None:
    csv = write("ce.csv", TX_COMPLIANT)
    program = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from lifelong.cli import app\n"
        f"args = {[*TX, '--activities', str(csv), '--attested', 'jurisprudence-exam']!r}\n"
        "result = CliRunner().invoke(app, args)\n"
        "assert result.exit_code == 0, result.output\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'django')\n"
        "print(loaded)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}

    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
