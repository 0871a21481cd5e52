"""``lifelong rules list``, ``show`` and ``validate``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from lifelong.cli import app
from lifelong.rules.loader import catalog_text, load_catalog

runner = CliRunner()


def test_list_shows_every_catalog_rule_set_with_its_verification_date() -> None:
    result = runner.invoke(app, ["rules", "list"])

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "JURISDICTION", "VERIFIED"]
    for ruleset in load_catalog().values():
        row = next(line for line in lines if line.startswith(f"{ruleset.id} "))
        assert ruleset.title in row
        assert ruleset.jurisdiction in row
        assert ruleset.verified_on.isoformat() in row
    assert "? = some facts are uncertain" in result.stdout


def test_list_marks_the_rule_sets_with_uncertain_facts() -> None:
    result = runner.invoke(app, ["rules", "list"])

    lmft = next(line for line in result.stdout.splitlines() if line.startswith("us-ca-lmft "))
    assert lmft.endswith("?")


def test_list_as_json() -> None:
    result = runner.invoke(app, ["rules", "list", "--json"])

    entries = json.loads(result.stdout)
    assert [entry["id"] for entry in entries] == sorted(load_catalog())
    lmft = next(entry for entry in entries if entry["id"] == "us-ca-lmft")
    assert lmft == {
        "id": "us-ca-lmft",
        "title": "California LMFT",
        "jurisdiction": "US-CA",
        "board": load_catalog()["us-ca-lmft"].board,
        "credential": load_catalog()["us-ca-lmft"].credential,
        "verified_on": "2026-11-27",
        "uncertain": True,
    }


def test_show_describes_the_rule_set_with_sources_and_uncertain_facts() -> None:
    ruleset = load_catalog()["us-tx-lpc"]

    result = runner.invoke(app, ["rules", "show", "us-tx-lpc"])

    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("us-tx-lpc: Texas LPC\n")
    assert f"Board:        {ruleset.board}" in text
    assert "24 h in total per cycle." in text
    assert "  - ethics: Ethics, 6 h" in text
    assert "Topics that count: Ethics or Law and ethics." in text
    assert "  - self-study: Self-study" in text
    assert "  - jurisprudence-exam: Pass the jurisprudence exam" in text
    assert "Roles (pass with --role when they describe you): supervisor" in text
    for source in ruleset.sources:
        assert source.url in text
    for fact in ruleset.uncertain:
        assert f"? {fact}" in text
    assert "? Uncertain: The sources do not define self-study" in text


def test_show_prints_the_raw_toml() -> None:
    result = runner.invoke(app, ["rules", "show", "us-ca-lmft", "--toml"])

    assert result.exit_code == 0
    assert result.stdout == catalog_text("us-ca-lmft")


def test_show_refuses_an_unknown_id_and_lists_the_known_ones() -> None:
    result = runner.invoke(app, ["rules", "show", "us-xx"])

    assert result.exit_code == 2
    assert "unknown rule set 'us-xx'" in result.stderr
    assert "us-tx-lpc" in result.stderr


def test_validate_says_ok_for_valid_files(tmp_path: Path) -> None:
    first = tmp_path / "tx.toml"
    first.write_text(catalog_text("us-tx-lpc"))
    second = tmp_path / "lmft.toml"
    second.write_text(catalog_text("us-ca-lmft"))

    result = runner.invoke(app, ["rules", "validate", str(first), str(second)])

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"{first}: OK", f"{second}: OK"]


def test_validate_prints_every_problem_with_its_line(tmp_path: Path) -> None:
    text = catalog_text("us-tx-lpc")
    text = text.replace("total_hours = 24", "total_hours = -3", 1)
    text = text.replace('id = "ethics"\n', 'id = "ethics"\nhourz = 6\n', 1)
    broken = tmp_path / "broken.toml"
    broken.write_text(text)
    lines = text.splitlines()
    total_line = lines.index("total_hours = -3") + 1
    typo_line = lines.index("hourz = 6") + 1

    result = runner.invoke(app, ["rules", "validate", str(broken)])

    assert result.exit_code == 1
    assert f"{broken}:{total_line}: total_hours: Input should be greater than or equal to 0" in (
        result.stdout
    )
    assert f"{broken}:{typo_line}: requirements[0].hourz: unknown field 'hourz'" in result.stdout
    assert "OK" not in result.stdout


def test_validate_reports_a_toml_syntax_error_on_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "syntax.toml"
    broken.write_text('id = "x"\ntitle = "unclosed\n')

    result = runner.invoke(app, ["rules", "validate", str(broken)])

    assert result.exit_code == 1
    assert result.stdout.startswith(f"{broken}:2: TOML syntax error")


def test_validate_checks_every_file_and_exits_1_when_one_is_invalid(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(catalog_text("us-tx-lpc"))
    bad = tmp_path / "bad.toml"
    bad.write_text(catalog_text("us-tx-lpc").replace("length_months = 24", "length_months = 0"))

    result = runner.invoke(app, ["rules", "validate", str(bad), str(good)])

    assert result.exit_code == 1
    assert f"{good}: OK" in result.stdout
    assert f"{bad}:" in result.stdout


def test_validate_exits_2_when_a_file_cannot_be_read(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(catalog_text("us-tx-lpc"))
    missing = tmp_path / "missing.toml"
    latin = tmp_path / "latin.toml"
    latin.write_bytes('title = "Café"'.encode("latin-1"))

    result = runner.invoke(app, ["rules", "validate", str(good), str(missing), str(latin)])

    assert result.exit_code == 2
    assert f"{good}: OK" in result.stdout
    assert f"{missing}: cannot read the file: No such file or directory" in result.stderr
    assert f"{latin}: cannot read the file: not UTF-8 text" in result.stderr
