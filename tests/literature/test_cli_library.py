"""``lifelong literature import|refresh|export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lifelong.accounts.models import User
from lifelong.cli import app
from lifelong.literature.models import Article, ReadingListEntry, Source
from tests.literature.loopback import DATA, LoopbackServer, Reply, data

pytestmark = pytest.mark.django_db
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, ["literature", *args])


# -- import ---------------------------------------------------------------------------------


def test_import_reads_several_files_and_prints_a_summary(owner: User) -> None:
    result = run(
        "import",
        str(DATA / "pubmed4.xml"),
        str(DATA / "pubmed1.xml"),
        str(DATA / "same_paper.ris"),
        "--user",
        "owner@example.org",
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "pubmed4.xml: 1 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped",
        "pubmed1.xml: 2 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped",
        "same_paper.ris: 1 added, 1 updated, 0 unchanged, 0 deleted, 0 skipped",
        "Total: 4 added, 1 updated, 0 deleted, 0 skipped",
    ]
    assert Article.objects.for_user(owner).count() == 4


def test_import_reports_duplicates_and_deletions(owner: User, tmp_path: Path) -> None:
    twice = data("pubmed1.xml").replace(
        b"</PubmedArticleSet>",
        data("pubmed1.xml").split(b"<PubmedArticleSet>")[1],
    )
    path = tmp_path / "twice.xml"
    path.write_bytes(twice)

    result = run("import", str(path), "--user", "owner@example.org")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "twice.xml: 2 added, 0 updated, 0 unchanged, 0 deleted, 2 skipped",
        "  skipped: 2 duplicates within the file",
    ]


def test_a_malformed_file_is_reported_with_its_line_and_the_others_still_import(
    owner: User, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(data("pubmed4.xml").replace(b"</ArticleTitle>", b"</Title>", 1))

    result = run("import", str(broken), str(DATA / "pubmed1.xml"), "--user", "owner@example.org")

    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0] == "broken.xml: nothing imported (the file is malformed or unreadable)"
    assert lines[1].startswith("  broken.xml:")
    assert "malformed XML" in lines[1]
    assert lines[2] == "pubmed1.xml: 2 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped"
    assert set(Article.objects.values_list("pmid", flat=True)) == {"9997", "12091962"}


def test_an_unreadable_file_exits_2(owner: User, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "missing.ris"), "--user", "owner@example.org")

    assert result.exit_code == 2
    assert "missing.ris: nothing imported" in result.stdout


def test_import_as_json(owner: User) -> None:
    result = run("import", str(DATA / "pubmed1.xml"), "--user", "owner@example.org", "--json")

    assert result.exit_code == 0
    [summary] = json.loads(result.stdout)
    assert summary["file"] == "pubmed1.xml"
    assert (summary["added"], summary["rejected"], summary["problems"]) == (2, False, [])


def test_import_needs_a_known_account(db: None) -> None:
    result = run("import", str(DATA / "pubmed1.xml"), "--user", "nobody@example.org")

    assert result.exit_code == 2
    assert "no account with the email address 'nobody@example.org'" in result.stderr
    assert not Article.objects.exists()


# -- refresh --------------------------------------------------------------------------------


def test_refresh_fetches_the_due_sources(
    owner: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/rss", Reply(200, data("journal_rss.xml")))
    loopback.add("/atom", Reply(500, b"down"))
    good = Source.objects.create(owner=owner, kind="feed", name="JCPR", url=loopback.url("/rss"))
    bad = Source.objects.create(owner=owner, kind="feed", name="Down", url=loopback.url("/atom"))

    result = run("refresh")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"JCPR (#{good.pk}): 3 new"]
    assert f"Down (#{bad.pk}): failed: The feed's server answered 500." in result.stderr

    again = run("refresh")
    assert again.exit_code == 0
    assert again.stdout == "No source is due.\n"


def test_refresh_one_source_whatever_its_schedule(
    owner: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/rss", Reply(200, data("journal_atom.xml")))
    source = Source.objects.create(
        owner=owner, kind="feed", name="Letters", url=loopback.url("/rss"), schedule="manual"
    )

    result = run("refresh", "--source", str(source.pk), "--user", "owner@example.org")

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Letters (#{source.pk}): 2 new\n"


def test_refresh_of_an_unknown_source_exits_2(db: None) -> None:
    result = run("refresh", "--source", "999")

    assert result.exit_code == 2
    assert "no active PubMed search or feed with the id 999" in result.stderr


# -- export ---------------------------------------------------------------------------------


def test_export_writes_the_library(owner: User, tmp_path: Path) -> None:
    run("import", str(DATA / "pubmed4.xml"), "--user", "owner@example.org")
    output = tmp_path / "library.bib"

    result = run("export", "--user", "owner@example.org", "--format", "bibtex", "-o", str(output))

    assert result.exit_code == 0, result.output
    text = output.read_text()
    assert text.startswith("@article{")
    assert "10.1136/gutjnl-2016-312510" in text
    assert "Wrote 1 reference to" in result.stderr


def test_export_of_the_reading_list_to_stdout(owner: User) -> None:
    run("import", str(DATA / "pubmed1.xml"), "--user", "owner@example.org")
    ReadingListEntry.objects.create(owner=owner, article=Article.objects.get(pmid="9997"))

    result = run("export", "--user", "owner@example.org", "--format", "csl-json", "--saved")

    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert [item["PMID"] for item in items] == ["9997"]


def test_export_refuses_an_unknown_format(owner: User) -> None:
    result = run("export", "--user", "owner@example.org", "--format", "docx")

    assert result.exit_code == 2
