"""``lifelong literature parse FILE... [--json]``: database-free, any supported format,
exit 2 with the file and line for malformed input after printing what could be read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from lifelong.cli import app
from tests.literature.formats.data import BIBTEXPARSER, BIOPYTHON, EDGE, RISPY

runner = CliRunner()


def parse_json(*paths: Path) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["literature", "parse", "--json", *map(str, paths)])
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_json_has_records_deleted_pmids_and_problems() -> None:
    exit_code, document, stderr = parse_json(EDGE / "update_file.xml")

    assert exit_code == 0
    assert stderr == ""
    assert set(document) == {"records", "deleted_pmids", "problems"}
    assert [record["pmid"] for record in document["records"]] == [
        "91000001",
        "91000002",
        "91000003",
    ]
    assert document["deleted_pmids"] == ["88000001", "88000002", "88000003"]
    assert document["problems"] == []


def test_a_json_record_has_the_documented_fields() -> None:
    exit_code, document, _stderr = parse_json(BIOPYTHON / "pubmed4.xml")

    assert exit_code == 0
    (record,) = document["records"]
    assert record["pmid"] == "27797938"
    assert record["doi"] == "10.1136/gutjnl-2016-312510"
    assert record["title"].startswith(
        "Leucocyte telomere length, genetic variants at the TERT gene"
    )
    assert "<i>TERT</i>" in record["title_html"]
    assert [section["label"] for section in record["abstract"]] == [
        "OBJECTIVE",
        "DESIGN",
        "RESULTS",
        "CONCLUSIONS",
    ]
    assert all(set(section) >= {"label", "text"} for section in record["abstract"])
    assert record["authors"][0]["family"] == "Bao"
    assert record["authors"][0]["given"] == "Ying"
    assert record["journal"]["title"] == "Gut"
    assert record["journal"]["volume"] == "66"
    assert record["published"] == "2017-06"
    assert "Observational Study" in record["publication_types"]
    majors = {heading["descriptor"]: heading["major"] for heading in record["mesh"]}
    assert len(majors) == 21
    assert majors["Pancreatic Neoplasms"] is True
    assert majors["Humans"] is False
    assert record["keywords"] == ["PANCREATIC CANCER"]
    assert record["evidence_level"] == "observational"
    assert record["evidence_reason"] == "publication type: Observational Study"
    assert record["retracted"] is False


def test_group_authors_and_retractions_in_json() -> None:
    _exit_code, document, _stderr = parse_json(EDGE / "update_file.xml")

    first = document["records"][0]
    assert first["authors"][1] == {
        "collective": "Guideline Development Panel for the Treatment of Depressive Disorders"
    }
    assert first["retracted"] is True
    assert first["retraction_reason"] == "publication type: Retracted Publication"
    assert first["published"] == "1998-12"
    assert first["published_text"] == "1998 Dec-1999 Jan"


def test_files_of_different_formats_are_read_together() -> None:
    exit_code, document, _stderr = parse_json(
        BIOPYTHON / "pubmed_result3.txt",
        RISPY / "example_basic.ris",
        BIBTEXPARSER / "article_start_with_bom.bib",
        EDGE / "crossref.json",
    )

    assert exit_code == 0
    assert [record["source_format"] for record in document["records"]] == [
        "medline",
        "ris",
        "bibtex",
        "csl-json",
        "csl-json",
        "csl-json",
    ]
    # a skipped CSL item is a warning, not a malformed file
    assert [problem["severity"] for problem in document["problems"]] == ["warning"]


def test_the_summary_names_each_record_its_citation_and_evidence() -> None:
    result = runner.invoke(app, ["literature", "parse", str(EDGE / "update_file.xml")])

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "PMID 91000001 · 10.5555/edge.1998.101"
    assert lines[1] == (
        "  Variants of the APOE ε4 allele and the 10-19 threshold: a randomised controlled trial."
    )
    assert lines[2] == (
        "  Jane Doe Jr, Guideline Development Panel for the Treatment of Depressive Disorders"
    )
    assert lines[3] == "  J Edge Cases 1998 Dec-1999 Jan;12(4):e101"
    assert lines[4].startswith("  Evidence: Randomised trial (title says")
    assert lines[5] == "  RETRACTED: publication type: Retracted Publication"
    assert "Deleted PMIDs (3):" in lines
    assert "  88000001, 88000002, 88000003" in lines
    assert lines[-1] == "3 records, 3 deletions from 1 file."


def test_a_malformed_file_exits_2_after_printing_what_was_read() -> None:
    path = EDGE / "mismatched_tag.xml"

    result = runner.invoke(app, ["literature", "parse", "--json", str(path)])

    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert [record["pmid"] for record in document["records"]] == ["28775130"]
    assert document["problems"][0]["line"] == 425
    assert document["problems"][0]["severity"] == "error"
    assert f"{path}:425: error: malformed XML" in result.stderr


def test_the_readable_files_are_printed_even_when_another_is_malformed() -> None:
    result = runner.invoke(
        app, ["literature", "parse", str(EDGE / "broken.json"), str(BIOPYTHON / "pubmed4.xml")]
    )

    assert result.exit_code == 2
    assert "PMID 27797938" in result.stdout
    assert "The first item is fine" in result.stdout
    assert f"{EDGE / 'broken.json'}:10: error: malformed JSON" in result.stderr
    assert result.stdout.splitlines()[-1] == "2 records from 2 files."


def test_an_unknown_format_or_missing_file_exits_2(tmp_path: Path) -> None:
    csv = tmp_path / "activities.csv"
    csv.write_text("title,year\nA,2001\n")

    result = runner.invoke(app, ["literature", "parse", str(csv), str(tmp_path / "missing.ris")])

    assert result.exit_code == 2
    assert f"{csv}:1: error: not a supported format" in result.stderr
    assert f"{tmp_path / 'missing.ris'}: error: cannot read the file" in result.stderr


def test_warnings_alone_exit_0() -> None:
    result = runner.invoke(app, ["literature", "parse", str(RISPY / "example_multiline.ris")])

    assert result.exit_code == 0
    assert "warning: a record without a title or an identifier: skipped" in result.stderr
    assert result.stdout.splitlines()[-1] == "0 records from 1 file."


def test_parse_needs_no_database(tmp_path: Path) -> None:
    program = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from lifelong.cli import app\n"
        "result = CliRunner().invoke(app, ['literature', 'parse', '--json', "
        f"{str(EDGE / 'update_file.xml')!r}])\n"
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
