"""``lifelong certificate read FILE... [--json]``: what is read from each certificate, with no
database at all; exit 2 (with the reason) for a file that is not a readable certificate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lifelong.cli import app
from tests.credits.certificates.conftest import EXPECTED_FIELDS
from tests.credits.certificates.make_certificates import build

runner = CliRunner()
JSON_FIELDS = ["title", "provider", "participant", "completed_on", "hours", "format", "approvals"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build(tmp_path_factory.mktemp("certificates"))


def test_json_has_one_object_per_file_with_fields_confidence_and_evidence(
    files: dict[str, Path],
) -> None:
    names = ["apa_sponsor", "florida_ce_broker", "university_course"]

    result = runner.invoke(app, ["certificate", "read", "--json", *(str(files[n]) for n in names)])

    assert result.exit_code == 0, result.output
    readings = json.loads(result.stdout)
    assert [reading["file"] for reading in readings] == [str(files[name]) for name in names]
    for name, reading in zip(names, readings, strict=True):
        assert set(reading) == {"file", "fields", "confidence", "evidence"}
        for field in JSON_FIELDS:
            assert reading["fields"][field] == EXPECTED_FIELDS[name][field], (name, field)
            assert 0 < reading["confidence"][field] <= 1
            assert reading["evidence"][field]
    apa = readings[0]
    assert apa["fields"]["completed_on"] == "2026-03-03"
    assert apa["fields"]["hours"] == 3.0
    assert "approved by the American Psychological Association" in apa["evidence"]["approvals"]


def test_text_output_shows_each_field_how_sure_and_where_from(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["certificate", "read", str(files["nbcc_home_study"])])

    assert result.exit_code == 0, result.output
    assert f"{files['nbcc_home_study']}:" in result.stdout
    assert "completed_on  2026-03-03  [sure, 0.95]" in result.stdout
    assert "read from: 'Date Completed: 03/03/2026'" in result.stdout
    assert "approvals     nbcc 6361  [sure, 0.95]" in result.stdout


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("encrypted", "The PDF is encrypted"),
        ("javascript", "script or automatic action"),
        ("truncated", "damaged or incomplete"),
        ("png_named_pdf", "named as a PDF but its content is a PNG image"),
        ("text_named_png", "not a PDF, PNG or JPEG"),
        ("decompression_bomb", "20,000 x 20,000 pixels"),
        ("image_png", "Lifelong reads text from PDFs only"),
    ],
)
def test_an_unreadable_file_exits_2_with_the_reason_and_the_others_are_still_printed(
    files: dict[str, Path], fixture: str, reason: str
) -> None:
    result = runner.invoke(
        app, ["certificate", "read", "--json", str(files[fixture]), str(files["ny_sed"])]
    )

    assert result.exit_code == 2
    assert f"error: {files[fixture]}: " in result.stderr
    assert reason in result.stderr
    [reading] = json.loads(result.stdout)
    assert reading["file"] == str(files["ny_sed"])


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["certificate", "read", str(tmp_path / "nope.pdf")])

    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr


def test_it_reads_certificates_without_django(files: dict[str, Path], tmp_path: Path) -> None:
    program = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from lifelong.cli import app\n"
        f"result = CliRunner().invoke(app, ['certificate', 'read', {str(files['ny_sed'])!r}])\n"
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
